"""A seeded generator of surface variants of a question: the same question as people type it.

``variants(question, kind, rng)`` returns one variant of ``kind``; ``rng`` (random.Random) picks
one of at least five forms of that kind and fills in its details (numbers, names). The meaning
never changes: punctuation width, an identifier or self-introduction in front, a greeting in front,
a trailing particle, a filler word at a phrase boundary. Nothing here reads a question set.

Kinds: fullwidth (ASCII punctuation → what a Chinese IME types), halfwidth (the reverse),
phone (an identifier or self-introduction in front), greeting (a polite opener in front),
particle (呢/啊/呀 at the end), filler (那个/就是 inside).
"""
from __future__ import annotations

import random
import re

KINDS = ("fullwidth", "halfwidth", "phone", "greeting", "particle", "filler")

# written as escapes: the full-width forms look like their ASCII twins in most editors
FW_COMMA, FW_QUESTION, FW_COLON, FW_EXCLAIM = "\uff0c", "\uff1f", "\uff1a", "\uff01"
_TO_FULL = {",": FW_COMMA, "?": FW_QUESTION, ":": FW_COLON, ";": "\uff1b", "!": FW_EXCLAIM, "(": "\uff08",
            ")": "\uff09"}
_TO_HALF = {v: k for k, v in _TO_FULL.items()} | {"\u3002": ".", "\u3001": ","}
_END_PUNCT = "?!.~" + FW_QUESTION + FW_EXCLAIM + "\u3002\uff5e"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
_PLACES = ("柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县")
_GREETINGS = ("你好,请问", "您好" + FW_COMMA + "麻烦问一下" + FW_COMMA, "你好!想咨询一下:", "请问一下" + FW_COMMA,
              "打扰一下,我想问问", "您好" + FW_COMMA + "我想了解一下,")
_PARTICLES = ("呢", "啊", "呀")
_FILLERS = ("那个", "就是", "就是那个", "那个,就是")
# question words a filler can stand before without splitting a word
_QWORDS = re.compile(r"(什么|哪|多少|多大|多长|多久|几|是否|有没有|是不是|要不要|能不能|怎么|如何|谁|啥|咋|何时)")


def _mobile(rng: random.Random) -> str:
    return rng.choice(("139", "138", "137", "158", "188", "135")) + "".join(str(rng.randrange(10)) for _ in range(8))


def _landline(rng: random.Random) -> str:
    return "0570-" + str(rng.randrange(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(6))


def _id_card(rng: random.Random) -> str:
    year = rng.randrange(1950, 2001)
    return (f"3308{rng.randrange(0, 30):02d}{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            f"{rng.randrange(0, 1000):03d}{rng.choice('0123456789X')}")


def _phone(q: str, rng: random.Random) -> str:
    name = rng.choice(_SURNAMES)
    forms = (
        lambda: f"我电话{_mobile(rng)},{q}",
        lambda: f"我是{name}女士{FW_COMMA}手机{_mobile(rng)}{FW_COMMA}想问一下{q}",
        lambda: f"我姓{name},电话{_landline(rng)}。{q}",
        lambda: f"身份证号{_id_card(rng)},{q}",
        lambda: f"我是{rng.choice(_PLACES)}的{name}先生,联系方式{_mobile(rng)}。{q}",
        lambda: f"工号{rng.randrange(1000, 9999)},来电人{_mobile(rng)}问{FW_COLON}{q}",
    )
    return rng.choice(forms)()


def _split_end(q: str) -> tuple[str, str]:
    """(body, trailing punctuation)."""
    body = q.rstrip(_END_PUNCT + " ")
    return body, q[len(body):]


def _particle(q: str, rng: random.Random) -> str:
    body, end = _split_end(q)
    p = rng.choice(_PARTICLES)
    forms = (
        lambda: f"{body}{p}{end or '?'}",
        lambda: f"{body}{p}?",
        lambda: f"{body}{p}",
        lambda: f"{body}{p}{FW_QUESTION}",
        lambda: f"{body}{p}~",
    )
    return rng.choice(forms)()


def _filler(q: str, rng: random.Random) -> str:
    f = rng.choice(_FILLERS)
    m = _QWORDS.search(q)
    comma = re.search("[," + FW_COMMA + "]", q)

    def before_qword() -> str:
        return q[:m.start()] + f + q[m.start():] if m else f + q

    def after_comma() -> str:
        return q[:comma.end()] + f + q[comma.end():] if comma else f + "," + q

    forms = (
        lambda: f + q,
        lambda: f + "," + q,
        before_qword,
        after_comma,
        lambda: ("就是" if "那个" in f else "那个") + FW_COMMA + before_qword(),
    )
    return rng.choice(forms)()


def _fullwidth(q: str, rng: random.Random) -> str:
    full = "".join(_TO_FULL.get(ch, ch) for ch in q)
    body, end = _split_end(full)
    forms = (
        lambda: full,
        lambda: body,  # IME users often leave the question mark out
        lambda: body + FW_QUESTION * 2,
        lambda: body + FW_QUESTION + FW_EXCLAIM,
        lambda: body + "\u3002",
        lambda: "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else c for c in full),
        lambda: re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", FW_COMMA, body) + (end or FW_QUESTION),
    )
    return rng.choice(forms)()


def _halfwidth(q: str, rng: random.Random) -> str:
    half = "".join(_TO_HALF.get(ch, ch) for ch in q)
    body, _ = _split_end(half)
    forms = (
        lambda: half,
        lambda: body,
        lambda: body + "??",
        lambda: body + " ?",
        lambda: re.sub(r",", ", ", half),
        lambda: "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in half),
    )
    return rng.choice(forms)()


def _greeting(q: str, rng: random.Random) -> str:
    return rng.choice(_GREETINGS) + q


_MAKERS = {"fullwidth": _fullwidth, "halfwidth": _halfwidth, "phone": _phone, "greeting": _greeting,
           "particle": _particle, "filler": _filler}


def variants(question: str, kind: str, rng: random.Random) -> str:
    """One variant of ``kind`` (see KINDS) of the question, chosen and filled in by ``rng``."""
    try:
        make = _MAKERS[kind]
    except KeyError:
        raise ValueError(f"unknown variant kind {kind!r}; choose from {', '.join(KINDS)}") from None
    return make(question, rng)
