"""Index folders on disk: atomic replacement and the manifest that says what an index is for.

A save builds the new folder as a hidden sibling (``.NAME.tmp-XXXX``), fsyncs every file and
directory, then swaps it with the live folder in one `renameat2(RENAME_EXCHANGE)` call, so a
reader sees the old index or the new one and never half of each; a crash at any point before
the swap leaves the old folder untouched. Where the kernel or filesystem lacks the exchange
call, two plain renames are used, with a window of microseconds in which the folder is absent.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from index.errors import IndexMismatch, IndexMissing

__all__ = ["MANIFEST", "SCHEMA_VERSION", "check_manifest", "read_manifest", "write_folder_atomically", "fsync_tree"]

SCHEMA_VERSION = 2  # 2: optional named extra vector stores in subfolders (manifest 'extra_stores')
MANIFEST = "manifest.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_folder_atomically(path: str | Path, fill: Callable[[Path], None]) -> None:
    """Run `fill(tmp_dir)` to write the folder's files, then put them at `path` atomically.

    If `fill` (or anything before the swap) raises, `path` keeps its previous contents and the
    temporary folder is removed. Concurrent savers of the same path are serialised by a lock
    file beside it, which also makes it safe to sweep temp folders left by a killed process.
    """
    path = Path(path).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        _sweep_leftovers(path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            fill(tmp)
            fsync_tree(tmp)
            _swap_into_place(tmp, path)
        finally:
            # After an exchange `tmp` holds the previous index; otherwise the aborted new one.
            shutil.rmtree(tmp, ignore_errors=True)
        _fsync_dir(path.parent)


def fsync_tree(root: Path) -> None:
    """fsync every file, then every directory bottom-up, so the data is on disk before the
    rename that publishes it (ext4 and others may reorder them otherwise)."""
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_into_place(tmp: Path, path: Path) -> None:
    if not path.exists():
        os.rename(tmp, path)
        return
    if _exchange(tmp, path):
        return
    old = path.with_name(f".{path.name}.old-{tmp.name.rsplit('-', 1)[-1]}")
    os.rename(path, old)
    os.rename(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux ≥ 3.15); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot swap {a} into {b}: {os.strerror(err)}")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sweep_leftovers(path: Path) -> None:
    """Remove temp/old folders a killed save left behind (we hold the lock, so none is live)."""
    for prefix in (f".{path.name}.tmp-", f".{path.name}.old-"):
        for stale in path.parent.glob(f"{prefix}*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest(path: str | Path, hint: str = "rebuild the index") -> dict[str, Any]:
    path = Path(path)
    if not path.is_dir():
        raise IndexMissing(f"no index at {path}; {hint}")
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMissing(f"{path} has no {MANIFEST}, so it is not a complete index; {hint}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexMissing(f"{path / MANIFEST} is unreadable ({exc}); {hint}") from None


def check_manifest(
    manifest: Mapping[str, Any],
    *,
    encoder_name: str,
    encoder_dim: int,
    expect: Mapping[str, Any] | None = None,
    hint: str = "rebuild the index",
) -> None:
    """Raise IndexMismatch naming the first field that differs from what is configured."""
    built_schema = manifest.get("schema_version")
    if built_schema != SCHEMA_VERSION:
        raise IndexMismatch(
            f"index has schema version {built_schema}, this code reads version {SCHEMA_VERSION}; {hint}",
            "schema_version", built_schema, SCHEMA_VERSION,
        )
    checks: list[tuple[str, Any]] = [("encoder", encoder_name), ("encoder_dim", encoder_dim)]
    checks += list((expect or {}).items())
    for field, want in checks:
        got = manifest.get(field)
        if got != want:
            what = "encoder" if field == "encoder" else f"{field}"
            raise IndexMismatch(
                f"index built with {what} {got!r}, but {want!r} is configured; {hint}", field, got, want
            )
