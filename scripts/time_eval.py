"""Measure the time question set (eval/time) until the harness has its own time section.

Each record is asked with its own reference date as "today". Fully right means:
- found when the record names documents, refused when it names none;
- every must-string in the answer text and a citation of a named document;
- every expected date printed as 2017年6月12日 with its weekday right after it;
- covered=false: the answer says the gazette does not state the arrangement for that date;
- expect_free / expect_passed: the answer states it;
- no weekday printed in the answer disagrees with the date it follows.

Usage: .venv/bin/python scripts/time_eval.py [--show] [--ids tm001,tm002]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qa.config import Settings  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.text import normalize_doc_number  # noqa: E402

WEEKDAYS = "一二三四五六日"
DATED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*[((]\s*(?:星期|周)([一二三四五六日天])\s*[))]")
NOT_COVERED = re.compile(r"未载明|尚未公布|未作规定|不在.{0,12}所载")
FREE_YES = re.compile(r"(?<!不)是免费日|免费开放|均为免费日|全月.{0,4}免费")
FREE_NO = re.compile(r"不是免费日|不免费|不在.{0,10}免费日")
PASSED_YES = re.compile(r"已过|已经过|已届满|已逾|已截止|已超过|早已")
PASSED_NO = re.compile(r"尚未|还没|未到|还未")


def nows(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def weekday_errors(text: str) -> list[str]:
    bad = []
    for m in DATED.finditer(text):
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            bad.append(m.group(0))
            continue
        wd = "日" if m.group(4) == "天" else m.group(4)
        if WEEKDAYS[d.weekday()] != wd:
            bad.append(m.group(0))
    return bad


def printed_with_weekday(text: str, iso: str) -> bool:
    d = dt.date.fromisoformat(iso)
    for m in DATED.finditer(text):
        if (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (d.year, d.month, d.day):
            return True
    return False


def judge(rec: dict, answer) -> tuple[bool, list[str]]:
    why = []
    docs = {normalize_doc_number(n) for n in rec.get("doc_numbers") or ()}
    text = answer.answer
    if not docs:
        return (not answer.found), ([] if not answer.found else ["answered an unanswerable question"])
    if not answer.found:
        return False, ["refused"]
    missing = [m for m in rec.get("must") or () if nows(m) not in nows(text)]
    if missing:
        why.append(f"missing {missing}")
    if not docs & {c.doc_key for c in answer.citations}:
        why.append("no citation of the gold document")
    for iso in rec.get("expect_dates") or ():
        if not printed_with_weekday(text, iso):
            why.append(f"date {iso} not printed with weekday")
    bad = weekday_errors(text)
    if bad:
        why.append(f"weekday errors {bad}")
    if rec.get("covered") is False and not NOT_COVERED.search(text):
        why.append("does not say the gazette does not cover the date")
    free = rec.get("expect_free")
    if free is True and (FREE_NO.search(text) or not FREE_YES.search(text)):
        why.append("does not say it is free")
    if free is False and not FREE_NO.search(text):
        why.append("does not say it is not free")
    passed = rec.get("expect_passed")
    if passed is True and not PASSED_YES.search(text):
        why.append("does not say it has passed")
    if passed is False and not PASSED_NO.search(text):
        why.append("does not say it has not passed")
    return not why, why


def _any_candidate_right(rec: dict, reply) -> bool:
    """Whether a candidate the skills proposed for the whole question would have been fully right."""
    from qa.model import Answer

    outcome = reply.outcome
    if outcome is None or not outcome.scored or not (rec.get("doc_numbers") or ()):
        return False
    for s in outcome.scored[0]:
        c = s.candidate
        if judge(rec, Answer(c.text, True, c.kind, c.citations, ""))[0]:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print every answer")
    ap.add_argument("--ids", default="", help="comma-separated ids (questions or dialogs)")
    ap.add_argument("--out", default="", help="write per-item results as JSON here")
    ap.add_argument("--ceiling", action="store_true",
                    help="also judge every proposed candidate: would any of them be fully right (selection aside)?")
    args = ap.parse_args(argv)
    want = {i for i in args.ids.split(",") if i}
    base = Settings()
    engine = Engine(base)
    engine.warm_up()
    rows = []
    questions = [json.loads(x) for x in (REPO / "eval/time/questions.jsonl").read_text("utf-8").splitlines() if x.strip()]
    dialogs = [json.loads(x) for x in (REPO / "eval/time/dialogs.jsonl").read_text("utf-8").splitlines() if x.strip()]
    items: list[tuple[str, str, list[dict]]] = [(q["id"], q["reference_date"], [q]) for q in questions]
    items += [(d["id"], d["reference_date"], d["turns"]) for d in dialogs]
    weekday_bad = 0
    ceiling = 0
    for item_id, ref, turns in items:
        if want and item_id not in want:
            continue
        engine.settings = base.model_copy(update={"reference_date": dt.date.fromisoformat(ref)})
        session = None
        for n, rec in enumerate(turns, 1):
            reply = engine.ask(rec["question"], session_id=session)
            session = reply.session_id
            ok, why = judge(rec, reply.answer)
            weekday_bad += len(weekday_errors(reply.answer.answer))
            if args.ceiling:
                ceiling += ok or _any_candidate_right(rec, reply)
            rid = item_id if len(turns) == 1 else f"{item_id}.t{n}"
            rows.append({"id": rid, "kind": rec.get("kind"), "ok": ok, "why": why, "question": rec["question"],
                         "answer": reply.answer.answer, "found": reply.answer.found})
            if args.show or not ok:
                mark = "OK " if ok else "BAD"
                print(f"{mark} {rid} [{ref}] {rec['question']}\n    → {reply.answer.answer[:300]}")
                if why:
                    print(f"    ✗ {'; '.join(why)}")
    n = len(rows)
    right = sum(r["ok"] for r in rows)
    print(f"\ntime set fully right: {right}/{n} = {right / max(n, 1):.1%}   weekday errors: {weekday_bad}")
    if args.ceiling:
        print(f"some proposed candidate fully right (selection aside): {ceiling}/{n} = {ceiling / max(n, 1):.1%}")
    kinds: dict[str, list[bool]] = {}
    for r in rows:
        kinds.setdefault(r["kind"] or "?", []).append(r["ok"])
    for k, v in sorted(kinds.items()):
        print(f"  {k:<14} {sum(v)}/{len(v)}")
    if args.out:
        Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
