"""Index folders on disk: atomic replacement, a build lock, and the manifest that says what an
index is for and what it holds.

The manifest (written last, so a folder with one is complete) records the schema version of the
folder's layout and, under "files", the size and sha256 of every other file in the folder:
loading checks them, so a truncated, edited or deleted file is reported by name instead of being
misread. A new kind of file is simply one more entry there (and a layout change bumps
SCHEMA_VERSION, so an index of another layout is rebuilt, never misread).

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
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Mapping

from index.errors import FolderNotWritable, IndexCorrupt, IndexMismatch, IndexMissing

__all__ = [
    "FILES", "MANIFEST", "SCHEMA_VERSION", "FolderLock", "check_manifest", "ensure_writable", "lock_folder",
    "read_manifest", "verify_files", "write_folder_atomically", "fsync_tree",
]

# The layout version of an index folder. 1: no file list; 2: manifest "files" with sizes and
# sha256 of every file; 3: named extra vector stores in subfolders (manifest "extra_stores").
# Bump it whenever the set or format of files changes.
SCHEMA_VERSION = 3
MANIFEST = "manifest.json"
FILES = "files"
_HASH_BLOCK = 1 << 20
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class FolderLock:
    """Proof that this process holds the build lock of the folder at `path` (see `lock_folder`)."""

    path: Path


def ensure_writable(folder: str | Path) -> None:
    """Create `folder` if needed and prove it can be written by writing and removing a probe file.

    A real write, not `os.access`: as root, access() says yes on a read-only mount. Raises
    FolderNotWritable with the system's reason (read-only file system, not a directory…)."""
    folder = Path(folder).absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=folder)
        try:
            os.write(fd, b"probe")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        why = "a file is in the way" if isinstance(exc, FileExistsError) else (exc.strerror or str(exc))
        raise FolderNotWritable(f"cannot write to {folder} ({why})", folder, why) from None


@contextlib.contextmanager
def lock_folder(path: str | Path, on_wait: Callable[[], None] | None = None) -> Iterator[FolderLock]:
    """Hold the build lock of the folder at `path` (a lock file beside it) for the whole block.

    Checks that the parent folder is writable first, so a build fails before any work rather than
    when it saves. If another process holds the lock, `on_wait()` is called once and this waits."""
    path = Path(path).absolute()
    ensure_writable(path.parent)
    lock = path.with_name(f".{path.name}.lock")
    try:
        fh = open(lock, "a")
    except OSError as exc:
        raise FolderNotWritable(f"cannot create the lock file {lock} ({exc.strerror})", path.parent,
                                exc.strerror or str(exc)) from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield FolderLock(path)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_folder_atomically(
    path: str | Path,
    fill: Callable[[Path], None],
    manifest: Mapping[str, Any],
    lock: FolderLock | None = None,
) -> dict[str, Any]:
    """Run `fill(tmp_dir)` to write the folder's files, add `manifest.json` listing each of them
    (size, sha256) under "files", then put the folder at `path` atomically. Returns the manifest
    as written.

    If `fill` (or anything before the swap) raises, `path` keeps its previous contents and the
    temporary folder is removed. Concurrent savers of the same path are serialised by a lock
    file beside it, which also makes it safe to sweep temp folders left by a killed process;
    pass `lock` when the caller already holds it (`lock_folder`).
    """
    path = Path(path).absolute()
    if FILES in manifest:
        raise ValueError(f"the manifest's {FILES!r} entry is computed here, not given")
    if lock is None:
        with lock_folder(path) as held:
            return write_folder_atomically(path, fill, manifest, held)
    if lock.path != path:
        raise ValueError(f"the lock held is for {lock.path}, not {path}")
    _sweep_leftovers(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        fill(tmp)
        if (tmp / MANIFEST).exists():
            raise ValueError(f"fill() may not write {MANIFEST}; pass the manifest instead")
        written = {**manifest, FILES: _describe_files(tmp)}
        write_json(tmp / MANIFEST, written)  # last: a folder with a manifest is complete
        fsync_tree(tmp)
        _swap_into_place(tmp, path)
    finally:
        # After an exchange `tmp` holds the previous index; otherwise the aborted new one.
        shutil.rmtree(tmp, ignore_errors=True)
    _fsync_dir(path.parent)
    return written


def _describe_files(root: Path) -> dict[str, dict[str, Any]]:
    return {
        f.relative_to(root).as_posix(): {"bytes": f.stat().st_size, "sha256": _sha256(f)}
        for f in sorted(root.rglob("*")) if f.is_file()
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def verify_files(path: str | Path, manifest: Mapping[str, Any], hint: str = "rebuild the index") -> None:
    """Check every file the manifest lists: present, of the recorded size, with the recorded
    sha256. Raises IndexCorrupt naming the first bad file and what is wrong with it."""
    path = Path(path)
    files = manifest.get(FILES)
    if not isinstance(files, dict) or not files:
        raise IndexCorrupt(f"{MANIFEST} lists no files", hint, MANIFEST)
    for rel, want in sorted(files.items()):
        if not _safe_relative(rel) or not isinstance(want, dict):
            raise IndexCorrupt(f"{MANIFEST} has a malformed entry for {rel!r}", hint, MANIFEST)
        size, digest = want.get("bytes"), want.get("sha256")
        if not isinstance(size, int) or not isinstance(digest, str):
            raise IndexCorrupt(f"{MANIFEST} has a malformed entry for {rel!r}", hint, MANIFEST)
        f = path / rel
        if not f.is_file():
            raise IndexCorrupt(f"{rel} is missing", hint, rel)
        got = f.stat().st_size
        if got < size:
            raise IndexCorrupt(f"{rel} is truncated ({got} of {size} bytes)", hint, rel)
        if got > size:
            raise IndexCorrupt(f"{rel} has grown ({got} bytes, {size} when built)", hint, rel)
        if _sha256(f) != digest:
            raise IndexCorrupt(f"{rel} was modified after the build (its sha256 differs)", hint, rel)


def _safe_relative(rel: object) -> bool:
    if not isinstance(rel, str) or not rel or rel == MANIFEST:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and ".." not in parts


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
        raise IndexMissing("no index has been built", hint)
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not any(path.iterdir()):
            raise IndexMissing("no index has been built", hint) from None
        raise IndexCorrupt(f"{MANIFEST} is missing", hint, MANIFEST) from None
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise IndexCorrupt(f"{MANIFEST} cannot be read ({type(exc).__name__})", hint, MANIFEST) from None
    if not isinstance(data, dict):
        raise IndexCorrupt(f"{MANIFEST} is not a JSON object", hint, MANIFEST)
    return data


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
            f"index has schema version {built_schema}, this code reads version {SCHEMA_VERSION}",
            "schema_version", built_schema, SCHEMA_VERSION, hint,
        )
    checks: list[tuple[str, Any]] = [("encoder", encoder_name), ("encoder_dim", encoder_dim)]
    checks += list((expect or {}).items())
    for field, want in checks:
        got = manifest.get(field)
        if got != want:
            raise IndexMismatch(f"index built with {field} {got!r}, but {want!r} is configured", field, got, want, hint)
