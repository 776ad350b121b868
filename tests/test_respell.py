"""IME homophone slips respelt toward the corpus's words (qa.respell), on the real corpus."""
from __future__ import annotations

import pytest

from qa.respell import Respeller, which_slips


@pytest.fixture(scope="module")
def respeller(engine):
    return engine.pipeline.ctx.respeller


@pytest.mark.parametrize("typed, meant", [
    ("江山那个消防隐换是哪几个单位督办?", "江山那个消防隐患是哪几个单位督办?"),
    ("安全隐患啥时候整该完?", "安全隐患啥时候整改完?"),
    ("畜牧业那个三年方按是从哪天开始施行的?", "畜牧业那个三年方案是从哪天开始施行的?"),
    ("发票以经丢了,还能上牌吗?", "发票已经丢了,还能上牌吗?"),
    ("是哪个布门牵头?", "是哪个部门牵头?"),
    # a slip whose kept character binds its other neighbour in a longer corpus word (家公 of 国家公园,
    # 地址 is a word): the corpus printing the respelt pair with both neighbours confirms it
    ("领导小组的办公市设在哪里?", "领导小组的办公室设在哪里?"),
    ("山里的地址灾害隐患点有多少?", "山里的地质灾害隐患点有多少?"),
    # a word the corpus prints only a few times (公园: 4), confirmed by its neighbours
    ("国家公圆管理委员会在哪里?", "国家公园管理委员会在哪里?"),
    # a dictionary word the corpus never prints, rare beside the corpus word of its sound (执刑: 7 in
    # jieba's dictionary, 执行: 14504; 人材: 50, 人才: 8742)
    ("这个实施意见从哪天开始执刑?", "这个实施意见从哪天开始执行?"),
    ("人材资源总量要到多少?", "人才资源总量要到多少?"),
])
def test_a_homophone_slip_is_respelt_to_the_corpus_word(respeller, typed, meant):
    assert respeller.fix(typed) == meant


@pytest.mark.parametrize("typed", [
    "我是江山的,目标是多少?",  # 我是, 标是: two words side by side, not 我市 or 标识
    "合格证找不到了还能上牌吗?",  # 找不到 is a word
    "奖金怎么发?",  # a word the gazette lacks stays, and is refused as such
    "衢政干〔2017〕5号免了谁?",
    "我天天骑车过那个路口,要整改吗?",  # 骑车 is a common word (172), only 59 times rarer than 汽车
])
def test_words_and_word_boundaries_are_left_alone(respeller, typed):
    assert respeller.fix(typed) == typed


def test_a_slip_is_answered_as_the_word_meant_and_shown_as_understood(engine):
    typed = engine.ask("开化远兴机械那个隐换计划啥时候整该完?")
    meant = engine.ask("开化远兴机械那个隐患计划啥时候整改完?")
    assert typed.answer.found and typed.answer.answer == meant.answer.answer
    assert "隐患" in typed.answer.rewritten_question and "整改" in typed.answer.rewritten_question


def test_the_closed_class_list_holds_single_characters():
    from qa.respell import load_function_chars
    chars = load_function_chars()
    assert "是" in chars and all(len(c) == 1 for c in chars)
    assert Respeller("整改整改整改整改整改", frozenset()).fix("整该") == "整改"


@pytest.mark.parametrize("typed, meant", [
    ("西区科创城要到那年才能基本建好?", "西区科创城要到哪年才能基本建好?"),
    ("制造2025的基本原则有那几条?", "制造2025的基本原则有哪几条?"),
    ("衢州搞科技创新那个行动,平时组织协调的办公室放在那个局呀?", "衢州搞科技创新那个行动,平时组织协调的办公室放在哪个局呀?"),
])
def test_na_typed_for_the_question_word_na_is_respelt(typed, meant):
    assert which_slips(typed) == meant


@pytest.mark.parametrize("typed", [
    "儒学小镇那个课题谁牵头?",  # another word asks: 那个 points
    "听说那天不用买票?",  # a yes/no question asked by its tone
    "国庆节那天去根宫佛国免费不?",
    "那天不是周一也免费?",  # a question opening 那… points back
    "我家后山是隐患点,那个除险安居三年行动到这周五还算数呀?",  # so does a clause opening 那个
    "制造业那个行动计划说到2020年产业基金搞多大?",
    "我想了解那个方案。",  # no question
])
def test_na_that_points_stays(typed):
    assert which_slips(typed) == typed


def test_a_question_word_slip_is_answered_as_the_question_meant(engine):
    typed = engine.ask("科技创新服务行动计划的组织协调办公室设在那个局?")
    meant = engine.ask("科技创新服务行动计划的组织协调办公室设在哪个局?")
    assert typed.answer.answer == meant.answer.answer
    assert "哪个局" in typed.answer.rewritten_question
