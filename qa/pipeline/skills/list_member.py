""""陈水良是哪里的?": a name from a name list, with its unit in brackets and the list it is on."""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.cite import make_citation
from qa.model import Citation, Document, ItemList
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.score import informative_bigrams

NAME = "list_member"


# who is asked for by the unit a name list puts beside the name ("先进个人里市西区管委会的是谁")
_WHO = re.compile(r"谁|哪位|哪几位|哪些人")
# the shortest unit prefix that names a unit: "巨化集团" of 巨化集团公司 (a whole unit may be shorter: 市旅委);
# after a place it begins with, two characters of its own ("常山县安监" of 常山县安监局: "常山县安" is also
# the start of "常山县安全生产…", and 常山县 alone names every unit of that county)
_UNIT_PREFIX = 4
_OWN_AFTER_PLACE = 2


@dataclass(frozen=True)
class Member:
    """An annotated name of a corpus list ("陈水良(…服务中心)"), with its unit, the start of the
    unit's name that names it alone (`_unit_prefix`) and the quote of its list's heading, worked out
    once per corpus."""

    name: str
    item: str
    lst: ItemList
    doc: Document
    l_no: int
    unit: str
    prefix: str
    heading_cites: tuple[Citation, ...]  # the list's heading where the document prints it, or none


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    found = None
    for member in annotated(ctx):
        if member.name in q and (found is None or len(member.name) > len(found.name)):
            found = member
    if found is None:
        return by_unit(ctx, q) if _WHO.search(q) else []
    chunk = _list_chunk(ctx, found.doc.key, found.l_no)
    if chunk is None or found.item not in chunk.text:
        return []
    # one member with its unit is a fact about that member ("陈水良是哪里的"), not a list; its evidence is
    # the line that names it and the heading of the list it stands on, each quoted where it is printed
    cites = (make_citation(chunk, found.item),) + found.heading_cites
    return [Candidate(NAME, "fact", f"{found.item}[1],{_listed(found, 2)}。", cites, 1.0)]


def _list_chunk(ctx, doc_key: str, l_no: int):
    """The chunk that holds a document's `l_no`-th list."""
    return next((c for c in ctx.by_doc[doc_key] if c.kind == "list" and c.id.endswith(f"/l{l_no}")), None)


def _listed(member: Member, n: int) -> str:
    """"列于“heading”[n]": the list a member stands on, marked as citation `n` when its heading is quoted."""
    return f"列于“{member.lst.heading}”" + (f"[{n}]" if member.heading_cites else "")


def _heading_citation(ctx, doc_key: str, lst: ItemList) -> tuple[Citation, ...]:
    """The list's heading ("四、衢州市2016年度优秀种粮大户(20名)"), quoted from the passage of the document
    that prints it: the list's own chunk joins its items and leaves the heading to its header."""
    heading = lst.heading.strip()
    chunk = next((c for c in ctx.by_doc[doc_key] if c.kind != "list" and heading and heading in c.text), None)
    return (make_citation(chunk, heading),) if chunk is not None else ()


def annotated(ctx) -> tuple[Member, ...]:
    """Every annotated name of the corpus's lists, once per corpus: only an annotated name
    ("陈水良(…服务中心)") has more to tell."""
    return ctx.lookup("list_member.annotated", _annotated)


def _annotated(ctx) -> tuple[Member, ...]:
    out = []
    for doc in ctx.corpus.documents:
        for l_no, lst in enumerate(doc.lists, 1):
            heading = _heading_citation(ctx, doc.key, lst)
            for item in lst.items:
                if re.search(r"[((]", item):
                    name, unit = re.split(r"[((]", item, maxsplit=1)
                    # the name after the role a group's list prints before it ("副组长:毛建民(市政府)")
                    name = re.split(r"[::]", name)[-1].strip()
                    if len(name) >= 2:
                        unit = unit.rstrip("))")
                        out.append(Member(name, item, lst, doc, l_no, unit, _unit_prefix(unit, ctx.places), heading))
    return tuple(out)


def _unit_prefix(unit: str, places) -> str:
    """The start of a unit's name that names it alone (qa.places knows the divisions it may begin with)."""
    place = next((unit[:n] for n in (3, 4) if places.is_division(unit[:n])), "")
    return unit[:len(place) + _OWN_AFTER_PLACE] if place else unit[:_UNIT_PREFIX]


def by_unit(ctx, q: str) -> list[Candidate]:
    """"2016年安全生产先进个人里市西区管委会的是谁": the names whose unit in brackets the question
    names (whole, or by the start `_unit_prefix` gives: 巨化集团, 常山县安监), on a list whose heading
    the question also names (先进个人: a unit named alone, "市政府谁负责", asks no name list). One candidate per list,
    its members in the list's order; its strength is how well the list's heading and those members
    match the question."""
    flat = re.sub(r"\s", "", q)
    by_list: dict[tuple[str, int], list[Member]] = {}
    for m in annotated(ctx):
        if m.unit in flat or (len(m.unit) > len(m.prefix) and m.prefix in flat):
            by_list.setdefault((m.doc.key, m.l_no), []).append(m)
    out = []
    for (key, l_no), members in by_list.items():
        chunk = _list_chunk(ctx, key, l_no)
        if chunk is None:
            continue
        heading = chunk.id.split("#", 1)[1].rsplit("/", 1)[0] + " " + members[0].lst.heading
        if not any(b in heading for b in informative_bigrams(flat, ctx.idf)):
            continue
        items = [m.item for m in members if m.item in chunk.text]
        if not items:
            continue
        cites = tuple(make_citation(chunk, it) for it in items[:12])
        marks = "".join(f"[{k}]" for k in range(1, len(cites) + 1))
        text = f"{'、'.join(items)}{marks},{_listed(members[0], len(cites) + 1)}。"
        cites += members[0].heading_cites
        out.append(Candidate(NAME, "list", text, cites, ctx.cov(q, f"{heading} {' '.join(items)}")))
    return sorted(out, key=lambda c: -c.prior)[:3]
