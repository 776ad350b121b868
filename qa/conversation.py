"""Follow-up questions: sessions keep the last turn's slots (document, date, place, topic) and an
elliptical question is rewritten into a standalone one before it is answered."""
from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace

_DATE = re.compile(r"(\d{4}\s*年\s*)?([\d零〇一二三四五六七八九十]{1,3}\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*[日号])?|\d{1,2}\.\d{1,2})")
_PLACE = re.compile(r"(柯城区|衢江区|龙游县|江山市|常山县|开化县|集聚区|全市|市级|县级|市里|县里|市|县)")
_ELLIPSIS_START = re.compile(r"^(那么?|那个|还有|另外|这个|它|其中|再问|然后)")
_Q_TAIL = re.compile(r"[??!!。\s]+$")


@dataclass(frozen=True)
class Turn:
    question: str  # the standalone form that was answered
    doc_key: str | None = None


@dataclass(frozen=True)
class Session:
    id: str
    turns: tuple[Turn, ...] = ()
    touched: float = 0.0

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


class SessionStore:
    """In-memory LRU with a time-to-live; thread-safe. Swap for another store with the same methods."""

    def __init__(self, ttl_seconds: float = 1800.0, max_sessions: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max = max_sessions
        self._data: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_create(self, session_id: str | None) -> Session:
        now = time.monotonic()
        with self._lock:
            s = self._data.get(session_id) if session_id else None
            if s is not None and now - s.touched <= self.ttl:
                self._data.move_to_end(s.id)
                return s
            if s is not None:
                del self._data[s.id]
            s = Session(id=uuid.uuid4().hex, touched=now)
            self._data[s.id] = s
            while len(self._data) > self.max:
                self._data.popitem(last=False)
            return s

    def record(self, session: Session, turn: Turn) -> Session:
        s = replace(session, turns=(session.turns + (turn,))[-10:], touched=time.monotonic())
        with self._lock:
            self._data[s.id] = s
            self._data.move_to_end(s.id)
        return s


def is_elliptical(question: str) -> bool:
    q = _Q_TAIL.sub("", question.strip())
    core = re.sub(r"[的了吗呢啊吧]", "", q)
    return q.endswith("呢") or bool(_ELLIPSIS_START.match(q)) or len(core) <= 5 or bool(re.search(r"那个|这个|该项|上述", q))


def rewrite(question: str, previous: str | None) -> str:
    """Standalone form of a follow-up, given the previous standalone question.

    >>> rewrite("那12月呢?", "6月12日哪些景区免费?")
    '12月哪些景区免费?'
    >>> rewrite("县里呢?", "市防指的防汛物资仓库要多大?")
    '县防指的防汛物资仓库要多大?'
    """
    if not previous or not is_elliptical(question):
        return question
    q = _Q_TAIL.sub("", _ELLIPSIS_START.sub("", question.strip())).rstrip("呢").strip()
    new_date = _DATE.search(q)
    old_date = _DATE.search(previous)
    if new_date and old_date:
        return previous[: old_date.start()] + new_date.group(0) + previous[old_date.end():]
    new_place = _PLACE.search(q)
    old_place = _PLACE.search(previous)
    if new_place and old_place and new_place.group(0) != old_place.group(0):
        place = {"县里": "县", "市里": "市", "县级": "县", "市级": "市"}.get(new_place.group(0), new_place.group(0))
        return previous[: old_place.start()] + place + previous[old_place.end():]
    return combine(q, previous)


def combine(question: str, previous: str) -> str:
    """Carry the previous topic into a question that names only part of it."""
    topic = _Q_TAIL.sub("", previous)
    q = _Q_TAIL.sub("", question.strip())
    return f"{topic},{q}?"
