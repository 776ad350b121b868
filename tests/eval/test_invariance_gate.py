"""Invariance gate: the CI subset of eval/gold asked again as residents type it (full width, a phone
number or self-introduction in front, a greeting, a trailing particle, a filler; eval/variants.py,
seed 0). Agreement = the same found flag and first citation as the question typed plainly."""
from __future__ import annotations

import pytest

from eval import harness as H

# measured on the learned pipeline (CI subset: 60 questions, reference date 2017-06-05), minus a margin
# (fullwidth, halfwidth, particle 60/60; phone 59/60; greeting, filler 58/60)
MIN_AGREEMENT = {"fullwidth": 0.98, "halfwidth": 0.98, "phone": 0.95, "greeting": 0.93, "particle": 0.98,
                 "filler": 0.93}


@pytest.fixture(scope="module")
def report(engine, settings, tmp_path_factory):
    questions, dialogs = H.load_gold()
    ids = H.regression_subset(questions, dialogs, 60, 0)
    rep = H.run(settings, mode="none", subset=ids, out_dir=tmp_path_factory.mktemp("inv"), engine=engine,
                chart=False, progress=False, stream=False, invariance=True)
    print(H.render_text(rep, max_failures=0))
    return rep


@pytest.mark.parametrize("kind", sorted(MIN_AGREEMENT))
def test_typing_variants_keep_the_answer(report, kind):
    row = report.invariance["by_kind"][kind]
    agreement = row["agreement"]["k"] / row["agreement"]["n"]
    assert agreement >= MIN_AGREEMENT[kind] - 1e-9, (kind, row["agreement"])
