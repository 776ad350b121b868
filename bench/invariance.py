"""Does the way a question is typed change its answer? Every gold question is asked as written and
as one variant per kind (eval.variants: full/half width, a phone number, a self-introduction, a
greeting, a particle, a filler), and the answers are compared (found, text, cited chunks).

    python -m bench.invariance [--gold eval/gold] [--kinds phone,greeting] [--seed 0] [--limit N]

Two figures per kind: answers changed when the variant is asked as typed (what the engine does
today), and when qa.personal.strip is applied first (what the understanding stage will do).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from eval.harness import GOLD_DIR, load_gold, make_engine
from eval.variants import KINDS, variants
from qa.config import Settings
from qa.personal import strip


def signature(engine, question: str) -> tuple:
    """What counts as "the answer": found or not, the text, the cited chunks."""
    answer = engine.ask(question).answer
    return bool(answer.found), answer.answer, tuple(c.chunk_id for c in answer.citations)


def measure(engine, questions: Sequence[str], kinds: Sequence[str], seed: int = 0) -> dict[str, dict[str, int]]:
    """Per kind: how many variants differ from the question as text, how many answers change as
    typed, and how many change once strip() is applied to the variant."""
    baseline = {q: signature(engine, q) for q in questions}
    out: dict[str, dict[str, int]] = {}
    for kind in kinds:
        counts = {"questions": len(questions), "variant_differs": 0, "changed": 0, "changed_after_strip": 0}
        for i, q in enumerate(questions):
            v = variants(q, kind, random.Random(f"{seed}:{i}:{kind}"))
            if v == q:
                continue
            counts["variant_differs"] += 1
            counts["changed"] += signature(engine, v) != baseline[q]
            stripped = strip(v)
            counts["changed_after_strip"] += (signature(engine, stripped) if stripped else None) != baseline[q]
        out[kind] = counts
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.invariance", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="a question set folder (questions.jsonl)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, from {', '.join(KINDS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (0: all)")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        print(f"bench.invariance: unknown kinds {sorted(unknown)}; choose from {', '.join(KINDS)}", file=sys.stderr)
        return 1
    questions = [q.question for q in load_gold(args.gold)[0]]
    if args.limit:
        questions = questions[: args.limit]
    started = time.perf_counter()
    engine = make_engine(Settings())
    results = measure(engine, questions, kinds, args.seed)
    print(f"\nanswers changed by the way the question is typed ({len(questions)} questions of {args.gold}, "
          f"seed {args.seed}):")
    print(f"  {'kind':<10} {'variant differs':>16} {'changed as typed':>18} {'changed after strip':>20}")
    for kind, c in results.items():
        n = c["variant_differs"]
        print(f"  {kind:<10} {n:>12}/{c['questions']:<3} {c['changed']:>12}/{n:<5} {c['changed_after_strip']:>14}/{n:<5}")
    print(f"took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
