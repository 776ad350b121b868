"""Question sets: a folder with set.json (the set's defaults), questions.jsonl and dialogs.jsonl.

set.json declares name, split, corpus, reference_date ('today' for relative dates), blind (a test set:
run it, never read it item by item) and the documents it is about. A record may carry its own
reference_date (eval/time does, per question and per dialog); a record without one takes the set's.
Records of the time set name a `kind` and the time expectations (expect_dates, covered, expect_free,
expect_passed) that eval/timecheck.py checks.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.text import normalize_doc_number

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO_ROOT / "eval" / "gold"
QUESTION_TYPES = ("fact", "list", "date", "table", "multi", "unanswerable")
TIME_TYPE = "time"  # an answerable question of the time set (its kind says which time question)


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: reference_date {value!r} is not an ISO date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class GoldItem:
    """A standalone question or one dialog turn."""

    id: str
    type: str  # a QUESTION_TYPES entry, "time", or "dialog" for a dialog turn
    question: str
    doc_numbers: tuple[str, ...]
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    lines: tuple[int, ...]
    sections: tuple[str, ...] = ()
    dialog: str | None = None
    turn: int | None = None  # 1-based
    reference_date: dt.date | None = None  # 'today' for this question (record's own, else the set's)
    kind: str | None = None  # time set: relative_day | yearless | other_year | validity | deadline | period
    timed: bool = False  # carries time expectations (the fields below are checked)
    expect_dates: tuple[str, ...] = ()  # ISO dates the answer must print with year and weekday
    covered: bool | None = None  # False: the answer must say the gazette does not cover it
    expect_free: bool | None = None
    expect_passed: bool | None = None
    refuse: bool = False  # the gazette does not answer it: the right answer is a refusal

    @property
    def answerable(self) -> bool:
        return not self.refuse and self.type != "unanswerable"

    @classmethod
    def from_dict(cls, d: dict, *, id: str | None = None, type: str | None = None,
                  dialog: str | None = None, turn: int | None = None,
                  reference_date: dt.date | None = None) -> GoldItem:
        timed = "expect_dates" in d
        typ = type or d.get("type")
        if typ is None and timed:  # the time set names a kind, not a type
            typ = "unanswerable" if d.get("doc_numbers") is None else TIME_TYPE
        if typ is None:
            raise ValueError(f"{id or d.get('id')}: record has no type")
        own = _date(d.get("reference_date"), str(id or d.get("id")))
        return cls(
            id=id or d["id"], type=typ, question=d["question"],
            # 文号 compared by key: a set may print 〔2017〕 or [2017] as the document does
            doc_numbers=tuple(normalize_doc_number(n) for n in d.get("doc_numbers") or ()),
            must=tuple(d.get("must") or ()),
            must_not=tuple(d.get("must_not") or ()), lines=tuple(d.get("lines") or ()),
            sections=tuple(d.get("sections") or ()), dialog=dialog, turn=turn,
            reference_date=own or reference_date, kind=d.get("kind"), timed=timed,
            expect_dates=tuple(d.get("expect_dates") or ()), covered=d.get("covered"),
            expect_free=d.get("expect_free"), expect_passed=d.get("expect_passed"),
            refuse=typ == "unanswerable" or (timed and d.get("doc_numbers") is None),
        )


@dataclass(frozen=True)
class Dialog:
    id: str
    turns: tuple[GoldItem, ...]


@dataclass(frozen=True)
class EvalSet:
    """A question set with its declared defaults."""

    name: str
    path: Path | None
    questions: tuple[GoldItem, ...]
    dialogs: tuple[Dialog, ...]
    split: str | None = None
    corpus: str | None = None
    reference_date: dt.date | None = None
    blind: bool = False
    documents: Any = None  # "all" or a list of 文号
    meta: dict = field(default_factory=dict)

    @property
    def asks(self) -> int:
        return len(self.questions) + sum(len(d.turns) for d in self.dialogs)

    @property
    def label(self) -> str:
        """How reports name the set: the folder relative to the repo (eval/gold) when it lies there."""
        if self.path is None:
            return self.meta.get("label") or self.name
        try:
            return str(self.path.resolve().relative_to(REPO_ROOT))
        except ValueError:
            return str(self.path)


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_set(folder: Path | str = GOLD_DIR) -> EvalSet:
    """Read a set folder. Raises FileNotFoundError (no questions.jsonl) or ValueError (a bad set.json)."""
    folder = Path(folder)
    if not (folder / "questions.jsonl").is_file():
        raise FileNotFoundError(f"{folder} has no questions.jsonl (a set folder holds set.json, "
                                "questions.jsonl and dialogs.jsonl)")
    meta: dict = {}
    if (folder / "set.json").is_file():
        try:
            meta = json.loads((folder / "set.json").read_text("utf-8"))
        except ValueError as exc:
            raise ValueError(f"{folder / 'set.json'} is not valid JSON: {exc}") from None
    default = _date(meta.get("reference_date"), str(folder / "set.json"))
    questions = tuple(GoldItem.from_dict(d, reference_date=default)
                      for d in _read_jsonl(folder / "questions.jsonl"))
    dialogs = []
    if (folder / "dialogs.jsonl").is_file():
        for d in _read_jsonl(folder / "dialogs.jsonl"):
            when = _date(d.get("reference_date"), d["id"]) or default
            turns = tuple(
                GoldItem.from_dict(t, id=f"{d['id']}.t{n}", type="dialog", dialog=d["id"], turn=n,
                                   reference_date=when)
                for n, t in enumerate(d["turns"], 1)
            )
            dialogs.append(Dialog(d["id"], turns))
    return EvalSet(name=meta.get("name") or folder.name, path=folder, questions=questions, dialogs=tuple(dialogs),
                   split=meta.get("split"), corpus=meta.get("corpus"), reference_date=default,
                   blind=bool(meta.get("blind", False)), documents=meta.get("documents"), meta=meta)


def load_gold(gold_dir: Path | str = GOLD_DIR) -> tuple[list[GoldItem], list[Dialog]]:
    """(questions, dialogs) of a set folder, with the set's defaults applied."""
    s = load_set(gold_dir)
    return list(s.questions), list(s.dialogs)


def select(questions: Sequence[GoldItem], dialogs: Sequence[Dialog], subset: Any = None
           ) -> tuple[list[GoldItem], list[Dialog]]:
    """None → everything; a type name or comma-separated type names (``dialog`` = the dialogs);
    ``ci`` = the CI regression subset (regression_subset with its defaults, as
    tests/eval/test_regression.py runs it); any other iterable → the questions and dialogs with those ids."""
    if subset is None:
        return list(questions), list(dialogs)
    if isinstance(subset, str):
        if subset.strip() == "ci":
            return select(questions, dialogs, regression_subset(questions, dialogs))
        wanted = {s.strip() for s in subset.split(",") if s.strip()}
        known = set(QUESTION_TYPES) | {TIME_TYPE, "dialog"}
        unknown = wanted - known
        if unknown:
            raise ValueError(f"unknown subset {sorted(unknown)}; choose from "
                             f"{', '.join((*QUESTION_TYPES, TIME_TYPE, 'dialog', 'ci'))}")
        return ([q for q in questions if q.type in wanted], list(dialogs) if "dialog" in wanted else [])
    ids = set(subset)
    return [q for q in questions if q.id in ids], [d for d in dialogs if d.id in ids]


def regression_subset(questions: Sequence[GoldItem], dialogs: Sequence[Dialog], n_questions: int = 60,
                      n_dialogs: int = 8, min_per_type: int = 3) -> list[str]:
    """A fixed, deterministic subset for CI: questions spread over every type in proportion to
    the gold set (at least ``min_per_type`` each), evenly spaced in file order within a type,
    plus evenly spaced dialogs. Returns ids."""
    by_type: dict[str, list[GoldItem]] = defaultdict(list)
    for q in questions:
        by_type[q.type].append(q)
    types = [t for t in QUESTION_TYPES if by_type[t]] + sorted(set(by_type) - set(QUESTION_TYPES))
    total = sum(len(by_type[t]) for t in types)
    quota = {t: min(len(by_type[t]), max(min_per_type, math.floor(n_questions * len(by_type[t]) / total)))
             for t in types}
    # hand out what flooring left over to the types with the largest remainders
    rema = sorted(types, key=lambda t: -(n_questions * len(by_type[t]) / total - quota[t]))
    i = 0
    while sum(quota.values()) < min(n_questions, total) and i < 10 * len(types):
        t = rema[i % len(rema)]
        if quota[t] < len(by_type[t]):
            quota[t] += 1
        i += 1
    ids = []
    for t in types:
        ids += [q.id for q in _spread(by_type[t], quota[t])]
    ids += [d.id for d in _spread(list(dialogs), n_dialogs)]
    return ids


def _spread(items: list, n: int) -> list:
    if n >= len(items):
        return list(items)
    return [items[int((i + 0.5) * len(items) / n)] for i in range(n)]
