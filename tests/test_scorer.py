"""The fitted answer scorer is a versioned file: it must have been fitted on the train split and the
encoder that are in the repo now (make train refits it)."""
from __future__ import annotations

from qa.config import Settings
from qa.pipeline.features import FEATURES
from qa.pipeline.scorer import MODEL_FILE, Scorer


def test_scorer_matches_features_train_split_and_encoder():
    from eval.train import TRAIN, set_sha256
    from index.encoders import load_encoder

    scorer = Scorer.load(MODEL_FILE)
    assert scorer.features == FEATURES, "the feature set changed: run `make train`"
    assert scorer.meta["train_sha256"] == set_sha256(TRAIN), "eval/split-train changed: run `make train`"
    assert scorer.meta["encoder"] == load_encoder(Settings().encoder).name, "the encoder changed: run `make train`"
    assert 0.0 < scorer.threshold < 1.0
    assert scorer.meta["dev_set"] == "split-dev" and scorer.meta["train_set"] == "split-train"
    # the operating point was chosen on these dev splits as they are now
    for name, digest in scorer.meta["dev_sha256"].items():
        assert set_sha256(TRAIN.parent / name) == digest, f"eval/{name} changed: run `make train`"
    assert not {"split-test", "heldout", "time"} & set(scorer.meta["dev_sets"]), "a test set may not choose τ"


def test_scorer_probabilities_are_probabilities():
    scorer = Scorer.load(MODEL_FILE)
    for feats in ({}, {name: 1.0 for name in FEATURES}, {name: -1.0 for name in FEATURES}):
        assert 0.0 <= scorer.p(feats) <= 1.0
