"""Variants of a question that should not change its answer: the same words typed another way, or
with things around them that are not content (a phone number, a self-introduction, a greeting).

    variants(question, kind, rng) -> str      one variant; `rng` (random.Random) picks the form and
                                              any made-up data, so a seeded rng gives the same text
    forms(question, kind, rng) -> list[str]   every form of a kind, for inspection and tests

Kinds: fullwidth, halfwidth, phone, selfintro, greeting, particle, filler (KINDS); each has at
least five forms. Phone numbers and names are invented (valid in shape, not anyone's).
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable

__all__ = ["KINDS", "variants", "forms"]

_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}
_DIGITS = {i: i + 0xFEE0 for i in range(0x30, 0x3A)}
_ASCII_PUNCT = {ord(c): ord(c) + 0xFEE0 for c in "?!,:;()"}
_HALF_PUNCT = str.maketrans({"？": "?", "！": "!", "，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "。": ".",
                             "\u3000": " "})
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
_GIVEN = ["芳", "伟", "静", "敏", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "丽娟"]


def _tail(question: str) -> tuple[str, str]:
    """(the question without its closing marks, the closing marks)."""
    body = question.rstrip("?？!！。. ")
    return body, question[len(body):] or "?"


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _landline(rng: random.Random) -> str:
    return "0" + rng.choice(["570", "571", "574", "21", "10"]) + "-" + rng.choice("2345678") + \
        "".join(rng.choice("0123456789") for _ in range(6))


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _fullwidth(q: str, rng: random.Random) -> list[str]:
    first_number = re.search(r"[0-9]+", q)
    mixed = q if not first_number else \
        q[:first_number.start()] + first_number.group(0).translate(_DIGITS) + q[first_number.end():]
    return [
        q.translate(_DIGITS),                          # digits: ６月１２日
        q.translate(_ASCII_PUNCT),                     # punctuation: ？，
        q.translate(_FULLWIDTH),                       # every ASCII character
        mixed,                                         # one number full width, the rest not
        "\u3000" + q.translate(_FULLWIDTH).replace(" ", "\u3000"),  # with ideographic spaces
    ]


def _halfwidth(q: str, rng: random.Random) -> list[str]:
    folded = "".join(chr(ord(c) - 0xFEE0) if c.isalnum() and 0xFF01 <= ord(c) <= 0xFF5E else c for c in q)
    both = folded.translate(_HALF_PUNCT)
    return [
        folded,                                        # full-width letters and digits to ASCII
        q.translate(_HALF_PUNCT),                      # CJK punctuation to ASCII
        both,
        both.replace("〔", "[").replace("〕", "]"),    # 文号 brackets as typed on a keyboard
        both.replace("〔", "(").replace("〕", ")").replace("、", ","),
    ]


def _phone(q: str, rng: random.Random) -> list[str]:
    m = _mobile(rng)
    grouped = f"{m[:3]}-{m[3:7]}-{m[7:]}"
    wide = m.translate(_DIGITS)
    return [
        f"我电话{m},{q}",
        f"{q} 我的手机:{grouped}",
        f"联系方式{wide},{q}",
        f"+86 {m[:3]} {m[3:7]} {m[7:]} {q}",
        f"{q}(电话{_landline(rng)})",
        f"手机号码是{m},麻烦回电。{q}",
    ]


def _selfintro(q: str, rng: random.Random) -> list[str]:
    name = _name(rng)
    surname = name[0]
    return [
        f"我叫{name},{q}",
        f"我姓{surname},{q}",
        f"本人{name},{q}",
        f"我是{surname}先生,{q}",
        f"您好,我是{surname}女士,{q}",
        f"我的名字叫{name},电话{_mobile(rng)},{q}",
    ]


def _greeting(q: str, rng: random.Random) -> list[str]:
    return [
        f"你好,{q}",
        f"您好!{q}",
        f"你好,请问{q}",
        f"打扰一下,{q}",
        f"老师好,{q}",
        f"hello,{q}",
        f"您好您好,{q}",
    ]


def _particle(q: str, rng: random.Random) -> list[str]:
    body, end = _tail(q)
    return [f"{body}{p}{end}" for p in ("呀", "啊", "呢", "哈", "嘛", "啦")]


def _filler(q: str, rng: random.Random) -> list[str]:
    body, end = _tail(q)
    return [
        f"想问一下,{q}",
        f"请问一下{q}",
        f"我想咨询一下,{q}",
        f"{body}{end}谢谢!",
        f"那个,{q}",
        f"麻烦问下,{body},谢谢{end}",
    ]


_KINDS: dict[str, Callable[[str, random.Random], list[str]]] = {
    "fullwidth": _fullwidth, "halfwidth": _halfwidth, "phone": _phone, "selfintro": _selfintro,
    "greeting": _greeting, "particle": _particle, "filler": _filler,
}
KINDS = tuple(_KINDS)


def forms(question: str, kind: str, rng: random.Random) -> list[str]:
    """Every form of `kind` for `question` (made-up numbers and names drawn from `rng`)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown variant kind {kind!r}; choose one of {', '.join(KINDS)}")
    return _KINDS[kind](question, rng)


def variants(question: str, kind: str, rng: random.Random) -> str:
    """One variant of `question` of the given kind, chosen by `rng` among the forms that differ from
    the question (the question itself only when none does: nothing wide to fold, say)."""
    options = [f for f in forms(question, kind, rng) if f != question] or [question]
    return options[rng.randrange(len(options))]
