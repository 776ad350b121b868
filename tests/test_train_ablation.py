"""`qa train --dump` / `--from-dump` / `--without`: a feature is judged against a refit on the same
collected candidates without it (real engine over the bundled gazette, real collection on small
splits cut from split-train and split-dev, real fits)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from eval.train import COST, REPO, cv_verdicts, main, paired_runs, recorded_cv
from qa.pipeline.features import DECISION_FEATURES, FEATURES


def _small_split(src: str, dest: Path, n: int) -> Path:
    """Every k-th of a split's questions, n in all (answerable and unanswerable, several documents)."""
    dest.mkdir(parents=True)
    shutil.copy(REPO / "eval" / src / "set.json", dest / "set.json")
    lines = (REPO / "eval" / src / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    (dest / "questions.jsonl").write_text("\n".join(lines[:: len(lines) // n][:n]) + "\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def collected(engine, tmp_path_factory):
    """A dump collected from 200 train and 60 dev questions, and the model fitted on it."""
    root = tmp_path_factory.mktemp("train")
    train, dev = _small_split("split-train", root / "train", 200), _small_split("split-dev", root / "dev", 60)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QA_DATA_DIR", str(engine.settings.data_dir))  # the index the engine fixture built
        args = ["--train", str(train), "--dev", str(dev), "--cv-repeats", "1"]
        assert main([*args, "--dump", str(root / "dump"), "--out", str(root / "full.json")]) == 0
    return root, args


def _model(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_refit_from_the_dump_without_a_feature_has_the_same_candidates_and_lacks_it(collected, capsys):
    root, args = collected
    assert main([*args, "--from-dump", str(root / "dump"), "--without", "quote_sim,sim_gap",
                 "--out", str(root / "without.json")]) == 0
    assert "without quote_sim, sim_gap" in capsys.readouterr().err
    full, without = _model(root / "full.json"), _model(root / "without.json")
    assert full["select"]["features"] == list(FEATURES) and full["decide"]["features"] == list(DECISION_FEATURES)
    assert without["select"]["features"] == [f for f in FEATURES if f not in ("quote_sim", "sim_gap")]
    assert without["decide"]["features"] == [f for f in DECISION_FEATURES if f not in ("quote_sim", "sim_gap")]
    for key in ("select_examples", "select_positives", "train_sha256", "dev_sha256", "encoder"):
        assert without["meta"][key] == full["meta"][key]
    # nothing left out: the dump refits to the very model the collecting run wrote
    assert main([*args, "--from-dump", str(root / "dump"), "--out", str(root / "again.json")]) == 0
    assert (root / "again.json").read_text(encoding="utf-8") == (root / "full.json").read_text(encoding="utf-8")


def test_a_dump_of_other_data_or_no_dump_is_refused_in_one_line(collected, tmp_path, capsys):
    root, args = collected
    dev = Path(args[3])  # --train T --dev D --cv-repeats 1
    edited = tmp_path / "dev"
    shutil.copytree(dev, edited)
    with (edited / "questions.jsonl").open("a", encoding="utf-8") as f:
        f.write((REPO / "eval" / "split-dev" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[1] + "\n")
    assert main([*args[:2], "--dev", str(edited), *args[4:], "--from-dump", str(root / "dump")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was collected from other data (dev splits" in err
    (tmp_path / "junk").write_text("not a dump", encoding="utf-8")
    assert main([*args, "--from-dump", str(tmp_path / "junk")]) == 1
    assert capsys.readouterr().err == f"qa train: {tmp_path / 'junk'} is not a dump written by `qa train --dump`\n"
    assert main([*args, "--from-dump", str(root / "dump"), "--without", "no_such_feature"]) == 1
    assert capsys.readouterr().err == "qa train: --without names no feature: no_such_feature\n"


def test_a_fit_paired_against_a_refit_says_how_many_dev_answers_changed(collected, capsys):
    root, args = collected
    dump, full = str(root / "dump"), str(root / "full.json")
    # the same dump and model on both sides: nothing changes, and the interval is a point
    assert main([*args, "--from-dump", dump, "--against", dump, full, "--out", str(root / "same.json")]) == 0
    err = capsys.readouterr().err
    assert f"dev paired against {full}: 60 questions, 0 changed (0 better, 0 worse), utility difference +0 [+0, +0]" in err
    # and the train questions decided by models fitted without their document, grouped alike on both sides
    assert (f"train questions by unseen document paired against {dump}: 200 questions, 0 changed (0 better, "
            "0 worse), utility difference +0 [+0, +0]") in err
    # a refit without the similarity features: the line counts what moved, the difference lies in its interval
    assert main([*args, "--from-dump", dump, "--without", "quote_sim,sim_gap,sim_known", "--against", dump, full,
                 "--out", str(root / "nosim.json")]) == 0
    err = capsys.readouterr().err
    for start in ("dev paired against", "train questions by unseen document paired against"):
        line = next(ln for ln in err.splitlines() if ln.startswith(start))
        changed, better, worse, diff, lo, hi = (float(x) for x in re.search(
            r"(\d+) changed \((\d+) better, (\d+) worse\), utility difference ([-+\d.]+) \[([-+\d.]+), ([-+\d.]+)\]",
            line).groups())
        assert changed == better + worse and lo <= diff <= hi


def test_a_collecting_run_keeps_its_groupings_verdicts_for_later_pairings(collected):
    import pickle

    root, _ = collected
    dump = pickle.loads((root / "dump").read_bytes())
    recorded = recorded_cv(dump, 1, COST)
    assert recorded is not None and len(recorded) == 1 and len(recorded[0]) == 200
    # what --against would otherwise fit again
    assert recorded == cv_verdicts(dump["examples"], dump["train_outcomes"], dump["dev_outcomes"], COST, repeats=1)
    # other groupings, another cost or verdicts of other fitting code are not reused
    assert recorded_cv(dump, 2, COST) is None and recorded_cv(dump, 1, 3.0) is None
    dump["cv_runs"] = {**dump["cv_runs"], "fit": "0" * 64}
    assert recorded_cv(dump, 1, COST) is None


def test_paired_groupings_read_each_question_as_its_mean_over_the_groupings():
    # question 1 is answered wrongly in the second grouping only (-3 there, a mean of -1.5); question 2
    # is right in the first grouping where it was refused (+1 there, +0.5); question 3 never moves
    base = [["right", "refused_bad", "right"], ["right", "right", "refused_ok"]]
    other = [["right", "right", "right"], ["wrong", "right", "refused_ok"]]
    r = paired_runs(base, other, cost=2.0)
    assert (r["n"], r["changed"], r["better"], r["worse"], r["difference"]) == (3, 2, 1, 1, -1.0)
    assert r["interval"][0] <= -1.0 <= r["interval"][1]
    with pytest.raises(ValueError):
        paired_runs(base, other[:1], cost=2.0)


def test_against_a_model_that_is_no_scorer_is_refused_in_one_line(collected, tmp_path, capsys):
    root, args = collected
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert main([*args, "--from-dump", str(root / "dump"), "--against", str(root / "dump"), str(tmp_path / "bad.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read the answer scorer bad.json" in err
