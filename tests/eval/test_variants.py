"""The seeded variant generator (eval/variants.py): deterministic, at least five forms per kind, and
the question itself kept intact inside every variant."""
from __future__ import annotations

import random
import re

import pytest

from eval.variants import KINDS, variants

QUESTIONS = (
    "最多跑一次改革到2017年底要覆盖多大比例的行政事项?",
    "电瓶车上牌要带啥材料？",
    "来电人问 江郎山6月哪几天免费",
    "畜牧业绿色发展(2017—2019年)的目标是什么:养殖污染怎么治理?",
)
FULLWIDTH_PUNCT = "\uff0c\uff1f\uff1a\uff1b\uff01\uff08\uff09"
HALFWIDTH_PUNCT = ",?:;!()"


def _core(text: str) -> str:
    """The question's words: CJK letters, Latin letters and digits (width-folded), nothing else."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in text)
    return re.sub(r"[^\w]|_", "", folded)


def _shape(text: str) -> str:
    """A variant with its filled-in details (digits, the one-character surname) masked: its form."""
    masked = re.sub(r"[0-9]+", "#", re.sub(r"[\uff10-\uff19]+", "\uff03", text))  # digit width is a form
    return re.sub(r"#+", "#", re.sub(r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑](?=女士|先生|,|\uff0c)", "X", masked))


def test_kinds_are_the_agreed_api():
    assert KINDS == ("fullwidth", "halfwidth", "phone", "greeting", "particle", "filler")
    with pytest.raises(ValueError):
        variants("问题", "shouting", random.Random(0))


@pytest.mark.parametrize("kind", KINDS)
def test_deterministic_for_a_seed(kind):
    q = QUESTIONS[0]
    assert [variants(q, kind, random.Random(s)) for s in range(20)] == \
           [variants(q, kind, random.Random(s)) for s in range(20)]


@pytest.mark.parametrize("kind", KINDS)
def test_at_least_five_forms_per_kind(kind):
    # a question with ASCII punctuation, a comma, a question word and a full-width twin, so every form differs
    q = "来电人问,江郎山6月哪几天免费?"
    forms = {_shape(variants(q if kind != "halfwidth" else q.replace(",", "\uff0c").replace("?", "\uff1f"), kind,
                             random.Random(s))) for s in range(300)}
    assert len(forms) >= 5, (kind, forms)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_the_question_stays_inside_its_variant(kind, question):
    for s in range(40):
        v = variants(question, kind, random.Random(s))
        core, got = _core(question), _core(v)
        if kind in ("fullwidth", "halfwidth"):
            assert got == core, v  # punctuation only
        elif kind == "filler":
            # the fillers stand at phrase boundaries: removing them gives the question back
            assert re.sub("那个|就是", "", got) == re.sub("那个|就是", "", core), v
        else:
            assert core in got, v
            assert got != core, v


def test_width_kinds_do_what_they_say():
    for q in QUESTIONS:
        for s in range(40):
            full = variants(q, "fullwidth", random.Random(s))
            half = variants(q, "halfwidth", random.Random(s))
            assert not set(full) & set(HALFWIDTH_PUNCT), full
            assert not set(half) & set(FULLWIDTH_PUNCT), half


def test_phone_variants_carry_an_identifier_and_particles_end_the_question():
    for s in range(40):
        v = variants(QUESTIONS[1], "phone", random.Random(s))
        assert re.search(r"\d{4,}", v.split("电瓶车")[0]), v
        p = variants(QUESTIONS[1], "particle", random.Random(s))
        assert re.search("[呢啊呀][?\uff1f~]?$", p), p
