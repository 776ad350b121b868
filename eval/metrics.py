"""Pure metric functions of the evaluation harness (no engine, no I/O).

Conventions
-----------
* Ranked lists are lists of document keys (normalised 文号, ``None`` for a hit that belongs
  to no document, e.g. a baseline chunk of the table of contents), best first, one entry per
  *hit* (chunk). Several hits may share a document.
* Ranks are 1-based. A cutoff ``k`` looks at the first ``k`` hits.
* String checks are whitespace-insensitive: whitespace is removed on both sides before
  ``in`` (the gazette wraps lines and pads table cells; gold must-strings have none).
* Every per-item function returns a float in [0, 1] so that a metric is the mean over items.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

_WS = re.compile(r"\s+")
# Joins hit texts for the evidence check: a must-string may not straddle two hits.
HIT_SEPARATOR = "\x00"


def nows(text: str) -> str:
    """Remove all whitespace (spaces, newlines, ideographic space U+3000 …)."""
    return _WS.sub("", text or "")


def contains_all(haystack: str, needles: Iterable[str]) -> bool:
    """All needles occur in haystack, whitespace-insensitive. True for no needles."""
    h = nows(haystack)
    return all(nows(n) in h for n in needles)


def contains_any(haystack: str, needles: Iterable[str]) -> bool:
    """At least one needle occurs in haystack, whitespace-insensitive. False for no needles."""
    h = nows(haystack)
    return any(nows(n) and nows(n) in h for n in needles)


def missing(haystack: str, needles: Iterable[str]) -> list[str]:
    """The needles that do not occur in haystack (whitespace-insensitive), in order."""
    h = nows(haystack)
    return [n for n in needles if nows(n) not in h]


# --------------------------------------------------------------------------- retrieval


def first_relevant_rank(ranked_docs: Sequence[str | None], gold_docs: Iterable[str]) -> int | None:
    """1-based rank of the first hit whose document is a gold document; None if none is."""
    gold = set(gold_docs)
    for rank, doc in enumerate(ranked_docs, 1):
        if doc is not None and doc in gold:
            return rank
    return None


def recall_by_document(
    ranked_docs: Sequence[str | None], gold_docs: Sequence[str], k: int, *, require_all: bool = False
) -> float:
    """1.0 when a gold document is among the top-k hits' documents (``require_all``: every gold
    document is — used for multi-document questions), else 0.0."""
    gold = set(gold_docs)
    if not gold:
        raise ValueError("recall_by_document needs at least one gold document")
    top = {d for d in ranked_docs[:k] if d is not None}
    ok = gold <= top if require_all else bool(gold & top)
    return 1.0 if ok else 0.0


def recall_by_evidence(hit_texts: Sequence[str], must: Sequence[str], k: int) -> float:
    """1.0 when every must-string occurs in the top-k hit texts, else 0.0.

    The texts are joined with a separator that is not whitespace, so a must-string only counts
    when it lies inside one hit (two hits that happen to abut do not make evidence)."""
    if not must:
        raise ValueError("recall_by_evidence needs at least one must-string")
    joined = HIT_SEPARATOR.join(nows(t) for t in hit_texts[:k])
    return 1.0 if all(nows(m) in joined for m in must) else 0.0


def reciprocal_rank(ranked_docs: Sequence[str | None], gold_docs: Iterable[str], k: int | None = None) -> float:
    """1/rank of the first hit from a gold document (within the first k hits if k is given)."""
    docs = ranked_docs if k is None else ranked_docs[:k]
    rank = first_relevant_rank(docs, gold_docs)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(ranked_docs: Sequence[str | None], gold_docs: Iterable[str], k: int = 10) -> float:
    """Document-level nDCG@k with binary relevance.

    A gold document earns gain 1/log2(rank+1) at the rank of its *first* hit; further hits of a
    document already counted earn nothing (so ten chunks of one document are not ten relevant
    results). The ideal ranking puts each gold document at ranks 1..|gold|, so the value lies in
    [0, 1]; for a single-document question it is 1/log2(r+1), r the rank of its first hit.
    """
    gold = set(gold_docs)
    if not gold:
        raise ValueError("ndcg_at_k needs at least one gold document")
    seen: set[str] = set()
    dcg = 0.0
    for rank, doc in enumerate(ranked_docs[:k], 1):
        if doc is not None and doc in gold and doc not in seen:
            seen.add(doc)
            dcg += 1.0 / math.log2(rank + 1)
    idcg = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), k) + 1))
    return dcg / idcg


# --------------------------------------------------------------------------- answers


def is_fully_right(
    answer_text: str,
    found: bool,
    cited_docs: Iterable[str],
    must: Sequence[str],
    gold_docs: Sequence[str] | None,
    *,
    must_not: Sequence[str] = (),
    unanswerable: bool = False,
) -> bool:
    """The answer is right and grounded.

    Answerable: found, every must-string in the answer text (whitespace-insensitive), no
    must_not string in it, and at least one citation of a gold document.
    Unanswerable: the system refused (found is False).
    """
    if unanswerable:
        return not found
    if not found:
        return False
    if not contains_all(answer_text, must):
        return False
    if must_not and contains_any(answer_text, must_not):
        return False
    return bool(set(cited_docs) & set(gold_docs or ()))


def spans_overlap(a_start: int, a_end: int, lines: Iterable[int]) -> bool:
    """A line span [a_start, a_end] (1-based, inclusive) contains one of the lines."""
    return any(a_start <= ln <= a_end for ln in lines)


def citation_checks(
    quote: str,
    chunk_text: str | None,
    line_start: int,
    line_end: int,
    must: Sequence[str],
    gold_lines: Sequence[int],
) -> tuple[bool, bool]:
    """(verbatim, relevant) for one citation.

    verbatim: the quote is non-empty and occurs exactly (not whitespace-folded) in the cited
    chunk's text; a chunk that cannot be found (``chunk_text`` None) fails.
    relevant: the chunk text or the quote contains a must-string, or the cited line span
    overlaps a gold evidence line.
    """
    verbatim = bool(quote) and chunk_text is not None and quote in chunk_text
    relevant = contains_any(chunk_text or "", must) or contains_any(quote, must) or spans_overlap(
        line_start, line_end, gold_lines
    )
    return verbatim, relevant


def refusal_scores(refused: Sequence[bool], unanswerable: Sequence[bool]) -> dict[str, float | int]:
    """Refusal as a classifier, positive = the system refused (found is False).

    precision: share of refusals that were on unanswerable items;
    recall: share of unanswerable items refused;
    wrongly_refused: share of answerable items refused.
    A ratio with an empty denominator is NaN (reported as n/a).
    """
    if len(refused) != len(unanswerable):
        raise ValueError("refused and unanswerable differ in length")
    tp = sum(1 for r, u in zip(refused, unanswerable) if r and u)
    fp = sum(1 for r, u in zip(refused, unanswerable) if r and not u)
    fn = sum(1 for r, u in zip(refused, unanswerable) if not r and u)
    n_ans = sum(1 for u in unanswerable if not u)
    n_un = len(unanswerable) - n_ans
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, n_un)
    f1 = (
        float("nan")
        if math.isnan(precision) or math.isnan(recall)
        else (0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    )
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "wrongly_refused": _ratio(fp, n_ans),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "unanswerable": n_un,
        "answerable": n_ans,
    }


def dialog_scores(turn_results: Sequence[Sequence[bool]]) -> dict[str, object]:
    """Dialog success (every turn right) and per-turn accuracy by position.

    ``turn_results[d][t]`` is whether turn t of dialog d was fully right.
    """
    n = len(turn_results)
    success = _ratio(sum(1 for turns in turn_results if turns and all(turns)), n)
    all_turns = [ok for turns in turn_results for ok in turns]
    by_position: dict[str, float] = {}
    depth = max((len(t) for t in turn_results), default=0)
    for pos in range(depth):
        vals = [turns[pos] for turns in turn_results if len(turns) > pos]
        by_position[f"turn{pos + 1}"] = _ratio(sum(vals), len(vals))
    return {
        "dialogs": n,
        "success": success,
        "turns": len(all_turns),
        "turn_accuracy": _ratio(sum(all_turns), len(all_turns)),
        "by_position": by_position,
    }


# --------------------------------------------------------------------------- aggregation


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return float("nan") if not vals else sum(vals) / len(vals)


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0..100) with linear interpolation between closest ranks (numpy's
    default 'linear' method). NaN for no values."""
    if not 0 <= p <= 100:
        raise ValueError("p must lie in [0, 100]")
    vals = sorted(values)
    if not vals:
        return float("nan")
    if len(vals) == 1:
        return float(vals[0])
    pos = (len(vals) - 1) * p / 100.0
    lo = math.floor(pos)
    hi = math.ceil(pos)
    frac = pos - lo
    return float(vals[lo] + (vals[hi] - vals[lo]) * frac)


def latency_summary(values: Iterable[float]) -> dict[str, float | int]:
    vals = [float(v) for v in values]
    return {
        "n": len(vals),
        "p50": percentile(vals, 50),
        "p95": percentile(vals, 95),
        "max": max(vals) if vals else float("nan"),
        "mean": mean(vals),
    }


def _ratio(num: float, den: float) -> float:
    return float("nan") if den == 0 else num / den


# --------------------------------------------------------------------------- intervals


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of a proportion k/n; (nan, nan) for n = 0.

    Chosen over the normal approximation because the sets are small and rates sit near 0 or 1,
    where k/n ± z·se leaves [0, 1] and collapses to a point at k = 0 or k = n."""
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= k <= n:
        raise ValueError(f"k={k} outside 0..n={n}")
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    # at k = 0 or k = n the bound is exactly 0 or 1 (the float arithmetic lands a hair inside)
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def proportion(k: int, n: int) -> dict[str, float | int]:
    """{"k", "n", "rate", "lo", "hi"}: a count with its rate and 95 % Wilson interval (NaN for n = 0)."""
    lo, hi = wilson(k, n)
    return {"k": int(k), "n": int(n), "rate": _ratio(k, n), "lo": lo, "hi": hi}


def count(flags: Iterable[bool]) -> dict[str, float | int]:
    """proportion() of the true values among flags."""
    vals = [bool(f) for f in flags]
    return proportion(sum(vals), len(vals))


# --------------------------------------------------------------------------- decisions


def risk_coverage(scores: Sequence[float | None], right: Sequence[bool], operating: float | None = None
                  ) -> dict[str, object]:
    """The risk–coverage curve of a threshold on each question's confidence.

    ``scores[i]`` is question i's best candidate probability (None: nothing to answer with, never
    answered); ``right[i]`` whether that answer is right. Answering when score ≥ t gives
    coverage(t) = answered / all questions and risk(t) = wrong / answered. Returns the curve at every
    distinct score (highest first), the point at ``operating`` (the engine's threshold) and the area
    under the curve (mean risk over the coverage steps; lower is better)."""
    if len(scores) != len(right):
        raise ValueError("scores and right differ in length")
    n = len(scores)
    pairs = sorted(((s, bool(r)) for s, r in zip(scores, right) if s is not None), key=lambda x: -x[0])
    points = []
    answered = wrong = 0
    i = 0
    while i < len(pairs):
        t = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == t:
            answered += 1
            wrong += 0 if pairs[i][1] else 1
            i += 1
        points.append({"threshold": t, "answered": answered, "wrong": wrong, "coverage": _ratio(answered, n),
                       "risk": _ratio(wrong, answered)})
    aurc = 0.0
    prev = 0.0
    for p in points:
        aurc += (p["coverage"] - prev) * p["risk"]
        prev = p["coverage"]
    return {"n": n, "with_score": len(pairs), "points": points,
            "operating": at_threshold(scores, right, operating) if operating is not None else None,
            "aurc": aurc if points else float("nan")}


def at_threshold(scores: Sequence[float | None], right: Sequence[bool], t: float) -> dict[str, object]:
    """The risk–coverage point of threshold t: answered = score ≥ t."""
    answered = [bool(r) for s, r in zip(scores, right) if s is not None and s >= t]
    wrong = sum(1 for r in answered if not r)
    return {"threshold": t, "answered": len(answered), "wrong": wrong, "coverage": _ratio(len(answered), len(scores)),
            "risk": _ratio(wrong, len(answered)), "coverage_ci": wilson(len(answered), len(scores)),
            "risk_ci": wilson(wrong, len(answered))}


def calibration(probs: Sequence[float], right: Sequence[bool], bins: int = 10) -> dict[str, object]:
    """Reliability table of probabilities against outcomes: ``bins`` equal-width bins [p_lo, p_hi) of p over
    [0, 1] (p = 1 falls in the last), each with n, mean p and the share right as a proportion (k, n, rate and
    its 95 % interval lo–hi); ECE = Σ n_b/N · |right_b − p_b|."""
    if len(probs) != len(right):
        raise ValueError("probs and right differ in length")
    rows = []
    ece = 0.0
    n = len(probs)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [(p, bool(r)) for p, r in zip(probs, right) if lo <= p < hi or (b == bins - 1 and p == hi)]
        k = sum(1 for _, r in members if r)
        mean_p = mean(p for p, _ in members)
        rows.append({**proportion(k, len(members)), "p_lo": lo, "p_hi": hi, "mean_p": mean_p})
        if members:
            ece += len(members) / n * abs(k / len(members) - mean_p)
    return {"n": n, "bins": rows, "ece": ece if n else float("nan")}
