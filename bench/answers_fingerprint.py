"""Answers fingerprint: `python -m bench.answers_fingerprint [--out F] [--compare REF] [--profile F]`.

Asks every question and dialog turn of the open sets (the blind test sets are never run here), each on
its reference date as the eval does (eval.harness.ask_each), and writes per item what an answer is
made of: its text, found flag, citations (chunk id, line span) and the decision's confidence rounded
to 6 decimals, plus the wall time of each ask. A speed-up must leave every item identical:
`--compare REF` lists each item that differs from an earlier run and exits 1 when any does.
Timing per set and overall is printed as p50/p95/max ms (with `--repeat N`, each item's median of N):
the wall time; the wall time without the query encoder's (the Python side of an ask); and the
process's CPU time, which other work on a shared machine disturbs less.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

SETS = ("eval/gold", "eval/dev", "eval/split-dev", "eval/time-dev", "eval/time-train")


def fingerprint(reply) -> dict:
    a = reply.answer
    return {
        "answer": a.answer,
        "found": a.found,
        "citations": [[c.chunk_id, c.line_start, c.line_end] for c in a.citations],
        "confidence": round(reply.outcome.decision.confidence, 6) if reply.outcome is not None else None,
    }


Times = dict[str, dict[str, list[float]]]  # set → item id → ms, one entry per pass


def run(engine, sets: Sequence[str], repeat: int = 1) -> tuple[dict[str, dict], dict[str, Times]]:
    """(fingerprint by '<set>/<item id>', {"wall" | "python" | "cpu": ms per item})."""
    from eval.harness import ask_each
    from eval.sets import load_set

    items: dict[str, dict] = {}
    times: dict[str, Times] = {"wall": {}, "python": {}, "cpu": {}}
    encoding = _time_encoder(engine)
    for folder in sets:
        s = load_set(folder)
        if s.blind:
            raise SystemExit(f"{folder} is a blind set: it is never run here")
        per = {kind: by_set.setdefault(s.name, {}) for kind, by_set in times.items()}
        for n in range(repeat):
            def ask(item, session_id, day):
                encoding.clear()
                t0, c0 = time.perf_counter(), time.process_time()
                reply = engine.ask(item.question, session_id=session_id)
                wall = (time.perf_counter() - t0) * 1000
                per["wall"].setdefault(item.id, []).append(wall)
                per["python"].setdefault(item.id, []).append(wall - sum(encoding))
                per["cpu"].setdefault(item.id, []).append((time.process_time() - c0) * 1000)
                key = f"{s.name}/{item.id}"
                fp = fingerprint(reply)
                if n == 0:
                    items[key] = fp
                elif items[key] != fp:
                    raise SystemExit(f"{key}: pass {n + 1} answered differently from pass 1")
                return reply

            ask_each(engine, s.questions, s.dialogs, ask)
    return items, times


def _time_encoder(engine) -> list[float]:
    """Wraps the engine's query encoder so that each call's ms is appended to the returned list."""
    calls: list[float] = []
    encode = engine.encoder.encode_queries

    def timed(texts):
        t0 = time.perf_counter()
        try:
            return encode(texts)
        finally:
            calls.append((time.perf_counter() - t0) * 1000)

    engine.encoder.encode_queries = timed
    return calls


def percentiles(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"n={len(ms):4d}  p50 {statistics.median(ms):6.1f}  p95 {p95:6.1f}  max {ms[-1]:6.1f} ms"


def compare(items: dict[str, dict], ref: dict[str, dict]) -> list[str]:
    out = []
    for key in sorted(set(items) | set(ref)):
        a, b = ref.get(key), items.get(key)
        if a != b:
            fields = sorted(k for k in (a or {}).keys() | (b or {}).keys() if (a or {}).get(k) != (b or {}).get(k))
            out.append(f"{key}: {', '.join(fields)} differ\n  was: {a}\n  now: {b}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.answers_fingerprint", description=__doc__.split("\n")[0])
    p.add_argument("--sets", default=",".join(SETS), help="comma-separated set folders (default: the open sets)")
    p.add_argument("--out", type=Path, help="write the fingerprint and timings (JSON) here")
    p.add_argument("--compare", type=Path, help="an earlier --out file: every item must be identical")
    p.add_argument("--repeat", type=int, default=1, help="ask everything N times; timing = each item's median")
    p.add_argument("--profile", type=Path, help="write cProfile stats of the asks here (pstats format)")
    args = p.parse_args(argv)

    from eval.harness import make_engine
    from qa.config import Settings

    engine = make_engine(Settings(query_cache=0))  # --repeat times encodings, not kept vectors
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    items, times = run(engine, [s.strip() for s in args.sets.split(",") if s.strip()], args.repeat)
    if prof:
        prof.disable()
        prof.dump_stats(args.profile)

    for label, by_set in times.items():
        every: list[float] = []
        for name, per in by_set.items():
            ms = [statistics.median(v) for v in per.values()]
            every += ms
            print(f"{label:6s} {name:12s} {percentiles(ms)}")
        print(f"{label:6s} {'overall':12s} {percentiles(every)}")
    if args.out:
        args.out.write_text(json.dumps({"items": items, "ms": times}, ensure_ascii=False, indent=0), "utf-8")
    if args.compare:
        ref = json.loads(args.compare.read_text("utf-8"))["items"]
        diffs = compare(items, {k: v for k, v in ref.items() if k.split("/", 1)[0] in times["wall"]})  # the sets run
        print("\n".join(diffs) if diffs else f"fingerprint identical: {len(items)} items")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
