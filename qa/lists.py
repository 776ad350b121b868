"""Enumerations → ItemList records: name lists, "市本级(13家):A、B…" lines, "A、B…等13个景区" sentences.

Printed counts ("(16名)") are checked against the items found; where a PDF column break moved
items of one list in front of the next list's heading, the surplus is handed on to the next list
(the counts printed in both headings agree with that repair).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.model import ItemList, Unit, path_at
from qa.text import cn_to_int, join_cjk

if TYPE_CHECKING:
    from qa.parse import Para

DECLARED = re.compile(r"[((](?:共)?(\d+)\s*(家|个|名|人|处|项|所)[))]")
INLINE = re.compile(r"^(?P<head>[^::。]{1,30}?[((]\d+\s*(?:家|个|名|人|处|项)[))])[::](?P<items>.+)$")
SENTENCE = re.compile(
    r"(?P<items>(?:[^、,，。;；:：“”()（）\s]{2,14}、){2,}[^、,，。;；:：“”()（）\s]{2,14})等(?P<n>\d+|[一二三四五六七八九十]+)(?P<unit>个|家|名|处|项|所)(?P<noun>[\u4e00-\u9fff]{0,2})"
)
LEAD_VERBS = ("将", "把", "对", "包括", "即")


def split_items(text: str) -> list[str]:
    """Split on 、 outside parentheses; strip closing punctuation."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch in "((":
            depth += 1
        elif ch in "))":
            depth = max(0, depth - 1)
        if ch == "、" and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [join_cjk(i).strip().rstrip("。;;,,") for i in items if i.strip().rstrip("。;;,,")]


def _item_like(text: str) -> bool:
    from qa.parse import heading_of

    t = text.strip()
    return (len(t) <= 40 and "。" not in t and not t.endswith((":", ":")) and heading_of(t) is None
            and declared_count(t) is None)


def declared_count(heading: str) -> int | None:
    m = DECLARED.search(heading)
    return int(m.group(1)) if m else None


def extract_lists(paras: list["Para"], units: list[Unit], default_path: tuple[str, ...]) -> list[ItemList]:
    flat = [u for top in units for u in top.walk()]
    found: list[ItemList] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        m = INLINE.match(p.text)
        if m:
            items = split_items(m.group("items"))
            found.append(ItemList(join_cjk(m.group("head")), tuple(items), path_at(flat, p.start) or default_path, p.start, p.end, (p.start,) * len(items)))
            i += 1
            continue
        # a run of short item lines under a heading line
        j = i + 1
        while j < len(paras) and _item_like(paras[j].text):
            j += 1
        run = paras[i + 1 : j]
        declared = declared_count(p.text)
        keyed = sum(1 for q in run if re.search(r"[::]", q.text))
        is_heading = len(p.text) <= 60 and not p.text.endswith("。")
        if run and is_heading and (len(run) >= 3 or declared) and keyed * 2 <= len(run):
            items: list[str] = []
            lines: list[int] = []
            for q in run:
                parts = split_items(q.text) if "、" in q.text else [join_cjk(q.text)]
                items += parts
                lines += [q.start] * len(parts)
            found.append(ItemList(join_cjk(p.text), tuple(items), path_at(flat, run[0].start) or default_path, p.start, run[-1].end, tuple(lines)))
            i = j
            continue
        for sm in SENTENCE.finditer(p.text):
            items = split_items(sm.group("items"))
            for verb in LEAD_VERBS:
                if items and items[0].startswith(verb) and len(items[0]) > len(verb) + 1:
                    items[0] = items[0][len(verb):]
            n = cn_to_int(sm.group("n"))
            if n == len(items):
                head = f"{sm.group('n')}{sm.group('unit')}{sm.group('noun')}"
                found.append(ItemList(head, tuple(items), path_at(flat, p.start) or default_path, p.start, p.end, (p.start,) * len(items)))
        i += 1
    return _reconcile(found)


def _reconcile(lists: list[ItemList]) -> list[ItemList]:
    out = list(lists)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        na, nb = declared_count(a.heading), declared_count(b.heading)
        if na is None or nb is None:
            continue
        surplus = len(a.items) - na
        if surplus > 0 and len(b.items) + surplus == nb:
            moved = a.item_lines[na:]
            out[k] = ItemList(a.heading, a.items[:na], a.path, a.line_start, a.item_lines[na - 1], a.item_lines[:na])
            out[k + 1] = ItemList(b.heading, a.items[na:] + b.items, b.path, min(moved), b.line_end, moved + b.item_lines)
    return out
