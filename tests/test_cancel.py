"""Cancelling an ask: the token, and the real engine stopping between its stages."""
from __future__ import annotations

import threading

import pytest

from qa.cancel import Cancelled, CancelToken
from qa.errors import QAError


class CancelledAtCheck(CancelToken):
    """A token cancelled by the `n`-th check itself: a client leaving while the work is under way,
    at a known stage. Counts the checks."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.checks = 0

    def check(self) -> None:
        self.checks += 1
        if self.checks >= self.n:
            self.cancel()
        super().check()


def test_token_checks_and_cancels_across_threads():
    token = CancelToken()
    token.check()
    assert not token.cancelled
    t = threading.Thread(target=token.cancel)
    t.start()
    t.join()
    assert token.cancelled
    with pytest.raises(Cancelled, match="cancelled"):
        token.check()
    assert issubclass(Cancelled, QAError)  # the CLI and the service handle it like every domain error


def test_an_ask_cancelled_before_it_starts_does_nothing(engine):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        engine.ask("6月12日哪些景区免费?", cancel=token)


def test_an_ask_cancelled_between_stages_stops_and_records_no_turn(engine):
    first = engine.ask("6月12日哪些景区免费?")
    sid = first.session_id
    token = CancelledAtCheck(2)
    with pytest.raises(Cancelled):
        engine.ask("那12月呢?", session_id=sid, cancel=token)
    assert token.checks == 2  # it stopped at the stage where it was cancelled, not at the end
    assert len(engine.sessions.get_or_create(sid).turns) == 1
    # the conversation goes on as if the cancelled question had never been asked
    follow = engine.ask("那12月呢?", session_id=sid, cancel=CancelToken())
    assert follow.session_id == sid
    assert follow.answer.rewritten_question.startswith("12月")
    assert len(engine.sessions.get_or_create(sid).turns) == 2
