"""The learned scorer: a logistic regression over candidate features, stored as JSON coefficients.

`p(candidate)` is the calibrated probability that the candidate answers its part correctly; the
selector takes the best per part and the decision answers when p reaches the operating point chosen
on the dev split (see eval/train.py, which fits and writes the file)."""
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
class Scorer:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    meta: dict

    def p(self, feats: dict[str, float]) -> float:
        z = self.intercept
        for name, m, s, w in zip(self.features, self.mean, self.scale, self.coef):
            z += w * ((feats.get(name, 0.0) - m) / s)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "Scorer":
        try:
            data = json.loads(Path(path).read_text("utf-8"))
            return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]),
                       float(data["intercept"]), float(data["threshold"]), dict(data.get("meta", {})))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelMissing(f"cannot read the answer scorer {path.name} ({exc}); run `make train`") from None

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold, "meta": self.meta}
