"""One document per 文号 within one ingest: a repeat with the same text is kept once and reported; a
repeat with other text is an error naming both places. Fixture corpora are the real gazette with
衢政发〔2017〕17号 (lines 1011–1186) repeated, as is or edited."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from qa.build import build_index
from qa.cli import main
from qa.config import Settings
from qa.corpus import Duplicate, Place, load_corpus
from qa.errors import DuplicateDocument

KEY = "衢政发〔2017〕17号"
FIRST, LAST = 1011, 1186  # its lines in the gazette, 1-based, inclusive


def with_repeat(lines: list[str], edit=None) -> str:
    """The gazette with the document printed a second time right after itself."""
    copy = lines[FIRST - 1 : LAST]
    if edit is not None:
        copy = [edit(line) for line in copy]
    return "\n".join(lines[:LAST] + copy + lines[LAST:])


def soften(line: str) -> str:
    return line.replace("以人为本", "以民为本")  # one word of 第三条


@pytest.fixture(scope="module")
def original(gazette_path):
    return load_corpus([gazette_path])


def test_a_repeat_with_the_same_text_is_kept_once(tmp_path, source_lines, original):
    path = tmp_path / "repeated.txt"
    path.write_text(with_repeat(source_lines), encoding="utf-8")
    corpus = load_corpus([path])
    # before: 25 documents, and the repeat's chunks indexed again under ids renamed "~2"
    assert len(corpus.documents) == len(original.documents) == 24
    assert [(c.id, c.index_text) for c in corpus.chunks] == [(c.id, c.index_text) for c in original.chunks]
    assert corpus.duplicates == (Duplicate(KEY, Place("repeated.txt", FIRST), Place("repeated.txt", LAST + 1)),)
    assert str(corpus.duplicates[0]) == (f"{KEY} appears twice with the same text "
                                         f"(repeated.txt line {FIRST}, repeated.txt line {LAST + 1}): kept once")


def test_a_repeat_in_another_file_is_kept_once(tmp_path, gazette_path, original):
    shutil.copy(gazette_path, tmp_path / "reprint.txt")
    corpus = load_corpus([gazette_path, tmp_path / "reprint.txt"])
    assert [d.key for d in corpus.documents] == [d.key for d in original.documents]
    assert len(corpus.duplicates) == 24 and corpus.duplicates[5].dropped == Place("reprint.txt", FIRST)
    assert [len(i.documents) for i in corpus.issues] == [24, 0]


def test_a_repeat_with_other_text_names_both_places(tmp_path, source_lines):
    path = tmp_path / "edited.txt"
    path.write_text(with_repeat(source_lines, soften), encoding="utf-8")
    assert "以人为本" in path.read_text(encoding="utf-8")
    with pytest.raises(DuplicateDocument) as err:
        load_corpus([path])
    third = next(n for n, line in enumerate(source_lines, 1) if FIRST <= n and line.startswith("第三条"))
    assert str(err.value) == (
        f"{KEY} appears twice with different text: edited.txt line {FIRST} and edited.txt line {LAST + 1} "
        f"(first difference in 第一章 总则 / 第三条, lines {third} and {third + LAST - FIRST + 1}); keep one version in the corpus")


def test_ingest_of_a_clashing_repeat_fails_in_one_line_and_keeps_the_old_index(tmp_path, source_lines, capsys):
    path = tmp_path / "edited.txt"
    path.write_text(with_repeat(source_lines, soften), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "var"), "ingest", "--quiet", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"qa: error: {KEY} appears twice with different text: edited.txt line {FIRST} and ")
    assert err.count("\n") == 1
    assert not (tmp_path / "var" / "index").exists()


def test_the_ingest_report_notes_a_repeat_kept_once(tmp_path, source_lines, docs):
    # The last document of the gazette (衢政干〔2017〕6号, two chunks) printed twice, alone with the
    # front matter: a corpus that builds in seconds.
    doc = source_lines[docs["衢政干〔2017〕6号"].line_start - 1 :]
    path = tmp_path / "twice.txt"
    path.write_text("\n".join(source_lines[:95] + doc + doc), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "var", corpus=path, reference_date=dt.date(2017, 6, 5))
    report = build_index(settings, [path], progress=False).splitlines()
    assert report[0].startswith("indexed 2 chunks from 1 documents (twice.txt)")
    assert report[1:] == [f"衢政干〔2017〕6号 appears twice with the same text "
                          f"(twice.txt line 96, twice.txt line {96 + len(doc)}): kept once"]
