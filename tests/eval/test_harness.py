"""The harness end to end with the real engine (the session `engine` fixture) on small sets made from
eval/gold and eval/time: set defaults and per-question 'today', the figures' arithmetic (k/n, intervals,
answered wrongly vs wrongly refused), the failing stage of every miss, risk–coverage and calibration,
invariance, blind runs that list nothing, the files, --compare, --fail-under and the CLI."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from eval import harness as H
from eval import stages as S

GOLD_DIR = H.REPO_ROOT / "eval" / "gold"
TIME_DIR = H.REPO_ROOT / "eval" / "time"
PER_TYPE = 2


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _write_set(folder: Path, meta: dict, questions: list[dict], dialogs: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "set.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    (folder / "questions.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), "utf-8")
    (folder / "dialogs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dialogs), "utf-8")
    return folder


@pytest.fixture(scope="module")
def small_set(tmp_path_factory) -> Path:
    """The first questions of each gold type and the first two gold dialogs, with gold's set.json."""
    questions = _jsonl(GOLD_DIR / "questions.jsonl")
    picked = []
    for t in H.QUESTION_TYPES:
        picked += [q for q in questions if q["type"] == t][:PER_TYPE]
    meta = json.loads((GOLD_DIR / "set.json").read_text("utf-8")) | {"name": "small"}
    return _write_set(tmp_path_factory.mktemp("sets") / "small", meta, picked, _jsonl(GOLD_DIR / "dialogs.jsonl")[:2])


@pytest.fixture(scope="module")
def time_set(tmp_path_factory) -> Path:
    """Time questions with their own reference dates (2017 and 2026) and one time dialog."""
    questions = _jsonl(TIME_DIR / "questions.jsonl")
    picked = [q for q in questions if q["id"] in ("tm001", "tm016", "tm056", "tm069", "tm076", "tm081")]
    meta = json.loads((TIME_DIR / "set.json").read_text("utf-8")) | {"name": "small-time"}
    return _write_set(tmp_path_factory.mktemp("sets") / "small-time", meta, picked, _jsonl(TIME_DIR / "dialogs.jsonl")[:1])


@pytest.fixture(scope="module")
def report(engine, settings, small_set, tmp_path_factory):
    return H.run(settings, mode="hybrid", gold=H.load_set(small_set), engine=engine, progress=False, stream=False,
                 out_dir=tmp_path_factory.mktemp("reports"), invariance=("particle", "phone"))


# ------------------------------------------------------------------ sets


def test_set_defaults_and_per_record_dates():
    gold = H.load_set(GOLD_DIR)
    assert gold.name == "gold" and gold.blind is False and gold.reference_date == dt.date(2026, 11, 30)
    assert all(q.reference_date == gold.reference_date for q in gold.questions)
    timed = H.load_set(TIME_DIR)
    assert timed.reference_date is None
    raw = {q["id"]: q for q in _jsonl(TIME_DIR / "questions.jsonl")}
    for q in timed.questions:
        assert q.reference_date == dt.date.fromisoformat(raw[q.id]["reference_date"])
        assert q.timed and q.kind
        assert q.answerable == (raw[q.id]["doc_numbers"] is not None)
    raw_d = {d["id"]: d for d in _jsonl(TIME_DIR / "dialogs.jsonl")}
    for d in timed.dialogs:
        assert all(t.reference_date == dt.date.fromisoformat(raw_d[d.id]["reference_date"]) for t in d.turns)
    assert H.load_set(H.REPO_ROOT / "eval" / "heldout").blind  # loading reads no item for anybody to see


def test_a_set_for_another_corpus_is_refused(settings, small_set, tmp_path):
    meta = json.loads((small_set / "set.json").read_text("utf-8")) | {"corpus": "another-gazette.txt"}
    other = _write_set(tmp_path / "other", meta, _jsonl(small_set / "questions.jsonl")[:1], [])
    with pytest.raises(ValueError, match="another-gazette.txt"):
        H.run_sets(settings, [other], stream=False, write=False, progress=False)


# ------------------------------------------------------------------ 'today' per question


def test_engine_today_follows_each_record_and_is_restored(engine, settings, time_set):
    before = engine.settings
    s = H.load_set(time_set)
    records = H.evaluate_answers(engine, s.questions, s.dialogs)
    assert engine.settings is before  # the run puts the engine's own settings back
    assert len(records) == s.asks
    by_id = {r["id"]: r for r in records}
    assert by_id["tm001"]["reference_date"] == "2017-06-12" and by_id["tm016"]["reference_date"] == "2026-11-30"
    for r in records:
        if r["outcome"] is not None:  # the pipeline's plan saw the record's date as today
            assert r["outcome"]["today_ok"] is True, r["id"]
    # the dialog's turns share the dialog's date
    assert {r["reference_date"] for r in records if r["dialog"]} == {_jsonl(time_set / "dialogs.jsonl")[0]["reference_date"]}


def test_time_section(engine, settings, time_set, tmp_path):
    rep = H.run(settings, mode="none", gold=H.load_set(time_set), engine=engine, progress=False, stream=False,
                out_dir=tmp_path)
    t = rep.answers["time"]
    items = rep.answers["items"]
    assert t["fully_right_all"]["n"] == len(items)
    assert t["fully_right_all"]["k"] == sum(r["fully_right"] for r in items)
    assert set(t["by_kind"]) == {r["kind"] for r in items}
    checks = t["checks"]
    assert checks["found as expected"]["n"] == len(items)
    # tm001 expects a date, tm016 a not-covered statement, tm076 a passed deadline
    assert checks["dates"]["n"] >= 2 and checks["covered"]["n"] >= 1 and checks["passed"]["n"] >= 1
    by_id = {r["id"]: r for r in items}
    assert not by_id["tm069"]["answerable"]  # doc_numbers null: the right answer is a refusal
    for r in items:  # a timed record is fully right only when its time checks pass
        if r["answerable"] and r["fully_right"]:
            assert all(r["time_checks"].values()), r["id"]
    md = Path(rep.paths["md"]).read_text("utf-8")
    assert "Time section" in md


# ------------------------------------------------------------------ figures


def test_headline_arithmetic(report):
    a = report.answers
    items = a["items"]
    qs = [r for r in items if r["dialog"] is None]
    h = a["headline"]
    answerable = [r for r in qs if r["answerable"]]
    answered = [r for r in qs if r["found"]]
    assert h["answerable_fully_right"]["n"] == len(answerable) == 5 * PER_TYPE
    assert h["answerable_fully_right"]["k"] == sum(r["fully_right"] for r in answerable)
    assert h["unanswerable_refused"]["n"] == PER_TYPE
    assert h["wrongly_refused"]["k"] == sum(r["found"] is False for r in answerable)
    # answered wrongly: of everything answered (answerable or not), what was not fully right
    assert h["answered_wrongly"]["n"] == len(answered)
    assert h["answered_wrongly"]["k"] == sum(not r["fully_right"] for r in answered)
    assert h["dialog_turns_right"]["n"] == sum(1 for r in items if r["dialog"])
    assert h["weekday_errors"]["n"] == sum(r["weekday_dates"] for r in items)
    for p in (h["answerable_fully_right"], h["answered_wrongly"]):
        assert p["lo"] <= p["rate"] <= p["hi"]
    assert a["summary"]["fully_right_answerable"] == h["answerable_fully_right"]["rate"]


def test_every_miss_names_its_stage(report):
    a = report.answers
    misses = [r for r in a["items"] if not r["fully_right"]]
    assert all(r["stage"] in S.STAGES and r["stage"] != "unknown" for r in misses)
    assert all(r["stage"] is None for r in a["items"] if r["fully_right"])
    assert sum(c["total"] for c in a["stages"].values()) == len(misses) == len(a["failures"])
    for r in a["items"]:  # the outcome facts the stages rest on come from the real pipeline
        o = r["outcome"]
        assert o is not None
        assert o["retrieved_docs"] is not None or o["reason"].startswith("gate:")
        if r["found"]:
            assert o["chosen_right"] is not None


def test_risk_coverage_marks_the_operating_point(report, engine):
    a = report.answers
    rc, cal = a["risk_coverage"], a["calibration"]
    qs = [r for r in a["items"] if r["dialog"] is None]
    assert rc["n"] == len(qs)
    assert a["threshold"] == engine.pipeline.threshold == rc["operating"]["threshold"]
    cov = [p["coverage"] for p in rc["points"]]
    assert cov == sorted(cov)  # lowering the threshold never answers fewer questions
    # at the operating point the curve answers (about) what the run answered: a multi-part decision
    # or a follow-up retried with the previous topic may differ by a question
    assert abs(rc["operating"]["answered"] - rc["actual"]["answered"]) <= 1
    assert sum(b["n"] for b in cal["bins"]) == cal["n"] == sum(1 for r in qs if r["outcome"]["score"] is not None)
    assert 0.0 <= cal["ece"] <= 1.0


def test_invariance(report, small_set):
    inv = report.invariance
    n = len(_jsonl(small_set / "questions.jsonl"))
    assert set(inv["by_kind"]) == {"particle", "phone"}
    for kind, row in inv["by_kind"].items():
        assert row["n"] == n and row["agreement"]["n"] == n
        assert row["fully_right"]["n"] == row["original_fully_right"]["n"] == 5 * PER_TYPE
        assert row["unchanged"] == 0  # a particle or an identifier always changes the text
    assert len(inv["disagreements"]) == sum(r["agreement"]["n"] - r["agreement"]["k"] for r in inv["by_kind"].values())
    # the variants are the generator's, fixed by seed, set and question
    rng = H.variant_rng(0, "small", "q001", "phone")
    assert H.variant_rng(0, "small", "q001", "phone").random() == rng.random()


# ------------------------------------------------------------------ renderings and files


def test_tables_print_k_of_n_with_intervals(report):
    text = H.render_text(report, max_failures=3)
    assert re.search(r"answerable questions fully right\s+\d+/10 \d+\.\d% \[\d+\.\d–\d+\.\d\]", text)
    for title in ("Summary", "Failing stage", "Invariance", "Risk–coverage", "Calibration"):
        assert title in text
    assert "◀ operating point" in text


def test_writes_json_md_png(report):
    paths = {k: Path(v) for k, v in report.paths.items()}
    assert set(paths) == {"json", "md", "png"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    assert paths["json"].name.endswith("-small.json")
    data = json.loads(paths["json"].read_text("utf-8"))
    assert data["answers"]["headline"]["answerable_fully_right"]["n"] == 5 * PER_TYPE
    assert len(data["answers"]["failures"]) == len(report.failures)
    md = paths["md"].read_text("utf-8")
    for f in report.failures:
        assert f"### {f['id']} " in md
        assert f"failing stage: **{f['stage']}**" in md
    assert "## Risk–coverage" in md and "## Calibration" in md and "## Invariance" in md
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def tiny_set(small_set, tmp_path_factory) -> Path:
    """One question of each of three types (one unanswerable) and one dialog: for the runs that only
    check plumbing (the real engine takes its time per question on a shared machine)."""
    questions = _jsonl(small_set / "questions.jsonl")
    picked = [next(q for q in questions if q["type"] == t) for t in ("fact", "table", "unanswerable")]
    meta = json.loads((small_set / "set.json").read_text("utf-8")) | {"name": "tiny"}
    return _write_set(tmp_path_factory.mktemp("sets") / "tiny", meta, picked, _jsonl(small_set / "dialogs.jsonl")[:1])


def test_blind_run_lists_no_item(engine, settings, tiny_set, tmp_path):
    out = io.StringIO()
    rep = H.run(settings, mode="hybrid", gold=H.load_set(tiny_set), engine=engine, progress=False, stream=out,
                out_dir=tmp_path, blind=True, invariance=("greeting",))
    questions = _jsonl(tiny_set / "questions.jsonl")
    turns = [t for d in _jsonl(tiny_set / "dialogs.jsonl") for t in d["turns"]]
    texts = [out.getvalue()] + [Path(p).read_text("utf-8") for k, p in rep.paths.items() if k != "png"]
    for text in texts:
        for q in questions:
            assert q["question"] not in text and f'"{q["id"]}"' not in text and f" {q['id']} " not in text
            assert not any(m in text for m in q["must"] if re.search(r"[\u4e00-\u9fff]", m))
        assert not any(t["question"] in text for t in turns)
    data = json.loads(Path(rep.paths["json"]).read_text("utf-8"))
    assert data["blind"] is True
    assert "items" not in data["answers"] and "failures" not in data["answers"]
    assert all(set(r) == {"summary"} for r in data["retrieval"].values())
    assert "disagreements" not in data["invariance"]
    # the totals are there, with their intervals, and the stage counts
    assert data["answers"]["headline"]["answerable_fully_right"]["n"] == 2
    assert "Summary" in out.getvalue() and "BLIND" in out.getvalue()
    assert data["answers"]["stages"] == rep.answers["stages"]
    # nor does the report in memory keep them (a failing test prints what it holds)
    assert "items" not in rep.answers and rep.failures == [] and "disagreements" not in rep.invariance
    assert not any(q["question"] in repr(rep) for q in questions) and "'question'" not in repr(rep)


def test_a_set_declared_blind_runs_blind(engine, settings, tiny_set, tmp_path):
    meta = json.loads((tiny_set / "set.json").read_text("utf-8")) | {"name": "blind-tiny", "blind": True}
    blind = _write_set(tmp_path / "blind-tiny", meta, _jsonl(tiny_set / "questions.jsonl")[:1], [])
    rep = H.run(settings, mode="none", gold=H.load_set(blind), engine=engine, progress=False, stream=False,
                out_dir=tmp_path / "out")
    assert rep.blind and "items" not in rep.to_dict()["answers"]


def test_compare_and_fail_under(engine, settings, tiny_set, tmp_path):
    first = H.run(settings, mode="none", gold=H.load_set(tiny_set), engine=engine, progress=False, stream=False,
                  out_dir=tmp_path, chart=False, subset="fact,table")
    old = json.loads(Path(first.paths["json"]).read_text("utf-8"))
    old["answers"]["summary"]["fully_right_answerable"] -= 0.25
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), "utf-8")
    rate = first.fully_right_answerable
    again = H.run(settings, mode="none", gold=H.load_set(tiny_set), engine=engine, progress=False, stream=False,
                  write=False, compare=str(path), fail_under=rate, subset="fact,table")
    assert again.compare["deltas"]["answers.fully_right_answerable"]["delta"] == pytest.approx(0.25)
    assert again.exit_code == 0 and again.paths == {}
    # a rate above what was measured fails the run
    bar = min(1.0, rate + 0.01)
    assert (H.run(settings, mode="none", gold=H.load_set(tiny_set), engine=engine, progress=False, stream=False,
                  write=False, fail_under=bar, subset="fact,table").exit_code == 1) == (rate < bar)


def test_engine_errors_are_recorded_not_raised(engine, settings):
    empty = H.GoldItem("q9", "fact", "   ", ("衢政发〔2017〕11号",), ("x",), (), (1,))
    rec = H.evaluate_answers(engine, [empty], [])[0]
    assert rec["error"].startswith("InvalidQuery") and rec["fully_right"] is False
    a = H.summarize_answers([rec])
    assert a["summary"]["errors"] == 1 and a["failures"][0]["stage"] == "error"


def test_subsets_and_modes():
    questions, dialogs = H.load_gold()
    qs, ds = H.select(questions, dialogs, "dialog")
    assert qs == [] and ds == dialogs
    qs, _ = H.select(questions, dialogs, "list,table")
    assert {q.type for q in qs} == {"list", "table"}
    with pytest.raises(ValueError):
        H.select(questions, dialogs, "poetry")
    assert H._parse_modes(None) == ["bm25", "dense", "hybrid", "baseline"]
    assert H._parse_modes(["hybrid,baseline", "bm25"]) == ["hybrid", "baseline", "bm25"]
    assert H._parse_modes("none") == []
    with pytest.raises(ValueError):
        H._parse_modes("sparse")


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


# ------------------------------------------------------------------ CLI


def test_cli_runs_several_sets_and_blind(settings, tiny_set, time_set, tmp_path, capsys):
    code = H.main(["--", "--sets", f"{tiny_set},{time_set}", "--mode", "none", "--no-chart", "--no-progress",
                   "--out", str(tmp_path), "--invariance", "tiny", "--curves", "none", "--blind",
                   "--subset", "unanswerable,time"], settings=settings)
    assert code == 0
    out = capsys.readouterr().out
    assert "Overview" in out and "small-time" in out and "Invariance" in out
    assert not any(q["question"] in out for q in _jsonl(tiny_set / "questions.jsonl"))
    assert len(list(tmp_path.glob("*-tiny.json"))) == 1 and len(list(tmp_path.glob("*-small-time.json"))) == 1
    assert H.main(["--fail-under", "80"], settings=settings) == 2
    assert H.main(["--gold", str(tiny_set), "--sets", str(time_set)], settings=settings) == 2
    assert H.main(["--gold", str(tmp_path / "nowhere")], settings=settings) == 2


def test_questions_and_dialogs_given_directly(engine, settings, tiny_set, tmp_path):
    """gold=(questions, dialogs) named like a folder, as test_dev_regression.py passes eval/dev."""
    questions, _ = H.load_gold(tiny_set)
    rep = H.run(settings, mode="none", gold=(questions[:1], []), gold_name="eval/tiny", engine=engine,
                progress=False, stream=False, out_dir=tmp_path, chart=False)
    assert rep.meta["gold"] == "eval/tiny"
    assert Path(rep.paths["json"]).name.endswith("-tiny.json") and Path(rep.paths["md"]).is_file()
