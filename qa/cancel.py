"""Cancelling work whose asker has gone: the service sets a token when its client disconnects,
and the answering checks it between stages, so abandoned questions stop costing CPU.

    >>> token = CancelToken()
    >>> token.check()  # not cancelled: returns
    >>> token.cancel()
    >>> token.cancelled
    True
    >>> token.check()
    Traceback (most recent call last):
    ...
    qa.cancel.Cancelled: the work was cancelled (its client went away)
"""
from __future__ import annotations

import threading

from qa.errors import QAError

__all__ = ["Cancelled", "CancelToken"]


class Cancelled(QAError):
    """The work was cancelled before it finished (its client went away); there is no answer."""


class CancelToken:
    """Set from any thread (the service's event loop), checked by the thread doing the work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise Cancelled if the token was cancelled; a cheap no-op otherwise."""
        if self._event.is_set():
            raise Cancelled("the work was cancelled (its client went away)")
