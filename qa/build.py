"""Building and loading the index folder for the configured corpus (the I/O around retrieval)."""
from __future__ import annotations

import json
import time
from pathlib import Path

from qa.config import Settings
from qa.corpus import Corpus, load_corpus
from qa.errors import IndexNotBuilt
from qa.retrieve import Retriever, index_items, mine_user_words

MANIFEST = "manifest.json"
DENSE_CHARS = 200
PIECE_CHARS = 160  # a sentence longer than this is a list or a table: its head says what it is about
PIECES = "pieces"
BATCH = 64


def dense_text(chunk) -> str:
    """What the encoder sees: the heading path and the start of the text (the long document title
    is left to BM25, which matches it exactly), cut where e5-small's cost stops paying off."""
    return f"{' / '.join(chunk.path)} {chunk.text}"[:DENSE_CHARS] if chunk.kind != "header" else chunk.index_text[:DENSE_CHARS]


def _embed(texts: list[str], encoder, tick) -> "object":
    import numpy as np

    parts = []
    for i in range(0, len(texts), BATCH):
        parts.append(encoder.encode_passages(texts[i : i + BATCH]))
        tick(min(i + BATCH, len(texts)), len(texts))
    return np.vstack(parts)


def index_is_current(settings: Settings, paths: list[Path]) -> bool:
    """True when the index folder was built from exactly these files with the configured encoder."""
    manifest = settings.index_dir / MANIFEST
    if not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text("utf-8"))
        corpus = load_corpus(paths)
    except (OSError, ValueError):
        return False
    return (data.get("corpus_sha256") == corpus.sha256 and data.get("chunks_sha256") == corpus.chunks_sha256
            and data.get("encoder") == _encoder_name(settings))


def _encoder_name(settings: Settings) -> str:
    from index.encoders import load_encoder

    return load_encoder(settings.encoder).name


def build_index(settings: Settings, paths: list[Path], progress: bool = True) -> str:
    """Parse, chunk, embed and write the index atomically. A bad file raises before anything is written."""
    from index.encoders import load_encoder
    from index.embedcache import EmbeddingCache
    from index.encoders import l2_normalize
    from index.hybrid import HybridIndex
    from index.store import VectorStore
    from index.tokenize import Tokenizer

    from qa.pipeline.context import piece_ids

    t0 = time.perf_counter()
    corpus = load_corpus(paths)  # raises GazetteFormatError: the old index stays untouched
    encoder = load_encoder(settings.encoder)
    encoder.warm_up()
    tokenizer = Tokenizer(user_words=mine_user_words(corpus.chunks))
    items = index_items(corpus.chunks)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc="embedding chunks", unit="chunk")

    def tick(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    # The encoder sees the head of each chunk only: e5-small attends to 512 tokens at most, and the
    # cost grows with length, while the heading path + first sentences carry the chunk's topic.
    cache = EmbeddingCache(settings.embedding_cache_dir, encoder.name, encoder.dim)
    vectors = cache.embed([dense_text(c) for c in corpus.chunks], lambda todo: _embed(todo, encoder, tick))
    index = HybridIndex.build(items, encoder, tokenizer, vectors=vectors)
    # sentence-level vectors: what an answer quotes, so the selector can read paraphrase where
    # the chunk level hides it (a sentence, a table row)
    pieces = piece_ids(corpus.chunks)
    if bar is not None:
        bar.close()
        bar = tqdm(total=len(pieces), desc="embedding sentences", unit="piece")
    piece_vectors = cache.embed([text[:PIECE_CHARS] for _, text in pieces], lambda todo: _embed(todo, encoder, tick))
    store = VectorStore(encoder.dim)
    store.add([pid for pid, _ in pieces], l2_normalize(piece_vectors))
    index.extra_stores[PIECES] = store
    if bar is not None:
        bar.close()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    index.save(settings.index_dir, extra_manifest={
        "corpus_sha256": corpus.sha256,
        "chunks_sha256": corpus.chunks_sha256,
        "sources": [i.source for i in corpus.issues],
        "documents": len(corpus.documents),
    })
    took = time.perf_counter() - t0
    return (f"indexed {len(corpus.chunks)} chunks from {len(corpus.documents)} documents "
            f"({', '.join(i.source for i in corpus.issues)}) in {took:.1f}s → {settings.index_dir}")


def load_retriever(settings: Settings, corpus: Corpus, encoder) -> Retriever:
    from index.errors import IndexMismatch, IndexMissing
    from index.hybrid import HybridIndex

    try:
        index = HybridIndex.load(settings.index_dir, encoder, expect={"corpus_sha256": corpus.sha256, "chunks_sha256": corpus.chunks_sha256},
                                 rebuild_hint="rebuild it with `qa ingest` (make serve does this)")
    except IndexMissing:
        raise IndexNotBuilt(f"no index at {settings.index_dir}; run `qa ingest` (or `make serve`) first") from None
    except IndexMismatch as exc:
        raise IndexNotBuilt(str(exc)) from None
    return Retriever(index, corpus.chunks)
