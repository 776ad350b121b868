"""What a question quotes that the corpus never prints ("推广的模式有没有江山“清湖模式”?"): the answer
says so in as many words, rather than leave a caller to infer it from a passage that names other
things ("…江山“石明模式”…").

Only a term the asker set in quotation marks is looked up, as typed after normalising and respelling
(the matching form): a quoted term is one the asker means exactly, where a phrase cut out of free
text would misread words the gazette merely puts otherwise.
"""
from __future__ import annotations

import re

from qa.text import squeeze

# “…”, "…", 「…」, 『…』: a term of two to sixteen characters holding a Chinese character or a digit
# (document titles in 《》 are matched by the retrieval and the 文号 gate, and users shorten them)
_QUOTED = re.compile(r"“([^“”]{2,16})”|\"([^\"]{2,16})\"|「([^「」]{2,16})」|『([^『』]{2,16})』")
_WORDY = re.compile(r"[\u4e00-\u9fff0-9]")
# a quoted pattern with a gap, not a name: "谁...谁负责", "首席×官", "首席什么官"
_GAP = re.compile(r"\.\.|…|[×xX*＊?？]|什么|啥|哪|几|某")


def quoted_terms(question: str) -> list[str]:
    """The terms a question sets in quotation marks, in order, each once.

    >>> quoted_terms('有没有江山“清湖模式”和"开启模式"?')
    ['清湖模式', '开启模式']
    >>> quoted_terms('那个“首席×官”是啥?“谁...谁负责”都有哪些?')
    []
    """
    out: list[str] = []
    for m in _QUOTED.finditer(question):
        term = squeeze(next(g for g in m.groups() if g is not None))
        if _WORDY.search(term) and not _GAP.search(term) and term not in out:
            out.append(term)
    return out


def unprinted(corpus_text: str, question: str) -> list[str]:
    """The quoted terms of `question` that `corpus_text` (whitespace removed) nowhere prints."""
    return [t for t in quoted_terms(question) if t not in corpus_text]


def unprinted_note(corpus_text: str, question: str, said: str) -> str:
    """"本期公报未提及“清湖模式”。" for each quoted term the corpus lacks and the answer so far does not
    hold; "" when there is none."""
    terms = [t for t in unprinted(corpus_text, question) if t not in squeeze(said)]
    return "本期公报未提及" + "、".join(f"“{t}”" for t in terms) + "。" if terms else ""
