"""Homophone slips of a pinyin IME, respelt toward the corpus's words, for matching only.

A resident typing pinyin picks the wrong character of the right sound: 隐换 for 隐患, 整该 for 整改,
方按 for 方案, 以经 for 已经. The slip is a character pair that is no word (not in the corpus, not
in jieba's dictionary) while a pair of the same sound with one character in common is a word the
corpus uses. Such a pair is respelt, unless it only straddles two words: a kept character that makes
a word with its other neighbour ("目标是" is 目标 + 是, not 标识), a changed character that does
("孔氏南宗": 孔氏), a longer word that holds the pair ("找不到"), or a closed-class character (qa/lexicon/function_chars.txt: 是, 要, 在, 我… stand alone beside any word,
so "我是江山的" is no slip for 我市). A word of jieba's dictionary that the corpus never prints is a
slip too when a corpus word of the same sound is RARE times commoner in the dictionary (执刑 for 执行,
人材 for 人才). What the user typed is kept for display.
"""
from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, pinyin

from index.tokenize import initialize_quietly
from qa.question import asks

LEXICON = Path(__file__).resolve().parent / "lexicon"
_HAN2 = re.compile(r"[\u4e00-\u9fff]{2}")
# a corpus pair met this often is one of its words, not a chance neighbourhood of two characters
MIN_COUNT = 5
# a pair met this often beside a character binds it (the junction test)
BOUND = 3
# over the train and dev questions every dictionary word respelt at 100 times rarer than its corpus
# homophone was a slip (复盖, 按排, 受权, 人材, 监查, 执刑…); the commonest word below it was not (骑车 beside 汽车: 59)
RARE = 100


_SENTENCE = re.compile(r"[^?!。;]+[?!。;]?")
# 那 before a classifier or a time word: "那个局", "那几条", "那一年", "那天"
_CLASSIFIER = r"(?:[个些几]|一?[年天家位种类项条批处])"
_THAT = re.compile(rf"(?<=[\u4e00-\u9fff])那(?={_CLASSIFIER})")
_THAT_WORD = re.compile(rf"那{_CLASSIFIER}")
# a yes/no question asked by its tone ("听说那天不用买票?", "免费不?") or a measure asked ("搞多大?")
_TONE_ASKS = re.compile(r"[不没]|多[大高远重]")


def which_slips(q: str) -> str:
    """哪 typed as 那, the IME's other character of the sound (nǎ/nà): "办公室放在那个局呀?",
    "基本原则有那几条?". Respelt where nothing else in the sentence asks, so that the 那 is its only
    question word: in the clause that ends a question (typed "?"), after another character (a clause
    or question opening "那个…" points back: "那个除险安居三年行动…还算数呀?"), and not in a yes/no
    question asked by its tone. Expects the NFKC form (half-width "?").

    >>> which_slips("西区科创城要到那年才能基本建好?")
    '西区科创城要到哪年才能基本建好?'
    >>> which_slips("国庆节那天去根宫佛国免费不?")
    '国庆节那天去根宫佛国免费不?'
    """
    out = []
    for sentence in _SENTENCE.findall(q):
        body = sentence.rstrip("?!。; ")
        clauses = re.split(r"(?<=,)", body)
        last = clauses[-1]
        start = len(body) - len(last)
        at = {m.start() for m in _THAT.finditer(body) if m.start() > start}
        if (not at or not sentence.rstrip().endswith("?") or asks(_THAT_WORD.sub("", last))
                or _TONE_ASKS.search(last) or any(asks(c.rstrip(",")) for c in clauses[:-1])):
            out.append(sentence)
            continue
        out.append("".join("哪" if i in at else ch for i, ch in enumerate(body)) + sentence[len(body):])
    return "".join(out)


def load_function_chars(path: Path = LEXICON / "function_chars.txt") -> frozenset[str]:
    rows = [ln.split("#", 1)[0].strip() for ln in path.read_text("utf-8").splitlines()]
    return frozenset("".join(rows))


@lru_cache(maxsize=8192)  # a character's sounds, asked again for every pair it stands in
def _sounds(ch: str) -> tuple[str, ...]:
    return tuple(p[0] for p in pinyin(ch, style=Style.NORMAL, heteronym=True))


class Respeller:
    """`fix(question)` → the question with homophone slips respelt to corpus words.

    >>> Respeller("整改隐患整改隐患整改隐患整改隐患整改隐患").fix("厂里的隐换啥时候整该完?")
    '厂里的隐患啥时候整改完?'
    """

    def __init__(self, corpus_text: str, function_chars: frozenset[str] | None = None) -> None:
        text = re.sub(r"\s", "", corpus_text)
        self._text = text
        self._pairs = Counter(text[i:i + 2] for i in range(len(text) - 1))
        # a respelt pair with its two neighbours (_confirmed) is looked up here, not by scanning the
        # corpus for each of a slip's candidate words: a long question has hundreds of pairs
        self._quads = Counter(text[i:i + 4] for i in range(len(text) - 3))
        self._function = function_chars if function_chars is not None else load_function_chars()
        # (position kept, kept character, sound of the other) → corpus words, most used first
        by_sound: dict[tuple[int, str, str], list[tuple[int, str]]] = defaultdict(list)
        for pair, n in self._pairs.items():
            if n >= BOUND and _HAN2.fullmatch(pair):
                for keep in (0, 1):
                    for sound in _sounds(pair[1 - keep]):
                        by_sound[(keep, pair[keep], sound)].append((n, pair))
        # every pair the corpus prints BOUND times is a candidate where its context confirms it
        # (_confirmed); a bare pair needs MIN_COUNT to be taken for one of the corpus's words
        self._by_sound_any = {k: [p for _, p in sorted(v, reverse=True)] for k, v in by_sound.items()}
        self._by_sound = {k: [p for p in ps if self._pairs[p] >= MIN_COUNT] for k, ps in self._by_sound_any.items()}
        self._words: dict[str, int] | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load jieba's dictionary now, not on the first question."""
        if self._words is None:
            with self._lock:
                if self._words is None:
                    tok = jieba.Tokenizer()
                    initialize_quietly(tok)
                    self._words = tok.FREQ

    def _word(self, pair: str) -> bool:
        self.warm_up()
        return self._words.get(pair, 0) > 0

    def _homophones(self, pair: str, keep: int):
        """The corpus words (met MIN_COUNT times) that keep the pair's character at `keep` and sound
        like its other one, most used first."""
        for sound in _sounds(pair[1 - keep]):
            yield from self._by_sound.get((keep, pair[keep], sound), ())

    def _rare_homophone(self, pair: str) -> bool:
        """A word of the dictionary the corpus never prints, while a pair of the same sound sharing one
        character is a corpus word the dictionary meets far more often (执刑 beside 执行, 人材 beside 人才)."""
        n = self._words.get(pair, 0)
        return any(w != pair and self._words.get(w, 0) >= RARE * n
                   for keep in (0, 1) for w in self._homophones(pair, keep))

    def _bound(self, chars: list[str], at: int, side: int) -> bool:
        """Whether the character at `at` makes a word with the one or two beside it on `side`."""
        for n in (1, 2):
            lo, hi = (at - n, at + 1) if side < 0 else (at, at + n + 1)
            if lo < 0 or hi > len(chars):
                break
            w = "".join(chars[lo:hi])
            if self._word(w) or (n == 1 and self._pairs.get(w, 0) >= BOUND):
                return True
        return False

    def _confirmed(self, chars: list[str], i: int) -> str | None:
        """A respelling the corpus prints with both neighbours of the pair ("钱江源国家公圆" →
        "家公园管", as in 国家公园管理委员会): the context that made the junction test doubt it (家公
        is a corpus pair) confirms it instead."""
        if i == 0 or i + 2 >= len(chars):
            return None
        pair = chars[i] + chars[i + 1]
        for keep in (0, 1):
            for sound in _sounds(pair[1 - keep]):
                for w in self._by_sound_any.get((keep, pair[keep], sound), ()):
                    quad = chars[i - 1] + w + chars[i + 2]
                    # the Counter counts overlapping occurrences, str.count does not: it only rules out
                    if self._quads[quad] >= BOUND and self._text.count(quad) >= BOUND:
                        return w
        return None

    def fix(self, q: str) -> str:
        out = list(q)
        i = 0
        while i < len(out) - 1:
            pair = out[i] + out[i + 1]
            if (not _HAN2.fullmatch(pair) or pair in self._pairs
                    or self._word(pair) and not self._rare_homophone(pair)
                    or out[i] in self._function or out[i + 1] in self._function):
                i += 1
                continue
            # a longer word holding the pair ("找不到") is no slip
            if self._word("".join(out[i:i + 3])) or (i > 0 and self._word("".join(out[i - 1:i + 2]))):
                i += 1
                continue
            fixed = self._confirmed(out, i)
            for keep in (0, 1) if fixed is None else ():
                # a kept or changed character bound to its other neighbours (a word of two or three
                # characters: 目标|是, 合格证|找不到, 孔氏|南宗): the pair is a junction
                kept_at, changed_at = (i, i + 1) if keep == 0 else (i + 1, i)
                if self._bound(out, kept_at, -1 if keep == 0 else 1) or self._bound(out, changed_at, 1 if keep == 0 else -1):
                    continue
                fixed = next((w for w in self._homophones(pair, keep) if self._word(w)), None)
                if fixed:
                    break
            if fixed:
                out[i], out[i + 1] = fixed[0], fixed[1]
                i += 2
            else:
                i += 1
        return "".join(out)
