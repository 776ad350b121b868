"""Places a question names that the corpus never mentions: "金华市的防汛物资仓库…" is about
another city, and this issue of the 衢州 gazette cannot answer it, however well its topic matches.

jieba's part-of-speech tagger marks place names (`ns`); a private tagger is used so that words
another library adds to jieba's global dictionary cannot change what is recognised.
"""
from __future__ import annotations

import re
import threading

import jieba
import jieba.posseg

from index.tokenize import initialize_quietly

PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?<!的)[省市县区州镇乡村]")


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

    def unknown(self, question: str) -> str | None:
        self.warm_up()
        assert self._tagger is not None
        for word, flag in self._tagger.lcut(question):
            # a place name ends like one (金华市, 温州, 龙泉县): the tagger also marks fragments
            # such as "的海" ns, and single characters (市, 县) are the generic words
            if flag == "ns" and PLACE_NAME.fullmatch(word) and word not in self._text:
                return word
        return None
