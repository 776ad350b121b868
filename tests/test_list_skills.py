"""Name-list skills on the real gazette's parsed lists (list_member), as the candidates they
propose, before any selection."""
from __future__ import annotations

import pytest

from qa.pipeline.skills import list_member


def test_a_name_on_a_list_gives_its_unit(propose):
    (c,) = propose(list_member, "陈水良是哪里的优秀乡镇农技员?")
    assert c.text.startswith("陈水良(柯城区九华乡农业综合服务中心)")
    # one member and its unit is a fact about that member, not a list: it answers "哪里的" as a
    # sentence does (as a list, the question-type match failed it for "where" questions)
    assert c.kind == "fact"


def test_a_members_answer_quotes_the_heading_of_its_list(propose):
    """The list's own chunk joins its items and leaves its heading to the header: quoting the name
    alone ("陈荣清(柯城区沟溪乡五十都村)") did not say which list it stands on, and read as evidence
    for 种粮大户 no more than any name. The heading is quoted where the document prints it."""
    (c,) = propose(list_member, "种粮大户陈荣清是哪个村的?")
    assert [x.quote for x in c.citations] == ["陈荣清(柯城区沟溪乡五十都村)", "四、衢州市2016年度优秀种粮大户(20名)"]
    assert c.text == "陈荣清(柯城区沟溪乡五十都村)[1],列于“四、衢州市2016年度优秀种粮大户(20名)”[2]。"


def test_who_by_unit_quotes_the_heading_and_is_weighed_by_the_lists_words(engine, propose):
    """The names a unit picks are quoted, then their list's heading; the candidate's strength is how
    well that heading and those names match the question (not the document's title, which the list's
    heading does not print)."""
    q = "2016年安全生产先进个人里市西区管委会的是谁?"
    c = propose(list_member, q)[0]
    assert c.text == "张水才(市西区管委会)[1],列于“市本级(15名)”[2]。"
    assert [x.quote for x in c.citations] == ["张水才(市西区管委会)", "市本级(15名)"]
    assert c.prior == engine.pipeline.ctx.cov(q, "二、先进个人(50名) 市本级(15名) 张水才(市西区管委会)")


def test_a_name_is_found_after_the_role_its_list_prints_before_it(propose):
    # "副组长:毛建民(市政府)": the name is 毛建民, not "副组长:毛建民"
    (c,) = propose(list_member, "毛建民在除险安居领导小组里是什么角色?")
    assert c.text.startswith("副组长:毛建民(市政府)[1]")


@pytest.mark.parametrize("q, member, heading", [
    ("先进个人里市西区管委会的是谁?", "张水才(市西区管委会)", "市本级(15名)"),  # the unit named whole
    ("先进个人里巨化集团那个是谁?", "范信根(巨化集团公司)", "在衢央企、省企(5名)"),  # by its first characters
    ("除险安居领导小组里市国土局的是谁?", "徐常青(市国土局)", "领导小组成员名单"),
])
def test_who_is_asked_by_the_unit_beside_the_name(propose, q, member, heading):
    best = propose(list_member, q)[0]
    assert member in best.text and heading in best.text


def test_a_county_and_the_next_character_name_no_unit(propose):
    """柯城区安监局 begins "柯城区安" as "柯城区安全生产…" does: four characters of a unit that begins with its
    county name the county, not the unit, so they pick no one by unit (the county's whole share of the
    list is the enumeration's cut)."""
    assert propose(list_member, "柯城区安全生产先进个人有谁?") == []
    # two characters of its own after the county do name it
    (c,) = propose(list_member, "先进个人里常山县安监的是谁?")
    assert c.text.startswith("胡俊(常山县安监局)")


def test_a_unit_alone_asks_no_name_list(propose):
    # 市西区管委会 stands beside 张水才 on the 先进个人 list, but the question names no list
    assert propose(list_member, "市西区管委会的主任是谁?") == []


# ------------------------------------------------------------------ extracts, as the whole pipeline proposes them
def _candidates(engine, q: str, day=None):
    import datetime as dt

    out = engine.pipeline.run(q, day or dt.date(2017, 6, 5))
    return [s.candidate for s in out.scored[0]]


def test_a_lists_heading_is_extracted_with_the_whole_list_under_it(engine):
    """"二、…先进乡镇(10个)" printed above its names one per line: the extract took the heading and the
    first name only ("…(10个)柯城区万田乡"), a wrong answer that outranked the whole list."""
    extracts = [c for c in _candidates(engine, "2016年度粮食生产先进乡镇都是哪些地方") if c.skill == "extractive"
                and "先进乡镇(10个)" in c.text]
    assert extracts
    for c in extracts:
        assert "柯城区万田乡、衢江区莲花镇" in c.text and "开化县桐村镇" in c.text


def test_an_extract_and_an_enumeration_of_one_list_agree():
    """The list chunk prints its items joined by 、, the paragraph one per line: the same evidence."""
    from qa.model import Citation
    from qa.pipeline.features import _shares_quote
    from qa.pipeline.types import Candidate

    def cand(quote):
        return Candidate("x", "list", quote, (Citation("k", "k", "t", "", quote, "k#a", 0, 0),), 1.0)

    assert _shares_quote(cand("二、先进乡镇(10个)\n柯城区万田乡\n衢江区莲花镇"), cand("柯城区万田乡、衢江区莲花镇"))
    assert not _shares_quote(cand("柯城区万田乡\n衢江区莲花镇"), cand("龙游县塔石镇、龙游县詹家乡"))


def test_a_task_under_a_year_heading_is_quoted_with_its_year(engine):
    """"(一)2017年。…江山市、常山县各建成1处以上…示范区;": the year is the task's, and its deadline."""
    import datetime as dt

    texts = [c.text for c in _candidates(engine, "江山和常山各建一处地灾避让搬迁示范区，要求哪年建成，过期了没",
                                         dt.date(2018, 1, 10)) if c.skill == "extractive"]
    assert "(一)2017年。[1]江山市、常山县各建成1处以上地质灾害避让搬迁特色示范区;[2]" in texts
    assert not any(t.startswith("江山市、常山县各建成") for t in texts)


def test_a_year_heading_dates_its_section(engine):
    import datetime as dt

    recs = [r for r in engine.corpus.timeline.of("衢政办发〔2017〕24号") if r.kind == "period" and r.text.startswith("(")]
    assert [(r.phrase, r.end) for r in recs] == [("2017年", dt.date(2017, 12, 31)), ("2018年", dt.date(2018, 12, 31)),
                                                 ("2019年", dt.date(2019, 12, 31))]


def test_an_extract_is_proposed_once(engine):
    """Seeds from the lexical and the encoder's rankings, alone or glued, built the same extract up to
    five times ("为表彰先进、…授予龙游县等2个县…"): each counted as a candidate of its own."""
    texts = [c.text for c in _candidates(engine, "2016年粮食生产先进县是哪几个?") if c.skill == "extractive"]
    assert texts and len(texts) == len(set(texts))


def test_an_extract_says_how_many_seeds_built_it(engine):
    """Proposed once, an extract still says how many seeds built it, which the scorer's fitting counts
    (eval.train): the sentence both rankings find ("组织好世界知识产权日…") was built more than once."""
    cands = [c for c in _candidates(engine, "每年知识产权方面要组织哪几个宣传活动?") if c.skill == "extractive"]
    built = {c.text: c.built for c in cands}
    assert len(built) == len(cands) and min(built.values()) >= 1
    assert max(n for t, n in built.items() if "世界知识产权日" in t) >= 2


def test_paragraphs_opening_with_their_own_title_enumerate_their_unit(propose):
    """"(六)时尚轻工。" is followed by paragraphs that open with a short title of their own ("新型皮革。
    紧跟…"): they are its sub-items, though the outline numbers none of them, each quoted where it stands."""
    from qa.pipeline.skills import enumeration

    cands = [c for c in propose(enumeration, "时尚轻工这块具体包括哪几样?") if c.items]
    assert cands and cands[0].items == ("新型皮革", "高端木门家具", "智能家居", "户外休闲"), [c.text for c in cands]
    assert [c.quote for c in cands[0].citations] == ["新型皮革。", "高端木门家具。", "智能家居。", "户外休闲。"]


def test_a_sentence_after_the_first_full_stop_is_no_title():
    """A title is short and holds no comma or pause: a wrapped line or a plain sentence is not one."""
    from qa.pipeline.context import _RUN_IN

    assert _RUN_IN.match("新型皮革。紧跟绿色发展和需求多元化趋势").group(1) == "新型皮革"
    assert _RUN_IN.match("积极推动传统的皮革、木门家具等产业转变。打造一批") is None
    assert _RUN_IN.match("(六)时尚轻工。") is None  # a numbered heading: the outline has it already


def test_a_part_whose_heading_the_question_never_names_is_not_its_list(propose):
    """"第二批重点课题都有哪些?" asks for the six 课题: the two parts of 四、研究启动西区二期建设 match the
    question only through the plan's name, which both lists share, and were proposed first."""
    from qa.pipeline.skills import enumeration

    cands = [c for c in propose(enumeration, "市政府第二批重点课题都有哪些?") if c.items]
    assert cands and len(cands[0].items) == 6, [c.text for c in cands]
    assert not any(c.items == ("(一)西区二期范围的管理体制研究", "(二)西区二期策划") for c in cands)
    # naming the heading still asks for the part
    named = [c for c in propose(enumeration, "第二批重点课题里研究启动西区二期建设包括哪些?") if c.items]
    assert named and len(named[0].items) == 2, [c.text for c in named]


def test_articles_headed_by_their_number_alone_are_no_list(propose):
    """A regulation's articles are headed "第一条", "第二条"…: listing them ("共13项:第一条、第二条…",
    quoting the whole regulation) answered "电瓶车上牌要带哪些东西?" over 第五条's 提交以下资料 and its items.
    How many articles there are is the structure's count (test_answer)."""
    from qa.pipeline.skills import enumeration

    for q in ("电瓶车上牌要带哪些东西?", "哪些电瓶车不给上牌?"):
        assert not any(c.items and c.items[0] == "第一条" for c in propose(enumeration, q)), q


def test_the_materials_to_bring_are_the_article_that_lists_them(engine):
    best = _candidates(engine, "我叫张秀英,想给电瓶车上牌,要带哪些东西去?")[0]
    assert best.text.startswith("第五条") and "购车发票或者其他合法来源凭证" in best.text, best.text


def test_a_county_named_in_full_also_picks_the_units_named_by_its_short_name(propose):
    """"江山市有哪几个" cuts the 先进个人 list to the 江山 names: 徐辉 stands for 江山经济开发区管委会, a unit
    of 江山市 printed without 市; cutting by "江山市" left him out."""
    from qa.pipeline.skills import enumeration

    cut = [c for c in propose(enumeration, "2016年安全生产先进个人里江山市有哪几个?") if c.features.get("filtered")]
    assert cut, [c.text[:60] for c in propose(enumeration, "2016年安全生产先进个人里江山市有哪几个?")]
    assert "徐辉(江山经济开发区管委会)" in cut[0].items and "王剑(江山市安监局)" in cut[0].items
    assert not any("衢江" in it or "常山" in it for it in cut[0].items)


def test_a_list_of_bodies_asked_is_not_answered_by_a_list_naming_none(engine):
    """"…专利清零工程归哪些部门负责?" asks for departments: the plan's ten 工程 name none, and are no
    candidate; the 工程's own "责任单位:…" line is."""
    out = engine.ask("知识产权示范城市培育方案的实施规上工业企业专利清零工程归哪些部门负责?").outcome
    cands = [s.candidate for s in out.scored[0]]
    assert not any(c.skill == "enumeration" and "三强一制造" in c.text for c in cands), [c.text[:40] for c in cands]
    assert any("责任单位:市科技局、市经信委、市财政局" in c.text for c in cands)
