"""The records passed between answering stages. All frozen: a stage never mutates an earlier one's output."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qa.model import Citation


@dataclass(frozen=True)
class Part:
    """One question to answer: the whole question, or one part of a two-part question."""

    text: str  # matching form (normalised, in the gazette's words)
    focus: str | None = None  # the words the user just typed, when `text` carries an earlier topic
    asks: bool = True  # False: a sentence that only says something ("我帮我女儿问问"), not answered
    # the form of answer this part wants, when it is one part of several ("…哪天印发的?童炜鑫兼任的是
    #什么职务?" asks a date, then a fact); empty: the plan's intent
    intent: str = ""
    # its own slots likewise (the year, date or noun it names), None: the plan's
    slots: dict[str, Any] | None = None

    @property
    def typed(self) -> str:
        """What the user typed for this part: its focus when it carries an earlier topic, else its text."""
        return self.focus or self.text


@dataclass(frozen=True)
class QueryPlan:
    """What `understand` made of a question, once, for every later stage.

    `asked` is what the user typed (shown back); `standalone` the follow-up made standalone, in the
    user's words; `match` the matching form (NFKC, simplified, no identifiers or greetings, gazette words).
    """

    asked: str
    standalone: str
    match: str
    parts: tuple[Part, ...]
    today: dt.date
    intent: str  # list | count | date | when | who | where | amount | yesno | fact
    slots: dict[str, Any] = field(default_factory=dict)  # date, month, year, ordinal, measure, noun…
    follow_up: bool = False
    topic: str | None = None  # what the question is about, carried to the conversation's next follow-up


@dataclass(frozen=True)
class Candidate:
    """A proposed answer to one part: its text with [n] markers, what it cites, and the features the
    selector scores it by. `prior` is the skill's own match strength in [0, 1], one feature among many."""

    skill: str
    kind: str  # fact | list | date | table
    text: str
    citations: tuple[Citation, ...]
    prior: float
    features: dict[str, float] = field(default_factory=dict)
    items: tuple[str, ...] = ()  # what a list answer enumerates (follow-ups say "第一个")
    part: int = 0
    # how many of a skill's seeds built this same answer (extracts: seeds from the lexical and the
    # encoder's rankings, alone or glued, often agree); proposed once, it weighs that much in fitting
    built: int = 1

    def with_features(self, features: dict[str, float]) -> "Candidate":
        from dataclasses import replace

        return replace(self, features=features)


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    p: float  # calibrated probability that the candidate answers its part correctly


@dataclass(frozen=True)
class Decision:
    """Answer with the selected candidates (one per answered part), or refuse with a reason."""

    chosen: tuple[Scored, ...]
    confidence: float
    reason: str  # answered | below_threshold | no_candidate | gate:<name> | empty
    message: str | None = None  # the refusal's own words, when a gate decided
    unanswered_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageRecord:
    name: str
    ms: float
    summary: dict[str, Any]


@dataclass(frozen=True)
class Trace:
    stages: tuple[StageRecord, ...] = ()

    def add(self, name: str, ms: float, **summary: Any) -> "Trace":
        return Trace(self.stages + (StageRecord(name, round(ms, 3), summary),))

    def stage(self, name: str) -> StageRecord | None:
        return next((s for s in self.stages if s.name == name), None)

    def as_dict(self) -> list[dict[str, Any]]:
        return [{"stage": s.name, "ms": s.ms, **s.summary} for s in self.stages]

    def render(self) -> str:
        lines = []
        for s in self.stages:
            lines.append(f"── {s.name} ({s.ms:.1f} ms)")
            for k, v in s.summary.items():
                if isinstance(v, (list, tuple)):
                    lines.append(f"   {k}:")
                    lines.extend(f"     - {x}" for x in v)
                else:
                    lines.append(f"   {k}: {v}")
        return "\n".join(lines)
