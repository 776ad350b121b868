"""failing_stage / answer_right / candidate_right of eval/stages.py on hand-made records (pure functions;
their reading of a real Outcome is tested in test_harness.py with the real engine)."""
from __future__ import annotations

import pytest

from eval import stages as S
from eval.sets import GoldItem

A, B = "衢政办发〔2017〕29号", "衢政发〔2017〕11号"


def _item(**kw):
    base = dict(id="q", type="fact", question="?", doc_numbers=(A,), must=("每逢周一实行免费",), must_not=(), lines=(1,))
    base.update(kw)
    return GoldItem(**base)


def _rec(fully_right=False, found=True, turn=None, answerable=True, error=None, **outcome):
    o = {"reason": "answered", "gold_retrieved": True, "cand_cites_gold": True, "cand_right_any": True,
         "best_right": False, "chosen_right": False}
    o.update(outcome)
    return {"fully_right": fully_right, "found": found, "turn": turn, "dialog": "d" if turn else None,
            "type": "fact" if answerable else "unanswerable", "answerable": answerable, "error": error, "outcome": o}


def test_candidate_right():
    item = _item()
    assert S.candidate_right("2017年每逢周一实行免费[1]", [A], item)
    assert not S.candidate_right("2017年每逢周一实行免费[1]", [B], item)  # no gold document cited
    assert not S.candidate_right("实行免费", [A], item)
    assert not S.candidate_right("每逢周一实行免费", [A], _item(must_not=("周一",)))
    assert not S.candidate_right("每逢周一实行免费", [A], _item(type="unanswerable", doc_numbers=(), must=()))


def test_candidate_right_on_the_time_set_needs_its_checks():
    item = _item(type="time", timed=True, expect_dates=("2017-06-12",), expect_free=True)
    assert S.candidate_right("2017年6月12日(星期一)是免费日:每逢周一实行免费", [A], item)
    assert not S.candidate_right("6月12日是免费日:每逢周一实行免费", [A], item)  # no year, no weekday
    assert not S.candidate_right("2017年6月12日(星期一)不是免费日:每逢周一实行免费", [A], item)


@pytest.mark.parametrize("rec, stage", [
    (_rec(fully_right=True), None),
    (_rec(error="InvalidQuery: empty"), "error"),
    (_rec(answerable=False), "answered unanswerable"),
    (_rec(found=False, reason="gate:unknown_place"), "gate"),
    (_rec(gold_retrieved=False, cand_cites_gold=False), "retrieval"),
    (_rec(gold_retrieved=False, cand_cites_gold=False, turn=2), "rewrite"),
    (_rec(gold_retrieved=False, cand_cites_gold=False, turn=1), "retrieval"),
    # dense sentences may bring the gold document in although the chunk retrieval missed it
    (_rec(gold_retrieved=False, cand_cites_gold=True, cand_right_any=False), "no candidate"),
    (_rec(cand_right_any=False), "no candidate"),
    (_rec(found=True, chosen_right=False), "wrong selection"),
    (_rec(found=True, chosen_right=True), "compose"),
    (_rec(found=False, reason="below_threshold", best_right=True), "wrong refusal"),
    (_rec(found=False, reason="below_threshold", best_right=False), "wrong selection"),
])
def test_failing_stage(rec, stage):
    assert S.failing_stage(rec) == stage
    assert stage is None or stage in S.STAGES


def test_answer_right_for_the_curves():
    assert S.answer_right(_rec(fully_right=True, found=True)) is True
    assert S.answer_right(_rec(fully_right=False, found=True)) is False
    assert S.answer_right(_rec(found=False, best_right=True)) is True  # refused: the best candidate's verdict
    assert S.answer_right(_rec(found=False, answerable=False)) is False  # any answer to it is wrong
    assert S.answer_right({"fully_right": True, "found": True, "type": "fact", "outcome": None}) is None
