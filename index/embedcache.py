"""Embeddings known by the hash of the text they embed: a rebuild embeds only texts it has not seen
with this encoder. One folder per encoder under the cache directory: keys.json (sha256 of each text,
in row order) and vectors.npy; rewritten atomically, so a killed build leaves the previous cache."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Callable, Sequence

import numpy as np


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, root: str | Path, encoder_name: str, dim: int) -> None:
        self.folder = Path(root) / re.sub(r"[^\w.-]+", "_", encoder_name)
        self.dim = dim
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._load()

    def _load(self) -> None:
        try:
            keys = json.loads((self.folder / "keys.json").read_text("utf-8"))
            vectors = np.load(self.folder / "vectors.npy")
        except (OSError, ValueError):
            return  # no cache yet, or an unreadable one: it is only a cache
        if vectors.ndim == 2 and vectors.shape == (len(keys), self.dim):
            self._rows = {k: i for i, k in enumerate(keys)}
            self._vectors = vectors.astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self._rows)

    def embed(self, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `texts` (rows aligned): cached ones looked up, the rest from `compute`."""
        keys = [text_key(t) for t in texts]
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in self._rows:
                first.setdefault(k, i)
        todo = list(first.values())
        if todo:
            fresh = np.asarray(compute([texts[i] for i in todo]), dtype=np.float32)
            base = len(self._rows)
            for n, i in enumerate(todo):
                self._rows[keys[i]] = base + n
            self._vectors = np.vstack([self._vectors, fresh])
            self._save()
        return self._vectors[[self._rows[k] for k in keys]]

    def _save(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            keys = sorted(self._rows, key=self._rows.get)
            for name, write in (("vectors.npy", lambda f: np.save(f, self._vectors)),
                                ("keys.json", lambda f: f.write(json.dumps(keys).encode()))):
                fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.replace(tmp, self.folder / name)
        except OSError:
            pass  # a read-only cache folder costs time, never correctness
