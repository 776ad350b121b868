"""The word lists are data: every gazette-word row names the line where its official word stands."""
import re
from pathlib import Path

from qa.config import BUNDLED_CORPUS
from qa.synonyms import LEXICON, gazette_words, read_rows


def test_every_gazette_word_stands_on_its_source_line():
    rows = read_rows(LEXICON / "gazette_words.tsv")
    assert rows
    for row in rows:
        name, line = row.source.rsplit(":", 1)
        text = (BUNDLED_CORPUS / name).read_text("utf-8").split("\n")[int(line) - 1]
        assert row.replacement in re.sub(r"\s", "", text), row


def test_question_words_name_no_passage_and_compile():
    for row in read_rows(LEXICON / "question_words.tsv"):
        assert row.source == ""
        re.compile(row.pattern)


def test_matching_form_uses_both_lists():
    assert gazette_words("电瓶车上牌要带啥") == "电动自行车登记提交什么"
    assert gazette_words("啥时候截止") == "什么时候截止"
