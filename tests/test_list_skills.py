"""Name-list skills on the real gazette's parsed lists (list_member), as the candidates they
propose, before any selection."""
from __future__ import annotations

import pytest

from qa.pipeline.skills import list_member


def test_a_name_on_a_list_gives_its_unit(propose):
    (c,) = propose(list_member, "陈水良是哪里的优秀乡镇农技员?")
    assert c.text.startswith("陈水良(柯城区九华乡农业综合服务中心)")


@pytest.mark.parametrize("q, member, heading", [
    ("先进个人里市西区管委会的是谁?", "张水才(市西区管委会)", "市本级(15名)"),  # the unit named whole
    ("先进个人里巨化集团那个是谁?", "范信根(巨化集团公司)", "在衢央企、省企(5名)"),  # by its first characters
    ("除险安居领导小组里市国土局的是谁?", "徐常青(市国土局)", "领导小组成员名单"),
])
def test_who_is_asked_by_the_unit_beside_the_name(propose, q, member, heading):
    best = propose(list_member, q)[0]
    assert member in best.text and heading in best.text


def test_a_unit_alone_asks_no_name_list(propose):
    # 市西区管委会 stands beside 张水才 on the 先进个人 list, but the question names no list
    assert propose(list_member, "市西区管委会的主任是谁?") == []
