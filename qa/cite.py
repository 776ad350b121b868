"""Citations and their verification: a quote must occur verbatim in the cited chunk."""
from __future__ import annotations

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
