"""Generalisation gate: answers on eval/dev, the set a separate author wrote from the gazette in
residents' everyday words (45 questions + 6 dialogs). eval/gold is what the system was built
against; this set is what kept it honest. Thresholds are the measured figures minus a small margin.

Small denominators: 37 answerable questions (1 item = 2.7 points), 8 unanswerable (12.5 points),
16 dialog turns (6.3 points).
"""
from __future__ import annotations

import pytest

from eval import harness as H

DEV_DIR = H.REPO_ROOT / "eval" / "dev"

MIN_FULLY_RIGHT_ANSWERABLE = 0.64  # 0.676 (learned pipeline; the rules tuned on this set reached 0.865)
# 0.324 (12 of 37): was 0.270 while qa/lexicon/answer_types.tsv had 哪儿, an alternative no other
# train/dev question uses; it only ever served h044 here, so it went (tests/test_lexicon.py) and h044 with it
MAX_WRONGLY_REFUSED = 0.33
MIN_REFUSAL_RECALL = 0.74  # 0.750 (6 of 8)
MIN_DIALOG_TURN_ACCURACY = 0.56  # 0.625 (10 of 16; one turn is 6.3 points)


@pytest.fixture(scope="module")
def report(engine, settings, tmp_path_factory):
    rep = H.run(settings, mode="none", gold=H.load_gold(DEV_DIR), gold_name="eval/dev",
                out_dir=tmp_path_factory.mktemp("dev-reports"), engine=engine, chart=False, progress=False,
                stream=False)
    print(H.render_text(rep, max_failures=0))
    return rep


def test_dev_answers(report):
    assert report.fully_right_answerable >= MIN_FULLY_RIGHT_ANSWERABLE - 1e-9, report.fully_right_answerable


def test_dev_refusal(report):
    r = report.answers["refusal"]
    assert r["recall"] >= MIN_REFUSAL_RECALL - 1e-9, r
    assert r["wrongly_refused"] <= MAX_WRONGLY_REFUSED + 1e-9, r


def test_dev_dialogs_and_citations(report):
    assert report.answers["dialogs"]["turn_accuracy"] >= MIN_DIALOG_TURN_ACCURACY - 1e-9
    assert report.answers["citations"]["verbatim"] == 1.0
