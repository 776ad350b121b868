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


class IndexUnusable(RetrievalError):
    """The index folder cannot be used as it is: missing, corrupt, or built for something else.
    Rebuilding it is always the fix.

    `reason` is one line naming files relative to the folder (never a server path), so a service
    may show it to clients; `hint` says how to rebuild; str() joins them."""

    def __init__(self, reason: str, hint: str = "rebuild the index") -> None:
        self.reason = _one_line(reason)
        self.hint = hint
        super().__init__(f"{self.reason}; {hint}")


class IndexMissing(IndexUnusable, FileNotFoundError):
    """No (complete) index folder where one was expected."""


class IndexCorrupt(IndexUnusable):
    """A file of the index folder is damaged: truncated, edited, deleted, or unparseable.
    `file` is its path relative to the folder (None for the folder as a whole)."""

    def __init__(self, reason: str, hint: str = "rebuild the index", file: str | None = None) -> None:
        self.file = file
        super().__init__(reason, hint)


class IndexMismatch(IndexUnusable):
    """The index on disk was built for another schema, encoder or corpus than the one configured."""

    def __init__(self, reason: str, field: str, built: object, expected: object, hint: str = "rebuild the index") -> None:
        self.field = field
        self.built = built
        self.expected = expected
        super().__init__(reason, hint)


class FolderNotWritable(RetrievalError, PermissionError):
    """The folder an index is to be written to cannot be written (read-only, not a folder…).
    `why` is the system's reason, without the path."""

    def __init__(self, message: str, folder: object, why: str) -> None:
        self.folder = folder
        self.why = why
        super().__init__(message)  # one argument: OSError would read three as errno, strerror, filename


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
