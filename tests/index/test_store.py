from __future__ import annotations

import numpy as np
import pytest

from index.encoders import l2_normalize
from index.errors import UnknownChoice
from index.store import _EXACT_FILTER_LIMIT, VectorStore


def _unit_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    return l2_normalize(np.random.default_rng(seed).standard_normal((n, dim)))


def _brute(vectors: np.ndarray, q: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[int]:
    rows = np.arange(len(vectors)) if rows is None else rows
    scores = vectors[rows] @ q
    return [int(rows[i]) for i in np.lexsort((rows, -scores))[:k]]


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray]:
    vecs = _unit_vectors(6000)
    return [f"doc-{i}" for i in range(len(vecs))], vecs


@pytest.fixture(scope="module", params=["flat", "hnsw"])
def store(request, data) -> VectorStore:
    ids, vecs = data
    s = VectorStore(vecs.shape[1], request.param)
    s.add(ids, vecs)
    return s


def test_flat_is_exact_and_maps_rows_to_ids(data) -> None:
    ids, vecs = data
    flat = VectorStore(vecs.shape[1], "flat")
    flat.add(ids, vecs)
    queries = _unit_vectors(20, seed=1)
    for q in queries:
        hits = flat.search(q, 10)
        assert [h for h, _ in hits] == [ids[r] for r in _brute(vecs, q, 10)]
        assert [s for _, s in hits] == pytest.approx([float(vecs[ids.index(h)] @ q) for h, _ in hits], abs=1e-5)


def test_hnsw_recall_against_flat(data) -> None:
    ids, vecs = data
    flat, hnsw = VectorStore(vecs.shape[1], "flat"), VectorStore(vecs.shape[1], "hnsw")
    flat.add(ids, vecs)
    hnsw.add(ids, vecs)
    queries = _unit_vectors(50, seed=2)
    found = sum(len({i for i, _ in hnsw.search(q, 10)} & {i for i, _ in flat.search(q, 10)}) for q in queries)
    assert found / (10 * len(queries)) >= 0.95


@pytest.mark.parametrize("n_allowed", [50, _EXACT_FILTER_LIMIT + 500])  # exact path and IDSelector path
def test_filtered_search_returns_only_allowed(store: VectorStore, data, n_allowed: int) -> None:
    ids, vecs = data
    rows = np.sort(np.random.default_rng(3).choice(len(ids), n_allowed, replace=False))
    allowed = {ids[r] for r in rows}
    q = _unit_vectors(1, seed=4)[0]
    hits = store.search(q, 10, allowed=allowed)
    assert len(hits) == 10 and {h for h, _ in hits} <= allowed
    mask = np.zeros(len(ids), dtype=bool)
    mask[rows] = True
    assert store.search(q, 10, allowed=mask) == hits
    exact = [ids[r] for r in _brute(vecs, q, 10, rows)]
    if store.kind == "flat" or n_allowed <= _EXACT_FILTER_LIMIT:
        assert [h for h, _ in hits] == exact
    else:
        assert len({h for h, _ in hits} & set(exact)) >= 8


def test_empty_filter_and_small_k(store: VectorStore) -> None:
    q = _unit_vectors(1, seed=5)[0]
    assert store.search(q, 10, allowed=set()) == []
    assert store.search(q, 10, allowed={"not-an-id"}) == []
    assert store.search(q, 0) == []
    assert len(store.search(q, 3)) == 3


def test_save_load_round_trip(store: VectorStore, tmp_path) -> None:
    store.save(tmp_path)
    loaded = VectorStore.load(tmp_path)
    assert loaded.kind == store.kind and loaded.ids == store.ids and len(loaded) == len(store)
    assert loaded.ef_search == store.ef_search
    for q in _unit_vectors(5, seed=6):
        assert loaded.search(q, 10) == store.search(q, 10)


def test_search_leaves_the_faiss_thread_setting_as_it_was(store: VectorStore) -> None:
    import faiss

    before = faiss.omp_get_max_threads()
    store.search(_unit_vectors(1, seed=7)[0], 10)
    assert faiss.omp_get_max_threads() == before


def test_input_checks() -> None:
    s = VectorStore(4)
    with pytest.raises(ValueError, match="shape"):
        s.add(["a"], np.ones((2, 4), dtype=np.float32))
    s.add(["a"], l2_normalize(np.ones((1, 4))))
    with pytest.raises(ValueError, match="duplicate id 'a'"):
        s.add(["b", "a"], l2_normalize(np.ones((2, 4))))
    with pytest.raises(ValueError, match="duplicate id 'c'"):
        s.add(["c", "c"], l2_normalize(np.ones((2, 4))))
    assert s.ids == ["a"] and len(s) == 1  # a refused batch leaves nothing behind
    with pytest.raises(UnknownChoice, match="flat, hnsw"):
        VectorStore(4, "ivf")
