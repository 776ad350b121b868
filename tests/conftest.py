"""Shared fixtures: the real bundled gazette, parsed once; a real index built once per session."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qa.config import BUNDLED_CORPUS, Settings
from qa.pipeline.understand import Understander

GAZETTE = BUNDLED_CORPUS / "quzhou-zhengbao-2017-02.txt"


@pytest.fixture(scope="session")
def gazette_path() -> Path:
    return GAZETTE


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    return GAZETTE.read_text("utf-8").split("\n")


@pytest.fixture(scope="session")
def issue():
    from qa.parse import parse_file

    return parse_file(GAZETTE)


@pytest.fixture(scope="session")
def docs(issue):
    return {d.key: d for d in issue.documents}


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings with a private data dir and a fixed 'today' (tests must not depend on the clock)."""
    return Settings(data_dir=tmp_path_factory.mktemp("var"), reference_date=dt.date(2017, 6, 5))


@pytest.fixture(scope="session")
def engine(settings):
    """A real, warmed Engine over a real index built from the bundled gazette."""
    from qa.build import build_index
    from qa.engine import Engine

    build_index(settings, settings.corpus_files(), progress=False)
    eng = Engine(settings)
    eng.warm_up()
    return eng


@pytest.fixture(scope="module")
def propose(engine):
    """`propose(skill, q)`: the candidates one skill proposes for a question asked on 2017-06-05,
    before any selection; every quote must stand verbatim in the chunk it cites."""
    ctx = engine.pipeline.ctx
    chunks = {c.id: c for c in engine.corpus.chunks}
    understander = Understander()
    today = dt.date(2017, 6, 5)

    def run(skill, q):
        plan = understander.plan(q, today)
        cands = skill.propose(ctx, plan, plan.parts[0], [])
        for c in cands:  # every quote stands verbatim in the chunk it cites
            assert all(cit.quote in chunks[cit.chunk_id].text for cit in c.citations)
        return cands

    return run
