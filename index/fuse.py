"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

Each retriever adds weight / (K + rank) for every hit it returned, rank counted from 1.
Only ranks matter, so BM25 scores (unbounded) and cosines (≤ 1) need no calibration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

__all__ = ["RRF_K", "Fused", "rrf"]

# K = 60 is the constant Cormack et al. chose on TREC data and found robust: it damps the
# gap between the first few ranks (1/61 vs 1/62, not 1 vs 1/2), so one retriever's lone
# top hit does not outvote a document both retrievers rank reasonably high.
RRF_K = 60


@dataclass(frozen=True)
class Fused:
    id: Hashable
    score: float
    ranks: dict[str, int]  # retriever name → 1-based rank, only where it returned the id
    scores: dict[str, float]  # retriever name → that retriever's raw score


def rrf(
    rankings: Mapping[str, Sequence[tuple[Hashable, float]]],
    weights: Mapping[str, float] | None = None,
    k: int = RRF_K,
) -> list[Fused]:
    """Fuse best-first (id, raw score) lists; an id repeated within one list keeps its best rank.

    Ties in fused score go to the better best rank, then to the earlier first appearance
    (retrievers in mapping order, ranks ascending), so the order never depends on hashing.
    """
    weights = dict(weights or {})
    if unknown := set(weights) - set(rankings):
        raise ValueError(f"weights for unknown retrievers {sorted(unknown)}; retrievers are {list(rankings)}")
    if any(w < 0 for w in weights.values()):
        raise ValueError(f"weights must be ≥ 0, got {weights}")
    # plain dicts while accumulating (in first-appearance order); each Fused is made once at the end
    total: dict[Hashable, float] = {}
    ranks: dict[Hashable, dict[str, int]] = {}
    raws: dict[Hashable, dict[str, float]] = {}
    for name, hits in rankings.items():
        w = weights.get(name, 1.0)
        for rank, (id_, raw) in enumerate(hits, start=1):
            seen = ranks.get(id_)
            if seen is None:
                seen, raws[id_], total[id_] = {}, {}, 0.0
                ranks[id_] = seen
            elif name in seen:
                continue
            seen[name], raws[id_][name] = rank, raw
            total[id_] += w / (k + rank)
    fused = [Fused(id_, score, ranks[id_], raws[id_]) for id_, score in total.items()]
    first_seen = {id_: i for i, id_ in enumerate(total)}
    return sorted(fused, key=lambda f: (-f.score, min(f.ranks.values()), first_seen[f.id]))
