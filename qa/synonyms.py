"""Everyday words → the gazette's words, so that a resident's question meets the text it is about.

The pairs are data (qa/lexicon/gazette_words.tsv: each row names the gazette line where its official
word stands; qa/lexicon/question_words.tsv: colloquial question words). Only the matching form of a
question is rewritten; the question as asked is what the user sees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent / "lexicon"


@dataclass(frozen=True)
class Row:
    pattern: str
    replacement: str
    source: str  # "file:line" of the passage the official word comes from ("" for question words)


def read_rows(path: Path) -> tuple[Row, ...]:
    rows = []
    for ln in path.read_text("utf-8").splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        cols = ln.split("\t")
        rows.append(Row(cols[0], cols[1], cols[2] if len(cols) > 2 else ""))
    return tuple(rows)


@lru_cache(maxsize=4)
def _compiled(folder: Path = LEXICON) -> tuple[tuple[re.Pattern[str], str], ...]:
    rows = read_rows(folder / "question_words.tsv") + read_rows(folder / "gazette_words.tsv")
    return tuple((re.compile(r.pattern), r.replacement) for r in rows)


def gazette_words(question: str) -> str:
    """The question in the gazette's words, for matching only.

    >>> gazette_words("电动车号牌装在哪个位置")
    '电动自行车号牌安装在哪个位置'
    """
    out = question
    for pattern, replacement in _compiled():
        out = pattern.sub(replacement, out)
    return out
