"""The evaluation report: the Report record, comparison with an earlier run, and its renderings
(terminal tables, Markdown with the failure list, a PNG chart). No engine here."""
from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

QUESTION_TYPES = ("fact", "list", "date", "table", "multi", "unanswerable")
CUTOFFS = (1, 5, 10)
REPORT_SCHEMA = 1


@dataclass
class Report:
    meta: dict
    retrieval: dict
    answers: dict | None
    compare: dict | None = None
    paths: dict = field(default_factory=dict)
    exit_code: int = 0

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
        return {"schema": REPORT_SCHEMA, "meta": self.meta, "retrieval": self.retrieval, "answers": self.answers,
                "compare": self.compare, "paths": self.paths, "exit_code": self.exit_code}


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
        for t, row in a["by_type"].items():
            out[f"answers.by_type.{t}.fully_right"] = row["fully_right"]
        for key in ("precision", "recall", "wrongly_refused"):
            out[f"answers.refusal.{key}"] = a["refusal"][key]
        for key in ("accuracy", "verbatim", "relevant"):
            out[f"answers.citations.{key}"] = a["citations"][key]
        out["answers.dialogs.success"] = a["dialogs"]["success"]
        out["answers.dialogs.turn_accuracy"] = a["dialogs"]["turn_accuracy"]
        for stage, lat in a["latency"].items():
            out[f"answers.latency.{stage}.p50"] = lat["p50"]
            out[f"answers.latency.{stage}.p95"] = lat["p95"]
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
    return isinstance(x, (int, float)) and not math.isnan(x)


def _fmt(x, pct: bool = True) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    return f"{100 * x:.1f}" if pct else f"{x:.1f}"


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


def _tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) for every summary table; rendered as text and as Markdown."""
    tables = []
    k = report.meta["k"]
    cut = sorted(set(CUTOFFS) | {k})
    if report.retrieval:
        n = next(iter(report.retrieval.values()))["summary"]["n"]
        headers = ["mode"] + [f"doc@{c}" for c in cut] + [f"ev@{c}" for c in cut] + [f"MRR@{k}", "nDCG@10", "ms p50", "ms p95"]
        rows = []
        for mode, r in report.retrieval.items():
            s = r["summary"]
            rows.append([mode] + [_fmt(s[f"recall_doc@{c}"]) for c in cut] + [_fmt(s[f"recall_ev@{c}"]) for c in cut]
                        + [_fmt(s["mrr"]), _fmt(s["ndcg@10"]), _fmt(s["search_ms_p50"], False), _fmt(s["search_ms_p95"], False)])
        tables.append((f"Retrieval, {n} answerable questions (% ; doc = by document, ev = by evidence)", headers, rows))
        types = [t for t in QUESTION_TYPES if any(t in r["by_type"] for r in report.retrieval.values())]
        headers = ["mode"] + [f"{t} ev@10" for t in types]
        rows = [[mode] + [_fmt(r["by_type"].get(t, {}).get("recall_ev@10")) for t in types]
                for mode, r in report.retrieval.items()]
        tables.append(("Retrieval by type, Recall@10 by evidence (%)", headers, rows))
    a = report.answers
    if a:
        s = a["summary"]
        rows = []
        for t, row in a["by_type"].items():
            rows.append([t, row["n"], _fmt(row["fully_right"]), _fmt(row["lenient_right"]), _fmt(row["found"]),
                         _fmt(row.get("must_in_answer")), _fmt(row.get("gold_doc_cited"))])
        rows.append(["answerable questions", s["answerable"], _fmt(s["fully_right_answerable"]),
                     _fmt(s["lenient_right_answerable"]), "", "", ""])
        rows.append(["all questions", s["questions"], _fmt(s["fully_right_all_questions"]), "", "", "", ""])
        tables.append(("Answers by type (%; lenient = must-strings in the answer or its cited quotes, diagnostic)",
                       ["type", "n", "fully right", "lenient", "found", "must in answer", "gold doc cited"], rows))
        r = a["refusal"]
        c = a["citations"]
        d = a["dialogs"]
        rows = [
            ["refusal precision", _fmt(r["precision"])], ["refusal recall", _fmt(r["recall"])],
            ["wrongly refused (answerable questions)", _fmt(r["wrongly_refused"])],
            ["wrongly refused (dialog turns)", _fmt(r["wrongly_refused_turns"])],
            ["citation accuracy", _fmt(c["accuracy"])], ["citations verbatim", _fmt(c["verbatim"])],
            ["citations relevant", _fmt(c["relevant"])], ["citations per answer", _fmt(c["per_answer"], False)],
            ["answers without citation", _fmt(c["answers_without_citation"])],
            ["dialog success", f"{_fmt(d['success'])} ({d['dialogs']} dialogs)"],
            ["dialog turn accuracy", f"{_fmt(d['turn_accuracy'])} ({d['turns']} turns)"],
        ] + [[f"dialog {pos} accuracy", _fmt(v)] for pos, v in d["by_position"].items()] + [
            ["errors", str(s["errors"])],
        ]
        tables.append(("Refusal, citations, dialogs", ["metric", "value"], rows))
        rows = [[stage, lat["n"], _fmt(lat["p50"], False), _fmt(lat["p95"], False), _fmt(lat["max"], False)]
                for stage, lat in a["latency"].items()]
        tables.append(("Latency per ask (ms)", ["stage", "n", "p50", "p95", "max"], rows))
        if a["failure_patterns"]:
            rows = [[tag, c["total"], c.get("retrieved", 0), c.get("not retrieved", 0), c.get("n/a", 0)]
                    for tag, c in a["failure_patterns"].items()]
            tables.append(((f"Failure patterns ({len(a['failures'])} failures, by main reason; evidence = must-strings "
                            "in the hybrid top-10 for the same question, n/a for dialog turns)"),
                           ["main reason", "count", "evidence retrieved", "not retrieved", "n/a"], rows))
    if report.compare and report.compare["deltas"]:
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


def render_text(report: Report, max_failures: int = 10) -> str:
    m = report.meta
    parts = [(f"gazette-qa eval  {m['timestamp']}  git {m.get('git') or '?'}  subset={m.get('subset') or 'all'}  "
              f"k={m['k']}  took {m['seconds']:.0f}s")]
    if m.get("phases"):
        parts.append("phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["phases"].items()))
    for title, headers, rows in _tables(report):
        parts += ["", title, _text_table(headers, rows)]
    fails = report.failures
    if fails:
        parts += ["", f"First {min(max_failures, len(fails))} of {len(fails)} failures (all in the .md/.json):"]
        for f in fails[:max_failures]:
            got = (f["got"]["answer"] or f["got"]["error"] or "").replace("\n", " ")
            parts.append(f"  {f['id']} [{f['type']}] {f['question']}")
            parts.append(f"      want {f['expected']['must']} in {f['expected']['docs']}; got: {got[:90]}")
            parts.append(f"      why: {'; '.join(f['reasons'])}")
    if report.paths:
        parts += ["", "written: " + "  ".join(str(p) for p in report.paths.values())]
    if m.get("fail_under") is not None:
        verdict = "FAIL" if report.exit_code else "ok"
        parts.append(f"fail-under {m['fail_under']:.3f}: fully-right (answerable) = "
                     f"{_fmt(report.fully_right_answerable)}% → {verdict}")
    return "\n".join(parts)


def render_markdown(report: Report) -> str:
    m = report.meta
    parts = [f"# gazette-qa evaluation {m['timestamp']}", "",
             (f"git `{m.get('git') or '?'}` · corpus `{', '.join(m.get('corpus', []))}` · encoder `{m.get('encoder')}` · "
              f"gold `{m.get('gold', 'eval/gold')}` · subset `{m.get('subset') or 'all'}` · k={m['k']} · {m['seconds']:.0f}s"), ""]
    if m.get("phases"):
        parts += ["phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["phases"].items()), ""]
    if report.paths.get("png"):
        parts += [f"![chart]({Path(report.paths['png']).name})", ""]
    for title, headers, rows in _tables(report):
        parts += [f"## {title}", "", _md_table(headers, rows), ""]
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
            parts.append(f"### {f['id']} [{f['type']}] {f['question']}")
            parts.append("")
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
                for c in g["citations"]:
                    mark = "✓" if c["accurate"] else "✗"
                    parts.append(f"  - {mark} {c['doc']} {c['section']} L{c['lines'][0]}-{c['lines'][1]}: “{c['quote'][:120]}”")
            parts.append(f"- why: {'; '.join(f['reasons'])}")
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
    if report.answers:
        panels.append(("answers", "Answers fully right by type"))
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
        else:
            bt = report.answers["by_type"]
            names = list(bt)
            vals = [100 * bt[t]["fully_right"] for t in names]
            bars = ax.bar(names, vals, color="tab:green")
            ax.bar_label(bars, labels=[f"{v:.0f}\n(n={bt[t]['n']})" for v, t in zip(vals, names)], fontsize=7)
            ax.tick_params(axis="x", labelrotation=30)
        ax.set_ylim(0, 112)
        ax.set_ylabel("%")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"gazette-qa eval {report.meta['timestamp']}", fontsize=10)
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
