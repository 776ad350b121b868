"""Complete enumerations: a parsed name list, the rows of a table section, or the items of an
outline (the 课题 of a plan, the 工程 under a heading). Never cut short."""
from __future__ import annotations

import re

from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import COUNT_Q, LIST_Q, wh_noun
from qa.text import int_to_cn

NAME = "enumeration"
TOP = 3  # the best-matching enumerations; the selector chooses


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    if not LIST_Q.search(q):
        return []
    counting = bool(COUNT_Q.search(q))
    scored = []
    for e in ctx.enumerations:
        if e.kind == "section":
            if e.extra in q:
                scored.append((1.0 + ctx.cov(q, e.name), e))
        elif e.kind == "declared":
            # a heading that states its own count answers "一共多少家" — of the year asked
            if counting and all(y in e.name for y in re.findall(r"20\d\d", q)):
                scored.append((ctx.cov(q, e.name) + 0.3 * ctx.cov(q, e.extra), e))
        else:
            scored.append((ctx.cov(q, e.name) - (0.05 if e.kind == "outline" else 0), e))
    noun = wh_noun(q)
    if noun:
        # "带哪些资料" lists 资料: an enumeration that never names them is not that list
        scored = [(c, e) for c, e in scored if noun in e.name + e.extra + "".join(e.items)]
    scored.sort(key=lambda x: -x[0])
    out = []
    for cov, e in scored[:TOP]:
        if cov < 0.3:
            break
        out.append(Candidate(NAME, "list", _text(q, e), tuple(e.cites[:12]), min(cov, 1.0), items=e.items))
    return out


def _text(q: str, e) -> str:
    items = e.items
    sep = ";" if any("、" in i for i in items) else "、"  # keep the gazette's own separator
    if e.kind == "declared":
        return e.extra + (":" + sep.join(items) if items else "") + "。"
    # counted in the question's own word ("占几家" → 共13家), unless the gazette's own lead-in
    # already states the count ("分以下三个阶段进行:")
    word = re.search(r"(?:几|多少)(个|家|名|项|处|人|件|条|种|类)", q)
    stated = re.search(rf"(?:{int_to_cn(len(items))}|(?<!\d){len(items)}(?!\d))\s*(?:个|项|家|名|大|类|种|条|处)", e.extra)
    count = "" if stated else f"共{len(items)}{word.group(1) if word else '项'}:"
    return e.extra + count + sep.join(items) + "。"
