"""BM25 + dense retrieval over one list of items, fused with RRF, saved as a folder of plain files.

Folder layout, schema version 2 (all written atomically, see `index.folder`):

    manifest.json     schema version, encoder name/dim, counts, build time, caller's fields, and
                      "files": {relative path: {"bytes", "sha256"}} for every file below
    items.jsonl       one {"id", "text", "meta"} per line, in row order
    tokenizer.json    user words and stopwords, so queries are cut exactly as passages were
    bm25/             the BM25 index (bm25s files + bm25_meta.json)
    faiss.index       the FAISS index; faiss_ids.json maps its rows to item ids

Loading checks the manifest (schema, encoder, the caller's fields), then every file's size and
sha256, then parses each file defensively: whatever is wrong surfaces as IndexMissing,
IndexMismatch or IndexCorrupt with a one-line reason, never as a parser's own exception.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any, Callable, Collection, Mapping, Sequence

import numpy as np

from index.bm25 import Bm25, load_bm25, make_bm25
from index.encoders import Encoder, l2_normalize
from index.errors import EmptyCorpus, IndexCorrupt, IndexUnusable, UnknownChoice
from index.folder import (
    FILES, SCHEMA_VERSION, FolderLock, check_manifest, read_manifest, verify_files, write_folder_atomically, write_json,
)
from index.fuse import RRF_K, rrf
from index.records import IndexItem, SearchHit
from index.store import VectorStore
from index.tokenize import Tokenizer

__all__ = ["HybridIndex", "IndexItem", "SearchHit", "SEARCH_MODES", "RETRIEVERS"]

SEARCH_MODES = ("hybrid", "bm25", "dense")
RETRIEVERS = ("bm25", "dense")
# How deep each retriever's list goes before fusion. RRF needs more than k from each side:
# an item ranked 30th by both retrievers beats one ranked 1st by only one of them.
DEFAULT_DEPTH = 50
_ITEMS = "items.jsonl"
_TOKENIZER = "tokenizer.json"
_BM25_DIR = "bm25"
_RESERVED = frozenset(
    {"schema_version", "encoder", "encoder_dim", "item_count", "built_at", "build_seconds",
     "vector_kind", "bm25_variant", "user_word_count", "rrf_k", "extra_stores", FILES}
)


class HybridIndex:
    """Build with `build` or `load`, then `search`. Searching never modifies the index."""

    def __init__(
        self,
        items: Sequence[IndexItem],
        tokenizer: Tokenizer,
        bm25: Bm25,
        store: VectorStore,
        encoder: Encoder,
        manifest: Mapping[str, Any],
    ) -> None:
        self._items = tuple(items)
        self._row_of = {item.id: row for row, item in enumerate(self._items)}
        self.tokenizer = tokenizer
        self.encoder = encoder
        self._bm25 = bm25
        self._store = store
        self.manifest: dict[str, Any] = dict(manifest)
        # further vector stores kept in the same folder (e.g. sentence-level vectors), by name
        self.extra_stores: dict[str, VectorStore] = {}

    # -- construction --

    @classmethod
    def build(
        cls,
        items: Sequence[IndexItem],
        encoder: Encoder,
        tokenizer: Tokenizer,
        vector_kind: str = "flat",
        *,
        bm25_variant: str = "bm25s",
        vectors: np.ndarray | None = None,
        batch_size: int = 64,
        progress: Callable[[int, int], None] | None = None,
    ) -> "HybridIndex":
        """Tokenise and embed `items`. `vectors` may supply the passage embeddings (rows aligned
        with items, made by this same encoder, e.g. from a cache); `progress(done, total)` is
        called after each embedding batch."""
        started = time.perf_counter()
        items = list(items)
        if not items:
            raise EmptyCorpus("cannot build an index over zero items")
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id!r}: ids must be unique")
            seen.add(item.id)
        bm25 = make_bm25(bm25_variant).build(tokenizer.tokenize_many(item.text for item in items))
        if vectors is None:
            vectors = _embed(encoder, [item.text for item in items], batch_size, progress)
        elif vectors.shape != (len(items), encoder.dim):
            raise ValueError(f"vectors have shape {vectors.shape}, expected ({len(items)}, {encoder.dim})")
        store = VectorStore(encoder.dim, vector_kind)
        store.add([item.id for item in items], l2_normalize(vectors))
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "encoder": encoder.name,
            "encoder_dim": encoder.dim,
            "item_count": len(items),
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 3),
            "vector_kind": vector_kind,
            "bm25_variant": bm25_variant,
            "user_word_count": len(tokenizer.user_words),
            "rrf_k": RRF_K,
        }
        return cls(items, tokenizer, bm25, store, encoder, manifest)

    def warm_up(self) -> None:
        """Load jieba's dictionary and page in the encoder, so the first query is not slow."""
        self.tokenizer.warm_up()
        self.encoder.warm_up()

    # -- access --

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple[IndexItem, ...]:
        return self._items

    def item(self, id_: str) -> IndexItem:
        """Raises KeyError for an unknown id."""
        return self._items[self._row_of[id_]]

    # -- search --

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        allowed_ids: Collection[str] | None = None,
        weights: Mapping[str, float] | None = None,
        depth: int = DEFAULT_DEPTH,
        query_vector: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """Best k items for `query`. `allowed_ids` restricts the result to those ids (unknown ids
        are ignored); `weights` ({"bm25": w, "dense": w}, default 1 each) apply in hybrid mode."""
        if mode not in SEARCH_MODES:
            raise UnknownChoice("search mode", mode, SEARCH_MODES)
        if weights is not None and (unknown := set(weights) - set(RETRIEVERS)):
            raise UnknownChoice("retriever in weights", sorted(unknown)[0], RETRIEVERS)
        if k <= 0 or not query.strip():
            return []
        mask = None
        if allowed_ids is not None:
            mask = np.zeros(len(self._items), dtype=bool)
            rows = [self._row_of[i] for i in allowed_ids if i in self._row_of]
            if not rows:
                return []
            mask[rows] = True
        n = k if mode != "hybrid" else max(k, depth)
        lists: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = self._bm25.search(self.tokenizer.tokenize(query), n, allowed=mask)
        if mode in ("hybrid", "dense"):
            qvec = self.encoder.encode_queries([query])[0] if query_vector is None else query_vector
            lists["dense"] = self._store.search_rows(qvec, n, allowed=mask)
        if mode != "hybrid":
            return [
                SearchHit(self._items[row].id, score, {mode: rank}, {mode: score})
                for rank, (row, score) in enumerate(lists[mode], start=1)
            ]
        return [
            SearchHit(self._items[f.id].id, f.score, f.ranks, f.scores)
            for f in rrf(lists, weights)[:k]
        ]

    # -- persistence --

    def save(self, path: str | Path, extra_manifest: Mapping[str, Any] | None = None, *,
             lock: FolderLock | None = None) -> None:
        """Write the index folder at `path`, replacing any previous one atomically.
        `extra_manifest` adds the caller's fields (e.g. corpus_sha256) for `load(expect=...)`;
        `lock` is the folder's build lock when the caller already holds it."""
        extra = dict(extra_manifest or {})
        if clash := _RESERVED & set(extra):
            raise ValueError(f"extra_manifest may not set reserved fields {sorted(clash)}")
        manifest = {k: v for k, v in {**self.manifest, **extra}.items() if k != FILES}
        manifest["extra_stores"] = sorted(self.extra_stores)
        json.dumps(manifest)  # fail before touching the disk if a caller field is not JSON

        def fill(tmp: Path) -> None:
            _write_items(tmp / _ITEMS, self._items)
            write_json(tmp / _TOKENIZER, {
                "user_words": list(self.tokenizer.user_words),
                "stopwords": sorted(self.tokenizer.stopwords),
            })
            self._bm25.save(tmp / _BM25_DIR)
            self._store.save(tmp)
            for name, extra_store in self.extra_stores.items():
                extra_store.save(tmp / name)

        self.manifest = write_folder_atomically(path, fill, manifest, lock)

    @classmethod
    def load(
        cls,
        path: str | Path,
        encoder: Encoder,
        expect: Mapping[str, Any] | None = None,
        *,
        rebuild_hint: str = "rebuild the index",
    ) -> "HybridIndex":
        """Open a saved index for `encoder`. Raises IndexMissing if there is none, IndexMismatch
        if it was built with another schema, encoder, or any `expect`ed manifest field, and
        IndexCorrupt if a file is missing, truncated, modified or unparseable (each message ends
        with `rebuild_hint`, e.g. "rebuild with `qa ingest`")."""
        path = Path(path)
        hint = rebuild_hint
        manifest = read_manifest(path, hint)
        check_manifest(manifest, encoder_name=encoder.name, encoder_dim=encoder.dim, expect=expect, hint=hint)
        verify_files(path, manifest, hint)
        # The checksums passed; parse defensively all the same (a manifest edited to match).
        items = _part(path, _ITEMS, hint, lambda: _read_items(path / _ITEMS))
        tokenizer = _part(path, _TOKENIZER, hint, lambda: _read_tokenizer(path / _TOKENIZER))
        bm25 = _part(path, f"{_BM25_DIR}/", hint, lambda: load_bm25(path / _BM25_DIR))
        store = _part(path, "faiss.index", hint, lambda: VectorStore.load(path))
        extra_stores = {name: _part(path, f"{name}/", hint, lambda name=name: VectorStore.load(path / name))
                        for name in manifest.get("extra_stores", [])}
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise IndexCorrupt(f"{_ITEMS} lists an item id twice", hint, _ITEMS)
        counts = (manifest.get("item_count"), len(items), bm25.n_docs, len(store))
        if len(set(counts)) != 1:
            raise IndexCorrupt(
                f"the index files disagree: manifest says {counts[0]} items, {_ITEMS} has {counts[1]}, "
                f"BM25 {counts[2]}, vectors {counts[3]}", hint, None,
            )
        if store.ids != ids:
            row = next(r for r, (a, b) in enumerate(zip(store.ids, ids)) if a != b)
            raise IndexCorrupt(
                f"faiss_ids.json and {_ITEMS} disagree at row {row} ({store.ids[row]!r} vs {ids[row]!r})", hint, _ITEMS,
            )
        index = cls(items, tokenizer, bm25, store, encoder, manifest)
        index.extra_stores = extra_stores
        return index


def _part(folder: Path, name: str, hint: str, read: Callable[[], Any]) -> Any:
    """Run one file's reader; whatever it raises becomes IndexCorrupt naming the file."""
    try:
        return read()
    except IndexUnusable as exc:
        raise IndexCorrupt(_scrub(exc.reason, folder), hint, getattr(exc, "file", None) or name) from None
    except FileNotFoundError:
        raise IndexCorrupt(f"{name} is missing", hint, name) from None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RuntimeError, EOFError) as exc:
        # RuntimeError: FAISS's reader; ValueError covers JSONDecodeError and numpy's loaders.
        raise IndexCorrupt(f"{name} cannot be read ({_brief(exc, folder)})", hint, name) from None


_ABS_PATH = re.compile(r"(?<![\w.])/(?:[^\s/'\"]+/)*([^\s/'\"]+)")


def _brief(exc: BaseException, folder: Path) -> str:
    """One short line about `exc`, with server paths cut to their last part."""
    # FAISS prefixes the failed check with the C++ function and source line; keep the check.
    text = _scrub(str(exc), folder).rpartition("Error: ")[2]
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _scrub(text: str, folder: Path) -> str:
    text = " ".join(text.split()).replace(f"{folder.absolute()}/", "").replace(f"{folder}/", "")
    return _ABS_PATH.sub(r"\1", text)


def _embed(
    encoder: Encoder, texts: list[str], batch_size: int, progress: Callable[[int, int], None] | None
) -> np.ndarray:
    out = np.empty((len(texts), encoder.dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        out[start : start + len(batch)] = encoder.encode_passages(batch)
        if progress is not None:
            progress(start + len(batch), len(texts))
    return out


def _write_items(path: Path, items: Sequence[IndexItem]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for item in items:
            try:
                line = json.dumps({"id": item.id, "text": item.text, "meta": item.meta}, ensure_ascii=False)
            except TypeError as exc:
                raise ValueError(f"item {item.id!r} has meta that is not JSON-serialisable: {exc}") from exc
            fh.write(line + "\n")


def _read_items(path: Path) -> list[IndexItem]:
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                d = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"line {n} is not valid JSON ({getattr(exc, 'msg', exc)})") from None
            if not (isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("text"), str)
                    and isinstance(d.get("meta"), dict)):
                raise ValueError(f"line {n} is not an item {{id, text, meta}}")
            items.append(IndexItem(d["id"], d["text"], d["meta"]))
    return items


def _read_tokenizer(path: Path) -> Tokenizer:
    state = json.loads(path.read_text(encoding="utf-8"))
    words, stopwords = state["user_words"], state["stopwords"]
    if not all(isinstance(w, str) for w in [*words, *stopwords]):
        raise ValueError("user_words and stopwords must be lists of strings")
    return Tokenizer(words, stopwords=stopwords)
