"""BM25 over token lists: rows in, (row, score) out.

Two implementations behind one interface, chosen with `make_bm25(variant)`:

- ``"bm25s"`` (`BM25Index`, default): bm25s's eager sparse index — every (document, term)
  score is computed at build time and a query is a sum of a few CSC columns.
- ``"rank-bm25"`` (`RankBM25Index`): rank-bm25's `BM25Okapi`, the reference, which scans
  every document per query term in Python.

Both score with rank-bm25's BM25Okapi formula exactly, so they rank identically (the
tests prove it on the bundled gazette). None of bm25s's built-in methods do: its tf part
"atire" matches, but its idf variants differ where a term occurs in more than half of the
documents — rank-bm25 floors that negative idf at ``epsilon × mean idf``, "robertson" clips
it to 0, "lucene"/"atire" use other formulas. So `BM25Index` overrides bm25s's documented
build hook, `build_index_from_ids`, and fills the same CSC matrix with Okapi scores; scoring,
storage and loading are bm25s's own.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterable, NamedTuple, Protocol, Sequence, runtime_checkable

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from index.errors import EmptyCorpus, IndexMissing, UnknownChoice

__all__ = ["BM25Index", "Bm25", "RankBM25Index", "BM25_VARIANTS", "load_bm25", "make_bm25"]

# rank-bm25's BM25Okapi defaults.
K1 = 1.5
B = 0.75
EPSILON = 0.25
_META = "bm25_meta.json"

Allowed = np.ndarray | Iterable[int] | None


@runtime_checkable
class Bm25(Protocol):
    """What HybridIndex needs from a BM25 implementation."""

    variant: str

    @property
    def n_docs(self) -> int: ...

    def search(self, query_tokens: Sequence[str], k: int, allowed: Allowed = None) -> list[tuple[int, float]]: ...

    def save(self, directory: str | Path) -> None: ...


def allowed_mask(allowed: Allowed, n: int) -> np.ndarray | None:
    """A boolean mask of length n from a mask or a collection of row indices (None = all rows)."""
    if allowed is None:
        return None
    if isinstance(allowed, np.ndarray) and allowed.dtype == bool:
        if allowed.shape != (n,):
            raise ValueError(f"allowed mask has shape {allowed.shape}, expected ({n},)")
        return allowed
    rows = np.fromiter((int(i) for i in allowed), dtype=np.int64)
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise ValueError(f"allowed rows must lie in [0, {n}); got {rows.min()}..{rows.max()}")
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def top_positive(scores: np.ndarray, k: int, allowed: Allowed = None) -> list[tuple[int, float]]:
    """The k best rows with a positive score, best first; equal scores in row order so that
    results never depend on the sort algorithm."""
    keep = scores > 0
    mask = allowed_mask(allowed, len(scores))
    if mask is not None:
        keep &= mask
    rows = np.flatnonzero(keep)
    if k <= 0 or rows.size == 0:
        return []
    vals = scores[rows]
    if rows.size > k:
        # Keep everything tied with the k-th best so the row-order tie-break sees all of them.
        kth = np.partition(vals, rows.size - k)[rows.size - k]
        sel = vals >= kth
        rows, vals = rows[sel], vals[sel]
    order = np.lexsort((rows, -vals))[:k]
    return [(int(rows[i]), float(vals[i])) for i in order]


class _FlatCorpus(NamedTuple):
    """All documents' token ids end to end, plus each document's length: one numpy array
    instead of a list of lists, so counting term frequencies is a single np.unique."""

    token_ids: np.ndarray
    doc_len: np.ndarray


def _flatten(token_lists: Sequence[Sequence[str]]) -> tuple[_FlatCorpus, dict[str, int]]:
    """Token ids numbered by first appearance: the order rank-bm25 sums idf in."""
    vocab: dict[str, int] = {}
    number = vocab.setdefault
    ids = np.fromiter((number(t, len(vocab)) for doc in token_lists for t in doc), dtype=np.int64)
    doc_len = np.fromiter((len(doc) for doc in token_lists), dtype=np.int64, count=len(token_lists))
    return _FlatCorpus(ids, doc_len), vocab


class _OkapiBM25S(bm25s.BM25):
    """bm25s with rank-bm25's BM25Okapi scores in its eager CSC matrix."""

    epsilon: float = EPSILON

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=False, leave_progress=False):
        self.nonoccurrence_array = None  # only BM25L/BM25+ use it; bm25s reads it when scoring
        flat: _FlatCorpus = corpus_token_ids
        n_docs = len(flat.doc_len)
        n_vocab = len(unique_token_ids)
        avgdl = int(flat.doc_len.sum()) / n_docs
        docs = np.repeat(np.arange(n_docs, dtype=np.int64), flat.doc_len)
        keys, tf = np.unique(docs * max(n_vocab, 1) + flat.token_ids, return_counts=True)
        rows, cols = np.divmod(keys, max(n_vocab, 1))
        df = np.bincount(cols, minlength=n_vocab)

        # idf exactly as BM25Okapi._calc_idf: math.log (not np.log, whose SIMD kernels may
        # differ in the last bit), summed in vocabulary order = first appearance in the corpus.
        idf = np.empty(n_vocab, dtype=np.float64)
        idf_sum = 0.0
        for t, n_t in enumerate(df.tolist()):
            v = math.log(n_docs - n_t + 0.5) - math.log(n_t + 0.5)
            idf[t] = v
            idf_sum += v
        if n_vocab:
            idf[idf < 0] = self.epsilon * (idf_sum / n_vocab)

        # Same operations in the same order as BM25Okapi.get_scores, so each term's
        # contribution, and hence each document's sum, is bit-identical.
        dl = flat.doc_len[rows]
        tfc = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * dl / avgdl))
        data = idf[cols] * tfc

        order = np.argsort(cols, kind="stable")  # CSC: by column, rows ascending within
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        return {
            "data": data[order].astype(self.dtype),
            "indices": rows[order].astype(self.int_dtype),
            "indptr": indptr,
            "num_docs": n_docs,
        }


def _check_corpus(token_lists: Sequence[Sequence[str]]) -> None:
    if len(token_lists) == 0:
        raise EmptyCorpus("cannot build a BM25 index over zero documents")


def _write_meta(directory: Path, variant: str, n_docs: int) -> None:
    meta = {"variant": variant, "k1": K1, "b": B, "epsilon": EPSILON, "n_docs": n_docs}
    (directory / _META).write_text(json.dumps(meta), encoding="utf-8")


def _read_meta(directory: Path) -> dict:
    path = Path(directory) / _META
    if not path.is_file():
        raise IndexMissing(f"no BM25 index at {directory} ({_META} is missing)")
    return json.loads(path.read_text(encoding="utf-8"))


class BM25Index:
    """BM25Okapi (k1=1.5, b=0.75, epsilon=0.25) on bm25s's eager sparse index."""

    variant = "bm25s"

    def __init__(self, engine: _OkapiBM25S) -> None:
        self._engine = engine
        self._vocab: dict[str, int] = engine.vocab_dict

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> "BM25Index":
        _check_corpus(token_lists)
        flat, vocab = _flatten(token_lists)
        engine = _OkapiBM25S(k1=K1, b=B, method="atire", idf_method="robertson", dtype="float64", backend="numpy")
        # bm25s passes `ids` through to build_index_from_ids untouched.
        engine.index(Tokenized(ids=flat, vocab=vocab), create_empty_token=False, show_progress=False)
        return cls(engine)

    @property
    def n_docs(self) -> int:
        return int(self._engine.scores["num_docs"])

    def search(self, query_tokens: Sequence[str], k: int, allowed: Allowed = None) -> list[tuple[int, float]]:
        # A token repeated in the query counts each time it occurs, as in rank-bm25.
        ids = [self._vocab[t] for t in query_tokens if t in self._vocab]
        if not ids:
            allowed_mask(allowed, self.n_docs)  # still reject a malformed filter
            return []
        return top_positive(self._engine.get_scores_from_ids(ids), k, allowed)

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._engine.save(directory, show_progress=False)
        _write_meta(directory, self.variant, self.n_docs)

    @classmethod
    def load(cls, directory: str | Path) -> "BM25Index":
        meta = _read_meta(Path(directory))
        if meta.get("variant") != cls.variant:
            raise ValueError(f"{directory} holds a {meta.get('variant')!r} BM25 index, not {cls.variant!r}")
        return cls(_OkapiBM25S.load(directory, mmap=False, show_progress=False))


class RankBM25Index:
    """rank-bm25's BM25Okapi behind the same interface: the reference and the fallback."""

    variant = "rank-bm25"
    _TOKENS = "tokens.json"

    def __init__(self, token_lists: Sequence[Sequence[str]]) -> None:
        from rank_bm25 import BM25Okapi

        _check_corpus(token_lists)
        self._token_lists = [list(t) for t in token_lists]
        self._engine = BM25Okapi(self._token_lists, k1=K1, b=B, epsilon=EPSILON)

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> "RankBM25Index":
        return cls(token_lists)

    @property
    def n_docs(self) -> int:
        return len(self._token_lists)

    def search(self, query_tokens: Sequence[str], k: int, allowed: Allowed = None) -> list[tuple[int, float]]:
        return top_positive(np.asarray(self._engine.get_scores(list(query_tokens))), k, allowed)

    def save(self, directory: str | Path) -> None:
        # rank-bm25 has no persistence; the token lists rebuild it exactly.
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / self._TOKENS).write_text(json.dumps(self._token_lists, ensure_ascii=False), encoding="utf-8")
        _write_meta(directory, self.variant, self.n_docs)

    @classmethod
    def load(cls, directory: str | Path) -> "RankBM25Index":
        _read_meta(Path(directory))
        return cls(json.loads((Path(directory) / cls._TOKENS).read_text(encoding="utf-8")))


BM25_VARIANTS: dict[str, type[BM25Index] | type[RankBM25Index]] = {
    BM25Index.variant: BM25Index,
    RankBM25Index.variant: RankBM25Index,
}


def make_bm25(variant: str = "bm25s") -> type[BM25Index] | type[RankBM25Index]:
    """The BM25 class for `variant`; call `.build(token_lists)` or `.load(dir)` on it."""
    try:
        return BM25_VARIANTS[variant]
    except KeyError:
        raise UnknownChoice("BM25 variant", variant, BM25_VARIANTS) from None


def load_bm25(directory: str | Path) -> BM25Index | RankBM25Index:
    """Load whichever variant `directory` holds."""
    return make_bm25(_read_meta(Path(directory))["variant"]).load(directory)
