"""What kind of answer a question asks for (money, a phone number, a date, a body…) and whether a
candidate holds a phrase of that form. The rows are data (qa/lexicon/answer_types.tsv); the weight of
each is learned by the scorer, not set here: "补助多少钱?" answered by a sentence with no 元 is
usually the right topic without the asked fact, the hard kind of unanswerable question."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SPACE = re.compile(r"\s")
LEXICON = Path(__file__).resolve().parents[1] / "lexicon" / "answer_types.tsv"


@dataclass(frozen=True)
class AnswerType:
    name: str
    asked: re.Pattern[str]
    form: re.Pattern[str]
    # the types a question asking this one does not also ask, though its words match them: "由谁出"
    # asks who bears a cost, not which body acts
    supersedes: frozenset[str] = frozenset()


def load(path: Path = LEXICON) -> tuple[AnswerType, ...]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, asked, form, *rest = line.split("\t")
        supersedes = frozenset(x for x in (rest[0].split(",") if rest else ()) if x)
        out.append(AnswerType(name, re.compile(asked), re.compile(form), supersedes))
    return tuple(out)


TYPES = load()
NAMES = tuple(t.name for t in TYPES)


def pattern(name: str, types: tuple[AnswerType, ...] = TYPES) -> re.Pattern[str]:
    """The question pattern of one row (KeyError for a name the lexicon lacks)."""
    for t in types:
        if t.name == name:
            return t.asked
    raise KeyError(f"answer type {name!r} is not in {LEXICON.name}")


def asked(question: str, types: tuple[AnswerType, ...] = TYPES) -> tuple[AnswerType, ...]:
    """The answer types the question asks for (none for an open "怎么办?")."""
    hit = tuple(t for t in types if t.asked.search(question))
    shadowed = frozenset().union(*(t.supersedes for t in hit))
    return tuple(t for t in hit if t.name not in shadowed)


def features(question: str, answer: str, types: tuple[AnswerType, ...] = TYPES) -> dict[str, float]:
    """Per type: `atype_<name>` 1 when asked and held, -1 when asked and missing, 0 when not asked;
    and overall `atype_missing`, the share of asked types the answer lacks."""
    f = {f"atype_{t.name}": 0.0 for t in types}
    want = asked(question, types)
    flat = _SPACE.sub("", answer)
    missing = 0
    for t in want:
        held = bool(t.form.search(flat))
        f[f"atype_{t.name}"] = 1.0 if held else -1.0
        missing += not held
    f["atype_missing"] = missing / len(want) if want else 0.0
    return f
