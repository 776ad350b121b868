"""Which answering stage a miss failed at, read from the pipeline's Outcome (qa.pipeline.run.Outcome).

For every question the harness keeps a few facts of its Outcome (outcome_facts): the documents
retrieval put first, whether any proposed candidate would have been fully right, whether the best
one was, and the score the decision compared with its threshold. failing_stage() turns them into
one stage per miss, checked in pipeline order:

* gate: an early gate refused an answerable question;
* rewrite: a follow-up turn (turn ≥ 2) whose retrieval missed every gold document and no candidate
  cites one — approximating "the standalone form lost the topic";
* retrieval: the same for a standalone question or a first turn;
* no candidate: no candidate holds every must-string and cites a gold document (for the time set:
  and passes the time checks);
* wrong selection: such a candidate existed but another was chosen (or was best and refused);
* wrong refusal: the best candidate was right but the decision refused;
* compose: the chosen candidate was right but the composed answer is not;
* answered unanswerable: found = true on a question the gazette does not answer;
* error: the engine raised.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eval import metrics as M
from eval import timecheck as T

STAGES = ("rewrite", "retrieval", "gate", "no candidate", "wrong selection", "wrong refusal", "compose",
          "answered unanswerable", "error", "unknown")


def candidate_right(text: str, cited_docs: Iterable[str], item: Any) -> bool:
    """Would this candidate, answered as it stands, be fully right for the item?"""
    if not item.answerable:
        return False
    docs = set(cited_docs)
    if not docs & set(item.doc_numbers):
        return False
    if not M.contains_all(text, item.must) or (item.must_not and M.contains_any(text, item.must_not)):
        return False
    if getattr(item, "timed", False):
        checks = T.time_checks(text, True, expect_dates=item.expect_dates, covered=item.covered,
                               expect_free=item.expect_free, expect_passed=item.expect_passed)
        return all(checks.values())
    return True


def _evidence_covered(cands: list, item: Any) -> bool:
    """A two-document question: every must-string stands in some candidate that cites a gold document."""
    gold = set(item.doc_numbers)
    texts = [c.text for c in cands if {x.doc_key for x in c.citations} & gold]
    return bool(texts) and all(any(M.contains_all(t, [m]) for t in texts) for m in item.must)


def outcome_facts(item: Any, outcome: Any, threshold: float | None) -> dict[str, Any]:
    """What the eval needs from one Outcome: decision, score, retrieval, and candidate correctness."""
    decision = outcome.decision
    # through .stages (the agreed interface), not a lookup helper that may move
    retrieve = next((st for st in (outcome.trace.stages if outcome.trace is not None else ())
                     if st.name == "retrieve"), None)
    docs = list(retrieve.summary.get("docs") or []) if retrieve is not None else None
    parts = [list(p) for p in (outcome.scored or ())]
    first = parts[0] if parts else []
    every = [s for p in parts for s in p]
    gold = set(item.doc_numbers)

    def right(s) -> bool:
        c = s.candidate
        return candidate_right(c.text, (x.doc_key for x in c.citations), item)

    flags = [right(s) for s in first]
    any_right = any(flags) or any(right(s) for p in parts[1:] for s in p)
    if item.answerable and not any_right and item.type == "multi":
        any_right = _evidence_covered([s.candidate for s in every], item)
    chosen = list(decision.chosen or ())
    if chosen:
        text = "".join(s.candidate.text for s in chosen)
        cited = [x.doc_key for s in chosen for x in s.candidate.citations]
        chosen_right = candidate_right(text, cited, item)
    else:
        chosen_right = None
    best_p = max((s.p for s in every), default=None)
    # the score a threshold decides on: the decision's calibrated confidence (the chosen parts' least
    # when it answered, the whole question's when it refused below τ); None when nothing could be answered
    if chosen or decision.reason == "below_threshold":
        score = float(decision.confidence)
    elif first:
        score = float(first[0].p)
    else:
        score = None
    return {
        "reason": decision.reason,
        "confidence": float(decision.confidence),
        "threshold": threshold,
        "score": score,
        "best_p": best_p,
        "candidates": len(every),
        "retrieved_docs": docs,
        "gold_retrieved": None if docs is None else bool(gold & set(docs)),
        "cand_cites_gold": any({x.doc_key for x in s.candidate.citations} & gold for s in every),
        "cand_right_any": any_right,
        "best_right": flags[0] if flags else False,
        "right_rank": next((i + 1 for i, f in enumerate(flags) if f), None),
        "chosen_right": chosen_right,
    }


def failing_stage(rec: dict) -> str | None:
    """The stage a record failed at (see the module docstring); None when it is fully right."""
    if rec["fully_right"]:
        return None
    if rec.get("error"):
        return "error"
    if not rec.get("answerable", rec["type"] != "unanswerable"):
        return "answered unanswerable"
    o = rec.get("outcome")
    if not o:
        return "unknown"
    if str(o["reason"]).startswith("gate:"):
        return "gate"
    if o["gold_retrieved"] is False and not o["cand_cites_gold"]:
        return "rewrite" if (rec.get("turn") or 1) > 1 else "retrieval"
    if not o["cand_right_any"]:
        return "no candidate"
    if rec["found"]:
        return "compose" if o["chosen_right"] else "wrong selection"
    return "wrong refusal" if o["best_right"] else "wrong selection"


def answer_right(rec: dict) -> bool | None:
    """Whether the question's best answer is right, for the risk–coverage curve and calibration:
    the composed answer's verdict when it was answered, the best candidate's when it was refused
    (None without an outcome)."""
    o = rec.get("outcome")
    if not o:
        return None
    if not rec.get("answerable", rec["type"] != "unanswerable"):
        return False
    if rec["found"]:
        return bool(rec["fully_right"])
    return bool(o["best_right"])
