"""Building, checking and loading the index folder for the configured corpus (the I/O around retrieval).

A build takes the folder's lock (after proving the data folder writable) before it parses or
embeds anything, and holds it until the new folder is in place. Loading maps every way an index
can be unusable (missing, corrupt, built for another schema/encoder/corpus) onto IndexNotBuilt
and its subclasses, whose message names the command that rebuilds it; `ensure_index` rebuilds.
"""
from __future__ import annotations

import contextlib
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from qa.config import Settings
from qa.corpus import Corpus, load_corpus
from qa.errors import DataDirNotWritable, IndexCorrupt, IndexNotBuilt, IndexStale
from qa.retrieve import Retriever, index_items, mine_user_words

if TYPE_CHECKING:
    from index.encoders import Encoder
    from index.folder import FolderLock
    from index.hybrid import HybridIndex

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


def ingest_command(settings: Settings) -> str:
    """The command that rebuilds the index these settings point at (options only where they differ
    from the defaults, so that it works whatever the environment)."""
    defaults = Settings.model_fields
    args = ["qa"]
    if settings.data_dir != defaults["data_dir"].default:
        args += ["--data-dir", str(settings.data_dir)]
    if settings.encoder != defaults["encoder"].default:
        args += ["--encoder", settings.encoder]
    return shlex.join([*args, "ingest"])


@contextlib.contextmanager
def build_lock(settings: Settings, on_wait: Callable[[], None] | None = None) -> Iterator["FolderLock"]:
    """Hold the index folder's build lock; raises DataDirNotWritable at once if the data folder
    cannot be written (checked with a real write: as root, permission bits say nothing)."""
    from index.errors import FolderNotWritable
    from index.folder import lock_folder

    try:
        with lock_folder(settings.index_dir, on_wait) as lock:
            yield lock
    except FolderNotWritable as exc:
        raise DataDirNotWritable(
            f"{exc}; point QA_DATA_DIR or --data-dir at a writable folder",
            reason=f"the data folder is not writable ({exc.why})",
        ) from None


def _say_waiting(settings: Settings) -> Callable[[], None]:
    return lambda: print(f"waiting for another build of {settings.index_dir} to finish…", file=sys.stderr)


def build_index(settings: Settings, paths: list[Path], progress: bool = True) -> str:
    """Parse, chunk, embed and write the index atomically; returns a one-paragraph report.
    Fails before any work if the data folder is not writable; a bad file raises before anything
    is written."""
    from index.encoders import load_encoder

    with build_lock(settings, _say_waiting(settings)) as lock:
        encoder = load_encoder(settings.encoder)  # a bad spec or missing model fails before parsing
        corpus = load_corpus(paths)  # raises GazetteFormatError: the old index stays untouched
        return _build(settings, corpus, encoder, lock, progress)


def _build(settings: Settings, corpus: Corpus, encoder: "Encoder", lock: "FolderLock", progress: bool | None) -> str:
    from index.embedcache import EmbeddingCache
    from index.encoders import l2_normalize
    from index.hybrid import HybridIndex
    from index.store import VectorStore
    from index.tokenize import Tokenizer

    from qa.pipeline.context import piece_ids

    t0 = time.perf_counter()
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
    index.save(settings.index_dir, extra_manifest={
        "corpus_sha256": corpus.sha256,
        "chunks_sha256": corpus.chunks_sha256,
        "sources": [i.source for i in corpus.issues],
        "documents": len(corpus.documents),
    }, lock=lock)
    took = time.perf_counter() - t0
    report = (f"indexed {len(corpus.chunks)} chunks from {len(corpus.documents)} documents "
              f"({', '.join(i.source for i in corpus.issues)}) in {took:.1f}s → {settings.index_dir}")
    return "\n".join([report, *(str(d) for d in corpus.duplicates)])


def open_index(settings: Settings, corpus: Corpus, encoder: "Encoder") -> "HybridIndex":
    """The index on disk, checked against this corpus and encoder. Raises IndexNotBuilt (none yet),
    IndexCorrupt or IndexStale; each message says which command rebuilds it."""
    from index.errors import IndexCorrupt as DamagedFolder
    from index.errors import IndexMismatch, IndexMissing
    from index.hybrid import HybridIndex

    where, fix = settings.index_dir, f"rebuild it with `{ingest_command(settings)}`"
    try:
        index = HybridIndex.load(where, encoder, expect={"corpus_sha256": corpus.sha256,
                                                         "chunks_sha256": corpus.chunks_sha256})
    except IndexMissing as exc:
        raise IndexNotBuilt(f"{exc.reason} at {where}; run `{ingest_command(settings)}`", reason=exc.reason) from None
    except DamagedFolder as exc:
        raise IndexCorrupt(f"the index at {where} is corrupt: {exc.reason}; {fix}",
                           reason=f"the index is corrupt: {exc.reason}") from None
    except IndexMismatch as exc:
        why = _mismatch(exc)
        raise IndexStale(f"the index at {where} is out of date: {why}; {fix}", reason=f"the index is out of date: {why}") from None
    ids, chunk_ids = [item.id for item in index.items], [c.id for c in corpus.chunks]
    if ids != chunk_ids:  # the manifest's chunk fingerprint matched, so only a forged folder gets here
        row = next((r for r, (a, b) in enumerate(zip(ids, chunk_ids)) if a != b), min(len(ids), len(chunk_ids)))
        why = f"its items are not the corpus's chunks (first difference at row {row})"
        raise IndexCorrupt(f"the index at {where} is corrupt: {why}; {fix}", reason=f"the index is corrupt: {why}")
    return index


def _mismatch(exc) -> str:
    """Say in words what differs (the manifest field names and hashes mean little to an operator)."""
    if exc.field == "corpus_sha256":
        return "the corpus files changed since it was built"
    if exc.field == "chunks_sha256":
        return "the parser or chunker changed since it was built"
    if exc.field == "schema_version":
        return f"it has schema version {exc.built}, this code reads version {exc.expected}"
    if exc.field in ("encoder", "encoder_dim"):
        return f"it was built with {exc.field} {exc.built!r}, but {exc.expected!r} is configured"
    return exc.reason


def load_retriever(settings: Settings, corpus: Corpus, encoder: "Encoder") -> Retriever:
    return Retriever(open_index(settings, corpus, encoder), corpus.chunks)


def ensure_index(
    settings: Settings,
    corpus: Corpus,
    encoder: "Encoder",
    on_problem: Callable[[IndexNotBuilt], None] | None = None,
    progress: bool | None = None,
) -> tuple["HybridIndex", str | None]:
    """The index for this corpus and encoder, rebuilt first if it is missing, corrupt or stale.

    Returns the loaded index and the build report (None if nothing was built). `on_problem` hears
    what was wrong before the rebuild starts. If the rebuilt index still does not load, that error
    is raised: a start-up never loops on rebuilding."""
    try:
        return open_index(settings, corpus, encoder), None
    except IndexNotBuilt as problem:
        if on_problem is not None:
            on_problem(problem)
    with build_lock(settings, _say_waiting(settings)) as lock:
        try:  # another process may have rebuilt it while we waited for the lock
            return open_index(settings, corpus, encoder), None
        except IndexNotBuilt:
            report = _build(settings, corpus, encoder, lock, progress)
    return open_index(settings, corpus, encoder), report
