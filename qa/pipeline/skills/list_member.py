""""陈水良是哪里的?": a name from a name list, with its unit in brackets and the list it is on."""
from __future__ import annotations

import re

from qa.cite import make_citation
from qa.pipeline.types import Candidate, Part, QueryPlan

NAME = "list_member"


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    found = None
    for member in annotated(ctx):
        name = member[0]
        if name in q and (found is None or len(name) > len(found[0])):
            found = member
    if found is None:
        return []
    name, item, lst, doc, l_no = found
    chunk = next((c for c in ctx.by_doc[doc.key] if c.kind == "list" and c.id.endswith(f"/l{l_no}")), None)
    if chunk is None or item not in chunk.text:
        return []
    return [Candidate(NAME, "list", f"{item},列于“{lst.heading}”。", (make_citation(chunk, item),), 1.0)]


def annotated(ctx) -> tuple[tuple, ...]:
    """(name, item, list, document, list number) of every annotated name of the corpus's lists, once
    per corpus: only an annotated name ("陈水良(…服务中心)") has more to tell."""
    return ctx.lookup("list_member.annotated", _annotated)


def _annotated(ctx):
    out = []
    for doc in ctx.corpus.documents:
        for l_no, lst in enumerate(doc.lists, 1):
            for item in lst.items:
                if re.search(r"[((]", item):
                    name = re.split(r"[((]", item)[0]
                    if len(name) >= 2:
                        out.append((name, item, lst, doc, l_no))
    return tuple(out)
