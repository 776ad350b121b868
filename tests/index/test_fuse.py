from __future__ import annotations

import pytest

from index.fuse import RRF_K, rrf


def test_scores_are_weighted_reciprocal_ranks() -> None:
    fused = rrf({"bm25": [("a", 9.0), ("b", 5.0)], "dense": [("b", 0.9), ("c", 0.8)]})
    by_id = {f.id: f for f in fused}
    assert RRF_K == 60
    assert by_id["b"].score == pytest.approx(1 / 62 + 1 / 61)
    assert by_id["a"].score == pytest.approx(1 / 61)
    assert by_id["c"].score == pytest.approx(1 / 62)
    assert [f.id for f in fused] == ["b", "a", "c"]
    assert by_id["b"].ranks == {"bm25": 2, "dense": 1}
    assert by_id["b"].scores == {"bm25": 5.0, "dense": 0.9}
    assert by_id["a"].ranks == {"bm25": 1} and by_id["c"].scores == {"dense": 0.8}


def test_ties_break_by_best_rank_then_first_appearance() -> None:
    # a and b tie exactly (1/61 + 1/62 each); so do the rank-3 pair, x and y.
    rankings = {"bm25": [("a", 3.0), ("b", 2.0), ("x", 1.0)], "dense": [("b", 0.9), ("a", 0.8), ("y", 0.7)]}
    first = [f.id for f in rrf(rankings)]
    assert first == ["a", "b", "x", "y"]
    assert [f.id for f in rrf(rankings)] == first  # same input, same order, every time
    # Disjoint rank-1 hits tie too; the earlier retriever in the mapping wins, so callers
    # control the order by how they list retrievers, never by hash order.
    assert [f.id for f in rrf({"bm25": [("p", 1.0)], "dense": [("q", 0.9)]})] == ["p", "q"]
    assert [f.id for f in rrf({"dense": [("q", 0.9)], "bm25": [("p", 1.0)]})] == ["q", "p"]


def test_empty_inputs() -> None:
    assert rrf({}) == []
    assert rrf({"bm25": [], "dense": []}) == []


def test_one_empty_retriever_keeps_the_other_order() -> None:
    fused = rrf({"bm25": [], "dense": [("c", 0.7), ("a", 0.6), ("b", 0.5)]})
    assert [f.id for f in fused] == ["c", "a", "b"]
    assert all(f.ranks.keys() == {"dense"} for f in fused)


def test_weights_shift_the_winner() -> None:
    rankings = {"bm25": [("a", 9.0), ("b", 1.0)], "dense": [("b", 0.9), ("a", 0.1)]}
    assert rrf(rankings, weights={"dense": 2.0})[0].id == "b"
    assert rrf(rankings, weights={"bm25": 2.0})[0].id == "a"
    zero = rrf(rankings, weights={"dense": 0.0})
    assert [f.id for f in zero] == ["a", "b"] and zero[0].score == pytest.approx(1 / 61)


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown retrievers"):
        rrf({"bm25": [("a", 1.0)]}, weights={"sparse": 1.0})
    with pytest.raises(ValueError, match="≥ 0"):
        rrf({"bm25": [("a", 1.0)]}, weights={"bm25": -1.0})


def test_repeated_id_in_one_list_counts_once_at_its_best_rank() -> None:
    fused = rrf({"bm25": [("a", 3.0), ("a", 2.0), ("b", 1.0)]})
    by_id = {f.id: f for f in fused}
    assert by_id["a"].score == pytest.approx(1 / 61) and by_id["a"].ranks == {"bm25": 1}
    assert by_id["b"].ranks == {"bm25": 3}
