"""The records `index/` takes in and hands out. Frozen: a stage never edits what it was given."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IndexItem", "SearchHit"]


@dataclass(frozen=True)
class IndexItem:
    """One retrievable text. `id` is the caller's stable key; `meta` must be JSON-serialisable
    (it is stored in items.jsonl and handed back untouched)."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchHit:
    """`score` is the fused RRF score in hybrid mode, else the one retriever's raw score.
    `ranks` (1-based) and `scores` hold each retriever that returned the item."""

    id: str
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
