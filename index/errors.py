"""Errors the retrieval layer raises on purpose. Each message says what to do next.

They subclass the closest built-in (ValueError, ImportError, FileNotFoundError) so callers
that only know the standard library still catch them sensibly.
"""
from __future__ import annotations

from typing import Iterable


class RetrievalError(Exception):
    """Base of every error `index/` raises on purpose."""


class UnknownChoice(RetrievalError, ValueError):
    """A selector got a name it does not know; the message lists the valid ones."""

    def __init__(self, what: str, got: object, choices: Iterable[str]) -> None:
        self.what = what
        self.got = got
        self.choices = tuple(choices)
        super().__init__(f"unknown {what} {got!r}; choose one of: {', '.join(self.choices)}")


class EmptyCorpus(RetrievalError, ValueError):
    """An index was asked to build over nothing."""


class EncoderUnavailable(RetrievalError, ImportError):
    """An encoder backend's package or model files are missing."""


class IndexMissing(RetrievalError, FileNotFoundError):
    """No (complete) index folder where one was expected."""


class IndexMismatch(RetrievalError):
    """The index on disk was built for another schema, encoder or corpus than the one configured."""

    def __init__(self, message: str, field: str, built: object, expected: object) -> None:
        self.field = field
        self.built = built
        self.expected = expected
        super().__init__(message)
