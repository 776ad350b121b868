"""Answers from the real engine (real index, real encoder): computed, extractive, refused, follow-ups."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from qa.errors import InvalidQuery
from qa.retrieve import in_context


def ask(engine, q, **kw):
    return engine.ask(q, **kw).answer


def _cites(answer, doc_key):
    return any(c.doc_key == doc_key for c in answer.citations)


def _quotes_verbatim(engine, answer):
    chunks = {c.id: c for c in engine.corpus.chunks}
    return all(c.quote and c.quote in chunks[c.chunk_id].text for c in answer.citations)


@pytest.mark.parametrize("query,doc,section", [
    ("紧急防汛期 在什么情况下宣布", "衢政发〔2017〕14号", "第二十条"),
    ("农贸市场转型升级 总结提高阶段", "衢政办发〔2017〕14号", "(三)总结提高阶段"),
    ("专利导航", "衢政办发〔2017〕17号", "(六)实施专利导航工程"),
])
def test_golden_queries_rank_their_article_in_top3(engine, query, doc, section):
    hits = engine.search(query, k=3, mode="hybrid")
    assert any(h.chunk.doc_key == doc and section in h.chunk.section for h in hits), [h.chunk.id for h in hits]


def test_free_monday_lists_the_13_spots(engine):
    a = ask(engine, "6月12日哪些景区免费?")
    assert a.found and a.kind == "date"
    assert "星期一" in a.answer and "江郎山" in a.answer and "钱江源" in a.answer and "13" in a.answer
    assert _cites(a, "衢政办发〔2017〕29号") and _quotes_verbatim(engine, a)


def test_holiday_monday_left_out_is_not_free(engine):
    a = ask(engine, "2017年10月2日去江郎山免费吗?")
    assert a.found and "不是免费日" in a.answer and "国庆" in a.answer


def test_december_is_free_all_month(engine):
    a = ask(engine, "12月景区免费吗?")
    assert "全月" in a.answer


def test_table_cell_is_computed(engine):
    a = ask(engine, "龙游县2018年研发经费支出是多少?")
    assert a.found and a.kind == "table" and "2.75" in a.answer and "亿元" in a.answer
    assert _cites(a, "衢政发〔2017〕12号") and _quotes_verbatim(engine, a)


def test_table_comparison(engine):
    a = ask(engine, "2020年哪个县研发人员最多?")
    assert a.kind == "table" and "江山市" in a.answer and "1944" in a.answer


def test_market_lookup(engine):
    a = ask(engine, "斗潭农贸市场的营业面积有多大?")
    assert "4370" in a.answer


def test_complete_list(engine):
    a = ask(engine, "2016年度优秀种粮大户有哪些?")
    assert a.kind == "list" and "共20名" in a.answer and "吴越" in a.answer and "蒋寿富" in a.answer


def test_extractive_fact_cites_verbatim(engine):
    a = ask(engine, "电动自行车登记规定什么时候开始施行?")
    assert a.found and "2017年5月1日" in a.answer
    assert _cites(a, "衢政办发〔2017〕25号") and _quotes_verbatim(engine, a)


def test_unanswerable_is_refused(engine):
    a = ask(engine, "衢州市的出租车起步价是多少钱?")
    assert not a.found and a.kind == "refusal" and "未" in a.answer and not a.citations


def test_punctuation_only_is_not_found(engine):
    assert not ask(engine, "??!!").found


def test_empty_question_is_invalid(engine):
    with pytest.raises(InvalidQuery):
        engine.ask("   ")


def test_follow_up_carries_the_date_slot(engine):
    first = engine.ask("6月12日哪些景区免费?")
    second = engine.ask("那12月呢?", session_id=first.session_id)
    assert second.session_id == first.session_id
    assert second.answer.rewritten_question == "12月哪些景区免费?"
    # December as the gazette states it: the listed line (十二月:全月31天) or its rule sentence
    assert "全月" in second.answer.answer or "2017年12月面向全民免费开放" in second.answer.answer


def test_follow_up_from_explicit_history(engine):
    a = engine.ask("县里呢?", history=["市防指的防汛物资仓库要多大?"]).answer
    assert a.rewritten_question.startswith("县")


def test_a_history_is_understood_as_a_session_is(engine):
    """A history sent with the ask (OpenAI-style clients) is typed as a chat is: full-width, with a
    greeting and a phone number. Each earlier question is normalised as a session's turn is, so the
    follow-up is rewritten and answered the same either way, and no phone number reaches it."""
    first = "你好，我电话13905701234，市防指的防汛物资仓库要多大？"
    session = engine.ask(first).session_id
    by_session = engine.ask("县里呢？", session_id=session).answer
    by_history = engine.ask("县里呢？", history=[first]).answer
    assert by_history.rewritten_question == by_session.rewritten_question
    assert "13905701234" not in by_history.rewritten_question
    assert by_history.answer == by_session.answer


def test_unknown_session_starts_a_new_one(engine):
    r = engine.ask("专利导航工程由谁负责?", session_id="no-such-session")
    assert r.session_id != "no-such-session"


def test_relative_date_against_the_reference_date(engine):
    # the session settings fix "today" at 2017-06-05 (a Monday): 下周一 is 2017-06-12
    a = ask(engine, "下周一去江郎山免费吗?")
    assert a.kind == "date" and "6月12日" in a.answer and "是免费日" in a.answer


def test_two_part_question_answers_both_parts(engine):
    a = ask(engine, "汛期是哪段时间?地质灾害领导小组汛期要不要值班?")
    assert a.found and "4月15日至10月15日" in a.answer and "值班" in a.answer
    assert len(a.citations) >= 2 and _quotes_verbatim(engine, a)


def test_a_later_part_is_searched_within_the_question_it_belongs_to(engine):
    # "市里的钱" alone finds the quarterly reports of another document (从2017年第二季度开始…); within the
    # question about the livestock plan it finds that plan's money
    a = ask(engine, "畜牧业绿色发展示范市三年行动方案哪天开始施行？市里的钱从哪年开始安排？")
    assert "2017年5月10日" in a.answer and "从2017年起" in a.answer and "未作规定" not in a.answer
    assert _cites(a, "衢政办发〔2017〕16号") and not _cites(a, "衢政办发〔2017〕27号")


def test_a_later_part_keeps_the_passages_it_finds_alone(engine):
    retriever = engine.retriever
    question = retriever.search("畜牧业示范市方案哪天施行?扶贫健康保险保费谁出?", k=10, mode="bm25")
    own = retriever.search("扶贫健康保险保费谁出", k=10, mode="bm25")
    fused = in_context(own, question, 10)
    assert len(fused) == 10 and fused[0].chunk.doc_key == "衢政办发〔2017〕18号"
    # a passage both find leads one only the part finds
    both = [h.chunk.id for h in own if h.chunk.id in {x.chunk.id for x in question}]
    assert both and fused[0].chunk.id in both


def test_a_place_the_gazette_never_mentions_is_refused_by_name(engine):
    a = ask(engine, "温州市的避灾中心要能容纳多少人?")
    assert not a.found and "温州市" in a.answer


def test_a_named_measure_the_answer_lacks_is_refused(engine):
    # the plan is in the gazette, a prize amount is not: topical sentences must not pass for an answer
    assert not ask(engine, "中国制造2025衢州行动的奖金是多少?").found
    assert not ask(engine, "防汛物资仓库的地址在哪里?").found


def test_everyday_words_meet_the_gazettes_words(engine):
    # 电动车/装在/搞 are not the gazette's words (电动自行车/安装在/举行)
    a = ask(engine, "电动车的号牌应该装在车的什么位置?")
    assert a.found and "车辆尾部" in a.answer and _cites(a, "衢政办发〔2017〕25号")
    a = ask(engine, "防汛演练村里要多久搞一次?")
    assert a.found and "每2—3年至少举行1次演练" in a.answer
    assert a.rewritten_question == "防汛演练村里要多久搞一次?"  # the question as asked is reported


def test_follow_up_points_into_the_listed_items(engine):
    # "最后一个"/"第一个" refer to the enumeration the session answered last, even a turn later
    first = engine.ask("农贸市场转型升级有哪几个阶段?")
    assert first.answer.kind == "list"
    last = engine.ask("最后一个阶段什么时候结束?", session_id=first.session_id).answer
    assert last.rewritten_question == "总结提高阶段什么时候结束?" and "2018年12月31日前" in last.answer
    again = engine.ask("第一个呢?", session_id=first.session_id).answer
    assert "前期部署阶段" in again.rewritten_question and "2017年3月31日前" in again.answer


def test_follow_up_keeps_the_topic_not_the_previous_verb(engine):
    first = engine.ask("电动车登记要带什么材料?")
    second = engine.ask("没有发票怎么办?", session_id=first.session_id).answer
    assert second.rewritten_question == "电动车登记没有发票怎么办?"
    assert "承诺书" in second.answer


def test_follow_ups_carry_the_conversations_topic_not_the_last_rewrite(engine):
    # the asker's own circumstance ("我家是低保户,") is no topic; a second follow-up carries the topic
    # the conversation started with, not the first follow-up's standalone question with its ask
    first = engine.ask("我家是低保户,扶贫健康保险都保哪些情况?")
    second = engine.ask("那保费要我们自己出吗?", session_id=first.session_id).answer
    assert second.rewritten_question == "扶贫健康保险保费要我们自己出吗?"
    last = engine.sessions.get_or_create(first.session_id).last
    assert last.topic == "扶贫健康保险"
    # (a follow-up the gazette cannot answer on its own, so that the topic is tried: the engine keeps
    # that try when it is answered)
    assert not engine.ask("家里有残疾的看不懂咋办?").answer.found
    understander = engine.pipeline.understander
    plan = understander.plan("家里有残疾的看不懂咋办?", dt.date(2017, 5, 2))
    assert understander.combined(plan, last.question, last.topic).standalone == "扶贫健康保险家里有残疾的看不懂咋办?"
    third = engine.ask("家里有残疾的看不懂咋办?", session_id=first.session_id).answer
    # the same conversation sent as history, without a session
    sent = engine.ask("家里有残疾的看不懂咋办?",
                      history=["我家是低保户,扶贫健康保险都保哪些情况?", "那保费要我们自己出吗?"]).answer
    assert sent.rewritten_question == third.rewritten_question


@pytest.mark.parametrize("question, previous, standalone", [
    # a place said without its level suffix is the place the follow-up replaces, and the asker's own
    # clause naming it goes (开化 is asked about, not 龙游); one holding the topic stays
    ("那开化呢?", "我是龙游的,龙游2017年研发经费支出目标是多少亿?", "开化2017年研发经费支出目标是多少亿?"),
    ("那常山县呢?", "我听讲市里在搞畜牧业绿色发展示范市,市财政出多少钱啊?", "我听讲市里在搞畜牧业绿色发展示范市,常山县财政出多少钱啊?"),
    ("那常山县呢", "江山每年新增省级科技型中小企业任务几家?", "常山县每年新增省级科技型中小企业任务几家?"),
    # …and so is the whole city; a place with a year replaces both
    ("那龙游县的呢?", "1238行动计划里研发人员数到2020年全市目标是多少人年?", "1238行动计划里研发人员数到2020年龙游县目标是多少人年?"),
    ("那开化到2020年呢?", "龙游2017年研发经费支出目标是多少亿?", "开化到2020年研发经费支出目标是多少亿?"),
    # …said before 呢 and an ask the previous question already asks
    ("那常山呢?一共几个?", "2017年江山要建几个避灾安置场所?", "2017年常山要建几个避灾安置场所?"),
    # a two-character word that is no place's stem (高新 of 高新区) is not replaced
    ("那衢江区呢?", "江山市2020年高新技术产业增加值目标是多少?", "衢江区2020年高新技术产业增加值目标是多少?"),
    # another kind (类) of the same thing
    ("消防的呢", "工矿类重大隐患整改后由谁组织验收?", "消防类重大隐患整改后由谁组织验收?"),
    ("那商品类的呢?", "金融资产、股权类的交易场所,啥样的人才能参与交易?", "商品类的交易场所,啥样的人才能参与交易?"),
    # 啥 asks as 什么 does: the topic ends before it
    ("那发票找不着了呢?", "电瓶车去上牌得带啥东西?", "电瓶车去上牌发票找不着了?"),
    # a modifier (…的) replaces the modifier of the thing asked about, and the ask stays
    ("那道路的呢?", "工矿企业的重大隐患整改后由谁组织验收?", "道路的重大隐患整改后由谁组织验收?"),
    # a place replaces the level that is the clause's subject (市财政), not a word that only ends like
    # a place (示范市)
    ("那常山县呢?", "创建畜牧业绿色发展示范市,市财政安排多少钱?", "创建畜牧业绿色发展示范市,常山县财政安排多少钱?"),
    # the same place with another year: the year is replaced
    ("江山到2020年呢?", "江山2017年研发经费支出目标是多少亿?", "江山到2020年研发经费支出目标是多少亿?"),
    # a thing named in place of the one asked about is asked the same
    # another row of the same table (a listed hazard) in place of the row the question named, by any of
    # its name cells (unit, address): "荷花中路" is 阿贵饭店's address, "马金镇" 远兴机械's
    ("那铭豪庄园小区呢?", "荷花中路阿贵饭店的消防隐患要求什么时候前整改好?", "铭豪庄园小区的消防隐患要求什么时候前整改好?"),
    ("那马金镇远兴机械的呢", "开化底本村华信矿业尾矿库隐患计划啥时候整改完?", "马金镇远兴机械尾矿库隐患计划啥时候整改完?"),
    # …said before 呢 and another ask, or with what of it is asked ("的尾矿库")
    ("远兴机械的呢,过期了么?", "开化艾佳牧业那个隐患要几月底前整改好?", "远兴机械那个隐患要几月底前整改好?"),
    ("那华信矿业的尾矿库呢?", "开化艾佳牧业那个隐患要几月底前整改好?", "华信矿业的尾矿库那个隐患要几月底前整改好?"),
    # a kind of the noun that follows the row named ("…路口的隐患") in place of the row and the noun
    ("那消防类的隐患呢", "石华线与苦狮线路口的隐患什么时候前要整改完?", "消防类的隐患什么时候前要整改完?"),
    # what a how-many question counts is part of its topic; a follow-up's own ask is no phrase to replace
    # ("受威胁的人有多少?" was "受威胁的人有多少个地质灾害隐患点?"), and the words it opens with that the
    # topic opens with are said once
    ("其中重大的有几个?", "衢江区有多少个地质灾害隐患点?", "衢江区地质灾害隐患点重大的有几个?"),
    ("受威胁的人有多少?", "衢江区有多少个地质灾害隐患点?", "衢江区地质灾害隐患点受威胁的人有多少?"),
    ("衢江区里重大的有几个?", "衢江区有多少个地质灾害隐患点?", "衢江区地质灾害隐患点里重大的有几个?"),
    ("那受威胁的有多少人呢?", "我是衢江区的,衢江区一共有多少个地质灾害隐患点啊?", "衢江区地质灾害隐患点受威胁的有多少人?"),
    # …while an ask that counts nothing named is replaced with the phrase before it
    ("市财政出多少钱?", "畜牧业绿色发展示范市 市政府一共安排多少钱?", "畜牧业绿色发展示范市 市财政出多少钱?"),
    # a phrase is replaced from where a word begins: not from inside 除险 ("除10人以下的隐患点…")
    ("那10人以下的隐患点最晚什么时候完成", "除险安居三年行动计划要几年完成?",
     "除险安居三年行动计划10人以下的隐患点最晚什么时候完成?"),
    # a day in place of a month takes its 份 too ("元旦份哪天…")
    ("那元旦呢?", "12月份哪天去都免费吗?一共几天?", "元旦哪天去都免费吗?一共几天?"),
])
def test_a_follow_up_replaces_the_place_or_kind_it_names(engine, question, previous, standalone):
    plan = engine.pipeline.understander.plan(question, dt.date(2017, 5, 2), previous)
    assert plan.standalone == standalone


def test_a_month_follow_up_replaces_the_day_asked_before(engine):
    # "那12月呢?" after a relative day asks about the month in its place, not after the question
    first = engine.ask("下周一去江郎山能免门票吗?")
    second = engine.ask("那12月呢?", session_id=first.session_id).answer
    assert second.rewritten_question == "12月去江郎山能免门票吗?"
    assert "12月" in second.answer


def test_two_documents_dates_are_compared(engine):
    # computed from both documents' printed dates, not picked from one passage
    a = ask(engine, "电动自行车登记规定和防汛防台管理工作暂行办法,哪个先发的?")
    assert a.kind == "date" and "2017年4月24日" in a.answer and "2017年4月10日" in a.answer
    assert "较早的是《衢州市防汛防台管理工作暂行办法》" in a.answer
    assert _cites(a, "衢政办发〔2017〕25号") and _cites(a, "衢政发〔2017〕14号") and _quotes_verbatim(engine, a)


def _filtered_lists(engine, q):
    out = engine.ask(q).outcome
    subs = [s.candidate for part in out.scored for s in part if s.candidate.features.get("filtered")]
    return sorted(subs, key=lambda c: -c.prior)  # the skill's own order: its strength


def test_a_qualifier_cuts_a_name_list_down(engine):
    # "江山市的有哪些" asks for the listed 乡镇 of 江山市, each quoted where it stands
    subs = _filtered_lists(engine, "2016年度粮食生产先进乡镇里江山市的有哪些?")
    assert subs and subs[0].items == ("江山市长台镇", "江山市凤林镇", "江山市石门镇")
    chunks = {c.id: c for c in engine.corpus.chunks}
    assert all(c.quote in chunks[c.chunk_id].text for c in subs[0].citations)
    # of two lists sharing a title, the one whose own heading the question names comes first
    subs = _filtered_lists(engine, "2016年度安全生产先进个人中常山县的有哪几位?")
    assert subs and "胡俊(常山县安监局)" in subs[0].items and all("常山县" in i for i in subs[0].items)


def test_a_topic_word_inside_an_item_qualifies_nothing(engine):
    # "粮食" stands in "李和平(常山县商务和粮食局)" of the safety list; the question is about the grain lists
    assert _filtered_lists(engine, "2016年度粮食生产先进县是哪几个?") == []


def test_a_records_field_is_quoted_with_the_records_heading(engine):
    # "完成时限:2017年9月底" alone does not say which 课题 it belongs to: every extractive candidate
    # quoting a record's field quotes the record's heading first
    out = engine.ask("儒学小镇那个课题要求几月底完成?").outcome
    chunks = {c.id: c for c in engine.corpus.chunks}
    seen = 0
    for s in out.scored[0]:
        c = s.candidate
        if c.skill != "extractive":
            continue
        for n, cite in enumerate(c.citations):
            chunk = chunks[cite.chunk_id]
            if cite.quote.startswith("完成时限") and chunk.path:
                seen += 1
                assert any(chunk.path[-1].strip()[:6] in x.quote for x in c.citations[:n]), c.text
    assert seen


def test_a_sold_bike_is_answered_by_its_transfer_registration(engine):
    """"卖给别人" and "过户" are the gazette's transfer of ownership (第十条, 转移登记), in a question
    and in a follow-up after a lost plate."""
    r = engine.ask("有群众问电瓶车卖给别人了要办什么手续 要带啥")
    assert "转移登记" in r.answer.answer and "双方身份证明" in r.answer.answer, r.answer.answer
    first = engine.ask("电瓶车牌照丢了咋办?")
    r = engine.ask("那要是把车卖给别人了呢?", session_id=first.session_id)
    assert "转移登记" in r.answer.answer, r.answer.answer


def test_the_nth_item_of_an_outline_is_proposed_by_its_ordinal(engine):
    out = engine.ask("农贸市场转型升级的第二个阶段是什么?").outcome
    cands = [s.candidate for s in out.scored[0] if s.candidate.skill == "enumeration"]
    # the answer names the second item; the candidate keeps the whole outline for follow-ups ("第三个呢?")
    assert any("(二)分类推进阶段(2018年8月31日前)" in c.text and c.items[1] == "(二)分类推进阶段(2018年8月31日前)"
               and c.citations[0].quote.startswith("(二)分类推进阶段") for c in cands)


def test_a_place_the_cited_document_never_names_marks_the_candidate(engine):
    """杭州 stands in the corpus, so no gate stops "杭州的扶贫健康保险…"; but the insurance document
    never names it, and the candidates say so (place_in_doc), while the place an asker says they
    live in ("我是衢江区的,…") is theirs, not what is asked."""
    other = engine.ask("杭州的扶贫健康保险是从哪天开始施行的?").outcome
    cands = [s.candidate for s in other.scored[0] if s.candidate.citations[0].doc_key == "衢政办发〔2017〕18号"]
    assert cands and all(c.features["place_in_doc"] == 0.0 for c in cands)
    own = engine.ask("我是衢江区的低保户,扶贫健康保险的意见从几号起生效?").outcome
    cands = [s.candidate for s in own.scored[0] if s.candidate.citations[0].doc_key == "衢政办发〔2017〕18号"]
    assert cands and all(c.features["place_in_doc"] == 1.0 for c in cands)
    assert not engine.ask("杭州的扶贫健康保险是从哪天开始施行的?").answer.found


def test_a_place_the_asker_only_lives_or_works_in_does_not_close_the_gate(engine):
    """金华市 stands nowhere in the corpus: "金华市的…" is refused at the gate, but a resident who
    works there and asks about 衢州's rule is asking about 衢州 (it used to be refused at the gate):
    it goes on to the decision with 第五条's list of papers selected (whether that reaches τ is the
    scorer's to say: the question, with or without the circumstance, stands near τ)."""
    assert engine.ask("金华市电动自行车登记要带什么材料?").outcome.decision.reason == "gate:unknown_place"
    out = engine.ask("我在金华市上班,衢州电动自行车登记要带什么材料?")
    assert not out.outcome.decision.reason.startswith("gate:")
    assert "身份证明" in out.outcome.scored[0][0].candidate.text


def test_a_division_the_tagger_misses_marks_the_candidate(engine):
    """jieba tags 金华 nz, not a place; the division list names it, and the registration rule, which
    never names 金华, is marked as not about it."""
    out = engine.ask("金华那边的电动自行车登记规定从哪天起施行?").outcome
    cands = [s.candidate for s in out.scored[0] if s.candidate.citations and s.candidate.citations[0].doc_key == "衢政办发〔2017〕25号"]
    assert cands and all(c.features["place_in_doc"] == 0.0 for c in cands)


@pytest.mark.parametrize("question, date", [("地质灾害防治的暂行办法哪天起施行?", "2017年5月25日"),
                                            ("防汛防台管理工作暂行办法哪天起施行?", "2017年5月10日")])
def test_when_a_document_takes_effect_is_answered_from_its_dates(engine, question, date):
    """The quote "本办法自…起施行" is the evidence of a computed date, not a paraphrase of the question:
    its vector's distance to "哪天起施行" must not make the decision doubt it (it used to be refused)."""
    a = engine.ask(question).answer
    assert a.found and date in a.answer, a.answer


@pytest.mark.parametrize("question", ["知识产权示范城市培育方案是哪天印发的?童炜鑫兼任的是什么职务呀?",
                                      "防汛防台管理工作暂行办法是哪天印发的?汛期是哪段时间?"])
def test_a_question_of_two_parts_answers_each_part_or_names_it(engine, question):
    """Answered as a whole, a two-part question still accounts for each part: the whole answer
    quotes it, its own confident answer is added, or the answer names it as not stated/not found."""
    reply = engine.ask(question)
    out, text = reply.outcome, reply.answer.answer
    assert reply.answer.found and len(out.plan.parts) == 3
    quoted = {c.quote for c in reply.answer.citations}
    for n, part in enumerate(out.plan.parts[1:], 1):
        best = out.scored[n][0].candidate if out.scored[n] else None
        answered = best is not None and any(c.quote in quoted for c in best.citations)
        typed = part.focus or part.text  # a part carrying the first part's topic is named as typed
        assert answered or f"关于“{typed.rstrip('?？')}”" in text, (part.text, text)


def test_a_statement_after_the_question_is_neither_answered_nor_named_as_not_stated(engine):
    """"…哪天施行?我帮邻居问问。": the second sentence asks nothing, so the answer neither answers it
    nor says the gazette does not state it."""
    reply = engine.ask("市区电动自行车登记规定哪天施行？我帮邻居问问。")
    a = reply.answer
    assert a.found and "2017年5月1日" in a.answer, a.answer
    assert "邻居" not in a.answer, a.answer
    understood = next(st for st in reply.outcome.trace.stages if st.name == "understand")
    assert understood.summary["parts"][-1].endswith("(not asked: a circumstance)"), understood.summary


def test_counted_lists_say_what_they_count_in_the_gazettes_words(engine):
    """A heading that states its count names its document (the year stands in the title), and a list
    whose heading says "市本级(15名)" is counted in 名, not in the asker's 人 (the lists of 先进个人
    come first for a question about them: their own headings break the tie on the shared title)."""
    texts = [s.candidate.text for s in engine.ask("2016年度安全生产先进个人总共评了多少人").outcome.scored[0]
             if s.candidate.skill == "enumeration"]
    assert any("2016年度全市安全生产工作先进集体和先进个人的通报》所列:二、先进个人(50名)" in t for t in texts), texts
    assert any(t.startswith("共15名:陈忠贤") for t in texts), texts
    assert not any(re.match(r"共\d+人", t) for t in texts), texts


def test_sibling_lists_of_one_document_are_told_apart_by_their_own_headings(engine):
    """The six lists of the 2016 safety commendation share its title, which names both 先进集体 and
    先进个人: "先进个人中常山县的" is answered from the 先进个人 lists, first and when cut down to 常山县."""
    cands = [s.candidate for s in engine.ask("2016年度安全生产先进个人中常山县的有哪几位?").outcome.scored[0]
             if s.candidate.skill == "enumeration"]
    whole = [c for c in cands if not c.features.get("filtered")]
    assert whole and whole[0].items[0] == "邢春建(柯城区安监局)", [c.text[:40] for c in whole]
    cut = [c for c in cands if c.features.get("filtered")]
    assert cut and all("先进个人" in c.text for c in cut), [c.text[:60] for c in cut]
    assert "胡俊(常山县安监局)" in cut[0].items and not any("常山县安监局" == i for c in cut for i in c.items)


def test_a_glued_sentence_that_only_names_the_plan_is_left_out(engine):
    """A sentence matching the question only by words of its document's title ("衢州市开展国家知识产权
    示范城市培育工作方案2016年12月,…") is not glued in front of the sentence that answers."""
    out = engine.ask("知识产权示范城市领导小组的办公室设在哪里?").outcome
    glued = [s.candidate for s in out.scored[0] if s.candidate.skill == "extractive" and "设在市科技局" in s.candidate.text]
    assert glued
    assert not any("我市顺利通过国家知识产权试点城市验收" in c.text for c in glued), [c.text[:60] for c in glued]


_FIELD_QUOTE = re.compile(r"^[((]?[\u4e00-\u9fff]{2,6}[::]")


@pytest.mark.parametrize("q", ["衢州科技馆是哪个部门牵头建设的?", "西区二期策划的完成时限是什么时候?",
                               "张江那边的孵化园是哪个单位在牵头搞的?"])
def test_a_records_field_is_glued_to_its_own_record_only(engine, q):
    """Each item of "(一)打造西区科技创新城" ends with its own "(牵头单位:…)", each 课题 has its own
    "完成时限:…": a field quoted from another record than the candidate's first quote would answer for
    the wrong item (科技馆 was answered with 科技大市场's "(牵头单位:市科技局…)")."""
    out = engine.ask(q).outcome
    cands = [s.candidate for s in out.scored[0] if s.candidate.skill == "extractive" and len(s.candidate.citations) > 1]
    assert cands
    for c in cands:
        first = c.citations[0].chunk_id
        fields = [x for x in c.citations if _FIELD_QUOTE.match(x.quote)]
        assert all(x.chunk_id == first for x in fields), (c.text[:80], [x.chunk_id for x in c.citations])


def test_a_record_answers_by_the_field_the_question_names(engine):
    """"谁牵头" is answered by the record's "牵头部门:…" though it matches little else of the question; the
    field's heading is quoted first, and no sentence is quoted twice."""
    a = engine.ask("来电人问西区二期策划研究谁牵头").answer
    assert a.found and "牵头部门:市规划局" in a.answer and a.answer.index("(二)西区二期策划") < a.answer.index("市规划局")
    a = engine.ask("衢州科技馆是哪个部门牵头建设的?").answer
    assert a.found and "牵头单位:市发改委" in a.answer and "市科技局;" not in a.answer
    quotes = [c.quote for c in a.citations]
    assert not any(q in p for i, q in enumerate(quotes) for p in quotes[:i]), quotes


def test_asked_who_a_duty_clause_is_quoted_with_the_body_it_goes_on_from(engine):
    """衢政办发〔2017〕27号: "市银监局应加大…调查;指导银行业金融机构支持…;引导银行业金融机构积极对接PPP项目,…":
    the last two clauses are 市银监局's duties though they do not name it. Asked who, an extract quoting
    one of them quotes the clause naming the body first; asked something else, it does not."""
    out = engine.ask("引导银行业金融机构对接PPP项目是哪个部门的职责?").outcome
    quoting = [s.candidate for s in out.scored[0] if s.candidate.skill == "extractive"
               and any(c.quote.startswith("引导银行业金融机构积极对接PPP项目") for c in s.candidate.citations)]
    assert quoting and all("市银监局应加大" in c.text for c in quoting), [c.text[:60] for c in quoting]
    assert out.answer.found and "市银监局" in out.answer.answer
    out = engine.ask("引导银行业金融机构对接PPP项目要达到什么目的?").outcome
    assert not any("市银监局应加大" in s.candidate.text for s in out.scored[0] if s.candidate.skill == "extractive"
                   and s.candidate.citations[0].quote.startswith("引导银行业金融机构积极对接PPP项目"))


def test_a_follow_up_naming_another_record_asks_the_same_attribute_of_it(engine):
    """"乌溪江取水口上移课题的完成时限" asks an attribute without a question word; "那儒学小镇呢" and then
    "那西区二期策划呢" ask the same of the other 课题, each answered by its own record's 完成时限."""
    first = engine.ask("来电人问乌溪江取水口上移课题的完成时限")
    second = engine.ask("那另一个课题儒学小镇呢", session_id=first.session_id)
    assert second.outcome.plan.standalone == "另一个课题儒学小镇的完成时限?"
    assert second.answer.found and "完成时限:2017年9月底" in second.answer.answer
    third = engine.ask("那西区二期策划呢", session_id=first.session_id)
    assert third.outcome.plan.standalone == "西区二期策划的完成时限?"
    assert third.answer.found and "完成时限:2017年12月底" in third.answer.answer


def test_a_glued_sentence_adds_more_than_the_place_asked_about(engine):
    """"开化县地质灾害隐患点有几处?": a sentence that matches only by naming 开化县 ("柯城区、衢江区、龙游
    县、开化县各建成1处以上…示范区") is glued to no other, which would read as 开化县's count; one that
    adds another word of the question (财政) still is."""
    out = engine.ask("开化县地质灾害隐患点有几处?").outcome
    glued = [[c.quote for c in s.candidate.citations if not re.fullmatch(r"[((][一二三四五六七八九十]+[))]\d{4}年。", c.quote)]
             for s in out.scored[0] if s.candidate.skill == "extractive"]  # the year headings aside
    assert glued and not any("开化县各建成1处以上" in q for quotes in glued for q in quotes[1:]), glued
    assert out.answer.found and "179" in out.answer.answer
    out = engine.ask("畜牧业示范市创建的钱,柯城区财政自己出多少?").outcome
    assert any("柯城区、常山县、开化县财政各安排200万元" in c.quote for s in out.scored[0] if len(s.candidate.citations) > 1
               for c in s.candidate.citations[1:])


def test_a_count_is_of_the_thing_the_question_counts(engine):
    """"多少家交易场所" counts 交易场所: the three stages of the 回头看 work are not three of them,
    while "分几个阶段" is answered by the stages."""
    def counts(q):
        return [s.candidate.text for s in engine.ask(q).outcome.scored[0] if s.candidate.skill == "enumeration"]

    closed = counts("这次交易场所回头看一共关闭了多少家交易场所?")
    assert not any(re.search(r"共\d+家:\(一\)全面排查风险|共\d+家:一、工作目标", t) for t in closed), closed
    assert any("分类推进阶段" in t for t in counts("农贸市场转型升级分几个阶段?"))


def test_steps_are_counted_by_the_list_headed_as_steps(engine):
    """"分几步走" counts steps: the stages under "三、实施步骤", not the plan's five parts, one of
    which is that heading; "分哪几步走" lists them."""
    texts = [s.candidate.text for s in engine.ask("“最多跑一次”改革分几步走?").outcome.scored[0]
             if s.candidate.skill == "enumeration"]
    assert any("梳理公布阶段" in t and "巩固提升阶段" in t for t in texts), texts
    assert not any("总体要求" in t for t in texts), texts
    # "分哪几步走" lists what "分几步走" counts: the same stages, ranked first among the lists
    texts = [s.candidate.text for s in engine.ask("最多跑一次改革分哪几步走?").outcome.scored[0]
             if s.candidate.skill == "enumeration"]
    assert texts and "梳理公布阶段" in texts[0] and "巩固提升阶段" in texts[0], texts


def test_each_part_of_a_two_part_question_is_answered_from_one_document(engine):
    """The whole of a two-part question may need two documents; each part is one question again, so
    no candidate of a part glues a sentence of another document that merely holds a word it asks
    ("职务" in a dismissal of the 监察局 beside the 钱江源 appointments)."""
    out = engine.ask("电动自行车临时号牌有效期是几年?钱江源国家公园管委会主任是什么职务谁兼任?").outcome
    assert len(out.plan.parts) == 3
    for n in (1, 2):
        assert out.scored[n], out.plan.parts[n]
        for s in out.scored[n]:
            assert len({c.doc_key for c in s.candidate.citations}) == 1, s.candidate.text


def test_a_lead_in_that_ends_its_passage_is_quoted_with_what_it_leads_into(engine):
    """"…具体名单如下:" closes its chunk; the lists stand under the headings that follow. An answer
    quoting the lead-in alone promises what it does not give, so it carries those headings, each
    cited where it stands ("二、先进个人(50名)" answers how many were named)."""
    out = engine.ask("2016年安全生产先进个人一共多少名").outcome
    led = [s.candidate for s in out.scored[0]
           if s.candidate.skill == "extractive" and s.candidate.text.startswith("为表彰先进")]
    assert led, [s.candidate.text[:40] for s in out.scored[0]]
    assert "一、先进集体(36家)" in led[0].text and "二、先进个人(50名)" in led[0].text, led[0].text
    assert {c.quote for c in led[0].citations} >= {"一、先进集体(36家)", "二、先进个人(50名)"}


@pytest.mark.parametrize("question", ["4月25号市政府那个免职的通知,免的是谁?", "4月25日发的免职通知免去了谁的职务?"])
def test_a_document_named_by_its_date_of_issue_is_answered_from_it(engine, question):
    """"4月25号那个免职通知": the date stands in the document's head, not in the sentence quoted, and is
    met by citing the document issued that day; "25号" is read as the gazette writes a day (25日)."""
    a = ask(engine, question)
    assert a.kind != "not_found" and _cites(a, "衢政干〔2017〕5号") and "蔡方林" in a.answer, a.answer


def test_a_sentence_quoted_again_inside_its_lead_in_is_said_once(engine):
    """The dismissal sentence is glued to the lead-in it follows ("市政府研究决定,免去:"): the
    answer says it once, with one citation of the longer quote."""
    a = ask(engine, "蔡方林被免去了什么职务?")
    assert a.answer.count("蔡方林同志的衢州市监察局副局长职务") == 1, a.answer
    assert len(a.citations) == 1 and "免去" in a.citations[0].quote and "蔡方林" in a.citations[0].quote, a.citations
    assert _quotes_verbatim(engine, a)


def test_a_plans_time_nodes_are_its_target_years_in_order(engine):
    """"分哪几个时间节点": a plan whose stages are its target years is answered by the first target
    statement of each year, in the order of the years; a plan with one target year has none."""
    out = engine.ask("中国制造2025衢州行动计划分哪几个时间节点?").outcome
    nodes = [s.candidate.text for s in out.scored[0] if s.candidate.skill == "year_units"]
    assert any(t.index("到2020年,我市制造业发展取得重要进展") < t.index("到2025年,基本形成") for t in nodes), nodes
    out = engine.ask("科技创新服务行动计划分哪几个时间节点?").outcome
    assert not [s for s in out.scored[0] if s.candidate.skill == "year_units"]


def test_the_actions_a_plan_counts_are_listed_when_asked_by_their_number(engine):
    # "那五大行动分别是啥" asks for the five headings under "三、实施科技创新服务五大行动"
    a = ask(engine, "科技创新服务那五大行动分别是啥?")
    for name in ("创新主体培育行动", "创新人才引进行动", "创新成果转化行动", "创新环境优化行动", "县域创新能力提升行动"):
        assert name in a.answer
    assert _cites(a, "衢政发〔2017〕12号") and _quotes_verbatim(engine, a)


def test_a_list_is_found_past_the_askers_own_words(engine):
    # "我记不全了" and the request around it are not words the list is named by
    a = ask(engine, "你们这个科技创新服务说有五大行动,我记不全了,能不能一个一个说给我听是哪五个?")
    assert "创新主体培育行动" in a.answer and "县域创新能力提升行动" in a.answer
    assert _cites(a, "衢政发〔2017〕12号") and _quotes_verbatim(engine, a)


def test_a_document_number_in_square_brackets_keeps_its_year_when_markers_are_numbered(engine):
    # 衢政办发[2017]11号 prints its 文号 with square brackets: a later part's markers are renumbered
    # after the first part's citations, and the year in the brackets is no marker
    a = ask(engine, "服务业重点企业名单哪天印发的?现在还有效吗?")
    assert a.found and len(a.citations) >= 2
    assert "衢政办发[2018]" not in a.answer and "[2016]7号" not in a.answer
    assert "衢政办发[2015]7号" in a.answer and "衢政办发[2017]11号" in a.answer
    # each computed part says what it rests on, numbered: none was taken for marked by its 文号
    assert {int(n) for n in re.findall(r"\[(\d{1,3})\]", a.answer)} == set(range(1, len(a.citations) + 1))



def test_a_sentence_under_its_paragraphs_year_answers_when_with_that_year(engine):
    # 衢政发〔2017〕12号 一、总体目标: "到2020年,…“双中高”目标。西区科创城基本建成,…": the second
    # sentence states no year of its own; asked when, it is quoted after the sentence that sets it
    a = ask(engine, "西区科创城要到哪一年基本建成?")
    assert a.found and "到2020年" in a.answer and "西区科创城基本建成" in a.answer, a.answer
    assert a.answer.index("到2020年") < a.answer.index("西区科创城基本建成")
    assert _cites(a, "衢政发〔2017〕12号") and _quotes_verbatim(engine, a)


def test_a_year_frames_its_paragraph_only_from_its_start_or_through_semicolons():
    from qa.pipeline.skills.extractive import year_frame

    text = "一、总体目标\n到2020年,全市取得实质性成效。西区科创城基本建成,努力创建创新型城市。"
    assert year_frame(text, "西区科创城基本建成,努力创建创新型城市。") == "到2020年,全市取得实质性成效。"
    text = "(二)引进行动。充分发挥作用。到2020年,全市人才资源总量达到47.2万人;建设市级重点创新团队44家。"
    assert year_frame(text, "建设市级重点创新团队44家。") == "到2020年,全市人才资源总量达到47.2万人;"
    # a year stated mid-paragraph is its own sentence's: what follows a full stop is not about it
    text = "加强队伍建设。到2020年,培育各类科技服务中介机构100家。加速科技金融发展,创新合作模式。"
    assert year_frame(text, "加速科技金融发展,创新合作模式。") is None
    assert year_frame(text, "加强队伍建设。") is None


def test_a_count_stated_in_a_sentence_fits_a_how_many_question(engine):
    # "新建改建避灾安置点85个" (衢政办发〔2017〕24号) is a sentence, not a list or a table: it answers
    # "多少个" as well as a list would (the kind feature says so)
    out = engine.ask("2017年全市要新建改建多少个避灾安置点?").outcome
    fits = [s.candidate for s in out.scored[0] if "避灾安置点85个" in s.candidate.text and s.candidate.kind == "fact"]
    assert fits and all(c.features["kind_fits"] == 1.0 for c in fits)


@pytest.mark.parametrize("q,doc,section,says", [
    ("电动自行车登记规定第六条讲的是什么？", "衢政办发〔2017〕25号", "第六条", ("承诺书", "1个工作日内")),
    ("电动车登记规定第6条讲的啥", "衢政办发〔2017〕25号", "第六条", ("承诺书", "1个工作日内")),
    ("地质灾害防治管理办法第十五条是怎么规定的", "衢政发〔2017〕17号", "第十五条", ("立即向当地人民政府", "接到报告后")),
])
def test_an_article_named_by_its_number_is_quoted_whole(engine, q, doc, section, says):
    # an operator reads out the article a caller names: all of it, and no other article's sentences
    a = ask(engine, q)
    assert a.found, a.answer
    assert [c.section.rsplit("/", 1)[-1].strip() for c in a.citations] == [section], a.citations
    assert all(c.doc_key == doc for c in a.citations) and _quotes_verbatim(engine, a)
    assert all(w in a.answer for w in says), a.answer


def test_an_article_the_named_regulation_lacks_is_not_taken_from_another(engine):
    # the 市区电动自行车登记规定 has thirteen articles; the 地质灾害 办法's 第三十条 is not its
    a = ask(engine, "电动车登记规定第三十条是什么")
    assert not any(c.doc_key == "衢政发〔2017〕17号" for c in a.citations), a.answer


def test_a_chapter_named_by_its_number_is_answered_from_that_chapter(engine):
    a = ask(engine, "防汛防台办法第4章讲什么")
    assert a.found and a.citations, a.answer
    assert all(c.section.startswith("第四章") for c in a.citations), [c.section for c in a.citations]


@pytest.mark.parametrize("q,doc,says", [
    ("电动自行车登记规定一共有几条?", "衢政办发〔2017〕25号", ("共13条", "第十三条")),
    ("防汛防台管理工作暂行办法共几章？", "衢政发〔2017〕14号", ("共6章、32条", "第六章 附则")),
    ("地质灾害防治管理工作暂行办法分哪几章", "衢政发〔2017〕17号", ("共8章、30条", "第一章 总则", "第八章 附则")),
])
def test_the_articles_and_chapters_of_a_regulation_are_counted(engine, q, doc, says):
    # counted by the regulation's own numbering, each chapter cited where it starts; before, the count
    # was answered with whichever article matched best ("第五条 申请电动自行车登记,…")
    a = ask(engine, q)
    assert a.found and all(w in a.answer for w in says), a.answer
    assert a.citations and all(c.doc_key == doc for c in a.citations) and _quotes_verbatim(engine, a)


def test_a_figure_counted_in_tiao_is_no_count_of_articles(engine):
    # 条 counts chains here, and the plan has no articles: the figure is answered from its sentence
    a = ask(engine, "到2019年全市要培育几条年产值超5亿的畜牧业全产业链")
    assert a.found and "6条" in a.answer and "共" not in a.answer.split("。")[0], a.answer


@pytest.mark.parametrize("q,doc,says", [
    ("衢政办发[2017]25号什么时候开始施行", "衢政办发〔2017〕25号", "2017年5月1日"),
    ("来电人问衢政发〔2017〕14号第十条讲什么", "衢政发〔2017〕14号", "第十条"),
    ("衢政办发 [2017] 25号 第6条讲的啥", "衢政办发〔2017〕25号", "承诺书"),
    ("衢政办发〔2017〕11号公布了几家企业", "衢政办发〔2017〕11号", "24家"),
])
def test_a_document_asked_for_by_its_number_is_answered_from_it(engine, q, doc, says):
    # an operator reads the 文号 off a caller's paper, in whatever brackets: the document it names
    # answers, and the question is shown as understood with its title
    a = ask(engine, q)
    assert a.found and says in a.answer, a.answer
    assert a.citations and all(c.doc_key == doc for c in a.citations), a.citations
    assert "《" in a.rewritten_question and "号" not in a.rewritten_question.split("》")[0]


def test_an_item_quoted_alone_names_the_lead_in_it_stands_under(engine):
    # "(一)擅自拼装、改装…的车辆;" says nothing of what befalls such a vehicle: 第七条 leads into its items
    # with "有下列情形之一的,不予办理登记:", which the answer names and cites, verbatim
    from qa.cite import verify
    from qa.pipeline.skills.extractive import lead_in_note

    ctx = engine.pipeline.ctx
    chunk = next(c for c in ctx.chunks.values() if c.doc_key == "衢政办发〔2017〕25号" and c.path[-1:] == ("第七条",))
    item = "(一)擅自拼装、改装及有凿改痕迹和被盗抢嫌疑的车辆;"
    note, cites = lead_in_note(ctx, [(chunk.id, item)], f"{item}[1]", 1)
    assert note == "该项列于“第七条 有下列情形之一的,不予办理登记”[2]之下。"
    assert [c.quote for c in cites] == ["第七条 有下列情形之一的,不予办理登记:"]
    verify(cites[0], chunk)
    # both items of one lead-in name it once; an answer quoting the lead-in already needs no note,
    # nor does a sentence that is no item
    second = "(二)提交的证明无效或者提供虚假资料的。"
    note, cites = lead_in_note(ctx, [(chunk.id, item), (chunk.id, second)], "", 2)
    assert len(cites) == 1 and note == "以上各项列于“第七条 有下列情形之一的,不予办理登记”[3]之下。"
    assert lead_in_note(ctx, [(chunk.id, item)], "第七条 有下列情形之一的,不予办理登记:(一)…", 1) == ("", ())
    assert lead_in_note(ctx, [(chunk.id, "第七条 有下列情形之一的,不予办理登记:")], "", 0) == ("", ())


def test_a_quoted_term_the_gazette_never_prints_is_said_to_be_absent(engine):
    # "有没有江山“清湖模式”": the passage on the promoted models names 开启模式 and 石明模式; quoting it
    # alone leaves the caller to infer the answer, so the answer says the quoted term is not in the issue
    a = ask(engine, "畜牧业绿色发展三年行动方案里推广的模式有没有江山“清湖模式”?")
    assert a.found and "石明模式" in a.answer
    assert "本期公报未提及“清湖模式”。" in a.answer
    # a quoted term the gazette prints gets no such note, answered or not
    a = ask(engine, "畜牧业绿色发展三年行动方案里推广的模式有没有江山“石明模式”?")
    assert "未提及" not in a.answer
    # nor does a quoted pattern with a gap ("首席×官"), which is no name to look up
    a = ask(engine, "制造2025里要在龙头企业推行的那个“首席×官”是啥?")
    assert "未提及" not in a.answer


def test_a_refusal_names_the_quoted_term_it_did_not_find(engine):
    a = ask(engine, "衢州有没有推广“万达广场模式”?")
    assert not a.found
    assert a.answer.startswith("本期公报未提及“万达广场模式”。")


def test_a_question_asked_again_is_answered_alike_without_a_second_encoding(engine, monkeypatch):
    # the engine keeps the last questions' vectors (QA_QUERY_CACHE): a caller's FAQ costs no encoding
    assert engine.encoder._keep == engine.settings.query_cache > 0
    calls = []
    embed = engine.encoder._embed
    monkeypatch.setattr(engine.encoder, "_embed", lambda texts, *, query: calls.append(texts) or embed(texts, query=query))
    q = "电动自行车被盗了,还能办注销吗?"
    first = engine.ask(q)
    encoded = len(calls)
    second = engine.ask(q)
    assert len(calls) == encoded
    assert (second.answer.answer, second.answer.citations) == (first.answer.answer, first.answer.citations)


def test_an_ordinal_follow_up_points_into_the_list_the_conversation_answered_from(engine):
    """"第一个工程是什么?" is answered by the outline's first item; the session keeps the whole outline,
    so "这个工程" (the first) and "第二个工程" name its items, not the words "第一个工程" again."""
    first = engine.ask("知识产权示范城市培育方案的第一个工程是什么?")
    assert first.answer.found and "专利清零工程" in first.answer.answer
    then = engine.ask("那这个工程是哪几个部门负责的?", session_id=first.session_id).answer
    assert "专利清零工程" in then.rewritten_question, then.rewritten_question
    assert then.found and "市科技局、市经信委、市财政局" in then.answer, then.answer
    plan = engine.pipeline.understander.plan("第二个工程呢?", dt.date(2026, 11, 30), then.rewritten_question,
                                              engine.sessions.get_or_create(first.session_id).last.items)
    # the item's name takes the place of "第二个工程" whole: "…实施“三强一制造”工程是…", not "…工程工程是…"
    assert "实施“三强一制造”工程是哪几个部门负责" in plan.standalone, plan.standalone


def test_a_follow_up_naming_only_field_labels_carries_the_topic(engine):
    """The work plan prints "联系领导:" and "分管副秘书长:" under each of its tasks, so a follow-up asking
    only those fields ("联系领导和分管副秘书长是谁") names no topic of its own: it is about the task the
    conversation asked of (西区二期策划: 毛建民, 徐惠文), not another task's line (衢州有礼: 陈锦标, 季根寿)."""
    first = engine.ask("来电人问西区二期策划研究谁牵头")
    assert first.answer.found and "市规划局" in first.answer.answer
    then = engine.ask("联系领导和分管副秘书长是谁", session_id=first.session_id).answer
    assert "西区二期策划" in then.rewritten_question, then.rewritten_question
    assert then.found and "毛建民" in then.answer and "徐惠文" in then.answer, then.answer
    assert "季根寿" not in then.answer
    # asked first, with no conversation, the same words stay as typed
    alone = engine.ask("联系领导和分管副秘书长是谁").answer
    assert "西区二期" not in (alone.rewritten_question or "")


def test_a_follow_up_carries_the_thing_the_askers_own_clause_introduced(engine):
    """"我听说有个余杭柯城未来村,是怎么个合作法子?" names its topic in the asker's own clause (我听说有个…)
    and goes on without a subject ("是怎么个…"); dropping the clause as the asker's circumstance left
    "是怎么个合作法子" as the topic, and "那这个是谁牵头的?" became "是怎么个合作法子是谁牵头的?"."""
    first = engine.ask("我听说有个余杭柯城未来村，是怎么个合作法子？")
    then = engine.ask("那这个是谁牵头的？", session_id=first.session_id).answer
    assert then.rewritten_question.startswith("余杭柯城未来村"), then.rewritten_question
    assert then.found and "柯城区政府" in then.answer, then.answer


def test_a_follow_up_with_its_own_possessor_replaces_the_previous_one(engine):
    """"那1238计划的领导小组办公室呢?" after "中国制造2025衢州行动的领导小组办公室设在哪?" asks about another
    plan's office: its possessor (1238计划的) takes the place of the previous one, not a place after it
    ("中国制造2025衢州行动的1238计划的…" named both plans and was answered from the first)."""
    plan = engine.pipeline.understander.plan("那1238计划的领导小组办公室呢?", dt.date(2026, 11, 30),
                                              "中国制造2025衢州行动的领导小组办公室设在哪?")
    assert plan.standalone == "1238计划的领导小组办公室设在哪?", plan.standalone
    then = engine.pipeline.understander.plan("最多跑一次专题组的办公室呢?", dt.date(2026, 11, 30),
                                              "中国制造2025衢州行动的领导小组办公室设在哪?")
    assert then.standalone == "最多跑一次专题组的办公室设在哪?", then.standalone
    # where the previous question names no possessor with 的, the phrase replaced is as before
    kept = engine.pipeline.understander.plan("那防汛防台的办法呢?", dt.date(2026, 11, 30),
                                              "地质灾害防治管理办法什么时候施行?")
    assert kept.standalone == "防汛防台的办法什么时候施行?", kept.standalone
