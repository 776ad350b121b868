"""The parsed corpus: every gazette issue of the configured corpus, and lookups over it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from qa.chunk import chunk_document, chunk_issue
from qa.errors import DuplicateDocument, GazetteFormatError, UnknownDocument
from qa.model import Chunk, Document, Issue
from qa.parse import parse_file
from qa.text import normalize_doc_number
from qa.timeline import Timeline, build_timeline


@dataclass(frozen=True)
class Place:
    """Where a document starts: the gazette file's name and the 1-based line."""

    source: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} line {self.line}"


@dataclass(frozen=True)
class Duplicate:
    """A document met again with the same 文号 and the same text: indexed once, at `kept`."""

    key: str
    kept: Place
    dropped: Place

    def __str__(self) -> str:
        return f"{self.key} appears twice with the same text ({self.kept}, {self.dropped}): kept once"


@dataclass(frozen=True)
class Corpus:
    issues: tuple[Issue, ...]  # each holds its documents minus the duplicates dropped
    chunks: tuple[Chunk, ...]
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def documents(self) -> list[Document]:
        return [d for issue in self.issues for d in issue.documents]

    @property
    def sha256(self) -> str:
        """One fingerprint of all source files: the index is stale when it changes."""
        return hashlib.sha256("".join(i.sha256 for i in self.issues).encode()).hexdigest()

    @property
    def chunks_sha256(self) -> str:
        """Fingerprint of what is indexed: a parser or chunker change makes the index stale too."""
        h = hashlib.sha256()
        for c in self.chunks:
            h.update(c.id.encode())
            h.update(c.index_text.encode())
        return h.hexdigest()

    @cached_property
    def timeline(self) -> Timeline:
        """The dated records of every document and unit, parsed once (on first use)."""
        lines_of = {d.key: issue.lines for issue in self.issues for d in issue.documents}
        return build_timeline(self.documents, list(self.chunks), lines_of)

    def document(self, key: str) -> Document:
        want = normalize_doc_number(key)
        for d in self.documents:
            if d.key == want:
                return d
        raise UnknownDocument(f"no document {key!r} in this corpus; `qa docs` lists the 文号 it has")

    def chunk(self, chunk_id: str) -> Chunk:
        for c in self.chunks:
            if c.id == chunk_id:
                return c
        raise KeyError(chunk_id)


def load_corpus(paths: list[Path]) -> Corpus:
    """Parse every file; one document per 文号. Raises GazetteFormatError naming the first bad file,
    DuplicateDocument when a 文号 comes twice with different text (a repeat with the same text is
    dropped and listed in `Corpus.duplicates`)."""
    if not paths:
        raise GazetteFormatError("no gazette files given (QA_CORPUS points at an empty folder?)")
    issues, duplicates = _one_per_number([parse_file(p) for p in paths])
    chunks: list[Chunk] = []
    for issue in issues:
        chunks += chunk_issue(issue)
    return Corpus(issues, tuple(chunks), duplicates)


def _one_per_number(issues: list[Issue]) -> tuple[tuple[Issue, ...], tuple[Duplicate, ...]]:
    """Keep the first document of each 文号; a later one must have the same text (then it is
    dropped) or the corpus is ambiguous and rejected, naming both places."""
    first: dict[str, tuple[Document, Place]] = {}
    kept_issues: list[Issue] = []
    duplicates: list[Duplicate] = []
    for issue in issues:
        kept: list[Document] = []
        for doc in issue.documents:
            here = Place(issue.source, doc.line_start)
            if doc.key not in first:
                first[doc.key] = (doc, here)
                kept.append(doc)
                continue
            earlier, there = first[doc.key]
            difference = _first_difference(earlier, doc)
            if difference:
                raise DuplicateDocument(
                    f"{doc.key} appears twice with different text: {there} and {here} ({difference}); "
                    f"keep one version in the corpus"
                )
            duplicates.append(Duplicate(doc.key, there, here))
        kept_issues.append(issue if len(kept) == len(issue.documents) else replace(issue, documents=tuple(kept)))
    return tuple(kept_issues), tuple(duplicates)


def _first_difference(a: Document, b: Document) -> str | None:
    """Where two documents' indexed texts first differ (None: identical); line numbers don't count."""
    parts_a, parts_b = chunk_document(a), chunk_document(b)
    for x, y in zip(parts_a, parts_b):
        if (x.id, x.index_text) != (y.id, y.index_text):
            where = " / ".join(x.path) or "the document head"
            return f"first difference in {where}, lines {x.line_start} and {y.line_start}"
    if len(parts_a) != len(parts_b):
        return f"one has {len(parts_a)} parts, the other {len(parts_b)}"
    return None
