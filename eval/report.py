"""The evaluation report: the Report record, comparison with an earlier run, and its renderings
(terminal tables, Markdown with the failure list, a PNG chart). No engine here.

Every proportion is shown as k/n with its rate and 95 % Wilson interval. A blind report (a test
set) renders and serialises totals only: no item, no question, no failure, no answer text.
"""
from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.sets import QUESTION_TYPES, TIME_TYPE

CUTOFFS = (1, 5, 10)
REPORT_SCHEMA = 2
# what a blind report keeps of the answers part (everything else names items)
_BLIND_ANSWER_KEYS = ("summary", "headline", "refusal", "citations", "dialogs", "latency", "stages",
                      "risk_coverage", "calibration", "threshold", "time")


@dataclass
class Report:
    # the big parts stay out of repr: a failing test prints the report, and should print no item
    meta: dict
    retrieval: dict = field(repr=False)
    answers: dict | None = field(repr=False)
    compare: dict | None = field(default=None, repr=False)
    paths: dict = field(default_factory=dict)
    exit_code: int = 0
    invariance: dict | None = field(default=None, repr=False)
    blind: bool = False
    curves: bool = True  # print the risk–coverage and calibration tables on the terminal

    def redact(self) -> "Report":
        """Keep totals only (a blind run): what to_dict() writes is all that stays in memory too."""
        self.blind = True
        d = self.to_dict()
        self.retrieval, self.answers, self.invariance = d["retrieval"], d["answers"], d["invariance"]
        return self

    @property
    def failures(self) -> list[dict]:
        return (self.answers or {}).get("failures", [])

    @property
    def fully_right_answerable(self) -> float:
        """Fully-right rate of the answerable standalone questions; with none in the run (a dialog
        subset), of the dialog turns. NaN without answers."""
        if not self.answers:
            return float("nan")
        s = self.answers["summary"]
        return s["fully_right_answerable"] if s["answerable"] else s["fully_right_turns"]

    def to_dict(self) -> dict:
        answers, retrieval, invariance = self.answers, self.retrieval, self.invariance
        if self.blind:
            answers = {k: v for k, v in (answers or {}).items() if k in _BLIND_ANSWER_KEYS} or None
            retrieval = {m: {"summary": r["summary"]} for m, r in (retrieval or {}).items()}
            invariance = {k: v for k, v in invariance.items() if k != "disagreements"} if invariance else None
        return {"schema": REPORT_SCHEMA, "blind": self.blind, "meta": self.meta, "retrieval": retrieval,
                "answers": answers, "invariance": invariance, "compare": self.compare, "paths": self.paths,
                "exit_code": self.exit_code}


def headline(report: dict) -> dict[str, float]:
    """The scalar figures compared between runs, as flat dotted keys."""
    out: dict[str, float] = {}
    for mode, r in (report.get("retrieval") or {}).items():
        for key, v in r["summary"].items():
            if key != "n" and isinstance(v, (int, float)):
                out[f"retrieval.{mode}.{key}"] = v
    a = report.get("answers")
    if a:
        for key in ("fully_right_answerable", "fully_right_all_questions", "fully_right_turns"):
            out[f"answers.{key}"] = a["summary"][key]
        for t, row in (a.get("by_type") or {}).items():
            out[f"answers.by_type.{t}.fully_right"] = row["fully_right"]
        for key in ("precision", "recall", "wrongly_refused"):
            out[f"answers.refusal.{key}"] = a["refusal"][key]
        for key in ("accuracy", "verbatim", "relevant"):
            out[f"answers.citations.{key}"] = a["citations"][key]
        out["answers.dialogs.success"] = a["dialogs"]["success"]
        out["answers.dialogs.turn_accuracy"] = a["dialogs"]["turn_accuracy"]
        for key in ("answered_wrongly", "unanswerable_refused", "weekday_errors"):
            prop = (a.get("headline") or {}).get(key)
            if prop:
                out[f"answers.{key}"] = prop["rate"]
        for stage, lat in a["latency"].items():
            out[f"answers.latency.{stage}.p50"] = lat["p50"]
            out[f"answers.latency.{stage}.p95"] = lat["p95"]
    inv = report.get("invariance")
    if inv:
        for kind, row in inv["by_kind"].items():
            out[f"invariance.{kind}.agreement"] = row["agreement"]["rate"]
            out[f"invariance.{kind}.fully_right"] = row["fully_right"]["rate"]
    return out


def compare_reports(old: dict, new: dict) -> dict:
    """{key: {"before", "after", "delta"}} for the headline figures present in both."""
    a, b = headline(old), headline(new)
    out = {}
    for key in b:
        if key in a:
            before, after = a[key], b[key]
            delta = after - before if _finite(before) and _finite(after) else float("nan")
            out[key] = {"before": before, "after": after, "delta": delta}
    return {"against": old.get("paths", {}).get("json") or old.get("meta", {}).get("timestamp"),
            "against_meta": {k: old.get("meta", {}).get(k) for k in ("timestamp", "git", "subset", "k")},
            "deltas": out}


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(x)


def _fmt(x, pct: bool = True) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    return f"{100 * x:.1f}" if pct else f"{x:.1f}"


def _num(x) -> str:
    return f"{x:.3f}" if _finite(x) else "n/a"


def kn(p: dict | None, short: bool = False) -> str:
    """A proportion as "k/n rate% [lo–hi]" (short: "k/n [lo–hi]" with whole percents)."""
    if not p:
        return "n/a"
    if not p["n"]:
        return "0/0"
    if short:
        return f"{p['k']}/{p['n']} [{100 * p['lo']:.0f}–{100 * p['hi']:.0f}]"
    return f"{p['k']}/{p['n']} {100 * p['rate']:.1f}% [{100 * p['lo']:.1f}–{100 * p['hi']:.1f}]"


def _kn_rate(rate: float | None, n: int, short: bool = True) -> str:
    """k/n with interval for a mean of 0/1 values known as (rate, n)."""
    from eval.metrics import proportion

    if rate is None or (isinstance(rate, float) and math.isnan(rate)) or not n:
        return "n/a"
    return kn(proportion(round(rate * n), n), short)


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) if i == 0 else str(h).rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(esc(h) for h in headers) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------- tables


def _set_title(report: Report) -> str:
    m = report.meta
    s = m.get("set") or {}
    bits = [str(m.get("gold") or s.get("name") or "?")]
    if s.get("split"):
        bits.append(f"split {s['split']}")
    bits.append(f"reference date {s.get('reference_date') or 'per question'}")
    if report.blind:
        bits.append("BLIND: totals only")
    return ", ".join(bits)


def summary_rows(a: dict) -> list[list[str]]:
    """The headline figures of one set, as (figure, k/n rate [95 % interval]) rows."""
    h = a["headline"]
    return [
        ["answerable questions fully right", kn(h["answerable_fully_right"])],
        ["unanswerable questions refused", kn(h["unanswerable_refused"])],
        ["answerable questions wrongly refused", kn(h["wrongly_refused"])],
        ["answered wrongly (of all answered questions)", kn(h["answered_wrongly"])],
        ["dialog turns fully right", kn(h["dialog_turns_right"])],
        ["weekday errors (of dates printed with a weekday)", kn(h["weekday_errors"])],
        ["ask latency p95 / p50 (ms, every ask)", f"{_fmt(h['ask_ms_p95'], False)} / {_fmt(h['ask_ms_p50'], False)}"
                                                  f" ({h['asks']} asks)"],
    ]


def _summary_tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    a = report.answers
    if not a:
        return []
    tables = [(f"Summary — {_set_title(report)}", ["figure", "k/n rate [95% interval]"], summary_rows(a))]
    if "stages" in a:  # printed with no misses too: "0 misses" is a finding
        rows = [[s, c["questions"], c["dialog turns"], c["total"]] for s, c in a["stages"].items()]
        n_miss = sum(c["total"] for c in a["stages"].values())
        tables.append((f"Failing stage of every miss ({n_miss} misses; eval/stages.py)",
                       ["stage", "questions", "dialog turns", "total"], rows))
    t = a.get("time")
    if t:
        rows = [[k, kn(p)] for k, p in t["by_kind"].items()]
        rows += [["questions", kn(t["fully_right_questions"])], ["dialog turns", kn(t["fully_right_turns"])],
                 ["all", kn(t["fully_right_all"])]]
        tables.append(("Time section: fully right by kind (dates with weekday, not-covered, free-day, "
                       "passed checks included)", ["kind", "fully right"], rows))
        rows = [[k, kn(p)] for k, p in t["checks"].items()]
        if t.get("plan_today_mismatch"):
            rows.append(["asked with a different 'today' than the record's", str(t["plan_today_mismatch"])])
        tables.append(("Time section: checks (each over the items it applies to)", ["check", "passed"], rows))
    return tables


def _invariance_table(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    inv = report.invariance
    if not inv:
        return []
    rows = []
    for kind, r in inv["by_kind"].items():
        delta = r["delta_points"]
        rows.append([kind, r["n"], r["unchanged"], kn(r["agreement"]), kn(r["fully_right"]),
                     kn(r["original_fully_right"]), "n/a" if not _finite(delta) else f"{delta:+.1f}",
                     kn(r["unanswerable_refused"], True), kn(r["original_unanswerable_refused"], True)])
    return [(f"Invariance (seed {inv['seed']}; agreement = same found flag and first citation as the original; "
             f"all kinds {kn(inv['agreement_all'])})",
             ["kind", "n", "unchanged", "agreement", "fully right (answerable)", "originals fully right",
              "Δ points", "unanswerable refused", "originals refused"], rows)]


def _curve_tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    a = report.answers
    if not a or not a.get("risk_coverage"):
        return []
    rc, cal = a["risk_coverage"], a["calibration"]
    tau = a.get("threshold")
    rows = []
    for p in rc.get("grid", []):
        mark = " ◀ operating point" if tau is not None and abs(p["threshold"] - tau) < 1e-12 else ""
        rows.append([f"{p['threshold']:.3f}{mark}", f"{p['answered']}/{rc['n']} {_fmt(p['coverage'])}%",
                     f"{p['wrong']}/{p['answered']} {_fmt(p['risk'])}%"
                     + (f" [{_fmt(p['risk_ci'][0])}–{_fmt(p['risk_ci'][1])}]" if p["answered"] else "")])
    act = rc.get("actual") or {}
    aurc = f"{rc['aurc']:.3f}" if _finite(rc["aurc"]) else "n/a"
    tables = [(f"Risk–coverage of the decision threshold over {rc['n']} questions (score = the confidence the "
               f"decision compared; right = the answer's verdict, or the best candidate's when refused; "
               f"area under the curve {aurc}; as run: answered {act.get('answered')}, wrong {act.get('wrong')})",
               ["threshold", "coverage (answered)", "risk (wrong of answered)"], rows)]
    rows = [[f"[{b['p_lo']:.1f}, {b['p_hi']:.1f}{']' if b['p_hi'] >= 1 else ')'}", b["n"], _fmt(b["mean_p"], True),
             kn(b) if b["n"] else "—"] for b in cal["bins"]]
    ece = cal["ece"]
    tables.append((f"Calibration of the best candidate's p ({cal['n']} questions with a candidate; "
                   f"expected calibration error {_fmt(ece)} points)",
                   ["p bin", "n", "mean p %", "actually right"], rows))
    return tables


def _tables(report: Report, *, terminal: bool = False) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) for every table; rendered as text and as Markdown."""
    tables = _summary_tables(report)
    k = report.meta["k"]
    cut = sorted(set(CUTOFFS) | {k})
    if report.retrieval:
        n = next(iter(report.retrieval.values()))["summary"]["n"]
        headers = ["mode"] + [f"doc@{c}" for c in cut] + [f"ev@{c}" for c in cut] + [f"MRR@{k}", "nDCG@10", "ms p50", "ms p95"]
        rows = []
        for mode, r in report.retrieval.items():
            s = r["summary"]
            rows.append([mode] + [_kn_rate(s[f"recall_doc@{c}"], n) for c in cut]
                        + [_kn_rate(s[f"recall_ev@{c}"], n) for c in cut]
                        + [_fmt(s["mrr"]), _fmt(s["ndcg@10"]), _fmt(s["search_ms_p50"], False), _fmt(s["search_ms_p95"], False)])
        tables.append((f"Retrieval, {n} answerable questions (k/n [95% interval]; doc = by document, ev = by evidence; "
                       "MRR, nDCG in %)", headers, rows))
        if not report.blind:
            types = [t for t in (*QUESTION_TYPES, TIME_TYPE) if any(t in r["by_type"] for r in report.retrieval.values())]
            headers = ["mode"] + [f"{t} ev@10" for t in types]
            rows = [[mode] + [_kn_rate(r["by_type"].get(t, {}).get("recall_ev@10"), r["by_type"].get(t, {}).get("n", 0))
                              for t in types]
                    for mode, r in report.retrieval.items()]
            tables.append(("Retrieval by type, Recall@10 by evidence (k/n [95% interval])", headers, rows))
    a = report.answers
    if a:
        s = a["summary"]
        if not report.blind:
            rows = []
            for t, row in a["by_type"].items():
                p = row["props"]
                rows.append([t, row["n"], kn(p["fully_right"]), kn(p["lenient_right"], True), kn(p["found"], True),
                             kn(p.get("must_in_answer"), True), kn(p.get("gold_doc_cited"), True)])
            tables.append(("Answers by type (lenient = must-strings in the answer or its cited quotes, diagnostic)",
                           ["type", "n", "fully right", "lenient", "found", "must in answer", "gold doc cited"], rows))
        r, c, d = a["refusal"], a["citations"], a["dialogs"]
        rp, cp, dp = r["props"], c["props"], d["props"]
        rows = [
            ["refusal precision (refusals on unanswerable questions)", kn(rp["precision"])],
            ["refusal recall (unanswerable questions refused)", kn(rp["recall"])],
            ["wrongly refused (answerable questions)", kn(rp["wrongly_refused"])],
            ["wrongly refused (dialog turns)", kn(rp["wrongly_refused_turns"])],
            ["citation accuracy", kn(cp["accuracy"])], ["citations verbatim", kn(cp["verbatim"])],
            ["citations relevant", kn(cp["relevant"])], ["citations per answer", _fmt(c["per_answer"], False)],
            ["answers without citation", kn(cp["answers_without_citation"])],
            ["dialog success (every turn right)", kn(dp["success"])],
            ["dialog turn accuracy", kn(dp["turn_accuracy"])],
        ] + [[f"dialog {pos} accuracy", kn(dp[pos])] for pos in d["by_position"] if pos in dp] + [
            ["errors", str(s["errors"])],
        ]
        tables.append(("Refusal, citations, dialogs", ["metric", "k/n rate [95% interval]"], rows))
        rows = [[stage, lat["n"], _fmt(lat["p50"], False), _fmt(lat["p95"], False), _fmt(lat["max"], False)]
                for stage, lat in a["latency"].items()]
        tables.append(("Latency per ask (ms)", ["stage", "n", "p50", "p95", "max"], rows))
        if not report.blind and a.get("failure_patterns"):
            rows = [[tag, c_["total"], c_.get("retrieved", 0), c_.get("not retrieved", 0), c_.get("n/a", 0)]
                    for tag, c_ in a["failure_patterns"].items()]
            tables.append(((f"Failure patterns ({len(a['failures'])} failures, by main reason; evidence = must-strings "
                            "in the hybrid top-10 for the same question, n/a for dialog turns)"),
                           ["main reason", "count", "evidence retrieved", "not retrieved", "n/a"], rows))
    tables += _invariance_table(report)
    if not terminal or (report.curves and not report.blind):
        tables += _curve_tables(report)
    if report.compare and report.compare["deltas"] and not report.blind:
        rows = []
        for key, v in report.compare["deltas"].items():
            pct = ".latency." not in key and "_ms_" not in key
            if not _finite(v["delta"]) or abs(v["delta"]) < (0.0005 if pct else 0.05):
                continue  # unchanged at the precision shown
            sign = "+" if v["delta"] > 0 else ""
            rows.append([key, _fmt(v["before"], pct), _fmt(v["after"], pct), sign + _fmt(v["delta"], pct)])
        tables.append((f"Changes against {report.compare['against']}", ["figure", "before", "after", "delta"],
                       rows or [["(no change)", "", "", ""]]))
    return tables


# --------------------------------------------------------------------------- renderings


def render_text(report: Report, max_failures: int = 10) -> str:
    m = report.meta
    parts = [(f"gazette-qa eval  {m.get('gold', '')}  {m['timestamp']}  git {m.get('git') or '?'}  "
              f"subset={m.get('subset') or 'all'}  k={m['k']}  threshold={_num(m.get('threshold'))}  "
              f"took {m['seconds']:.0f}s" + ("  [BLIND]" if report.blind else ""))]
    if m.get("phases"):
        parts.append("phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["phases"].items()))
    for title, headers, rows in _tables(report, terminal=True):
        parts += ["", title, _text_table(headers, rows)]
    fails = [] if report.blind else report.failures
    if fails and max_failures > 0:
        parts += ["", f"First {min(max_failures, len(fails))} of {len(fails)} failures (all in the .md/.json):"]
        for f in fails[:max_failures]:
            got = (f["got"]["answer"] or f["got"]["error"] or "").replace("\n", " ")
            parts.append(f"  {f['id']} [{f['type']}] {f['question']}")
            parts.append(f"      want {f['expected']['must']} in {f['expected']['docs']}; got: {got[:90]}")
            parts.append(f"      stage: {f['stage']}; why: {'; '.join(f['reasons'])}")
    if report.paths:
        parts += ["", "written: " + "  ".join(str(p) for p in report.paths.values())]
    if m.get("fail_under") is not None:
        verdict = "FAIL" if report.exit_code else "ok"
        parts.append(f"fail-under {m['fail_under']:.3f}: fully-right (answerable) = "
                     f"{_fmt(report.fully_right_answerable)}% → {verdict}")
    return "\n".join(parts)


def render_overview(reports: Sequence[Report]) -> str:
    """One row per set: the summary figures side by side."""
    headers = ["set", "answerable fully right", "unanswerable refused", "wrongly refused", "answered wrongly",
               "dialog turns right", "ask p95 ms", "weekday errors"]
    rows = []
    for r in reports:
        if not r.answers:
            continue
        h = r.answers["headline"]
        name = str(r.meta.get("gold")) + (" (blind)" if r.blind else "")
        rows.append([name, kn(h["answerable_fully_right"]), kn(h["unanswerable_refused"]), kn(h["wrongly_refused"]),
                     kn(h["answered_wrongly"]), kn(h["dialog_turns_right"]), _fmt(h["ask_ms_p95"], False),
                     f"{h['weekday_errors']['k']}/{h['weekday_errors']['n']}"])
    return "Overview (k/n rate [95% interval])\n" + _text_table(headers, rows)


def render_markdown(report: Report) -> str:
    m = report.meta
    parts = [f"# gazette-qa evaluation {m.get('gold', '')} {m['timestamp']}", "",
             (f"git `{m.get('git') or '?'}` · corpus `{', '.join(m.get('corpus', []))}` · encoder `{m.get('encoder')}` · "
              f"set `{m.get('gold', 'eval/gold')}` · subset `{m.get('subset') or 'all'}` · k={m['k']} · "
              f"threshold {m.get('threshold')} · {m['seconds']:.0f}s"), ""]
    if report.blind:
        parts += ["**Blind run**: a test set, run and never read. This report lists totals with their 95 % "
                  "intervals and counts only: no item, no question, no failure.", ""]
    if m.get("phases"):
        parts += ["phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["phases"].items()), ""]
    if report.paths.get("png"):
        parts += [f"![chart]({Path(report.paths['png']).name})", ""]
    for title, headers, rows in _tables(report):
        parts += [f"## {title}", "", _md_table(headers, rows), ""]
    if report.blind:
        return "\n".join(parts)
    a = report.answers
    if a and a.get("failure_patterns_by_type"):
        parts += ["## Failure patterns by type", ""]
        for t, pats in a["failure_patterns_by_type"].items():
            parts.append(f"- **{t}**: " + "; ".join(f"{tag} ×{n}" for tag, n in pats.items()))
        parts.append("")
    if report.failures:
        parts += [f"## Failures ({len(report.failures)})", ""]
        for f in report.failures:
            e, g = f["expected"], f["got"]
            when = f" (today {f['reference_date']})" if f.get("reference_date") else ""
            parts.append(f"### {f['id']} [{f['type']}{'/' + f['kind'] if f.get('kind') else ''}] {f['question']}{when}")
            parts.append("")
            parts.append(f"- failing stage: **{f['stage']}** (decision {g.get('decision')}, score {_num(g.get('score'))}, "
                         f"retrieved {g.get('retrieved_docs')})")
            parts.append(f"- expected: must {e['must']}" + (f", must_not {e['must_not']}" if e["must_not"] else "")
                         + f" · docs {e['docs']} · lines {e['lines']}")
            if g["error"]:
                parts.append(f"- error: `{g['error']}`")
            else:
                ans = (g["answer"] or "").replace("\n", " ⏎ ")
                parts.append(f"- got (found={g['found']}, kind={g['kind']}): {ans}")
                if g["rewritten"] and g["rewritten"] != f["question"]:
                    parts.append(f"- rewritten as: {g['rewritten']}")
                if g["missing_must"]:
                    parts.append(f"- missing: {g['missing_must']}")
                if g.get("time_checks"):
                    parts.append(f"- time checks: {g['time_checks']}")
                for c in g["citations"]:
                    mark = "✓" if c["accurate"] else "✗"
                    parts.append(f"  - {mark} {c['doc']} {c['section']} L{c['lines'][0]}-{c['lines'][1]}: “{c['quote'][:120]}”")
            parts.append(f"- why: {'; '.join(f['reasons'])}")
            parts.append("")
    inv = report.invariance
    if inv and inv.get("disagreements"):
        parts += [f"## Invariance disagreements ({len(inv['disagreements'])})", ""]
        for d in inv["disagreements"]:
            o, v = d["original"], d["variant_got"]
            parts.append(f"- {d['id']} [{d['kind']}] “{d['variant']}”: original found={o['found']} first={o['first']} "
                         f"right={o['right']} → variant found={v['found']} first={v['first']} right={v['right']}")
        parts.append("")
    misses = [r for r in (report.retrieval.get("hybrid", {}).get("items", []) if report.retrieval else []) if not r["ev@10"]]
    if misses:
        parts += [f"## Hybrid retrieval misses at 10 by evidence ({len(misses)})", ""]
        parts += [f"- {r['id']} [{r['type']}] first gold-doc rank {r['first_rank']}, top docs {r['top_docs']}" for r in misses]
        parts.append("")
    return "\n".join(parts)


def render_chart(report: Report, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("eval: matplotlib is not installed; no chart (pip install matplotlib)", file=sys.stderr)
        return None
    panels = []
    if report.retrieval:
        panels += [("ev", "Retrieval recall by evidence"), ("doc", "Retrieval recall by document")]
    if report.answers and not report.blind:
        panels.append(("answers", "Answers fully right by type (95% interval)"))
    if report.answers and report.answers.get("risk_coverage"):
        panels += [("rc", "Risk–coverage (operating point marked)"), ("cal", "Calibration of p")]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    for ax, (kind, title) in zip(axes[0], panels):
        if kind in ("ev", "doc"):
            modes = list(report.retrieval)
            width = 0.8 / len(modes)
            for i, mode in enumerate(modes):
                s = report.retrieval[mode]["summary"]
                vals = [100 * s[f"recall_{kind}@{c}"] for c in CUTOFFS]
                xs = [x + (i - (len(modes) - 1) / 2) * width for x in range(len(CUTOFFS))]
                bars = ax.bar(xs, vals, width, label=mode, hatch="//" if mode.startswith("baseline") else None)
                ax.bar_label(bars, fmt="%.0f", fontsize=7)
            ax.set_xticks(range(len(CUTOFFS)), [f"R@{c}" for c in CUTOFFS])
            ax.legend(fontsize=8, loc="lower right")
            ax.set_ylim(0, 112)
            ax.set_ylabel("%")
        elif kind == "answers":
            bt = report.answers["by_type"]
            names = list(bt)
            props = [bt[t]["props"]["fully_right"] for t in names]
            vals = [100 * p["rate"] for p in props]
            err = [[100 * (p["rate"] - p["lo"]) for p in props], [100 * (p["hi"] - p["rate"]) for p in props]]
            bars = ax.bar(names, vals, color="tab:green", yerr=err, capsize=3)
            ax.bar_label(bars, labels=[f"{p['k']}/{p['n']}" for p in props], fontsize=7, label_type="center")
            ax.tick_params(axis="x", labelrotation=30)
            ax.set_ylim(0, 112)
            ax.set_ylabel("%")
        elif kind == "rc":
            rc = report.answers["risk_coverage"]
            xs = [0.0] + [100 * p["coverage"] for p in rc["points"]]
            ys = [0.0] + [100 * p["risk"] for p in rc["points"]]
            if len(ys) > 1:
                ys[0] = ys[1]
            ax.step(xs, ys, where="post", color="tab:blue")
            op = rc.get("operating")
            if op and op["answered"]:
                ax.plot([100 * op["coverage"]], [100 * op["risk"]], "o", color="tab:red",
                        label=f"threshold {op['threshold']:.2f}")
                ax.legend(fontsize=8, loc="upper left")
            ax.set_xlim(0, 100)
            ax.set_ylim(0, max(10, max(ys) * 1.15))
            ax.set_xlabel("coverage: % of questions answered")
            ax.set_ylabel("risk: % of answered that are wrong")
        else:
            cal = report.answers["calibration"]
            bins = [b for b in cal["bins"] if b["n"]]
            ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1)
            ax.plot([b["mean_p"] for b in bins], [b["rate"] for b in bins], "o-", color="tab:orange")
            for b in bins:
                ax.annotate(str(b["n"]), (b["mean_p"], b["rate"]), fontsize=7, textcoords="offset points", xytext=(3, 3))
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.05)
            ax.set_xlabel(f"p (ECE {100 * cal['ece']:.1f} points)" if _finite(cal["ece"]) else "p")
            ax.set_ylabel("share right")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"gazette-qa eval {report.meta.get('gold', '')} {report.meta['timestamp']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _clean(x):
    """NaN → None so the JSON is standard."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x
