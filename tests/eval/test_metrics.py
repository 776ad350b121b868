"""The harness's metric functions on hand-made inputs (no engine, no model)."""
from __future__ import annotations

import math

import pytest

from eval import metrics as M

A, B, C, D = "衢政发〔2017〕11号", "衢政发〔2017〕12号", "衢政办发〔2017〕29号", "衢政干〔2017〕5号"


# ------------------------------------------------------------------ strings


def test_nows_removes_every_kind_of_whitespace():
    assert M.nows(" 2017年\n5月\u3000底 前\t") == "2017年5月底前"
    assert M.nows("") == ""


def test_contains_all_and_any_are_whitespace_insensitive():
    assert M.contains_all("到 2017年5月\n底前完成", ["2017年5月底前", "完成"])
    assert not M.contains_all("2017年5月底前", ["2017年5月底前", "6月"])
    assert M.contains_all("anything", [])
    assert M.contains_any("市质监局 负责", ["市国土局", "市 质监局"])
    assert not M.contains_any("市质监局", [])
    assert M.missing("甲乙丙", ["甲", "丁", "乙 丙"]) == ["丁"]


# ------------------------------------------------------------------ retrieval


def test_first_relevant_rank():
    assert M.first_relevant_rank([B, None, A, A], [A]) == 3
    assert M.first_relevant_rank([B, C], [A]) is None
    assert M.first_relevant_rank([], [A]) is None


def test_recall_by_document_single_and_multi():
    ranked = [B, None, A, C, B]
    assert M.recall_by_document(ranked, [A], 1) == 0.0
    assert M.recall_by_document(ranked, [A], 3) == 1.0
    assert M.recall_by_document(ranked, [A, D], 5) == 1.0  # any gold doc
    assert M.recall_by_document(ranked, [A, C], 3, require_all=True) == 0.0
    assert M.recall_by_document(ranked, [A, C], 4, require_all=True) == 1.0
    assert M.recall_by_document(ranked, [A, D], 10, require_all=True) == 0.0
    assert M.recall_by_document([], [A], 10) == 0.0
    with pytest.raises(ValueError):
        M.recall_by_document(ranked, [], 5)


def test_recall_by_evidence_needs_every_must_string_inside_one_hit():
    hits = ["第十五条 市防指仓库面积\n不少于1000平方米", "县级不少于 500平方米", "村级15平方米"]
    assert M.recall_by_evidence(hits, ["1000平方米"], 1) == 1.0
    assert M.recall_by_evidence(hits, ["1000平方米", "500平方米"], 1) == 0.0
    assert M.recall_by_evidence(hits, ["1000平方米", "500平方米"], 2) == 1.0
    assert M.recall_by_evidence(hits, ["1000平方米", "500平方米", "15平方米"], 3) == 1.0
    # a must-string split across two adjacent hits is not evidence
    assert M.recall_by_evidence(["2017年5", "月底前"], ["2017年5月底前"], 2) == 0.0
    # whitespace on either side is ignored
    assert M.recall_by_evidence(["2017年5月 底前"], ["2017年5月底前"], 1) == 1.0
    with pytest.raises(ValueError):
        M.recall_by_evidence(hits, [], 3)


def test_reciprocal_rank():
    assert M.reciprocal_rank([A], [A]) == 1.0
    assert M.reciprocal_rank([B, C, A], [A]) == pytest.approx(1 / 3)
    assert M.reciprocal_rank([B, C, A], [A, C]) == pytest.approx(1 / 2)
    assert M.reciprocal_rank([B, C, A], [A], k=2) == 0.0
    assert M.reciprocal_rank([B, C], [A]) == 0.0


def test_ndcg_single_document():
    assert M.ndcg_at_k([A, B], [A]) == 1.0
    assert M.ndcg_at_k([B, A], [A]) == pytest.approx(1 / math.log2(3))
    assert M.ndcg_at_k([B, C, D, A], [A]) == pytest.approx(1 / math.log2(5))
    assert M.ndcg_at_k([B] * 10 + [A], [A], k=10) == 0.0


def test_ndcg_counts_a_document_once():
    # ten chunks of the one gold document are as good as one: a perfect score, not above 1
    assert M.ndcg_at_k([A] * 10, [A]) == 1.0
    # two gold documents: ideal is both at ranks 1 and 2
    ideal = 1 + 1 / math.log2(3)
    assert M.ndcg_at_k([A, B], [A, B]) == pytest.approx(1.0)
    assert M.ndcg_at_k([A, A, B], [A, B]) == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert M.ndcg_at_k([A, C, D], [A, B]) == pytest.approx(1 / ideal)
    assert M.ndcg_at_k([None, A], [A]) == pytest.approx(1 / math.log2(3))
    with pytest.raises(ValueError):
        M.ndcg_at_k([A], [])


# ------------------------------------------------------------------ answers


def test_fully_right_answerable():
    must = ["市质监局"]
    assert M.is_fully_right("由 市质监局 负责[1]", True, [A], must, [A])
    assert not M.is_fully_right("由市质监局负责", False, [A], must, [A]), "refused"
    assert not M.is_fully_right("由市国土局负责", True, [A], must, [A]), "wrong text"
    assert not M.is_fully_right("由市质监局负责", True, [B], must, [A]), "wrong document cited"
    assert not M.is_fully_right("由市质监局负责", True, [], must, [A]), "no citation"
    assert M.is_fully_right("由市质监局负责", True, [B, A], must, [A, C]), "one gold doc cited is enough"


def test_fully_right_needs_every_must_string_and_no_must_not():
    must = ["除国家法定假日以外", "10.9"]
    assert M.is_fully_right("除国家法定假日以外…10月:10.9、10.16", True, [C], must, [C], must_not=["10.2、"])
    assert not M.is_fully_right("10月:10.9、10.16", True, [C], must, [C])
    assert not M.is_fully_right("除国家法定假日以外 10.2、10.9", True, [C], must, [C], must_not=["10.2、"])


def test_fully_right_unanswerable_means_refused():
    assert M.is_fully_right("本期公报未作规定", False, [], [], None, unanswerable=True)
    assert not M.is_fully_right("门票120元", True, [A], [], None, unanswerable=True)


def test_citation_checks():
    chunk = "第十五条 市防指防汛物资仓库面积不少于1000平方米。"
    # verbatim and the chunk holds a must-string
    assert M.citation_checks("市防指防汛物资仓库面积不少于1000平方米", chunk, 869, 869, ["1000平方米"], [869]) == (True, True)
    # not verbatim (a paraphrase), though relevant
    assert M.citation_checks("仓库至少1000平方米", chunk, 869, 869, ["1000平方米"], [869]) == (False, True)
    # verbatim match is exact: whitespace differences fail
    assert M.citation_checks("市防指 防汛物资仓库", chunk, 869, 869, [], [])[0] is False
    # relevant through the line span only
    assert M.citation_checks("第十五条", chunk, 860, 870, ["不存在的字符串"], [869]) == (True, True)
    # neither must-string nor overlapping lines
    assert M.citation_checks("第十五条", chunk, 860, 868, ["不存在的字符串"], [869]) == (True, False)
    # an unknown chunk or an empty quote is not verbatim
    assert M.citation_checks("第十五条", None, 869, 869, ["1000平方米"], [869]) == (False, True)
    assert M.citation_checks("", chunk, 869, 869, [], [869])[0] is False
    assert all(M.citation_checks("第十五条", chunk, 869, 869, [], [869]))  # accurate = verbatim and relevant
    assert not all(M.citation_checks("第十六条", chunk, 869, 869, [], [869]))


def test_spans_overlap():
    assert M.spans_overlap(10, 12, [12])
    assert M.spans_overlap(10, 10, [1, 10])
    assert not M.spans_overlap(10, 12, [9, 13])
    assert not M.spans_overlap(10, 12, [])


def test_refusal_scores():
    # 3 unanswerable (2 refused), 5 answerable (1 refused)
    refused = [True, True, False, True, False, False, False, False]
    unans = [True, True, True, False, False, False, False, False]
    s = M.refusal_scores(refused, unans)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 / 3)
    assert s["wrongly_refused"] == pytest.approx(1 / 5)
    assert (s["tp"], s["fp"], s["fn"], s["unanswerable"], s["answerable"]) == (2, 1, 1, 3, 5)


def test_refusal_scores_empty_denominators_are_nan():
    s = M.refusal_scores([False, False], [False, False])
    assert math.isnan(s["precision"]) and math.isnan(s["recall"]) and math.isnan(s["f1"])
    assert s["wrongly_refused"] == 0.0
    s = M.refusal_scores([False], [True])
    assert math.isnan(s["precision"]) and s["recall"] == 0.0
    with pytest.raises(ValueError):
        M.refusal_scores([True], [True, False])


def test_dialog_scores():
    s = M.dialog_scores([[True, True, True], [True, False], [False, True, True]])
    assert s["dialogs"] == 3 and s["turns"] == 8
    assert s["success"] == pytest.approx(1 / 3)
    assert s["turn_accuracy"] == pytest.approx(6 / 8)
    assert s["by_position"] == {"turn1": pytest.approx(2 / 3), "turn2": pytest.approx(2 / 3), "turn3": 1.0}
    empty = M.dialog_scores([])
    assert math.isnan(empty["success"]) and empty["by_position"] == {}


# ------------------------------------------------------------------ aggregation


def test_percentile_matches_numpy_linear():
    np = pytest.importorskip("numpy")
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 100.0, 2.5]
    for p in (0, 10, 25, 50, 90, 95, 99, 100):
        assert M.percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_percentile_edge_cases():
    assert M.percentile([4.0], 95) == 4.0
    assert M.percentile([1, 2, 3, 4], 50) == 2.5
    assert math.isnan(M.percentile([], 50))
    with pytest.raises(ValueError):
        M.percentile([1], 101)


def test_latency_summary_and_mean():
    s = M.latency_summary([10, 20, 30, 40, 1000])
    assert s["n"] == 5 and s["p50"] == 30 and s["max"] == 1000
    assert s["p95"] == pytest.approx(808.0)
    assert M.mean([1, 2, 3]) == 2
    assert math.isnan(M.mean([]))


# ------------------------------------------------------------------ intervals


def test_wilson_matches_the_textbook_values():
    # Wilson 95 % for 8/10: 0.4902 – 0.9433; for 0/10: 0 – 0.2775; for 10/10: 0.7225 – 1
    lo, hi = M.wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = M.wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = M.wilson(10, 10)
    assert lo == pytest.approx(0.7225, abs=1e-4) and hi == 1.0
    assert all(math.isnan(x) for x in M.wilson(0, 0))
    with pytest.raises(ValueError):
        M.wilson(3, 2)


def test_wilson_narrows_with_n_and_contains_the_rate():
    small, large = M.wilson(9, 10), M.wilson(90, 100)
    assert small[1] - small[0] > large[1] - large[0]
    assert small[0] < 0.9 < small[1] and large[0] < 0.9 < large[1]


def test_proportion_and_count():
    p = M.proportion(37, 40)
    assert (p["k"], p["n"]) == (37, 40) and p["rate"] == pytest.approx(0.925)
    assert p["lo"] < 0.925 < p["hi"]
    assert M.count([True, False, True, True])["k"] == 3 and M.count([True, False, True, True])["n"] == 4
    assert math.isnan(M.count([])["rate"])


# ------------------------------------------------------------------ decisions


def test_risk_coverage_sweeps_the_threshold():
    scores = [0.9, 0.8, 0.8, 0.4, None]
    right = [True, False, True, True, False]
    rc = M.risk_coverage(scores, right, operating=0.5)
    # distinct scores, highest first: answering at 0.9 → 1 of 5, no error; at 0.8 → 3 of 5, 1 wrong
    assert [(p["threshold"], p["answered"], p["wrong"]) for p in rc["points"]] == [(0.9, 1, 0), (0.8, 3, 1), (0.4, 4, 1)]
    assert rc["points"][1]["coverage"] == pytest.approx(0.6) and rc["points"][1]["risk"] == pytest.approx(1 / 3)
    assert rc["points"][-1]["coverage"] == pytest.approx(0.8)  # the question without a score is never answered
    op = rc["operating"]
    assert (op["answered"], op["wrong"]) == (3, 1) and op["coverage"] == pytest.approx(0.6)
    # area: 0.2 coverage at risk 0, 0.4 at 1/3, 0.2 at 1/4
    assert rc["aurc"] == pytest.approx(0.4 / 3 + 0.2 * 0.25)
    assert math.isnan(M.at_threshold(scores, right, 0.95)["risk"])


def test_calibration_bins_and_ece():
    probs = [0.05, 0.15, 0.15, 0.95, 1.0]
    right = [False, True, False, True, True]
    cal = M.calibration(probs, right)
    bins = cal["bins"]
    assert len(bins) == 10
    assert (bins[0]["p_lo"], bins[0]["p_hi"]) == (0.0, 0.1) and bins[9]["p_hi"] == 1.0
    assert bins[0]["n"] == 1 and bins[0]["k"] == 0
    assert bins[1]["n"] == 2 and bins[1]["k"] == 1 and bins[1]["mean_p"] == pytest.approx(0.15)
    assert bins[9]["n"] == 2 and bins[9]["k"] == 2  # p = 1 falls in the last bin
    expected = (1 / 5) * 0.05 + (2 / 5) * abs(0.5 - 0.15) + (2 / 5) * abs(1.0 - 0.975)
    assert cal["ece"] == pytest.approx(expected)
    assert math.isnan(M.calibration([], [])["ece"])
