"""The parsed corpus: every gazette issue of the configured corpus, and lookups over it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from qa.chunk import chunk_issue
from qa.errors import GazetteFormatError, UnknownDocument
from qa.model import Chunk, Document, Issue
from qa.parse import parse_file
from qa.text import normalize_doc_number
from qa.timeline import Timeline, build_timeline


@dataclass(frozen=True)
class Corpus:
    issues: tuple[Issue, ...]
    chunks: tuple[Chunk, ...]

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
    """Parse every file; raises GazetteFormatError naming the first bad file."""
    if not paths:
        raise GazetteFormatError("no gazette files given (QA_CORPUS points at an empty folder?)")
    issues = tuple(parse_file(p) for p in paths)
    chunks: list[Chunk] = []
    for issue in issues:
        chunks += chunk_issue(issue)
    return Corpus(issues, tuple(chunks))
