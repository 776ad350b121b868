"""Personal details in what users type (interim: replaced by the full detector of the hardening work).

`strip(text)` removes identifiers and self-introductions from the matching form of a question.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str


_PATTERNS = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("id", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")),
    ("bank", re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?!\d)")),
    ("mobile", re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")),
    ("landline", re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[ -]?\d{7,8}(?!\d)")),
    ("name", re.compile(r"(?:我叫|我姓|本人叫|本人姓)[\u4e00-\u9fff]{1,3}(?=[,，。!！?？\s]|我|想|请|$)")),
)


def find(text: str) -> list[Span]:
    folded = unicodedata.normalize("NFKC", text)
    spans: list[Span] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(folded):
            if any(s.start < m.end() and m.start() < s.end for s in spans):
                continue
            spans.append(Span(kind, m.start(), m.end(), text[m.start():m.end()]))
    return sorted(spans, key=lambda s: s.start)


_INTRO = re.compile(r"(?:我的?(?:手机|电话|手机号|电话号码?|联系电话|身份证号?|邮箱)(?:号码)?是?|电话|手机)[::]?\s*$")


def strip(text: str) -> str:
    out, last = [], 0
    for s in find(text):
        head = text[last:s.start]
        head = _INTRO.sub("", head)
        out.append(head)
        last = s.end
    out.append(text[last:])
    return re.sub(r"^[\s,,。.;;!!]+", "", "".join(out))


def mask(text: str) -> str:
    out, last = [], 0
    for s in find(text):
        out.append(text[last:s.start] + f"[{s.kind}]")
        last = s.end
    return "".join(out) + text[last:]
