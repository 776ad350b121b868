"""Skills propose candidate answers; each is a small module with
`propose(ctx, plan, part, hits) -> list[Candidate]`. None decides: the selector scores them all."""
from __future__ import annotations

from qa.pipeline.skills import (
    deadline, doc_dates, enumeration, extractive, free_days, list_member, table_cell, table_extreme, table_filter,
    time_limit, validity, year_units,
)

SKILLS = (free_days, doc_dates, validity, deadline, time_limit, table_cell, table_extreme, table_filter, list_member, enumeration,
          year_units, extractive)
SKILL_NAMES = tuple(s.NAME for s in SKILLS)


def warm_up(ctx) -> None:
    """Gather the skills' per-corpus lookups now (each is cached per context): the first question
    should not pay for them."""
    deadline.dated_statements(ctx)
    list_member.annotated(ctx)
    time_limit.statements(ctx)
    year_units.year_sections(ctx)
    year_units.milestones(ctx)
