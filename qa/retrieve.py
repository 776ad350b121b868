"""Retrieval over chunks: builds the generic index/ objects from the gazette's chunks and maps
their hits back to Chunk records. The domain decides what is indexed (header + text) and the
user dictionary the tokenizer keeps whole (places, scenic spots, bodies, programme names)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from index.fuse import rrf
from qa.errors import InvalidQuery
from qa.limits import capped
from qa.model import Chunk, Hit
from qa.synonyms import gazette_words
from qa.text import normalize_doc_number

SEARCH_MODES = ("hybrid", "bm25", "dense")
FUSION_WEIGHTS = {"bm25": 1.0, "dense": 0.3}
CHUNK_KINDS = ("article", "section", "table", "table_row", "list", "header")

_PLACE = re.compile(r"[\u4e00-\u9fff]{2,3}(?:区|县|市|镇|乡|街道|村)")
_BODY = re.compile(r"市[\u4e00-\u9fff]{1,6}?(?:局|委|办|中心|管委会)")
_QUOTED = re.compile(r"“([^”]{2,12})”")


def mine_user_words(chunks: Iterable[Chunk]) -> list[str]:
    """Terms the tokenizer must keep whole, mined from the corpus itself."""
    words: set[str] = set()
    for c in chunks:
        text = c.text if c.kind != "header" else c.title
        words.update(m.group(0) for m in _PLACE.finditer(text) if len(m.group(0)) <= 5)
        words.update(m.group(0) for m in _BODY.finditer(text))
        words.update(m.group(1) for m in _QUOTED.finditer(text))
        if c.kind == "list":
            words.update(i.split("(")[0].split("(")[0] for i in c.text.split("、") if 2 <= len(i) <= 8)
        if c.kind == "table_row":
            head = c.text.split(" ")[0]
            if 2 <= len(head) <= 14 and not head.isdigit():
                words.add(head)
    return sorted(w for w in words if 2 <= len(w) <= 14)


def index_items(chunks: Iterable[Chunk]):
    from index.records import IndexItem

    return [
        IndexItem(id=c.id, text=c.index_text, meta={"doc_key": c.doc_key, "kind": c.kind, "dates": list(c.dates)})
        for c in chunks
    ]


@dataclass(frozen=True)
class SearchFilters:
    doc_keys: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    in_force_on: str | None = None  # ISO day: only documents the corpus timeline shows in force then


class Retriever:
    """Searches chunks with a HybridIndex built for them. Construct with loaded parts; no globals.

    `weights` are the RRF weights of the two retrievers; BM25 leads on this corpus (exact 文号,
    place and programme names), measured with `qa eval`.
    """

    def __init__(self, index, chunks: Iterable[Chunk], weights: dict[str, float] | None = None) -> None:
        self.index = index
        self.weights = weights or dict(FUSION_WEIGHTS)
        self.chunks = {c.id: c for c in chunks}
        self.doc_keys = {c.doc_key for c in self.chunks.values()}
        # (doc key, day) → in force then; set by the engine from the corpus timeline (filters.in_force_on)
        self.in_force: Callable[[str, dt.date], bool] | None = None

    def allowed(self, filters: SearchFilters | None) -> set[str] | None:
        if filters is None or not (filters.doc_keys or filters.kinds or filters.date_from or filters.date_to
                                   or filters.in_force_on):
            return None
        on = _day(filters.in_force_on) if filters.in_force_on else None
        keys = {normalize_doc_number(k) for k in filters.doc_keys}
        unknown = sorted(k for k in keys if k not in self.doc_keys)
        if unknown:
            raise InvalidQuery(f"unknown document {unknown[0]}; known: {', '.join(sorted(self.doc_keys))}")
        bad = [k for k in filters.kinds if k not in CHUNK_KINDS]
        if bad:
            raise InvalidQuery(f"unknown kind {bad[0]!r}; choose from {', '.join(CHUNK_KINDS)}")
        out = set()
        for c in self.chunks.values():
            if keys and c.doc_key not in keys:
                continue
            if filters.kinds and c.kind not in filters.kinds:
                continue
            if on is not None and self.in_force is not None and not self.in_force(c.doc_key, on):
                continue
            if filters.date_from or filters.date_to:
                lo, hi = filters.date_from or "0000", filters.date_to or "9999"
                if not any(lo <= d <= hi for d in c.dates):
                    continue
            out.add(c.id)
        return out

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: SearchFilters | None = None,
               query_vector=None) -> list[Hit]:
        if mode not in SEARCH_MODES:
            raise InvalidQuery(f"unknown mode {mode!r}; choose from {', '.join(SEARCH_MODES)}")
        if not query.strip():
            raise InvalidQuery("empty query")
        allowed = self.allowed(filters)
        if allowed is not None and not allowed:
            return []
        # searched in the gazette's words (电动车 → 电动自行车): retrieval matches words, residents paraphrase;
        # capped (qa.limits): the encoder's cost grows with the square of the query's length
        hits = self.index.search(gazette_words(capped(query)), k=k, mode=mode, allowed_ids=allowed, weights=self.weights,
                                 query_vector=query_vector)
        return [Hit(self.chunks[h.id], float(h.score), dict(h.ranks), dict(h.scores)) for h in hits if h.id in self.chunks]


def in_context(own: list[Hit], question: list[Hit], k: int) -> list[Hit]:
    """A later part's hits ranked within the question it belongs to: "…三年行动方案哪天开始施行?市里的钱
    从哪年开始安排?" asks about the plan's money, which the part's own words ("市里的钱") do not find
    alone. Fused by rank with the whole question's hits (RRF, equal weights: half weight for the
    question measured worse), a passage both find leads; a part naming a topic of its own still finds
    it (its own hits keep their place among the rest)."""
    fused = rrf({"part": [(h.chunk.id, h.score) for h in own], "question": [(h.chunk.id, h.score) for h in question]})
    by_id = {h.chunk.id: h for h in question} | {h.chunk.id: h for h in own}
    return [replace(by_id[f.id], score=f.score) for f in fused[:k]]


def _day(iso: str) -> dt.date:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        raise InvalidQuery(f"in_force_on must be a date YYYY-MM-DD, got {iso!r}") from None
