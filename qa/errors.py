"""Errors a user of the library can act on; the CLI and the service turn them into messages."""
from __future__ import annotations


class QAError(Exception):
    """Base of every error the domain library raises on purpose."""


class GazetteFormatError(QAError):
    """The input is not a gazette text this parser understands (empty, not UTF-8, no documents)."""


class DuplicateDocument(GazetteFormatError):
    """One 文号 appears twice in the corpus with different text; the message names both places."""


class UnknownDocument(QAError, KeyError):
    """No document has that 文号."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown document"


class IndexNotBuilt(QAError):
    """No usable index: none was built, or the one on disk is corrupt (IndexCorrupt) or was built for
    another schema, encoder or corpus (IndexStale). `qa ingest` rebuilds it, and so does a service
    start with `index_autobuild` on.

    str() names the folder and the command that fixes it (for the CLI and logs); `reason` says what
    is wrong without server paths, for HTTP bodies."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class IndexCorrupt(IndexNotBuilt):
    """A file of the index folder is truncated, edited, deleted or unparseable."""


class IndexStale(IndexNotBuilt):
    """The index was built for another schema version, encoder or corpus."""


class DataDirNotWritable(QAError):
    """The data folder cannot be written, so no index can be built there. `reason` has no path."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidQuery(QAError, ValueError):
    """A question or search request that cannot be answered as given (empty, unknown mode…)."""


class InvalidSetting(QAError, ValueError):
    """A setting (QA_…) with a value that cannot be used; the message names the variable and the fix."""
