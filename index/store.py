"""A FAISS vector store with explicit string ids.

Vectors must be L2-normalised, so inner product = cosine. Two kinds:

- ``flat``: `IndexFlatIP`, exact; at gazette scale (10^3–10^5 rows) a brute-force scan
  costs a few milliseconds and needs no tuning.
- ``hnsw``: `IndexHNSWFlat` with the inner-product metric, approximate; for corpora where
  the scan gets slow. The bench measures its recall@10 against flat.

FAISS numbers rows 0..n-1 in insertion order; `ids[row]` maps them back to the caller's
string ids and is saved next to the FAISS file, so the mapping never depends on an order
kept somewhere else.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import faiss
import numpy as np

from index.errors import IndexCorrupt, IndexMissing, UnknownChoice

__all__ = ["VECTOR_KINDS", "VectorStore"]

VECTOR_KINDS = ("flat", "hnsw")
_FAISS_FILE = "faiss.index"
_IDS_FILE = "faiss_ids.json"

# HNSW graph parameters. On the bench's 70k-row corpus (100 noisy copies of each chunk, the
# hardest case for a graph: every real query's top 10 lies inside one tight cluster),
# efSearch 128/256/512 gives recall@10 0.87/0.97/0.997 for real questions at 0.3/0.8/1.4 ms;
# 512 is still far cheaper than encoding the query (~7 ms). efConstruction=100 keeps the
# build at ~15 s for 70k rows on 2 cores.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 512
# Below this many allowed rows a filtered search scores them directly: exact, and cheaper
# than walking a graph in which most neighbours are filtered out.
_EXACT_FILTER_LIMIT = 4096


class VectorStore:
    """Rows of unit vectors with string ids; `search` returns (id, cosine) best first."""

    def __init__(self, dim: int, kind: str = "flat", ef_search: int = HNSW_EF_SEARCH) -> None:
        if kind not in VECTOR_KINDS:
            raise UnknownChoice("vector index kind", kind, VECTOR_KINDS)
        self.dim = dim
        self.kind = kind
        self._ef_search = ef_search
        self.ids: list[str] = []
        self._row_of: dict[str, int] = {}
        if kind == "flat":
            self._index = faiss.IndexFlatIP(dim)
        else:
            self._index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            self._index.hnsw.efSearch = ef_search

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def ef_search(self) -> int:
        """HNSW only: how many candidates a search keeps while walking the graph (recall vs time)."""
        return self._ef_search

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        self._ef_search = int(value)
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = self._ef_search

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Append unit vectors under `ids` (unique, new). Checks everything before changing anything."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (len(ids), self.dim):
            raise ValueError(f"expected vectors of shape ({len(ids)}, {self.dim}), got {vectors.shape}")
        seen: set[str] = set()
        for i in ids:
            if i in self._row_of or i in seen:
                raise ValueError(f"duplicate id {i!r}: ids must be unique")
            seen.add(i)
        self._index.add(vectors)
        for i in ids:
            self._row_of[i] = len(self.ids)
            self.ids.append(i)

    def row_of(self, id_: str) -> int:
        return self._row_of[id_]

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The stored unit vectors of these rows (for scoring a few known items exactly)."""
        return self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def search(self, vector: np.ndarray, k: int, allowed: Iterable[str] | np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best k rows for one query vector; `allowed` is a set of ids or a boolean row mask."""
        return [(self.ids[r], s) for r, s in self.search_rows(vector, k, allowed)]

    def search_rows(self, vector: np.ndarray, k: int, allowed: Iterable[str] | np.ndarray | None = None) -> list[tuple[int, float]]:
        query = np.ascontiguousarray(np.asarray(vector, dtype=np.float32).reshape(1, self.dim))
        n = len(self.ids)
        if k <= 0 or n == 0:
            return []
        if allowed is None:
            return self._faiss_search(query, min(k, n), None)
        rows = self._allowed_rows(allowed)
        if rows.size == 0:
            return []
        if rows.size <= _EXACT_FILTER_LIMIT:
            vecs = self._index.reconstruct_batch(rows)
            scores = vecs @ query[0]
            order = np.lexsort((rows, -scores))[:k]
            return [(int(rows[i]), float(scores[i])) for i in order]
        params = (faiss.SearchParametersHNSW if self.kind == "hnsw" else faiss.SearchParameters)()
        params.sel = faiss.IDSelectorBatch(rows)
        if self.kind == "hnsw":
            params.efSearch = max(self.ef_search, k)
        return self._faiss_search(query, min(k, int(rows.size)), params)

    def _faiss_search(self, query: np.ndarray, k: int, params) -> list[tuple[int, float]]:
        if self.kind == "hnsw" and params is None and k > self.ef_search:
            params = faiss.SearchParametersHNSW()
            params.efSearch = k  # HNSW returns at most efSearch candidates
        with _one_thread():
            if params is not None:
                scores, rows = self._index.search(query, k, params=params)
            else:
                scores, rows = self._index.search(query, k)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
        # FAISS's order among equal scores is an implementation detail; make it row order.
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits

    def _allowed_rows(self, allowed: Iterable[str] | np.ndarray) -> np.ndarray:
        if isinstance(allowed, np.ndarray) and allowed.dtype == bool:
            if allowed.shape != (len(self.ids),):
                raise ValueError(f"allowed mask has shape {allowed.shape}, expected ({len(self.ids)},)")
            return np.flatnonzero(allowed).astype(np.int64)
        rows = sorted(self._row_of[i] for i in allowed if i in self._row_of)
        return np.asarray(rows, dtype=np.int64)

    # -- persistence --

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / _FAISS_FILE))
        meta = {"kind": self.kind, "dim": self.dim, "ef_search": self.ef_search, "ids": self.ids}
        (directory / _IDS_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> "VectorStore":
        directory = Path(directory)
        for name in (_FAISS_FILE, _IDS_FILE):
            if not (directory / name).is_file():
                raise IndexMissing(f"no vector store at {directory} ({name} is missing)")
        meta = json.loads((directory / _IDS_FILE).read_text(encoding="utf-8"))
        store = cls(int(meta["dim"]), meta["kind"], int(meta.get("ef_search", HNSW_EF_SEARCH)))
        store._index = faiss.read_index(str(directory / _FAISS_FILE))
        store.ef_search = store.ef_search  # read_index restores FAISS's default efSearch
        store.ids = list(meta["ids"])
        store._row_of = {i: r for r, i in enumerate(store.ids)}
        if store._index.ntotal != len(store.ids) or store._index.d != store.dim:
            raise IndexCorrupt(
                f"{_FAISS_FILE} holds {store._index.ntotal} vectors of dim {store._index.d} "
                f"but {_IDS_FILE} lists {len(store.ids)} ids of dim {store.dim}",
                file=_FAISS_FILE,
            )
        return store


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Run FAISS single-threaded for one query. Splitting a single query's scan across
    OpenMP threads costs more than it saves on small machines (70k × 384 flat scan: 24 ms
    with 2 threads, 8 ms with 1). omp_set_num_threads only changes the calling thread's
    setting, so concurrent searches in other threads and batch builds are unaffected."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)
