"""The facade the CLI, the service and the evaluation harness use: parsed corpus + index + answerer.

STUB: signatures are fixed; bodies land with the retrieval and answering issues.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from qa.config import Settings
from qa.model import Answer, Document, Hit

SEARCH_MODES = ("hybrid", "bm25", "dense")
CHUNK_KINDS = ("article", "section", "table", "table_row", "list", "header")


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval. Empty tuples mean 'no restriction'. doc_keys accept 〔〕 or [ ] forms."""

    doc_keys: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: str | None = None  # ISO date; keeps chunks mentioning a date in the range
    date_to: str | None = None


@dataclass(frozen=True)
class Reply:
    answer: Answer
    session_id: str


class Engine:
    """Construct with settings, then `warm_up()` (loads the index and the encoder) before use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def warm_up(self) -> None:
        raise NotImplementedError

    @property
    def ready(self) -> bool:
        return False

    def documents(self) -> list[Document]:
        raise NotImplementedError

    def document(self, key: str) -> Document:
        """Raises UnknownDocument."""
        raise NotImplementedError

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        """Raises InvalidQuery for an unknown mode/kind/document (message lists valid choices)."""
        raise NotImplementedError

    def ask(
        self,
        question: str,
        *,
        session_id: str | None = None,
        history: Sequence[str] = (),
        filters: Filters | None = None,
    ) -> Reply:
        """Answer a question. `session_id` continues a stored conversation (an unknown or expired id
        starts a new one); `history` gives earlier user questions explicitly (OpenAI-style clients)."""
        raise NotImplementedError
