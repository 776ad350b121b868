"""The baseline peer: the LangChain-like splitter, line spans, document mapping, BM25 + dense RRF."""
from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest

from eval import baseline as B
from qa.config import BUNDLED_CORPUS

GAZETTE = BUNDLED_CORPUS / "quzhou-zhengbao-2017-02.txt"


class HashEncoder:
    """A deterministic stand-in for the encoder: a bag of hashed character bigrams."""

    name = "hash-bigrams"
    dim = 256

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for a, b in itertools.pairwise(text):
            v[int(hashlib.md5((a + b).encode()).hexdigest()[:6], 16) % self.dim] += 1
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_queries(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    encode_passages = encode_queries


# ------------------------------------------------------------------ splitter


def test_short_text_is_one_chunk():
    assert B.RecursiveCharacterTextSplitter().split_text("一句话。") == ["一句话。"]


def test_chunks_respect_size_and_overlap():
    text = "".join(f"第{i}句话写一些内容,说明一件事情。" for i in range(60))
    sp = B.RecursiveCharacterTextSplitter(chunk_size=50, chunk_overlap=20)  # a sentence is 18-19 chars
    chunks = sp.split_text(text)
    assert len(chunks) > 5
    assert all(len(c) <= 50 for c in chunks)
    # sentences stay whole ("end": the 。 stays with its sentence) and consecutive chunks overlap
    assert all(c.endswith("。") for c in chunks)
    for a, b in itertools.pairwise(chunks):
        assert b.split("。")[0] in a
    # the chunks cover the text in order
    offsets = sp.split_with_offsets(text)
    assert [text[o:o + len(c)] for o, c in offsets] == chunks
    assert offsets[0][0] == 0 and offsets[-1][0] + len(offsets[-1][1]) == len(text)


def test_separator_hierarchy_falls_back_to_characters():
    sp = B.RecursiveCharacterTextSplitter(chunk_size=10, chunk_overlap=0)
    assert sp.split_text("一二三四五六七八九十甲乙丙") == ["一二三四五六七八九十", "甲乙丙"]
    # paragraphs first, then lines
    text = "甲" * 8 + "\n\n" + "乙" * 8 + "\n" + "丙" * 8
    assert sp.split_text(text) == ["甲" * 8, "乙" * 8, "丙" * 8]


def test_keep_separator_modes():
    text = "甲甲甲。乙乙乙。丙丙丙。"
    end = B.RecursiveCharacterTextSplitter(chunk_size=5, chunk_overlap=0, keep_separator="end").split_text(text)
    start = B.RecursiveCharacterTextSplitter(chunk_size=5, chunk_overlap=0, keep_separator=True).split_text(text)
    drop = B.RecursiveCharacterTextSplitter(chunk_size=5, chunk_overlap=0, keep_separator=False).split_text(text)
    assert end == ["甲甲甲。", "乙乙乙。", "丙丙丙。"]
    assert start == ["甲甲甲", "。乙乙乙", "。丙丙丙。"]
    assert drop == ["甲甲甲", "乙乙乙", "丙丙丙"]


def test_overlap_larger_than_size_is_refused():
    with pytest.raises(ValueError):
        B.RecursiveCharacterTextSplitter(chunk_size=10, chunk_overlap=20)


def test_matches_langchain_when_installed():
    lc = pytest.importorskip("langchain_text_splitters")
    text = GAZETTE.read_text("utf-8")
    ref = lc.RecursiveCharacterTextSplitter(chunk_size=250, chunk_overlap=50, separators=list(B.SEPARATORS),
                                            keep_separator="end", add_start_index=True)
    mine = B.RecursiveCharacterTextSplitter()
    assert mine.split_text(text) == ref.split_text(text)
    assert [o for o, _ in mine.split_with_offsets(text)] == [d.metadata["start_index"] for d in ref.create_documents([text])]


# ------------------------------------------------------------------ line spans and documents


def test_offset_to_line():
    text = "ab\ncd\n\nef"
    starts = B.line_starts(text)
    assert starts == [0, 3, 6, 7]
    assert [B.offset_to_line(starts, o) for o in (0, 2, 3, 5, 6, 7, 8)] == [1, 1, 2, 2, 3, 4, 4]


def test_gazette_chunks_carry_lines_and_documents():
    text = GAZETTE.read_text("utf-8")
    lines = text.split("\n")
    spans = [("DOC-A", 96, 213), ("DOC-B", 214, 436)]
    chunks = B.build_chunks(text, spans)
    assert 400 < len(chunks) < 1500
    for c in chunks[::25]:
        assert text[c.offset:c.offset + len(c.text)] == c.text
        first_line = lines[c.line_start - 1]
        assert c.text.split("\n")[0] in first_line
        assert c.line_end >= c.line_start
        assert c.line_end - c.line_start == c.text.count("\n")
    by_doc = {c.doc_key for c in chunks}
    assert {"DOC-A", "DOC-B", None} <= by_doc
    for c in chunks:
        if c.doc_key == "DOC-A":
            assert 96 <= c.line_start <= 213
        if c.doc_key is None:
            assert not (96 <= c.line_start <= 436)
    assert B.document_for_line(spans, 213) == "DOC-A" and B.document_for_line(spans, 437) is None


# ------------------------------------------------------------------ retrieval


def test_rrf_fuse():
    fused = B.rrf_fuse([[1, 2, 3], [3, 1]], [0.5, 0.5], c=60)
    scores = dict(fused)
    assert scores[1] == pytest.approx(0.5 / 61 + 0.5 / 62)
    assert scores[3] == pytest.approx(0.5 / 63 + 0.5 / 61)
    assert scores[2] == pytest.approx(0.5 / 62)
    assert [i for i, _ in fused] == [1, 3, 2]


def test_retriever_finds_a_gazette_passage():
    text = GAZETTE.read_text("utf-8")
    chunks = B.build_chunks(text, [("衢政发〔2017〕11号", 96, 213)])
    retr = B.BaselineRetriever(chunks, HashEncoder())
    assert retr.vectors.shape == (len(chunks), HashEncoder.dim)
    q = "12345政务服务热线要跟哪个报警平台对接?"
    for mode in ("bm25", "dense", "hybrid"):
        hits = retr.search(q, k=10, mode=mode)
        assert len(hits) == 10
        assert any("110报警服务台" in h.chunk.text for h in hits), mode
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = retr.search(q, k=3, mode="hybrid")
    assert set(top[0].ranks) <= {"bm25", "dense"} and top[0].ranks
    with pytest.raises(ValueError):
        retr.search(q, mode="sparse")
    # precomputed vectors give the same results
    again = B.BaselineRetriever(chunks, HashEncoder(), vectors=retr.vectors)
    assert [h.chunk.id for h in again.search(q, mode="hybrid")] == [h.chunk.id for h in retr.search(q, mode="hybrid")]
    with pytest.raises(ValueError):
        B.BaselineRetriever(chunks, HashEncoder(), vectors=retr.vectors[:3])


def test_jieba_tokens_drop_punctuation_and_space():
    toks = B.jieba_tokens("全球免费游衢州 活动,从5月19日开始!")
    assert "衢州" in toks and "," not in toks and " " not in toks and "!" not in toks
