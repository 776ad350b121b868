"""The learned scorer, stored as JSON coefficients (qa/models/answer_scorer.json; `make train` fits it).

Two logistic regressions over standardised features:
- `select` ranks the candidates of one part (fitted on pairs of a right and a wrong candidate of one
  part of an answerable train question, then scaled to a probability: eval.train.fit_pairwise);
- `decide` gives the calibrated probability that the selected candidate is a right answer (fitted per
  question on all train questions, unanswerable ones included), from the selector's view of the best
  candidate and its runner-up. The pipeline answers when it reaches `threshold`, the operating point
  chosen on the dev split (eval/train.py).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError

MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "answer_scorer.json"


class ModelMissing(QAError):
    """The fitted scorer file is absent or unreadable: run `make train`."""


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def p(self, feats: dict[str, float]) -> float:
        z = self.intercept
        for name, m, s, w in zip(self.features, self.mean, self.scale, self.coef):
            z += w * ((feats.get(name, 0.0) - m) / s)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, d: dict) -> "LinearModel":
        return cls(tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]), float(d["intercept"]))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept}


@dataclass(frozen=True)
class Scorer:
    select: LinearModel
    decide: LinearModel
    threshold: float
    meta: dict

    @property
    def features(self) -> tuple[str, ...]:
        return self.select.features

    def p(self, feats: dict[str, float]) -> float:
        """The selector's score of one candidate."""
        return self.select.p(feats)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "Scorer":
        try:
            data = json.loads(Path(path).read_text("utf-8"))
            return cls(LinearModel.from_json(data["select"]), LinearModel.from_json(data["decide"]),
                       float(data["threshold"]), dict(data.get("meta", {})))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelMissing(f"cannot read the answer scorer {Path(path).name} ({exc}); run `make train`") from None

    def to_json(self) -> dict:
        return {"select": self.select.to_json(), "decide": self.decide.to_json(), "threshold": self.threshold,
                "meta": self.meta}
