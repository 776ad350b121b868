"""Documents → Chunks: one per article/section (long ones split at sentence ends), one per table
and per table row, one per list, one header per document. Ids derive from 文号 + heading path."""
from __future__ import annotations

import re

from qa.dates import find_dates
from qa.model import Chunk, Document, Issue, Unit
from qa.tables import row_record, row_text

MAX_CHARS = 600  # a longer unit is split at sentence ends
OVERLAP_SENTENCES = 1
_SENT = re.compile(r"[^。;;!?!?\n]*[。;;!?!?\n]|[^。;;!?!?\n]+$")


def chunk_issue(issue: Issue) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in issue.documents:
        chunks += chunk_document(doc)
    return _unique(chunks)


def chunk_document(doc: Document) -> list[Chunk]:
    year = int(doc.date[:4]) if doc.date else None
    out: list[Chunk] = [_header(doc, year)]
    for unit in doc.walk():
        if not unit.text.strip():
            continue
        if _only_heading(unit):
            continue  # its children carry the content (and this heading in their path)
        kind = "article" if unit.kind == "article" else "section"
        parts = split_text(unit.text)
        for n, part in enumerate(parts, 1):
            suffix = f"/p{n}" if len(parts) > 1 else ""
            out.append(_make(doc, unit.path, kind, part, unit, year, suffix))
    for t_no, table in enumerate(doc.tables, 1):
        base = f"{_path_id(table.path)}/t{t_no}"
        head = f"{table.caption}" + (f"(单位:{table.unit})" if table.unit else "")
        cols = f"{table.row_header} | " + " | ".join(table.columns)
        # the table as a whole: its row names (caption and columns go in the header); rows have chunks of their own
        summary = "\n".join(dict.fromkeys(r.header for r in table.rows if r.header))
        out.append(Chunk(
            id=f"{doc.key}#{base}", doc_key=doc.key, doc_number=doc.number, title=doc.title, path=table.path,
            kind="table", text=summary, header=f"{doc.title} {' / '.join(table.path)} {head} {cols}",
            line_start=table.line_start, line_end=table.line_end, dates=(),
        ))
        for r_no, row in enumerate(table.rows, 1):
            out.append(Chunk(
                id=f"{doc.key}#{base}/r{r_no}", doc_key=doc.key, doc_number=doc.number, title=doc.title,
                path=table.path, kind="table_row", text=row_text(row),
                header=f"{doc.title} {head} {row_record(table, row)}",
                line_start=row.line_start, line_end=row.line_end,
                dates=tuple(find_dates(" ".join(row.cells), year)),
            ))
    for l_no, lst in enumerate(doc.lists, 1):
        text = "、".join(lst.items)
        out.append(Chunk(
            id=f"{doc.key}#{_path_id(lst.path)}/l{l_no}", doc_key=doc.key, doc_number=doc.number, title=doc.title,
            path=lst.path, kind="list", text=text,
            header=f"{doc.title} {' / '.join(lst.path)} {lst.heading} 共{len(lst.items)}项",
            line_start=lst.line_start, line_end=lst.line_end, dates=(),
        ))
    return out


def is_row_id(chunk_id: str) -> bool:
    """Whether a chunk id is a table row's ("…#…/t2/r5", as chunk_document makes it)."""
    return row_address(chunk_id) is not None


def row_address(chunk_id: str) -> tuple[int, int] | None:
    """(table number, row number), both counted from 1 in their document, of a table row's chunk id
    ("…#…/t2/r5" → (2, 5)); None for any other chunk."""
    m = _ROW_ADDRESS.search(chunk_id)
    return (int(m.group(1)), int(m.group(2))) if m else None


_ROW_ADDRESS = re.compile(r"/t(\d+)/r(\d+)$")


def _only_heading(unit: Unit) -> bool:
    return bool(unit.children) and "\n" not in unit.text and len(unit.text) <= len(unit.heading) + 4


def split_text(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Split at sentence ends into parts of at most ~max_chars, overlapping by one sentence.

    >>> split_text("甲。乙。", max_chars=100)
    ['甲。乙。']
    """
    if len(text) <= max_chars:
        return [text]
    sents = [s for s in _SENT.findall(text) if s]
    parts: list[str] = []
    cur: list[str] = []
    for s in sents:
        if cur and sum(map(len, cur)) + len(s) > max_chars:
            parts.append("".join(cur).strip("\n"))
            cur = cur[-OVERLAP_SENTENCES:] if len(cur[-1]) < max_chars // 3 else []
        cur.append(s)
    if cur:
        parts.append("".join(cur).strip("\n"))
    return [p for p in parts if p]


def _path_id(path: tuple[str, ...]) -> str:
    return "/".join(p.replace("/", "／") for p in path) or "正文"


def _make(doc: Document, path: tuple[str, ...], kind: str, text: str, unit: Unit, year: int | None, suffix: str) -> Chunk:
    return Chunk(
        id=f"{doc.key}#{_path_id(path)}{suffix}",
        doc_key=doc.key,
        doc_number=doc.number,
        title=doc.title,
        path=path,
        kind=kind,
        text=text,
        header=f"{doc.title} {' / '.join(path)}",
        line_start=unit.line_start,
        line_end=unit.line_end,  # a unit's own text may resume after a box, so the span covers its children
        dates=tuple(find_dates(text, year)),
    )


def _header(doc: Document, year: int | None) -> Chunk:
    parts = [doc.title, doc.number, doc.recipients, doc.issuer, printed_date(doc.date)]
    if doc.subtitle:
        parts.append(doc.subtitle)
    text = "\n".join(p for p in parts if p)
    return Chunk(
        id=f"{doc.key}#header", doc_key=doc.key, doc_number=doc.number, title=doc.title, path=(),
        kind="header", text=text, header=f"{doc.title} {doc.number} 发文日期 {doc.date}",
        line_start=doc.line_start, line_end=doc.line_end, dates=(doc.date,) if doc.date else (),
    )


def printed_date(iso: str) -> str:
    """"2017-04-25" → "2017年4月25日", the way the gazette prints dates."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    seen: dict[str, int] = {}
    out = []
    for c in chunks:
        if c.id in seen:
            seen[c.id] += 1
            c = Chunk(**{**c.__dict__, "id": f"{c.id}~{seen[c.id]}"})
        else:
            seen[c.id] = 1
        out.append(c)
    return out
