"""Text normalisation and a Chinese tokenizer for BM25.

`normalize` is pure and cheap. `Tokenizer` wraps a *private* `jieba.Tokenizer` (the global
one is shared process state: another library's `jieba.add_word` would change our cuts) and
puts a regex pass in front of it, so that the forms people write the same thing in meet in
one token:

- dates: 5月19日 / 5月19号 / 五月十九日 / 5.19 → ``5月19日``; 2017年 / 二〇一七年 → ``2017年``;
  2017-05-19 → ``2017年`` ``5月19日``
- document numbers (文号): 衢政办发〔2017〕29号 / 衢政办发[2017]29号 → ``衢政办发〔2017〕29号``
- ordinals: 第十八条 / 第18条 → ``第十八条`` (also 章 节 款 项 批 期 次 …)
- digit/Latin runs stay whole (12380 is not 1238 + 0, 47.2 is not 47 . 2)

Everything else goes to jieba in precise mode with HMM off: the HMM guesses new words from
context, so the same name could be cut one way inside a query and another inside a passage,
and BM25 would then never match it. Without HMM an unknown name falls into single
characters, which still match each other.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from typing import Iterable

import cn2an
import jieba

__all__ = ["DEFAULT_STOPWORDS", "Tokenizer", "normalize"]

# Function words and question fluff. Kept small on purpose: BM25's idf already discounts
# frequent words, this list only removes words that carry no meaning in a question.
DEFAULT_STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 着 过 和 与 及 以及 或 或者 并 并且 而 而且 是 在 于 为 以 对 对于 把 被 从 向 由 将
    之 其 该 此 这 那 这个 那个 这些 那些 这里 那里 也 都 就 还 又 等 等等 个 吗 呢 吧 啊 呀 么
    哪 哪些 哪个 哪里 哪儿 哪天 什么 什么样 多少 几 怎么 怎样 怎么样 如何 为什么 是否 是不是
    请问 请 问 告诉 一下 我 我们 你 您 你们 他 她 它 他们 想 想要 知道 能 能否 会 时候
    """.split()
)

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# A year between any of the bracket pairs people type for 文号 (NFKC has already folded ［］ to []).
_YEAR_BRACKETS = re.compile(r"[\[【〔]\s*((?:19|20)\d\d)\s*[\]】〕]")
# Round brackets are common in prose, so only a year directly followed by "N号" counts.
_YEAR_PARENS = re.compile(r"\(\s*((?:19|20)\d\d)\s*\)(?=\s*\d+\s*号)")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lowercase, drop zero-width chars, 文号 brackets → 〔〕."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()
    text = _YEAR_BRACKETS.sub(r"〔\1〕", text)
    return _YEAR_PARENS.sub(r"〔\1〕", text)


# --- numerals ---------------------------------------------------------------------------

_CN_DIGIT = "〇零一二三四五六七八九"
_CN_DIGIT_VALUE = {c: v for v, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_CN_NUM = "[一二三四五六七八九十两]"
# 统一月报 / 同一日 / 第一日 are words, not the month 一月 or the day 一日.
_NOT_AFTER = "(?<![统单同逐唯万之第周每星])"
_CN_ORD = "[一二三四五六七八九十百千零〇两]"


@functools.lru_cache(maxsize=4096)
def _to_int(numeral: str) -> int | None:
    """'19' → 19, '十九' → 19, '二〇一七' → 2017; None if it is no number."""
    if numeral.isdigit():
        return int(numeral)
    if len(numeral) == 4 and all(c in _CN_DIGIT for c in numeral):
        # Years are read digit by digit (二〇一七), which cn2an's place-value parser rejects.
        return int("".join(str(_CN_DIGIT_VALUE[c]) for c in numeral))
    try:
        return int(cn2an.cn2an(numeral.replace("两", "二"), "strict"))
    except (ValueError, KeyError, TypeError):
        return None


@functools.lru_cache(maxsize=4096)
def _to_cn(n: int) -> str:
    return cn2an.an2cn(n)


# --- the protected-span pass -------------------------------------------------------------

# Han characters that directly precede a 文号 but are not part of its issuer code.
_DOCNO_LEADS = (
    "详见", "参见", "根据", "依据", "依照", "按照", "参照", "对照", "执行", "落实", "贯彻",
    "印发", "转发", "见", "和", "及", "与", "或", "即", "经", "的", "了", "按", "据",
)
# What may follow a decimal number; "47.2万人" or "1.5倍" is a quantity, never 4月7日 / 1月5日.
_UNITS = "万亿千百十元角分吨个倍人家户亩米斤克次台辆套项座所年月日号度级期天周岁名位只头株件张本篇处批条公平立小多余"

_PATTERNS: tuple[tuple[str, str], ...] = (
    # 文号: issuer code, 〔year〕, serial 号 (brackets already unified by normalize).
    ("docno", r"(?P<docno_pre>[\u4e00-\u9fff]{1,12})〔(?P<docno_y>\d{4})〕第?(?P<docno_n>\d+)号"),
    ("ordinal", rf"第(?P<ord_n>\d+|{_CN_ORD}+)(?P<ord_u>[条章节款项篇部批期次届轮])"),
    ("iso", r"(?<!\d)(?P<iso_y>(?:19|20)\d\d)[-/.](?P<iso_m>\d{1,2})[-/.](?P<iso_d>\d{1,2})(?!\d)"),
    ("year", rf"(?<!\d)(?P<year_y>\d{{4}}|[{_CN_DIGIT}]{{4}})年"),
    ("md", rf"(?<![\d.]){_NOT_AFTER}(?P<md_m>\d{{1,2}}|{_CN_NUM}{{1,3}})月(?P<md_d>\d{{1,2}}|{_CN_NUM}{{1,3}})[日号]"),
    # M.D only where a date list or prose follows, not a table cell or a unit.
    ("dot", rf"(?<![\d.])(?P<dot_m>\d{{1,2}})[.·](?P<dot_d>\d{{1,2}})"
            rf"(?=[ \t]*(?:$|[、,;。:)!?]|[\u4e00-\u9fff](?<![{_UNITS}])))"),
    ("month", rf"(?<![\d.]){_NOT_AFTER}(?P<month_m>\d{{1,2}}|{_CN_NUM}{{1,3}})月"),
    ("day", rf"(?<![\d.]){_NOT_AFTER}(?P<day_d>\d{{1,2}}|{_CN_NUM}{{1,3}})日"),
    ("num", r"[0-9a-z]+(?:\.[0-9]+)*"),
)


_BASE_PATTERN = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _PATTERNS))


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(c)[0] in "PSZC" for c in token)


def initialize_quietly(tok: jieba.Tokenizer) -> None:
    """Load a jieba dictionary. jieba announces every load at DEBUG on stderr; that is noise in
    a CLI or service log, so its logger is hushed for the load only."""
    log = jieba.default_logger
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        tok.initialize()
    finally:
        log.setLevel(level)


class Tokenizer:
    """Chinese BM25 tokenizer. `user_words` are corpus words that must stay whole
    (place names, slogans, programme numbers: 柯城区, 最多跑一次, 1238); the caller mines them.

    jieba's dictionary (~0.4 s) loads on first use or in `warm_up()`, not at construction,
    so a service can build its objects quickly and warm up in the background.
    """

    def __init__(self, user_words: Iterable[str] = (), stopwords: Iterable[str] | None = None) -> None:
        words = {normalize(w).strip() for w in user_words}
        self.user_words: tuple[str, ...] = tuple(sorted(w for w in words if w))
        self.stopwords: frozenset[str] = (
            DEFAULT_STOPWORDS if stopwords is None else frozenset(normalize(w) for w in stopwords)
        )
        # Words the regex pass would cut into (digits/Latin, or a date/ordinal inside, like
        # 三月街) never reach jieba whole, so they join the regex pass, ahead of every other
        # pattern (longest first, whole digit/Latin runs only).
        special = sorted(
            (w for w in self.user_words if not _all_han(w) or _BASE_PATTERN.search(w)), key=len, reverse=True
        )
        alternatives = list(_PATTERNS)
        if special:
            body = "|".join(re.escape(w) for w in special)
            alternatives.insert(0, ("user", rf"(?<![0-9a-z])(?:{body})(?![0-9a-z])"))
        self._pattern = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in alternatives))
        self._jieba = jieba.Tokenizer()
        self._ready = False
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load jieba's dictionary and the user words now rather than on the first call."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            initialize_quietly(self._jieba)
            for word in self.user_words:
                if _all_han(word) and not _BASE_PATTERN.search(word):
                    self._jieba.add_word(word)
            self._ready = True

    def tokenize(self, text: str) -> list[str]:
        """Normalised tokens of `text`, stopwords and punctuation removed, in text order."""
        self.warm_up()
        text = normalize(text)
        out: list[str] = []
        pos = 0
        for m in self._pattern.finditer(text):
            if m.start() > pos:
                self._cut(text[pos : m.start()], out)
            pos = m.end()
            self._special(m, out)
        if pos < len(text):
            self._cut(text[pos:], out)
        return out

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def word_starts(self, text: str) -> frozenset[int]:
        """Offsets in `text` (as given: not normalised, nothing removed) where a word begins, as jieba
        cuts it with the user words: where a phrase may be cut without splitting a word."""
        self.warm_up()
        return frozenset(start for _, start, _ in self._jieba.tokenize(text, HMM=False))

    # -- internals --

    def _cut(self, chunk: str, out: list[str]) -> None:
        stop = self.stopwords
        for tok in self._jieba.cut(chunk, HMM=False):
            if tok not in stop and not _is_punct(tok):
                out.append(tok)

    def _special(self, m: re.Match[str], out: list[str]) -> None:
        kind = m.lastgroup
        g = m.group
        if kind == "docno":
            prefix = _strip_leads(g("docno_pre"))
            lead = g("docno_pre")[: len(g("docno_pre")) - len(prefix)]
            if lead:
                self._cut(lead, out)
            out.append(f"{prefix}〔{g('docno_y')}〕{int(g('docno_n'))}号")
        elif kind == "ordinal":
            n = _to_int(g("ord_n"))
            out.append(f"第{_to_cn(n)}{g('ord_u')}" if n is not None else m.group())
        elif kind == "iso":
            m_, d = int(g("iso_m")), int(g("iso_d"))
            if _valid_md(m_, d):
                out += [f"{g('iso_y')}年", f"{m_}月{d}日"]
            else:
                out += [g("iso_y"), g("iso_m"), g("iso_d")]
        elif kind == "year":
            y = _to_int(g("year_y"))
            out.append(f"{y}年" if y is not None else m.group())
        elif kind == "md":
            m_, d = _to_int(g("md_m")), _to_int(g("md_d"))
            if m_ is not None and d is not None and _valid_md(m_, d):
                out.append(f"{m_}月{d}日")
            else:
                self._cut(m.group(), out)
        elif kind == "dot":
            m_, d = int(g("dot_m")), int(g("dot_d"))
            out.append(f"{m_}月{d}日" if _valid_md(m_, d) else m.group())
        elif kind == "month":
            m_ = _to_int(g("month_m"))
            if m_ is not None and 1 <= m_ <= 12:
                out.append(f"{m_}月")
            else:
                self._cut(m.group(), out)
        elif kind == "day":
            d = _to_int(g("day_d"))
            if d is not None and 1 <= d <= 31:
                out.append(f"{d}日")
            else:
                self._cut(m.group(), out)
        else:  # "num" or "user": already the token we want
            out.append(m.group())


def _all_han(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def _valid_md(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _strip_leads(prefix: str) -> str:
    """衢政办发 out of 详见衢政办发: cut after the last lead word, keeping ≥ 2 characters."""
    best = prefix
    for lead in _DOCNO_LEADS:
        i = prefix.rfind(lead)
        if i >= 0 and len(prefix) - (i + len(lead)) >= 2:
            rest = prefix[i + len(lead) :]
            if len(rest) < len(best):
                best = rest
    # Issuer codes are short (国发, 浙政办发, 清整联办); a longer run is prose plus a code.
    return best if len(best) <= 6 else best[-6:]
