"""Which row of a table has the most/least of a column ("哪个县最多")."""
from __future__ import annotations

from qa.cite import make_citation
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import asked_extreme
from qa.tables import is_amount, num, pick_columns, row_text

NAME = "table_extreme"
AGGREGATE_ROWS = ("全市", "合计", "总计", "小计")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    extreme = asked_extreme(q, ctx.corpus_text)
    if extreme is None:
        return []
    best = None
    for doc in ctx.corpus.documents:
        for t_no, table in enumerate(doc.tables, 1):
            cov = ctx.cov(q, f"{doc.title} {table.caption} {' '.join(table.columns)}")
            if best is None or cov > best[0]:
                best = (cov, doc, t_no, table)
    if best is None:
        return []
    cov, doc, t_no, table = best
    cols = pick_columns(q, table)
    if not cols:
        return []
    col = cols[0]
    rows = [(n, r) for n, r in enumerate(table.rows, 1) if r.header not in AGGREGATE_ROWS and num(r.cells[col]) is not None]
    if not rows:
        return []
    low = extreme == "least"
    n, row = (min if low else max)(rows, key=lambda nr: num(nr[1].cells[col]))
    chunk = ctx.by_id_suffix.get((doc.key, f"{t_no}/r{n}"))
    if chunk is None:
        return []
    word = "最少" if low else "最多"
    unit = table.unit if table.unit and is_amount(table.columns[col]) else ""
    text = f"{table.columns[col]}{word}的是{row.header},为{row.cells[col]}{unit}({table.caption})。"
    return [Candidate(NAME, "table", text, (make_citation(chunk, row_text(row)),), cov)]
