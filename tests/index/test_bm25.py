from __future__ import annotations

import numpy as np
import pytest

from bench.run import QUERIES as BENCH_QUERIES
from index.bm25 import BM25Index, RankBM25Index, load_bm25, make_bm25
from index.errors import EmptyCorpus, UnknownChoice
from index.tokenize import Tokenizer

# The benchmark's queries (questions a reader of this gazette would ask, bare keywords, a 文号), plus
# edge cases: a short form of a long question, and stopwords with repeats.
QUERIES = BENCH_QUERIES + ["钱江源国家公园", "的 的 的 景区 景区"]


@pytest.fixture(scope="module")
def token_lists(paragraphs: list[str], tokenizer: Tokenizer) -> list[list[str]]:
    return tokenizer.tokenize_many(paragraphs)


@pytest.fixture(scope="module")
def fast(token_lists: list[list[str]]) -> BM25Index:
    return BM25Index.build(token_lists)


@pytest.fixture(scope="module")
def reference(token_lists: list[list[str]]) -> RankBM25Index:
    return RankBM25Index.build(token_lists)


def _reference_top(ref_scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """rank-bm25's scores ranked independently of our code: score desc, then row."""
    order = sorted((i for i in range(len(ref_scores)) if ref_scores[i] > 0), key=lambda i: (-ref_scores[i], i))
    return [(i, float(ref_scores[i])) for i in order[:k]]


def test_bm25s_ranks_exactly_like_rank_bm25_okapi(fast: BM25Index, token_lists, tokenizer: Tokenizer) -> None:
    from rank_bm25 import BM25Okapi

    okapi = BM25Okapi(token_lists)  # rank-bm25 defaults: k1=1.5, b=0.75, epsilon=0.25
    nonempty = 0
    for query in QUERIES:
        q = tokenizer.tokenize(query)
        got = fast.search(q, 10)
        want = _reference_top(okapi.get_scores(q), 10)
        assert [r for r, _ in got] == [r for r, _ in want], query
        # Not merely close: each document's sum is built from bit-identical terms.
        assert [s for _, s in got] == [s for _, s in want], query
        nonempty += len(got) == 10
    assert nonempty >= 30, "too few queries had 10 hits for the comparison to mean anything"


def test_common_terms_get_rank_bm25s_epsilon_floor() -> None:
    # "common" is in 3 of 4 documents, so its Okapi idf is negative; rank-bm25 floors it at
    # epsilon × mean idf (> 0). This is where bm25s's stock methods part ways with rank-bm25
    # ("robertson" clips it to 0 and returns no hit at all).
    tiny = [["common", "a"], ["common", "b"], ["common", "c"], ["d"]]
    mine, ref = BM25Index.build(tiny), RankBM25Index.build(tiny)
    hits = mine.search(["common"], 10)
    assert hits == ref.search(["common"], 10)
    assert len(hits) == 3 and all(s > 0 for _, s in hits)


def test_search_filters_with_mask_or_rows(fast: BM25Index, reference: RankBM25Index, tokenizer) -> None:
    q = tokenizer.tokenize("全球免费游衢州活动有哪些免费景区")
    unfiltered = fast.search(q, 50)
    allowed_rows = [r for r, _ in unfiltered[1::2]]  # every other hit
    mask = np.zeros(fast.n_docs, dtype=bool)
    mask[allowed_rows] = True
    by_mask = fast.search(q, 10, allowed=mask)
    by_rows = fast.search(q, 10, allowed=set(allowed_rows))
    assert by_mask == by_rows == [h for h in unfiltered if h[0] in set(allowed_rows)][:10]
    assert reference.search(q, 10, allowed=mask) == by_mask
    assert fast.search(q, 10, allowed=np.zeros(fast.n_docs, dtype=bool)) == []


def test_only_positive_scores_and_k_respected(fast: BM25Index, tokenizer) -> None:
    hits = fast.search(tokenizer.tokenize("免费"), 5)
    assert len(hits) == 5 and all(s > 0 for _, s in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert fast.search(["一个不存在的词"], 10) == []
    assert fast.search([], 10) == []
    assert fast.search(tokenizer.tokenize("免费"), 0) == []


def test_malformed_filters_are_rejected(fast: BM25Index) -> None:
    with pytest.raises(ValueError, match="shape"):
        fast.search(["免费"], 5, allowed=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="rows must lie"):
        fast.search(["免费"], 5, allowed=[fast.n_docs + 5])


@pytest.mark.parametrize("variant", ["bm25s", "rank-bm25"])
def test_save_load_round_trip(variant: str, token_lists, tokenizer, tmp_path) -> None:
    built = make_bm25(variant).build(token_lists)
    built.save(tmp_path / "bm25")
    loaded = load_bm25(tmp_path / "bm25")
    assert type(loaded) is type(built)
    for query in QUERIES[:10]:
        q = tokenizer.tokenize(query)
        assert loaded.search(q, 10) == built.search(q, 10)


def test_selector_lists_choices() -> None:
    assert make_bm25("bm25s") is BM25Index and make_bm25("rank-bm25") is RankBM25Index
    with pytest.raises(UnknownChoice, match="bm25s, rank-bm25"):
        make_bm25("bm25plus")


def test_empty_corpus_is_refused() -> None:
    with pytest.raises(EmptyCorpus):
        BM25Index.build([])
    with pytest.raises(EmptyCorpus):
        RankBM25Index.build([])


def test_documents_without_tokens_are_harmless() -> None:
    idx = BM25Index.build([[], ["衢州"], []])
    assert [r for r, _ in idx.search(["衢州"], 5)] == [1]
