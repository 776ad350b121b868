"""Plain-text renderings of parsed documents for the CLI (`qa docs`, `qa show`)."""
from __future__ import annotations

import datetime as dt

from qa.model import Document
from qa.tables import row_record
from qa.timeline import Timeline


def doc_counts(doc: Document) -> dict[str, int]:
    units = list(doc.walk())
    return {
        "units": len(units),
        "articles": sum(1 for u in units if u.kind == "article"),
        "tables": len(doc.tables),
        "lists": len(doc.lists),
    }


def docs_table(docs: list[Document], timeline: Timeline | None = None, today: dt.date | None = None) -> str:
    """One line per document; with a timeline, its dates and its status on `today`."""
    dated = timeline is not None and today is not None
    head = f"{'文号':<16}\t{'日期':<10}\t条\t表\t标题"
    lines = [head + ("\t施行\t状态" if dated else "")]
    for d in docs:
        c = doc_counts(d)
        row = f"{d.number:<16}\t{d.date:<10}\t{c['articles']}\t{c['tables']}\t{d.title}"
        if dated:
            dd = timeline.docs.get(d.key)
            eff = dd.effective.isoformat() if dd and dd.effective else "-"
            st = timeline.status(d.key, today)
            row += f"\t{eff}\t{st.state}: {st.label}"
        lines.append(row)
    return "\n".join(lines)


def render_outline(doc: Document, rows: int = 3) -> str:
    out = [f"{doc.title}", f"{doc.number}  {doc.issuer}  {doc.date}  lines {doc.line_start}-{doc.line_end}"]
    if doc.subtitle:
        out.append(f"印发: {doc.subtitle}")
    for unit in doc.walk():
        depth = len(unit.path) - 1
        out.append(f"{'  ' * depth}{' / '.join(unit.path)}  [{unit.kind} {unit.line_start}-{unit.line_end}]")
    for t in doc.tables:
        out.append(f"表 {t.caption} ({t.unit or '-'}) @ {' / '.join(t.path)} [{t.line_start}-{t.line_end}] {len(t.rows)} rows")
        out.append(f"  列: {t.row_header} | " + " | ".join(t.columns))
        for r in t.rows[:rows]:
            out.append("  " + row_record(t, r))
    for lst in doc.lists:
        out.append(f"名单 {lst.heading} @ {' / '.join(lst.path)} [{lst.line_start}-{lst.line_end}] {len(lst.items)} 项: " + "、".join(lst.items[:6]) + ("…" if len(lst.items) > 6 else ""))
    return "\n".join(out)
