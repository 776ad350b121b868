"""The four ways an index folder gets damaged on disk, done for real to a saved folder.

Shared by the index-level tests (what load reports) and the qa/service tests (what rebuilds it)."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable


def edit_line(path: Path, row: int, edit: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[row] = edit(lines[row])
    path.write_text("\n".join(lines), encoding="utf-8")


def _rename_item(line: str) -> str:
    item = json.loads(line)
    return json.dumps({**item, "id": item["id"] + "x"}, ensure_ascii=False)


def truncate_faiss(folder: Path) -> None:
    os.truncate(folder / "faiss.index", 1000)


def break_json_line(folder: Path) -> None:
    edit_line(folder / "items.jsonl", 10, lambda s: s[:-5])


def edit_an_id(folder: Path) -> None:
    edit_line(folder / "items.jsonl", 10, _rename_item)


def delete_a_file(folder: Path) -> None:
    (folder / "faiss_ids.json").unlink()


# case name → (damage, regex of the one-line reason `HybridIndex.load` gives)
CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncate faiss.index": (truncate_faiss, r"faiss.index is truncated \(1000 of \d+ bytes\)"),
    "break a JSON line": (break_json_line, r"items.jsonl is truncated \(\d+ of \d+ bytes\)"),
    "edit an id": (edit_an_id, r"items.jsonl has grown \(\d+ bytes, \d+ when built\)"),
    "delete a file": (delete_a_file, r"faiss_ids.json is missing"),
}
# Further damage beyond the four: the manifest itself.
MORE_CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "delete manifest.json": (lambda folder: (folder / "manifest.json").unlink(), r"manifest.json is missing"),
    "break manifest.json": (lambda folder: edit_line(folder / "manifest.json", 2, lambda s: s[:-3]),
                            r"manifest.json cannot be read \(JSONDecodeError\)"),
}


def refresh_checksums(folder: Path) -> None:
    """Make the manifest agree with the files again, as a careless hand edit might."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for rel in manifest["files"]:
        data = (folder / rel).read_bytes()
        manifest["files"][rel] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
