"""The baseline peer: what a stock LangChain RAG pipeline would retrieve from the same gazette.

* fixed-size chunks from a RecursiveCharacterTextSplitter work-alike (chunk_size 250 chars,
  overlap 50, separators "\\n\\n", "\\n", "。", "!", "?", ";", ",", " ", ""), written here so the
  harness does not depend on LangChain;
* a sparse retriever: rank_bm25.BM25Okapi over jieba.lcut tokens;
* a dense retriever: the engine's own encoder (so the comparison isolates chunking + fusion),
  cosine similarity by a numpy dot product over L2-normalised vectors;
* fusion like LangChain's EnsembleRetriever: weighted reciprocal rank fusion, weights 0.5/0.5,
  c = 60, over each retriever's top ``candidates`` results.

Each chunk carries its character offset and 1-based line span in the source text, and the key
of the document whose line span contains the chunk's first line (None in the front matter), so
retrieval "by document" can be scored like the system's chunks.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

CHUNK_SIZE = 250
CHUNK_OVERLAP = 50
SEPARATORS = ("\n\n", "\n", "。", "!", "?", ";", ",", " ", "")
RRF_C = 60
WEIGHTS = (0.5, 0.5)  # bm25, dense
CANDIDATES = 100  # per retriever, before fusion


# --------------------------------------------------------------------------- splitter


class RecursiveCharacterTextSplitter:
    """A work-alike of langchain_text_splitters.RecursiveCharacterTextSplitter.

    Same algorithm: split on the first separator present in the text, merge the pieces greedily
    up to ``chunk_size`` keeping up to ``chunk_overlap`` characters of trailing pieces, and
    recurse with the next separators into pieces that are still too long.

    ``keep_separator``: "end" (default here) keeps a separator at the end of the piece before
    it, so "。" stays with its sentence — the usual setting for Chinese; "start" is LangChain's
    default (``True``); False drops separators.
    """

    def __init__(
        self,
        chunk_size: int = CHUNK_SIZE,
        chunk_overlap: int = CHUNK_OVERLAP,
        separators: Sequence[str] = SEPARATORS,
        keep_separator: bool | str = "end",
        strip_whitespace: bool = True,
        length_function: Callable[[str], int] = len,
    ) -> None:
        if chunk_overlap > chunk_size:
            raise ValueError(f"chunk_overlap ({chunk_overlap}) larger than chunk_size ({chunk_size})")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.separators = list(separators)
        self.keep_separator = "start" if keep_separator is True else keep_separator
        self.strip_whitespace = strip_whitespace
        self.length = length_function

    def split_text(self, text: str) -> list[str]:
        return self._split(text, self.separators)

    def split_with_offsets(self, text: str) -> list[tuple[int, str]]:
        """(start offset, chunk) pairs; the offset is found as LangChain's add_start_index does."""
        out: list[tuple[int, str]] = []
        index = 0
        previous = 0
        for chunk in self.split_text(text):
            offset = max(0, index + previous - self.chunk_overlap)
            found = text.find(chunk, offset)
            if found < 0:  # cannot happen for contiguous chunks; be safe
                found = text.find(chunk)
            index = max(found, 0)
            previous = len(chunk)
            out.append((index, chunk))
        return out

    # -- the LangChain algorithm

    def _split(self, text: str, separators: list[str]) -> list[str]:
        final: list[str] = []
        separator = separators[-1]
        rest: list[str] = []
        for i, sep in enumerate(separators):
            if sep == "":
                separator = sep
                break
            if sep in text:
                separator = sep
                rest = separators[i + 1:]
                break
        splits = self._split_keep(text, separator)
        merge_sep = "" if self.keep_separator else separator
        good: list[str] = []
        for s in splits:
            if self.length(s) < self.chunk_size:
                good.append(s)
                continue
            if good:
                final.extend(self._merge(good, merge_sep))
                good = []
            if not rest:
                final.append(s)
            else:
                final.extend(self._split(s, rest))
        if good:
            final.extend(self._merge(good, merge_sep))
        return final

    def _split_keep(self, text: str, separator: str) -> list[str]:
        if not separator:
            return [c for c in text]
        if not self.keep_separator:
            return [s for s in text.split(separator) if s]
        parts = re.split(f"({re.escape(separator)})", text)
        if self.keep_separator == "end":
            splits = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
            if len(parts) % 2 == 1:
                splits.append(parts[-1])
        else:
            splits = [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]
            splits = [parts[0]] + splits
            if len(parts) % 2 == 0:
                splits.append(parts[-1])
        return [s for s in splits if s]

    def _join(self, docs: list[str], separator: str) -> str | None:
        text = separator.join(docs)
        if self.strip_whitespace:
            text = text.strip()
        return text or None

    def _merge(self, splits: Iterable[str], separator: str) -> list[str]:
        sep_len = self.length(separator)
        docs: list[str] = []
        current: list[str] = []
        total = 0
        for d in splits:
            n = self.length(d)
            if total + n + (sep_len if current else 0) > self.chunk_size:  # noqa: SIM102 - as LangChain
                if current:
                    doc = self._join(current, separator)
                    if doc is not None:
                        docs.append(doc)
                    while total > self.chunk_overlap or (
                        total + n + (sep_len if current else 0) > self.chunk_size and total > 0
                    ):
                        total -= self.length(current[0]) + (sep_len if len(current) > 1 else 0)
                        current = current[1:]
            current.append(d)
            total += n + (sep_len if len(current) > 1 else 0)
        doc = self._join(current, separator)
        if doc is not None:
            docs.append(doc)
        return docs


# --------------------------------------------------------------------------- chunks


@dataclass(frozen=True)
class BaselineChunk:
    id: str
    text: str
    offset: int  # character offset of the chunk in the source text
    line_start: int  # 1-based, inclusive
    line_end: int
    doc_key: str | None  # the document whose line span contains line_start


@dataclass(frozen=True)
class BaselineHit:
    chunk: BaselineChunk
    score: float
    ranks: dict[str, int]


def line_starts(text: str) -> list[int]:
    """Character offset of the first character of each line (line n starts at result[n-1])."""
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def offset_to_line(starts: Sequence[int], offset: int) -> int:
    """1-based line containing the character at ``offset``."""
    return bisect.bisect_right(starts, offset)


def document_for_line(spans: Sequence[tuple[str, int, int]], line: int) -> str | None:
    for key, start, end in spans:
        if start <= line <= end:
            return key
    return None


def build_chunks(
    text: str,
    doc_spans: Sequence[tuple[str, int, int]],
    splitter: RecursiveCharacterTextSplitter | None = None,
    source: str = "gazette",
) -> list[BaselineChunk]:
    """Split one source text; ``doc_spans`` are (document key, first line, last line)."""
    splitter = splitter or RecursiveCharacterTextSplitter()
    starts = line_starts(text)
    out = []
    for n, (offset, chunk) in enumerate(splitter.split_with_offsets(text)):
        first = offset_to_line(starts, offset)
        last = offset_to_line(starts, offset + max(len(chunk) - 1, 0))
        out.append(BaselineChunk(
            id=f"{source}:{n}", text=chunk, offset=offset, line_start=first, line_end=last,
            doc_key=document_for_line(doc_spans, first),
        ))
    return out


# --------------------------------------------------------------------------- retrieval

_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def jieba_tokens(text: str) -> list[str]:
    """jieba.lcut (default dictionary, HMM on), lowercased, whitespace and punctuation tokens dropped."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter in the eval output

    return [t.lower() for t in jieba.lcut(text) if t.strip() and not _PUNCT_ONLY.match(t)]


def rrf_fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float], c: int = RRF_C) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: score(d) = Σ w_i / (c + rank_i(d)), rank 1-based.
    Returns (item, score), best first; ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + w / (c + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _as_matrix(vectors: Any) -> np.ndarray:
    m = np.asarray(vectors, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class BaselineRetriever:
    """BM25 + dense over fixed chunks, fused by RRF (LangChain EnsembleRetriever-style)."""

    modes = ("bm25", "dense", "hybrid")

    def __init__(self, chunks: Sequence[BaselineChunk], encoder: Any, *, weights=WEIGHTS, candidates=CANDIDATES,
                 batch_size: int = 64, progress: Callable[[int], None] | None = None,
                 vectors: np.ndarray | None = None) -> None:
        """``vectors``: precomputed passage vectors of the chunks (e.g. from a cache), one row each."""
        from rank_bm25 import BM25Okapi

        self.chunks = list(chunks)
        self.encoder = encoder
        self.weights = tuple(weights)
        self.candidates = candidates
        self.bm25 = BM25Okapi([jieba_tokens(c.text) or ["∅"] for c in self.chunks])
        if vectors is not None:
            if len(vectors) != len(self.chunks):
                raise ValueError(f"{len(vectors)} vectors for {len(self.chunks)} chunks")
            self.vectors = _as_matrix(vectors) if len(vectors) else np.zeros((0, 1), dtype=np.float32)
            return
        parts = []
        texts = [c.text for c in self.chunks]
        for i in range(0, len(texts), batch_size):
            parts.append(_as_matrix(encoder.encode_passages(texts[i:i + batch_size])))
            if progress:
                progress(len(texts[i:i + batch_size]))
        self.vectors = np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)

    def _bm25_ranking(self, query: str) -> list[int]:
        scores = self.bm25.get_scores(jieba_tokens(query) or [query])
        order = np.argsort(-scores, kind="stable")[: self.candidates]
        return [int(i) for i in order if scores[i] > 0]

    def _dense_ranking(self, qvec: np.ndarray) -> list[int]:
        sims = self.vectors @ qvec
        return [int(i) for i in np.argsort(-sims, kind="stable")[: self.candidates]]

    def search_many(self, queries: Sequence[str], k: int = 10, mode: str = "hybrid") -> list[list[BaselineHit]]:
        if mode not in self.modes:
            raise ValueError(f"unknown baseline mode {mode!r}; choose from {self.modes}")
        qvecs = _as_matrix(self.encoder.encode_queries(list(queries))) if mode != "bm25" and queries else None
        out = []
        for n, q in enumerate(queries):
            sparse = self._bm25_ranking(q) if mode != "dense" else []
            dense = self._dense_ranking(qvecs[n]) if qvecs is not None else []
            if mode == "bm25":
                fused = [(i, 1.0 / (RRF_C + r)) for r, i in enumerate(sparse, 1)]
            elif mode == "dense":
                fused = [(i, 1.0 / (RRF_C + r)) for r, i in enumerate(dense, 1)]
            else:
                fused = rrf_fuse([sparse, dense], self.weights)
            s_rank = {i: r for r, i in enumerate(sparse, 1)}
            d_rank = {i: r for r, i in enumerate(dense, 1)}
            hits = []
            for i, score in fused[:k]:
                ranks = {}
                if i in s_rank:
                    ranks["bm25"] = s_rank[i]
                if i in d_rank:
                    ranks["dense"] = d_rank[i]
                hits.append(BaselineHit(self.chunks[i], float(score), ranks))
            out.append(hits)
        return out

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[BaselineHit]:
        return self.search_many([query], k=k, mode=mode)[0]


def corpus_chunks(paths: Sequence[Any], documents: Sequence[Any]) -> list[BaselineChunk]:
    """Chunk every gazette file; ``documents`` are objects with key, line_start, line_end (and
    optionally number), e.g. engine.documents(). With several files the line spans are ambiguous,
    so a document's span is only used for the file whose text contains its 文号."""
    from pathlib import Path

    chunks: list[BaselineChunk] = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        spans = []
        for d in documents:
            forms = {d.key, getattr(d, "number", d.key), d.key.replace("〔", "[").replace("〕", "]")}
            if len(paths) == 1 or any(f and f in text for f in forms):
                spans.append((d.key, d.line_start, d.line_end))
        chunks += build_chunks(text, spans, source=Path(path).stem)
    return chunks


def build_baseline(paths: Sequence[Any], documents: Sequence[Any], encoder: Any, **kw) -> BaselineRetriever:
    """corpus_chunks + BaselineRetriever."""
    return BaselineRetriever(corpus_chunks(paths, documents), encoder, **kw)
