"""Errors a user of the library can act on; the CLI and the service turn them into messages."""
from __future__ import annotations


class QAError(Exception):
    """Base of every error the domain library raises on purpose."""


class GazetteFormatError(QAError):
    """The input is not a gazette text this parser understands (empty, not UTF-8, no documents)."""


class UnknownDocument(QAError, KeyError):
    """No document has that 文号."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown document"


class IndexNotBuilt(QAError):
    """The index folder is missing or was built for another corpus/encoder; run `qa ingest`."""


class InvalidQuery(QAError, ValueError):
    """A question or search request that cannot be answered as given (empty, unknown mode…)."""


class InvalidSetting(QAError, ValueError):
    """A setting (QA_…) with a value that cannot be used; the message names the variable and the fix."""
