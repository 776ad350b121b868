"""Places a question names that the corpus never mentions: "金华市的防汛物资仓库…" is about
another city, and this issue of the 衢州 gazette cannot answer it, however well its topic matches.

jieba's part-of-speech tagger marks place names (`ns`); a private tagger is used so that words
another library adds to jieba's global dictionary cannot change what is recognised. It runs with
its HMM off: the HMM guesses words the dictionary lacks with a Viterbi pass over hundreds of
(position, part of speech) states per character, several ms per unknown character (1.2 s for a
500-character random question), while the place names people ask about are dictionary words
(金华市, 溪口镇, 杭州), tagged the same without it; every gold and dev question gets the same
verdict either way. The tagger also sees the capped matching form only (qa.limits), so its cost
is bounded whatever the input.
"""
from __future__ import annotations

import re
import threading

import jieba
import jieba.posseg

from index.tokenize import initialize_quietly
from qa.limits import capped

# a name and its suffix (金华市, 龙泉县) or a 州 city (温州); not a fragment the tagger glued to a
# suffix ("先进集体里市本级" → 里市)
PLACE_NAME = re.compile(r"(?![里在的和与各本全该每我这那])[\u4e00-\u9fff]{2,6}[省市县区镇乡村]|[\u4e00-\u9fff]{1,3}州")
# the level a place name ends in (开化县, 杭州市); people and texts also say the name without it
LEVEL_SUFFIXES = "县市区省"


def place_stem(name: str) -> str:
    """"杭州市" is printed as 杭州 too; a two-character name keeps its suffix (龙游县 → 龙游, 城区 stays)."""
    return name[:-1] if len(name) > 2 and name[-1] in LEVEL_SUFFIXES else name


class PlaceNames:
    """`unknown(question)` → the first place name the question uses and the corpus text lacks.

    >>> PlaceNames("衢州市江山市").unknown("金华市的仓库要多大?")
    '金华市'
    """

    def __init__(self, corpus_text: str) -> None:
        self._text = corpus_text
        self._tagger: jieba.posseg.POSTokenizer | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load jieba's dictionary and tag table now, not on the first question."""
        if self._tagger is not None:
            return
        with self._lock:
            if self._tagger is None:
                tok = jieba.Tokenizer()
                initialize_quietly(tok)
                self._tagger = jieba.posseg.POSTokenizer(tok)

    def named(self, question: str) -> tuple[str, ...]:
        """Every place name the question uses, known to the corpus or not ("杭州的扶贫健康保险…" → 杭州)."""
        self.warm_up()
        assert self._tagger is not None
        # the tagger also marks fragments ("的海", "里市") and generic words (市, 县) as places
        return tuple(dict.fromkeys(word for word, flag in self._tagger.lcut(capped(question), HMM=False)
                                   if flag == "ns" and PLACE_NAME.fullmatch(word)))

    def unknown(self, question: str) -> str | None:
        return next((word for word in self.named(question) if word not in self._text), None)
