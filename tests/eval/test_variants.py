"""eval.variants: seeded, at least five distinct forms per kind, and each kind does what it says."""
from __future__ import annotations

import random
import unicodedata

import pytest

from eval.variants import KINDS, forms, variants
from qa.personal import find, strip

QUESTION = "衢政办发〔2017〕29号规定6月12日哪些景区免费?"
# the halfwidth kind needs something wide to fold
WIDE = "衢政办发〔２０１７〕２９号规定，６月１２日、１９日哪些景区免费？"


def _sample(kind: str) -> str:
    return WIDE if kind == "halfwidth" else QUESTION


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_five_distinct_forms(kind):
    options = forms(_sample(kind), kind, random.Random(1))
    assert len(set(options)) >= 5 and all(o != _sample(kind) for o in options), options


@pytest.mark.parametrize("kind", KINDS)
def test_seeded(kind):
    assert [variants(_sample(kind), kind, random.Random(s)) for s in range(20)] == \
        [variants(_sample(kind), kind, random.Random(s)) for s in range(20)]
    assert len({variants(_sample(kind), kind, random.Random(s)) for s in range(40)}) >= 4


def test_width_kinds_change_only_the_width():
    def canonical(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).strip()
        return text.translate(str.maketrans("[]()、", "〔〕〔〕,"))

    for kind in ("fullwidth", "halfwidth"):
        for v in forms(_sample(kind), kind, random.Random(2)):
            assert canonical(v) == canonical(_sample(kind)), v


@pytest.mark.parametrize("kind", ["phone", "selfintro"])
def test_personal_kinds_carry_personal_data_that_strip_removes(kind):
    for seed in range(10):
        for v in forms(QUESTION, kind, random.Random(seed)):
            assert find(v), v
            assert strip(v) == QUESTION, v


def test_greetings_are_stripped_and_particles_and_fillers_keep_the_words():
    for v in forms(QUESTION, "greeting", random.Random(3)):
        assert strip(v) in (QUESTION, "请问" + QUESTION), v
    for kind in ("particle", "filler"):
        for v in forms(QUESTION, kind, random.Random(3)):
            assert "衢政办发〔2017〕29号" in v and "6月12日哪些景区免费" in v.replace("呀", "").replace("啊", "") \
                .replace("呢", "").replace("哈", "").replace("嘛", "").replace("啦", "").replace(",谢谢", "")


def test_unknown_kind():
    with pytest.raises(ValueError, match="fullwidth"):
        variants(QUESTION, "shouting", random.Random(0))
