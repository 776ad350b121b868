"""The capped matching form: what a long question's answering looks at, and what it still sees."""
from __future__ import annotations

from qa.limits import MAX_MATCH, MAX_QUESTION, capped
from qa.places import PlaceNames

FREE_TOUR_KEY = "衢政办发〔2017〕29号"


def test_capped_keeps_a_short_question_whole():
    q = "6月12日哪些景区免费?"
    assert capped(q) == q
    assert capped("景" * MAX_MATCH) == "景" * MAX_MATCH


def test_capped_keeps_head_and_tail_apart():
    q = "电动自行车登记" + "的" * (MAX_QUESTION - 20) + "需要哪些材料?"
    c = capped(q)
    assert len(c) == MAX_MATCH
    assert c.startswith("电动自行车登记") and c.endswith("需要哪些材料?")
    assert " " in c  # no word or character pair forms across the cut
    assert capped(c) == c


def test_the_place_tagger_knows_dictionary_places_without_its_hmm():
    places = PlaceNames("衢州市柯城区江山市")
    assert places.unknown("金华市的防汛物资仓库要多大?") == "金华市"
    assert places.unknown("杭州的景区免费吗?") == "杭州"
    assert places.unknown("我住在溪口镇,低保怎么申请?") == "溪口镇"
    assert places.unknown("江山市的景区免费吗?") is None
    assert places.unknown("先进集体里市本级有几家?") is None


def test_a_place_at_either_end_of_a_long_question_is_still_seen():
    places = PlaceNames("衢州市")
    filler = "请问一下" * 100
    assert places.unknown(filler + "金华市的防汛物资仓库要多大?") == "金华市"
    assert places.unknown("金华市" + filler + "的防汛物资仓库要多大?") == "金华市"


def test_a_long_question_is_answered_from_its_capped_form(engine):
    """A 500-character message that opens with its topic and closes with its ask is answered; what
    was matched (rewritten_question) is the capped form."""
    q = "全球免费游衢州活动," + "我们一家人打算五月份过来玩," * 33 + "6月12日哪些景区免费?"
    assert MAX_MATCH < len(q) <= MAX_QUESTION
    answer = engine.ask(q).answer
    assert len(answer.rewritten_question) <= MAX_MATCH
    assert answer.found and answer.citations[0].doc_key == FREE_TOUR_KEY


def test_capped_never_cuts_through_a_number_or_an_address():
    for secret in ("13812345678", "11010119900307123X", "zhang.san@example.com", "１３８１２３４５６７８"):
        for pad in range(0, 40, 3):
            q = "请问" * pad + secret + "的" * (MAX_MATCH - pad) + "电动自行车登记需要哪些材料?"
            c = capped(q)
            assert len(c) <= MAX_MATCH
            kept = "".join(ch for ch in c if ch.isascii() and ch.isalnum() or ch.isdigit())
            assert kept in ("", "".join(ch for ch in secret if ch.isalnum())), (pad, c)
