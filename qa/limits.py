"""How much of a question the answering looks at, so that every step's cost is bounded whatever
the input.

A question may be MAX_QUESTION characters long, but what is matched against the gazette (its
matching form) is capped at MAX_MATCH: the steps that grow with their input (jieba's tagger and
tokenizer, the query encoder — whose attention grows with the square of its tokens — the
bigram scoring of every candidate sentence, one retrieval per question part) then cost at most
what a MAX_MATCH-character question costs. `make bench` measures it: the costliest of 1,040
adversarial questions against the normal p99 over the gold questions.

MAX_MATCH is 64: every gold and dev question, and every standalone form of their dialog turns,
is at most 49 characters, so no answer there changes; a 64-character random CJK question costs
about 3× a normal question's p99 (the encoder is most of it).
"""
from __future__ import annotations

MAX_QUESTION = 500  # characters a client may send
MAX_MATCH = 64  # characters of it the answering matches

__all__ = ["MAX_MATCH", "MAX_QUESTION", "capped"]


def capped(text: str, limit: int = MAX_MATCH) -> str:
    """`text` if it is within `limit` characters, else its head and its tail with a space between:
    a long message often opens with its topic and ends with its question, and the space keeps
    words and character pairs from forming across the cut. A cut never splits a number, a Latin
    word or an e-mail address: a fragment of a phone or ID number would be matched as content
    and would escape the masking of personal data.

    >>> capped("一二三四五六七八", 5)
    '一二 七八'
    >>> capped("电话13812345678请问景区几点开门", 12)
    '电话 景区几点开门'
    >>> capped("6月12日哪些景区免费?")
    '6月12日哪些景区免费?'
    """
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    tail = len(text) - (limit - 1 - head)
    while 0 < head and _joined(text[head - 1]) and _joined(text[head]):
        head -= 1
    while tail < len(text) and _joined(text[tail - 1]) and _joined(text[tail]):
        tail += 1
    return text[:head] + " " + text[tail:]


def _joined(ch: str) -> bool:
    """Part of a run that must stay whole: digits (any width), Latin letters, e-mail punctuation."""
    return ch.isdigit() or (ch.isascii() and (ch.isalpha() or ch in "@._+-"))
