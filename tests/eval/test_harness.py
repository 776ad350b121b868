"""The harness plumbing end to end with a scripted engine (no index, no model): exact figures on a
tiny gold set, the files it writes, --compare, --fail-under, the CLI, the CI subset."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from eval import harness as H
from qa.engine import Reply
from qa.model import Answer, Chunk, Citation, Hit

A, B_, C = "衢政发〔2017〕11号", "衢政发〔2017〕12号", "衢政办发〔2017〕29号"


def _chunk(cid, doc, text, line):
    return Chunk(id=cid, doc_key=doc, doc_number=doc, title=f"{doc}的标题", path=("一、",), kind="section",
                 text=text, header=f"{doc}的标题 一、", line_start=line, line_end=line)


C1 = _chunk("c1", A, "对于行政审批事项,由市质监局制定地方标准。", 162)
C2 = _chunk("c2", B_, "八大平台包括氟硅产业、特种纸等。", 285)
C3 = _chunk("c3", C, "7月:7.3、7.10、7.17。", 2580)


@dataclass(frozen=True)
class _Doc:
    key: str
    line_start: int
    line_end: int
    number: str = ""


class _Corpus:
    chunks = (C1, C2, C3)


class ScriptedEngine:
    """search/ask answer from fixed scripts; records the session ids it was given."""

    corpus = _Corpus()
    encoder = None

    SEARCH: ClassVar[dict] = {"Q1": [C2, C1], "Q2": [C2, C3], "T1": [C3], "T2": [C3]}

    def __init__(self):
        self.sessions_seen = []

    def documents(self):
        return [_Doc(A, 96, 213), _Doc(B_, 214, 436), _Doc(C, 2549, 2621)]

    def search(self, query, k=10, mode="hybrid", filters=None):
        return [Hit(c, 1.0 / (n + 1)) for n, c in enumerate(self.SEARCH.get(query, []))][:k]

    def ask(self, question, *, session_id=None, history=(), filters=None):
        self.sessions_seen.append((question, session_id))

        def cite(c, quote):
            return Citation(c.doc_number, c.doc_key, c.title, "一、", quote, c.id, c.line_start, c.line_end)

        if question == "Q1":  # right, cited verbatim
            a = Answer("由市质监局制定。[1]", True, "fact", (cite(C1, "由市质监局制定地方标准"),), question, {"answer": 10.0})
        elif question == "Q2":  # half the list; the quote is not verbatim
            a = Answer("氟硅产业[1]", True, "list", (cite(C2, "氟硅产业 等"),), question, {"answer": 30.0})
        elif question == "Q3":  # unanswerable, refused
            a = Answer("本期公报未作规定。", False, "refusal", (), question, {"answer": 20.0})
        elif question == "T1":
            a = Answer("7.3、7.10、7.17[1]", True, "date", (cite(C3, "7.3、7.10、7.17"),), question, {"answer": 40.0})
        elif question == "T2":  # refused a follow-up
            a = Answer("本期公报未作规定。", False, "refusal", (), "T1 T2", {"answer": 50.0})
        else:
            raise RuntimeError("unscripted question")
        return Reply(a, session_id or f"s-{question}")


def _gold():
    def item(id, type, q, docs, must, lines, **kw):
        return H.GoldItem(id=id, type=type, question=q, doc_numbers=tuple(docs), must=tuple(must),
                          must_not=(), lines=tuple(lines), **kw)

    questions = [
        item("q1", "fact", "Q1", [A], ["市质监局"], [162]),
        item("q2", "list", "Q2", [B_], ["氟硅产业", "特种纸"], [285]),
        item("q3", "unanswerable", "Q3", [], [], []),
    ]
    dialogs = [H.Dialog("d1", (
        item("d1.t1", "dialog", "T1", [C], ["7.3"], [2580], dialog="d1", turn=1),
        item("d1.t2", "dialog", "T2", [C], ["7.17"], [2580], dialog="d1", turn=2),
    ))]
    return questions, dialogs


class _Settings:
    encoder = "scripted"
    data_dir = Path("/nonexistent")

    def corpus_files(self):
        return [Path("gazette.txt")]


def _run(tmp_path, **kw):
    engine = ScriptedEngine()
    kw.setdefault("mode", "bm25,hybrid")
    report = H.run(_Settings(), out_dir=tmp_path, engine=engine, gold=_gold(), progress=False, stream=False, **kw)
    return engine, report


def test_exact_figures_on_a_scripted_engine(tmp_path):
    engine, report = _run(tmp_path)
    r = report.retrieval["hybrid"]["summary"]
    assert r["n"] == 2  # the unanswerable question is left out
    assert r["recall_doc@1"] == 0.5 and r["recall_doc@5"] == 1.0
    assert r["recall_ev@1"] == 0.5  # q1's evidence is at rank 2, q2's (both list items) at rank 1
    assert r["recall_ev@5"] == 1.0
    assert r["mrr"] == pytest.approx((0.5 + 1.0) / 2)
    assert r["ndcg@10"] == pytest.approx((1 / math.log2(3) + 1) / 2)
    assert set(report.retrieval) == {"bm25", "hybrid"}

    a = report.answers
    s = a["summary"]
    assert (s["questions"], s["answerable"], s["unanswerable"], s["dialog_turns"]) == (3, 2, 1, 2)
    assert s["fully_right_answerable"] == 0.5
    assert s["fully_right_all_questions"] == pytest.approx(2 / 3)
    assert s["fully_right_turns"] == 0.5
    assert a["by_type"]["fact"]["fully_right"] == 1.0
    assert a["by_type"]["list"]["fully_right"] == 0.0
    assert a["by_type"]["unanswerable"]["fully_right"] == 1.0
    assert a["refusal"]["precision"] == 1.0  # over standalone questions: only q3 was refused
    assert a["refusal"]["recall"] == 1.0
    assert a["refusal"]["wrongly_refused"] == 0.0
    assert a["refusal"]["wrongly_refused_turns"] == 0.5
    # citations of answerable items: c1 verbatim+relevant, c2 quote not verbatim, c3 verbatim+relevant
    assert a["citations"]["n"] == 3
    assert a["citations"]["accuracy"] == pytest.approx(2 / 3)
    assert a["citations"]["verbatim"] == pytest.approx(2 / 3)
    assert a["dialogs"]["success"] == 0.0 and a["dialogs"]["turn_accuracy"] == 0.5
    assert a["dialogs"]["by_position"] == {"turn1": 1.0, "turn2": 0.0}
    assert a["latency"]["answer"]["p50"] == 30.0 and a["latency"]["answer"]["n"] == 5
    assert a["latency"]["wall"]["n"] == 5
    # dialog turns are chained through the session id the previous turn returned
    assert ("T1", None) in engine.sessions_seen and ("T2", "s-T1") in engine.sessions_seen
    assert report.fully_right_answerable == 0.5


def test_refusal_precision_counts_wrong_refusals(tmp_path):
    # q3 refused rightly; nothing else refused among questions → precision 1
    _, report = _run(tmp_path)
    assert report.answers["refusal"]["tp"] == 1 and report.answers["refusal"]["fp"] == 0


def test_failures_name_the_reason(tmp_path):
    _, report = _run(tmp_path)
    fails = {f["id"]: f for f in report.failures}
    assert set(fails) == {"q2", "d1.t2"}
    assert fails["q2"]["expected"]["must"] == ["氟硅产业", "特种纸"]
    assert fails["q2"]["got"]["missing_must"] == ["特种纸"]
    assert "answer misses some must-strings" in fails["q2"]["reasons"]
    assert "evidence in hybrid top-10" in fails["q2"]["reasons"]
    assert not any("hybrid" in r for r in fails["d1.t2"]["reasons"])  # turns have no retrieval record
    assert fails["d1.t2"]["reasons"][0] == "refused an answerable question"
    assert report.answers["failure_patterns"]["refused an answerable question"] == {"total": 1, "n/a": 1}
    assert report.answers["failure_patterns"]["answer misses some must-strings"] == {"total": 1, "retrieved": 1}
    assert report.answers["failure_tags"]["evidence in hybrid top-10"] == 1


def test_writes_json_md_png(tmp_path):
    pytest.importorskip("matplotlib")
    _, report = _run(tmp_path)
    paths = {k: Path(v) for k, v in report.paths.items()}
    assert set(paths) == {"json", "md", "png"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    data = json.loads(paths["json"].read_text("utf-8"))
    assert data["answers"]["summary"]["fully_right_answerable"] == 0.5
    assert data["retrieval"]["hybrid"]["summary"]["recall_doc@5"] == 1.0
    assert len(data["answers"]["failures"]) == 2
    md = paths["md"].read_text("utf-8")
    assert "## Failures (2)" in md and "q2 [list] Q2" in md and "特种纸" in md
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_chart_and_no_write(tmp_path):
    _, report = _run(tmp_path, chart=False)
    assert "png" not in report.paths
    _, report = _run(tmp_path / "none", write=False)
    assert report.paths == {} and not (tmp_path / "none").exists()


def test_compare_reports_deltas(tmp_path):
    _, first = _run(tmp_path, chart=False)
    old = json.loads(Path(first.paths["json"]).read_text("utf-8"))
    old["answers"]["summary"]["fully_right_answerable"] = 0.25
    old["retrieval"]["hybrid"]["summary"]["mrr"] = 1.0
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old), "utf-8")
    _, report = _run(tmp_path, chart=False, compare=str(old_path))
    d = report.compare["deltas"]
    assert d["answers.fully_right_answerable"]["delta"] == pytest.approx(0.25)
    assert d["retrieval.hybrid.mrr"]["delta"] == pytest.approx(-0.25)
    assert d["answers.by_type.fact.fully_right"]["delta"] == 0.0
    text = H.render_text(report)
    assert "Changes against" in text and "answers.fully_right_answerable" in text


def test_fail_under_sets_the_exit_code(tmp_path):
    _, ok = _run(tmp_path, chart=False, fail_under=0.5)
    assert ok.exit_code == 0
    _, bad = _run(tmp_path, chart=False, fail_under=0.51)
    assert bad.exit_code == 1


def test_subsets(tmp_path):
    _, report = _run(tmp_path, chart=False, subset="dialog")
    assert report.retrieval == {}
    assert report.answers["summary"]["questions"] == 0 and report.answers["summary"]["dialog_turns"] == 2
    assert report.fully_right_answerable == 0.5  # falls back to the dialog turns
    _, report = _run(tmp_path, chart=False, subset="list")
    assert report.answers["summary"]["questions"] == 1 and report.answers["summary"]["dialog_turns"] == 0
    _, report = _run(tmp_path, chart=False, subset=["q1", "d1"])
    assert report.answers["summary"]["questions"] == 1 and report.answers["summary"]["dialog_turns"] == 2
    with pytest.raises(ValueError):
        _run(tmp_path, chart=False, subset="poetry")


def test_engine_errors_are_recorded_not_raised(tmp_path):
    questions, dialogs = _gold()
    questions = questions + [H.GoldItem("q9", "fact", "unscripted", (A,), ("x",), (), (1,))]
    report = H.run(_Settings(), out_dir=tmp_path, engine=ScriptedEngine(), gold=(questions, dialogs),
                   mode="none", progress=False, stream=False, chart=False)
    assert report.answers["summary"]["errors"] == 1
    f = next(f for f in report.failures if f["id"] == "q9")
    assert f["got"]["error"].startswith("RuntimeError") and f["reasons"] == ["error: RuntimeError"]


def test_mode_parsing():
    assert H._parse_modes(None) == ["bm25", "dense", "hybrid", "baseline"]
    assert H._parse_modes(["hybrid,baseline", "bm25"]) == ["hybrid", "baseline", "bm25"]
    assert H._parse_modes("none") == []
    assert "baseline-dense" in H._parse_modes("all")
    with pytest.raises(ValueError):
        H._parse_modes("sparse")


def test_main_parses_the_cli(monkeypatch, tmp_path):
    seen = {}

    def fake_run(settings, **kw):
        seen.update(kw)
        return H.Report(meta={}, retrieval={}, answers=None, exit_code=1)

    monkeypatch.setattr(H, "run", fake_run)
    code = H.main(["--", "--mode", "hybrid", "--k", "20", "--subset", "date", "--fail-under", "0.8", "--compare",
                   "old.json", "--no-chart", "--out", str(tmp_path)], settings=_Settings())
    assert code == 1
    assert seen["mode"] == ["hybrid"] and seen["k"] == 20 and seen["subset"] == "date"
    assert seen["fail_under"] == 0.8 and seen["compare"] == "old.json" and seen["chart"] is False
    assert seen["out_dir"] == str(tmp_path)
    assert H.main(["--fail-under", "80"], settings=_Settings()) == 2


def test_gold_loads_and_the_ci_subset_spans_every_type():
    questions, dialogs = H.load_gold()
    assert len(questions) >= 170 and len(dialogs) >= 24
    assert all(t.dialog == d.id for d in dialogs for t in d.turns)
    ids = H.regression_subset(questions, dialogs, 60, 8)
    assert ids == H.regression_subset(questions, dialogs, 60, 8)  # deterministic
    qs, ds = H.select(questions, dialogs, ids)
    assert len(qs) == 60 and len(ds) == 8
    assert H.select(questions, dialogs, "ci") == (qs, ds)
    counts = {t: sum(1 for q in qs if q.type == t) for t in H.QUESTION_TYPES}
    assert all(n >= 3 for n in counts.values()), counts
    assert counts["fact"] > counts["multi"]
