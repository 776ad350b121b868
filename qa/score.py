"""Lexical evidence scoring: how much of a question a text covers, by character bigrams weighted by
rarity in the corpus. Pure functions; the IDF table is built once by the caller."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from qa.text import bigrams, content, fold

_SPACE = re.compile(r"\s")
_SEGMENTS = re.compile(r"[|\s]+")


def coverage(question: str, text: str, idf: dict[str, float] | None = None, top: float | None = None) -> float:
    """Share of the question's content bigrams found in the text, weighted by rarity when `idf` is given
    (a bigram the corpus never contains weighs most: missing it is strong evidence of no answer)."""
    if idf is not None:
        return weighted_coverage(question_weights(question, idf, top), text)
    q = bigrams(content(question))
    if not q:
        return 0.0
    t = _SPACE.sub("", text)
    return sum(1 for b in q if b in t) / len(q)


def question_weights(question: str, idf: dict[str, float], top: float | None = None) -> tuple[tuple[str, float], ...]:
    """The question's informative bigrams with their rarity weights (`top` for one the corpus lacks),
    in a fixed order: what `weighted_coverage` compares a text against."""
    top = top if top is not None else max(idf.values(), default=1.0)
    return tuple(sorted((b, idf.get(b, top)) for b in informative_bigrams(question, idf)))


def weighted_coverage(weights: tuple[tuple[str, float], ...], text: str) -> float:
    """Share of the weight of `weights` (question_weights) whose bigrams the text holds."""
    if not weights:
        return 0.0
    t = _squeezed(text)
    # fsum: exact whatever the order, so equal evidence scores equal in every process and ties break
    # the same way
    return math.fsum([v for b, v in weights if b in t]) / math.fsum([v for _, v in weights])


@lru_cache(maxsize=4096)
def _squeezed(text: str) -> str:
    # the same chunk and dated-statement texts are compared with every candidate and every question;
    # in the question's matching form (NFKC), so "Ⅳ级" and "（三）" as printed meet "IV级" and "(三)"
    return _SPACE.sub("", fold(text))


def informative_bigrams(question: str, idf: dict[str, float]) -> set[str]:
    """The question's content bigrams without junctions: a bigram the corpus never has, standing
    between two bigrams it has (or beside one at a segment's edge), spans two known words ("州汛" in
    "衢州汛期") and says nothing; an
    unknown bigram next to another unknown one is a word the gazette lacks ("奖金", "租车") and counts."""
    out: set[str] = set()
    for seg in _SEGMENTS.split(content(question)):
        grams = [seg[i : i + 2] for i in range(len(seg) - 1)]
        for i, b in enumerate(grams):
            # at a segment's edge, one known neighbour is enough: "家企业" (from "多少家企业") leaves
            # the orphan "家企" beside 企业
            left = i == 0 or grams[i - 1] in idf
            right = i == len(grams) - 1 or grams[i + 1] in idf
            junction = b not in idf and len(grams) > 1 and left and right
            if not junction:
                out.add(b)
    return out


def bigram_idf(texts: list[str]) -> dict[str, float]:
    """Smoothed IDF of every character bigram of the texts, in the matching form (NFKC)."""
    df: dict[str, int] = {}
    for t in texts:
        for b in bigrams(fold(t)):
            df[b] = df.get(b, 0) + 1
    n = len(texts) + 1
    return {b: math.log(n / (1 + d)) + 1.0 for b, d in df.items()}


_SENT = re.compile(r"[^。;;!?!?\n]*[。;;!?!?]|[^。;;!?!?\n]+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if s.strip()]
