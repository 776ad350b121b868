"""Citations and their verification: a quote must occur verbatim in the cited chunk."""
from __future__ import annotations

import re
from typing import Sequence

from qa.model import Chunk, Citation


class QuoteNotFound(AssertionError):
    """A citation whose quote is not in its chunk: a bug, never shipped silently."""


def make_citation(chunk: Chunk, quote: str) -> Citation:
    return Citation(
        doc_number=chunk.doc_number,
        doc_key=chunk.doc_key,
        title=chunk.title,
        section=chunk.section,
        quote=quote,
        chunk_id=chunk.id,
        line_start=chunk.line_start,
        line_end=chunk.line_end,
    )


def verify(citation: Citation, chunk: Chunk) -> None:
    if citation.chunk_id != chunk.id or citation.quote not in chunk.text:
        raise QuoteNotFound(f"quote not in {chunk.id}: {citation.quote[:40]!r}")


def format_citation(c: Citation) -> str:
    """What an operator pastes: 《title》(文号) section “quote”."""
    section = f" {c.section}" if c.section else ""
    return f"《{c.title}》({c.doc_number}){section}“{c.quote}”"


# a citation marker in an answer ("…施行。[1]"); a 文号 printed with square brackets
# ("衢政办发[2017]11号") holds a four-digit year, which no marker's number reaches
MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKED = re.compile(r"(.*?)" + MARKER.pattern, re.S)


def said_once(text: str, citations: Sequence[Citation]) -> tuple[str, tuple[Citation, ...]]:
    """An answer's text with a quoted passage said once: a passage printed alone and again inside a
    longer quote of the same chunk ("蔡方林同志的…职务。[1]市政府研究决定,免去:蔡方林同志的…职务。[2]",
    a sentence glued to the lead-in it follows) keeps only the longer quote; markers are renumbered.

    >>> c = lambda q: Citation("d", "d", "t", "", q, "d#1", 1, 1)
    >>> said_once("乙。[1]甲:乙。[2]", [c("乙。"), c("甲:乙。")])[0]
    '甲:乙。[1]'
    """
    drop: set[int] = set()
    for m in _MARKED.finditer(text):
        n = int(m.group(2)) - 1
        if not 0 <= n < len(citations) or m.group(1).strip() != citations[n].quote:
            continue
        mine = citations[n]
        if any(k != n and k not in drop and o.chunk_id == mine.chunk_id and mine.quote in o.quote
               and len(o.quote) > len(mine.quote) for k, o in enumerate(citations)):
            drop.add(n)
    if not drop:
        return text, tuple(citations)
    kept = [k for k in range(len(citations)) if k not in drop]
    number = {k: i + 1 for i, k in enumerate(kept)}
    out, end = [], 0
    for m in _MARKED.finditer(text):
        end = m.end()
        n = int(m.group(2)) - 1
        if n in drop:
            continue
        out.append(f"{m.group(1)}[{number[n]}]" if n in number else m.group(0))
    out.append(text[end:])
    return "".join(out), tuple(citations[k] for k in kept)
