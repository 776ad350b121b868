"""Time-aware answers through the real engine (real index, encoder and fitted scorer).

The five questions of issue 12 asked on 2026-11-30 (a Monday); answers about a repealed document on a
small fixture corpus whose later document repeals the earlier one."""
from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest

from qa.config import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "repeal"
WEEKDAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\((星期[一二三四五六日])\)")


def assert_weekdays_right(text: str) -> None:
    for m in WEEKDAY.finditer(text):
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        assert "星期" + "一二三四五六日"[d.weekday()] == m.group(4), m.group(0)


@pytest.fixture(scope="module")
def engine_2026(engine):
    """The session's engine with today = 2026-11-30 (a shallow copy: the index and models are shared)."""
    e = copy.copy(engine)
    e.settings = engine.settings.model_copy(update={"reference_date": dt.date(2026, 11, 30)})
    return e


def ask(e, q: str):
    a = e.ask(q).answer
    assert_weekdays_right(a.answer)
    return a


def test_today_at_a_2017_free_tour_spot_is_not_judged_by_2017s_list(engine_2026):
    a = ask(engine_2026, "今天去江郎山免费吗")
    assert a.found and "2026年11月30日(星期一)" in a.answer
    assert "公报未载明2026年的安排" in a.answer and "2018年度视情况" in a.answer
    assert "是免费日" not in a.answer and "不是免费日" not in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕29号"}


def test_tomorrow_has_its_own_weekday_and_no_2017_list(engine_2026):
    a = ask(engine_2026, "明天去药王山要门票吗")
    assert "2026年12月1日(星期二)" in a.answer and "公报未载明2026年的安排" in a.answer
    assert "是免费日" not in a.answer


def test_an_explicit_other_year_is_not_judged_by_2017s_june_list(engine_2026):
    a = ask(engine_2026, "2018年6月4日去江郎山免费吗")
    assert "2018年6月4日(星期一)" in a.answer and "公报未载明2018年的安排" in a.answer
    assert "6.5、6.12" not in a.answer


def test_a_listed_spot_asked_about_in_everyday_words_is_a_free_day_question(engine_2026):
    """"要钱吗" names no 免费 or 门票: the place the activity lists makes it a question about its days,
    and the holiday resolves to the next 国庆 (2027), a year the gazette's list does not cover."""
    a = ask(engine_2026, "国庆去根宫佛国要钱吗？")
    assert a.found and "2027年10月1日(星期五)" in a.answer and "公报未载明2027年的安排" in a.answer
    assert "是免费日" not in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕29号"}


def test_is_the_flood_rule_still_in_force(engine_2026):
    a = ask(engine_2026, "防汛防台管理工作暂行办法现在还有效吗")
    assert a.found
    for must in ("2017年4月10日(星期一)", "自2017年5月10日起施行", "2017年5月10日(星期三)", "距今已逾9年",
                 "本公报未载明其后是否修订或废止"):
        assert must in a.answer, must
    assert "认真贯彻执行" not in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政发〔2017〕14号"}
    assert all(c.line_start <= c.line_end for c in a.citations)


def test_the_day_asked_about_is_judged_with_its_date(engine_2026):
    """"下周三还有效吗": the status on that day, not only today's, with the day's date and weekday."""
    a = ask(engine_2026, "到下周三，畜牧业绿色发展三年行动方案还有效吗？")
    assert a.found and "所问的2026年12月9日(星期三)已在该期限之后" in a.answer, a.answer
    b = ask(engine_2026, "防汛防台管理工作暂行办法明天还有效吗")  # no stated term: the gazette cannot say
    assert b.found and "2026年12月1日(星期二)是否仍然有效,本公报未载明" in b.answer, b.answer


def test_a_quoted_arrangement_in_a_status_answer_carries_its_weekday(engine_2026):
    a = ask(engine_2026, "免费游衢州活动如今还在进行吗")
    assert a.found and "2017年5月19日开始" in a.answer
    assert "”,即2017年5月19日(星期五)" in a.answer, a.answer


def test_a_part_naming_no_topic_is_answered_about_the_questions_document(engine):
    """"…方案啥时候出的?计划弄几年?": the second part names no document; it is the first part's, and the
    answer that covers both parts leaves neither named as unstated."""
    a = ask(on(engine, dt.date(2017, 10, 1)), "知识产权示范城市培育方案啥时候出的？计划弄几年？")
    assert a.found and "2017年4月14日(星期五)" in a.answer and "通过三年的努力" in a.answer, a.answer
    assert "未作规定" not in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕17号"}


def test_a_target_asked_by_its_year_is_dated_against_today(engine_2026):
    """"到2020年…目标是多少" asks no "when", but its target is dated: the answer says it has passed."""
    a = ask(engine_2026, "1238计划到2020年全市发明专利授权量目标是多少")
    assert a.found and "857件" in a.answer
    assert "2020年12月31日(星期四)" in a.answer and "该期限已过" in a.answer, a.answer


def test_has_it_passed_asked_after_the_deadline_is_answered_by_one_note(engine):
    """"…几月底前要完成?现在过了没?": one note for the one deadline asked, and the second part, which
    names nothing of its own, is answered by it rather than said to be unstated."""
    a = ask(on(engine, dt.date(2017, 6, 14)), "最多跑一次专项督查几月底前要完成？现在过了没？")
    assert a.found and "2017年5月底前" in a.answer
    assert a.answer.count("其中所定期限") <= 1 and "该期限已过" in a.answer, a.answer
    assert "未作规定" not in a.answer and "尚未到期" not in a.answer


def test_has_it_passed_brings_in_no_other_documents_status(engine):
    """"过期了没有?" names no document: it asks about the target the rest of the question names, and
    the status of whichever document its words best match is no part of the answer."""
    a = ask(on(engine, dt.date(2020, 3, 10)), "规模养殖场比重达到85%是哪年的目标？过期了没有？")
    assert a.found and "到2019年" in a.answer and "该期限已过" in a.answer, a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕16号"}


def test_a_day_that_names_the_document_is_said_as_its_issue_date(engine):
    """"上周五发的…行动计划": the day the asker names is the day the cited plan was issued; the answer
    says so, with the day's date and weekday."""
    a = ask(on(engine, dt.date(2017, 4, 27)), "上周五发的除险安居三年行动计划，领导小组办公室设在哪？")
    assert a.found and "市国土局" in a.answer
    assert "于上周五(2017年4月21日(星期五))印发" in a.answer, a.answer


def test_when_does_the_three_year_plan_end(engine_2026):
    a = ask(engine_2026, "除险安居三年行动计划哪年结束")
    assert a.found and "2019" in a.answer and "2017—2019年" in a.answer
    assert "2019年12月31日(星期二)" in a.answer and "已过" in a.answer
    assert "衢政办发〔2017〕24号" in {c.doc_key for c in a.citations}


def test_deadline_against_today(engine):
    """On the session's day (2017-06-05) the 乌溪江 study's 2017年6月底 has not passed."""
    a = ask(engine, "乌溪江饮用水源取水口上移那个课题什么时候要完成")
    assert "2017年6月底" in a.answer and "2017年6月30日(星期五)" in a.answer and "尚未到期" in a.answer


def test_a_start_is_said_as_a_start_not_as_a_term_that_falls_due(engine):
    """"从2017年起,市政府安排资金2800万元": the year the money starts, not a term ending with 2017."""
    out = engine.pipeline.run("畜牧业示范市创建市里的钱是从哪一年开始安排的?", dt.date(2017, 4, 20))
    said = [s.candidate.text for s in out.scored[0] if s.candidate.skill == "deadline" and "从2017年起" in s.candidate.text]
    assert said, [s.candidate.text[:60] for s in out.scored[0]]
    assert "2017年起(自2017年1月1日(星期日)起)" in said[0] and "已开始" in said[0]
    assert "期限" not in said[0] and "至2017年12月31日" not in said[0]
    assert_weekdays_right(said[0])


# ------------------------------------------------------------------ a later document repeals an earlier one
@pytest.fixture(scope="module")
def repeal_engine(tmp_path_factory):
    from qa.build import build_index
    from qa.engine import Engine

    s = Settings(data_dir=tmp_path_factory.mktemp("repeal"), corpus=FIXTURES, reference_date=dt.date(2019, 3, 1))
    build_index(s, s.corpus_files(), progress=False)
    e = Engine(s)
    e.warm_up()
    return e


def test_fixture_timeline_knows_the_repeal(repeal_engine):
    tl = repeal_engine.corpus.timeline
    assert tl.docs["衢政办发〔2016〕90号"].repealed_by == ("衢政办发〔2018〕30号",)
    assert tl.status("衢政办发〔2016〕90号", dt.date(2019, 3, 1)).state == "repealed"
    assert tl.status("衢政办发〔2016〕90号", dt.date(2017, 3, 1)).state == "in_force"  # before the repeal
    assert tl.status("衢政办发〔2018〕30号", dt.date(2018, 4, 20)).state == "not_yet"


def test_answer_prefers_the_later_document_and_says_so(repeal_engine):
    a = repeal_engine.ask("示例城区道路停车位白天每小时收费多少?").answer
    assert a.found
    assert "3元" in a.answer and "废止" in a.answer
    assert a.citations[0].doc_key == "衢政办发〔2018〕30号"


def test_validity_of_the_repealed_document(repeal_engine):
    # the repeal is found and the selected answer says so, citing the repealing document
    out = repeal_engine.pipeline.run("示例停车收费管理暂行办法现在还有效吗?", dt.date(2019, 3, 1))
    best = out.scored[0][0].candidate
    assert best.skill == "validity" and "衢政办发〔2018〕30号" in best.text and "废止" in best.text
    assert "衢政办发〔2018〕30号" in {c.doc_key for c in best.citations}
    # and read out: the learned decision (a calibrated probability against τ) must not refuse it
    a = repeal_engine.ask("示例停车收费管理暂行办法现在还有效吗?").answer
    assert a.found, f"refused at p {out.decision.confidence:.2f} < τ {repeal_engine.pipeline.threshold:.2f}"
    assert "衢政办发〔2018〕30号" in a.answer and "废止" in a.answer
    assert "衢政办发〔2018〕30号" in {c.doc_key for c in a.citations}


def test_a_repealed_document_outside_the_corpus_asked_by_its_number(engine_2026):
    # the gazette holds no 衢政办发〔2015〕7号, but 衢政办发〔2017〕11号 says it repeals it: whether it is
    # still in force is for that line to answer, not refused at the gate as an unknown document
    out = engine_2026.pipeline.run("衢政办发〔2015〕7号还有效吗？", dt.date(2026, 11, 30))
    assert out.decision.reason != "gate:unknown_document"
    best = out.scored[0][0].candidate
    assert best.skill == "validity" and "同时废止" in best.text
    assert {c.doc_key for c in best.citations} == {"衢政办发〔2017〕11号"}
    # what it said is not in the corpus: asked for that, the gate still says so
    a = ask(engine_2026, "衢政办发〔2015〕7号里有哪些企业？")
    assert not a.found and "本期公报未收录衢政办发〔2015〕7号" in a.answer


def test_the_old_version_a_document_repeals_is_answered_by_the_repeal(engine_2026):
    # the question names the repealed list (its year), not the list that repeals it: the status of
    # the 2016 list would answer another question
    from qa.pipeline.skills import validity

    p = engine_2026.pipeline
    plan = p.understander.plan("2014年那版服务业重点企业名单现在还管用吗?", dt.date(2026, 11, 30), None, ())
    cands = validity.propose(p.ctx, plan, plan.parts[0], [])
    assert len(cands) == 1 and "同时废止" in cands[0].text and "应以衢政办发[2017]11号为准" in cands[0].text


def test_a_document_number_after_the_askers_words_is_the_corpus_document():
    # "…问衢政办发〔2017〕29号…": the words before the 文号 run into its match
    from qa.question import unknown_doc_number

    keys = {"衢政办发〔2017〕29号"}
    assert unknown_doc_number("市民问衢政办发〔2017〕29号哪天印发", keys) is None
    assert unknown_doc_number("市民问衢政办发〔2017〕30号哪天印发", keys) == "衢政办发〔2017〕30号"
    # read by the pattern that normalises every 文号 (qa.text.DOC_NUMBER): typed with spaces too
    assert unknown_doc_number("衢政办发 [2017] 30 号哪天印发", keys) == "衢政办发〔2017〕30号"
    assert unknown_doc_number("衢政办发 [2017] 29号哪天印发", keys) is None


# ------------------------------------------------------------------ a document's span, asked with its date
def on(engine, day: dt.date):
    e = copy.copy(engine)
    e.settings = engine.settings.model_copy(update={"reference_date": day})
    return e


def test_issue_date_and_status_asked_together_get_both(engine_2026):
    """"哪天印发的?现在还管用吗": the issue date alone answers half; the status answer carries both."""
    a = ask(engine_2026, "中国制造2025衢州行动计划哪天印发的？现在还管用吗")
    assert a.found and "2017年3月31日(星期五)" in a.answer and "到2025年" in a.answer
    assert "本公报未载明其后是否修订或废止" in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政发〔2017〕13号"}


def test_how_long_a_document_runs_quotes_its_term(engine):
    a = ask(on(engine, dt.date(2017, 6, 5)), "电动自行车登记规定要管几年")
    assert a.found and "有效期为5年" in a.answer and "2017年5月1日(星期一)" in a.answer
    assert a.answer.count("有效期为5年") == 1  # the term is not quoted a second time as a schedule


def test_a_year_the_plans_title_does_not_cover_is_said_to_be_unstated(engine):
    a = ask(on(engine, dt.date(2021, 5, 1)), "2021年畜牧业三年行动方案还有啥任务吗")
    assert a.found and "2017—2019年" in a.answer and "本公报未载明2021年的安排" in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕16号"}


def test_a_quoted_effective_date_is_said_with_its_weekday(engine):
    a = ask(on(engine, dt.date(2017, 4, 27)), "市区菜市场转型升级的实施意见后天就开始执行了吧")
    assert a.found and "2017年4月29日(星期六)" in a.answer


def test_a_day_inside_a_quote_is_named_again_with_its_weekday(engine):
    """The quote stays as printed ("…适用于2017年5月1日之前已购买的…"); the day it names follows it with its
    weekday, so that every day an answer names carries one."""
    a = ask(on(engine, dt.date(2017, 6, 5)), "电瓶车临时号牌能用几年?")
    assert a.found and "有效期为5年" in a.answer
    assert "2017年5月1日之前" in a.answer and "2017年5月1日(星期一)" in a.answer


def test_a_quote_asked_about_now_says_when_its_document_was_issued(engine_2026):
    """"…现在叫啥": the answer quotes a 2017 text, and says which day that text is of."""
    a = ask(engine_2026, "四张清单一张网改革协调小组现在叫啥名字")
    assert a.found and "更名为市政府推进“最多跑一次”深化“四单一网”改革协调小组" in a.answer
    assert "(衢政发〔2017〕11号),2017年3月31日(星期五)印发" in a.answer
    # asked without "现在", the same answer has no such note
    b = ask(engine_2026, "四张清单一张网改革协调小组改叫啥名字了")
    assert b.found and "以上见" not in b.answer



def test_whether_it_still_holds_says_when_its_document_was_issued(engine):
    """"…还挂着牌吗" asks about now as "现在" does: the sentence that answers it is told with its day."""
    a = ask(on(engine, dt.date(2017, 6, 5)), "去年公布的那37处市级重大隐患还挂着牌吗?")
    assert a.found and "同意摘牌销号" in a.answer
    assert "(衢政办发〔2017〕19号),2017年4月15日(星期六)印发" in a.answer


def test_a_day_after_every_quoted_date_is_a_year_the_gazette_does_not_cover(engine):
    """"到了明年元旦,…计划是不是就结束了" answered by "到2025年,…": where 2027年1月1日 stands against
    it, and that the gazette says nothing of 2027. A day the quote sets itself ("五一之前买的电瓶车" for
    "2017年5月1日前购买的…") is that day of the text's year: no such note."""
    a = ask(on(engine, dt.date(2026, 12, 28)), "到了明年元旦，中国制造2025衢州行动计划是不是就结束了？")
    assert a.found and "2027年1月1日(星期五)" in a.answer and "期限已过" in a.answer
    assert a.answer.endswith("公报未载明2027年的安排。")
    b = ask(on(engine, dt.date(2026, 11, 30)), "五一之前买的电瓶车，发漂找不到了还能上牌吗？")
    assert b.found and "2017年5月1日" in b.answer and "公报未载明2027年" not in b.answer


def test_a_year_no_cited_document_names_is_said_to_be_uncovered(engine_2026):
    """"2022年…比重要达到多少" answered by the plan's 2015/2020/2025 row says the gazette has nothing
    for 2022; a year of the asker's own ("我2016年买的电瓶车…") is no year asked about."""
    a = ask(engine_2026, "中国制造2025衢州行动里，2022年规上制造业研发经费支出占主营业务收入比重要达到多少？")
    assert a.found and "1.6" in a.answer and a.answer.endswith("公报未载明2022年的安排。")
    b = ask(engine_2026, "我叫李建国，我2016年买的电瓶车不在目录里，挂临时牌能用几年")
    assert b.found and "有效期为5年" in b.answer and "未载明2016年" not in b.answer


def test_the_citys_scenic_areas_are_no_unlisted_spot(engine):
    """"8月份去衢州景区": the city's spots, all of them, and "进景区" no spot at all, not a place the
    activity's list lacks."""
    for q in ("8月份去衢州景区,哪几天免费?", "8月份哪几天是免费的,能进景区吗?"):
        a = ask(on(engine, dt.date(2017, 7, 20)), q)
        assert a.found and "8.7、8.14、8.21、8.28" in a.answer, a.answer
        assert "不在公报所列" not in a.answer


@pytest.mark.parametrize("question, intent, skill, said", [
    # "哪几天" asks for a list, and the free days of the month are that list
    ("全球免费游八月哪几天免费?", "list", "free_days", "8.7、8.14、8.21、8.28"),
    # the rows of one kind share one date in the table, which answers when as a dated sentence does
    ("消防类的市级挂牌隐患整改期限,是否已过?", "when", "table_extreme", "2017年9月底前"),
])
def test_a_computed_answer_fits_the_kind_of_question_it_answers(engine, question, intent, skill, said):
    out = on(engine, dt.date(2017, 6, 1)).ask(question).outcome
    assert out.plan.intent == intent
    best = out.scored[0][0].candidate
    assert best.skill == skill and best.features["kind_fits"] == 1.0 and said in best.text
    # whether it clears τ is the calibrated decision's (a refit left the second at 0.687 against
    # τ 0.69), measured by the eval; answered, it is this answer
    assert said in out.answer.answer if out.answer.found else out.decision.reason == "below_threshold"


def test_the_word_scenic_area_beside_a_listed_spot_is_that_spot(engine_2026):
    """"去江郎山…到时候景区免票吗": 景区 names 江郎山 again, not an unlisted place called 时候景区."""
    a = ask(on(engine_2026, dt.date(2026, 9, 20)), "国庆想去江郎山玩，到时候景区免票吗？")
    assert "不在公报所列" not in a.answer and "江郎山是该活动的13个参与景区之一" in a.answer
    assert "2026年10月1日(星期四)" in a.answer and "公报未载明2026年的安排" in a.answer


def test_a_listed_spot_typed_with_one_character_wrong_is_that_spot(engine):
    """"江朗山" is 江郎山 mistyped, "念八都古镇" is 廿八都 (and the 古镇 people add): spots on the list,
    not places off it; "江郎湖" or "药王庙" (another kind of place) and 西湖 stay off it."""
    from qa.pipeline.skills.free_days import _unlisted

    ctx = engine.pipeline.ctx
    (_, _, spots), = ctx.free_rules

    def off(q):
        return _unlisted(q, spots, ctx.knows_place)

    assert off("明天去江朗山是不是免费日?") == [] and off("明天周六去念八都古镇,门票免吗?") == []
    assert off("去江郎湖免费吗?") == ["江郎湖"] and off("去药王庙免费吗?") == ["药王庙"]
    assert off("6月12日去西湖免费吗?") == ["西湖"]
    a = ask(on(engine, dt.date(2017, 11, 26)), "明天去江朗山是不是免费日?")
    assert a.found and "2017年11月27日(星期一)" in a.answer and "不在公报所列" not in a.answer, a.answer


def test_a_verb_said_twice_before_its_object_names_no_spot(engine):
    """"去药王山爬爬山": 爬爬山 is climbing (a verb said twice, then 山), not a spot off the list."""
    a = ask(on(engine, dt.date(2017, 6, 1)), "6月12日想去药王山爬爬山,那天免费吗?")
    assert a.found and "不在公报所列" not in a.answer, a.answer
    assert "2017年6月12日(星期一)" in a.answer, a.answer


def test_a_solar_holiday_is_not_said_to_be_computed_from_the_lunar_calendar(engine_2026):
    a = ask(engine_2026, "国庆去江郎山免费吗")  # 国庆 2027: a fixed date; its arrangement is not yet published
    assert "2027年10月1日(星期五)" in a.answer and "农历" not in a.answer
    assert "2027年的官方放假安排尚未公布" in a.answer


def test_how_long_an_activity_runs_is_read_off_its_listed_days(engine):
    """"周一免费到几月份结束": the last listed Monday (11.27) and the free month after it, as listed."""
    a = ask(on(engine, dt.date(2017, 6, 1)), "周一免费要到几月份才结束呀？")
    assert a.found and "2017年5月19日(星期五)至2017年12月31日(星期日)" in a.answer
    assert "11.27" in a.answer and "全月31天" in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕29号"}


def test_whether_an_activity_goes_on_after_its_span_is_answered_by_what_the_notice_says_of_later_years(engine):
    """"到年底就不搞了吗": the span, and the notice's "此项活动将持续开展,2018年度视情况…" after it; a
    question in two parts the span answers both of says it once."""
    a = ask(on(engine, dt.date(2017, 11, 20)), "免费游衢州这个活动从啥时候开始算的？到年底就不搞了吗？")
    assert a.found and "2017年5月19日" in a.answer and "此项活动将持续开展" in a.answer, a.answer
    assert a.answer.count("本次活动时间为") == 1, a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕29号"}


def test_a_listed_spot_asked_about_without_a_ticket_is_a_free_day_question(engine):
    """"药王山礼拜一去是不是不要门票": no date, the spot on the list and the Monday rule."""
    a = ask(on(engine, dt.date(2017, 6, 5)), "药王山礼拜一去是不是不要门票啊？")
    assert a.found and "药王山" in a.answer and "每逢周一实行免费" in a.answer, a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕29号"}


def test_a_day_past_a_cut_off_is_told_what_the_article_provides_otherwise(engine):
    """第四条: temporary plates are for cycles bought before 2017-05-01;…正式号牌…适用于已列入…目录的车辆.
    Bought on 5月3日, the asker is told the cut-off excludes them and what the article says beside it."""
    a = ask(on(engine, dt.date(2017, 4, 26)), "我的电动车是5月3号才买的,还能办临时号牌吗?")
    assert a.found and "不在该条规定的适用范围内" in a.answer, a.answer
    assert "正式号牌和行驶证适用于已列入省级有关部门的电动自行车产品公告目录的车辆" in a.answer


def test_the_deadline_asked_about_is_said_first(engine):
    """A glued answer quoting two stages: the note on the stage the question names comes first."""
    e = copy.copy(engine)
    e.settings = engine.settings.model_copy(update={"reference_date": dt.date(2018, 3, 1)})
    a = ask(e, "菜市场分类推进阶段要在哪天之前搞完？")
    assert a.found and "2018年8月31日" in a.answer
    notes = re.findall(r"其中所定期限即(\d{4}年\d{1,2}月\d{1,2}日)", a.answer)
    # one asked part, one note: the other stage's passed deadline would contradict "尚未到期"
    assert notes == ["2018年8月31日"], a.answer
    assert "尚未到期" in a.answer and "已过" not in a.answer


def test_a_question_about_each_stage_dates_every_stage(engine):
    a = ask(on(engine, dt.date(2017, 4, 1)), "来电人问:市区菜市场转型升级分几个阶段,各到哪天")
    notes = re.findall(r"其中所定期限即(\d{4}年\d{1,2}月\d{1,2}日)", a.answer)
    assert notes == ["2017年3月31日", "2018年8月31日", "2018年12月31日"], a.answer


def test_a_quoted_term_is_counted_from_the_year_the_asker_registered(engine):
    """Whichever candidate quotes "有效期为5年", the answer counts the term from the asker's 2017年5月."""
    a = ask(on(engine, dt.date(2026, 6, 1)), "我2017年5月办的电瓶车临时牌，有效期5年，现在是不是早过期了呀？")
    assert a.found and "有效期至2022年5月前后" in a.answer and "已过有效期" in a.answer


def test_a_quoted_term_is_judged_on_the_day_the_question_names(engine):
    """"明天骑出去还行吗": the term counted from the asker's 2017年4月 is judged on tomorrow, named as the
    question named it, not only on today."""
    a = ask(on(engine, dt.date(2026, 8, 10)), "我的电瓶车2017年4月买的，挂的是临时牌，明天还能骑出去吗？")
    assert a.found and "有效期至2022年4月前后" in a.answer, a.answer
    assert "明天(2026年8月11日(星期二))已过有效期" in a.answer, a.answer


def test_an_effective_date_a_document_does_not_state_is_said_to_be_unstated(engine):
    """The 指导意见 states no date of effect: asked from when it applies, the document-date skill says
    so and gives the day it was issued, never a date of effect from another document."""
    out = engine.pipeline.run("加大金融支持全市重点项目建设的指导意见从哪天开始执行？", dt.date(2017, 5, 3))
    dated = [s.candidate for s in out.scored[0] if s.candidate.skill == "doc_dates"]
    assert dated, [s.candidate.text for s in out.scored[0]]
    text = dated[0].text
    assert "未载明施行日期" in text and "2017年4月26日(星期三)" in text, text
    assert {c.doc_key for c in dated[0].citations} == {"衢政办发〔2017〕27号"}


def test_a_day_that_is_not_free_still_confirms_the_named_spot_is_listed(engine):
    """"明天去三衢石林要门票吗" on a Monday: Tuesday is not free, and the answer cites the spot list that
    names 三衢石林 (the negative answer used to quote only the rule and be doubted for it)."""
    a = ask(on(engine, dt.date(2017, 11, 27)), "明天去三衢石林要门票吗?")
    assert a.found and "2017年11月28日(星期二)" in a.answer and "不是免费日" in a.answer
    assert "三衢石林是该活动的13个参与景区之一" in a.answer
    assert any("三衢石林" in c.quote for c in a.citations)


def test_an_effective_date_asked_as_a_day_is_answered_from_the_date_line(engine):
    """"明天…就生效了吗": the deadline skill quotes "本办法自…起施行", a date line whose wording says
    nothing of the question; its similarity is neutral, as for the document-date skills."""
    a = ask(on(engine, dt.date(2017, 5, 24)), "明天地质灾害防治暂行办法就生效了吗？")
    assert a.found and "本办法自2017年5月25日起施行" in a.answer and "2017年5月25日(星期四)" in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政发〔2017〕17号"}


@pytest.mark.parametrize("question", ["电瓶车上牌的新规定啥时候开始?", "市区电动自行车登记规定是从哪天开始的?"])
def test_when_a_rule_starts_is_when_it_takes_effect(engine, question):
    """"新规定啥时候开始": a rule starts when it takes effect (本规定自…之日起施行), not on the first date it
    names (第四条's 2017年5月1日之前已购买…, the same day, was quoted as "文中日期")."""
    a = ask(on(engine, dt.date(2017, 4, 29)), question)
    assert a.found and "本规定自2017年5月1日之日起施行" in a.answer and "2017年5月1日(星期一)" in a.answer


def test_a_year_later_than_every_quoted_date_is_said_to_be_unstated(engine):
    """"到2027年要建成什么样" answered by a sentence that sets 到2020年: the answer says 2027 is not covered."""
    a = ask(on(engine, dt.date(2026, 3, 16)), "扶贫健康保险到2027年要建成什么样?")
    assert a.found and "到2020年" in a.answer and "公报未载明2027年的安排" in a.answer


def test_a_day_in_another_year_cites_the_list_naming_the_spot(engine):
    """An answer that says "龙游石窟是该活动的13个参与景区之一" cites the list that says so, in every
    branch (here a 2026 holiday, which the 2017 list does not cover)."""
    a = ask(on(engine, dt.date(2026, 8, 12)), "我们几个老姐妹约好中秋节去龙游石窟看看，不知道那天进去还要不要钱？")
    assert "龙游石窟是该活动的13个参与景区之一" in a.answer and "公报未载明2026年的安排" in a.answer
    assert any("龙游石窟" in c.quote for c in a.citations)


@pytest.mark.parametrize("q", ["2026年还有全球免费游衢州活动吗?", "今年景区还按每周一免费那个规矩来吗?",
                               "2026年12月衢州景区是否还全月免费?"])
def test_a_year_the_free_tour_does_not_cover_is_answered_by_its_own_words_on_later_years(engine, q):
    """Asked by its year alone (or a month of it), the activity of 2017 says what it said of later
    years; a time word before 景区 ("12月衢州景区", "今年景区") names no spot off its list."""
    from qa.pipeline.skills import free_days
    from qa.pipeline.understand import Understander

    plan = Understander().plan(q, dt.date(2026, 11, 30))
    cands = free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])
    assert cands and not any(c.features.get("unlisted") for c in cands), [c.text for c in cands]
    text = cands[0].text
    assert "此项活动将持续开展,2018年度视情况" in text and "公报未载明2026年的安排" in text
    assert_weekdays_right(text)


def test_who_goes_free_is_answered_by_the_notices_own_line_and_pointing_words_name_no_spot(engine):
    from qa.pipeline.skills import free_days
    from qa.pipeline.understand import Understander

    plan = Understander().plan("我不是衢州本地人,去那些景区也能不要门票吗?", dt.date(2017, 6, 1))
    cands = free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])
    assert not any(c.features.get("unlisted") for c in cands), [c.text for c in cands]
    assert any("免费对象:海内外游客" in c.text for c in cands), [c.text for c in cands]


def test_a_plans_section_for_the_year_asked_and_every_years_in_turn(engine):
    from qa.pipeline.skills import year_units
    from qa.pipeline.understand import Understander

    understander = Understander()

    def texts(q, today=dt.date(2018, 5, 21)):
        plan = understander.plan(q, today)
        return [c.text for c in year_units.propose(engine.pipeline.ctx, plan, plan.parts[0], [])]

    one = texts("除险安居三年行动2019年主要做什么?")
    assert len(one) == 1 and one[0].startswith("(三)2019年。") and "回头看" in one[0]
    assert texts("那个除险安居行动明年要做到啥程度?")[0].startswith("(三)2019年。")  # 明年, asked in 2018
    every = texts("除险安居三年行动每年主要干啥?")
    assert every and all(y in every[0] for y in ("(一)2017年", "(二)2018年", "(三)2019年"))
    # a year after the plan's last section is answered by what the plan sets last (the answer's note
    # says the year asked is not covered); a year before its first is no year of it
    after = texts("除险安居三年行动2021年做什么?")
    assert len(after) == 1 and after[0].startswith("(三)2019年。"), after
    assert texts("除险安居三年行动2016年做了什么?") == []
    # a question that names no plan but what its section of that year says
    named = texts("2018年要完成多少处威胁10人以上的地质灾害隐患点治理?")
    assert named and named[0].startswith("(二)2018年。") and "全面完成180处" in named[0]
    assert texts("2018年研发经费支出目标是多少?") == []  # a year asked of another matter


def test_a_year_beyond_a_plans_targets_is_answered_by_the_plans_target_years(engine):
    """"2030年的目标" of a plan whose targets run 到2020年 and 到2025年: the plan's own target years,
    with the note that 2030 is not stated; its target years asked for outright, the same."""
    from qa.pipeline.skills import year_units
    from qa.pipeline.understand import Understander

    understander = Understander()

    def milestones(q, today=dt.date(2026, 1, 15)):
        plan = understander.plan(q, today)
        return [c.text for c in year_units.propose(engine.pipeline.ctx, plan, plan.parts[0], [])
                if c.kind == "list"]

    for q in ("中国制造2025衢州行动计划里2030年的目标是啥?", "中国制造2025衢州行动计划设了哪两个目标年份?",
              "中国制造2025衢州行动计划主要定了哪几个年份的目标?"):
        got = milestones(q)
        assert len(got) == 1 and got[0].index("到2020年,我市制造业") < got[0].index("到2025年,基本形成"), (q, got)
    assert milestones("中国制造2025衢州行动计划里2025年的目标是啥?") == []  # a year it has a target for
    assert milestones("中国制造2025衢州行动计划里2020年的目标是啥?") == []
    a = ask(engine, "中国制造2025衢州行动计划里2030年的目标是啥?")
    assert a.found and "到2025年" in a.answer and "公报未载明2030年" in a.answer, a.answer


def test_a_status_quotes_an_item_with_the_lead_in_it_completes(engine):
    """"蔡方林现在还是…副局长吗": the notice prints "免去:" on one line and the post on the next; the
    status says what was done to the post, quoted verbatim with its lead-in."""
    from qa.pipeline.skills.validity import document_status

    text, cites = document_status(engine.pipeline.ctx, "衢政干〔2017〕5号", dt.date(2017, 5, 5), "蔡方林现在还是市监察局副局长吗?")
    assert "文件载明:“市政府研究决定,免去:蔡方林同志的衢州市监察局副局长职务”" in text, text
    chunks = {c.id: c for c in engine.corpus.chunks}
    assert any(c.quote.startswith("市政府研究决定,免去:") for c in cites)
    assert all(c.quote in chunks[c.chunk_id].text for c in cites)


def test_a_spot_off_the_list_is_said_to_be_off_it_on_the_day_asked(engine):
    """"6月12日去西湖免费吗?": 西湖 is none of the 13 spots; the answer says so, names the day asked
    (the activity's year, with its weekday) and never calls it a free day."""
    from qa.pipeline.skills import free_days
    from qa.pipeline.understand import Understander

    q = "6月12日去西湖免费吗?"
    plan = Understander().plan(q, dt.date(2017, 6, 1))
    cands = free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])
    off = [c.text for c in cands if c.features.get("unlisted")]
    assert off and off[0].startswith("西湖不在") and "2017年6月12日(星期一)的免费安排" in off[0], off
    a = ask(engine, q)
    assert "是免费日" not in a.answer and ("西湖不在" in a.answer or not a.found)


def test_off_the_list_the_activitys_own_dates_are_not_proposed(engine):
    # the activity's start or months, read out for 西湖, would say what the gazette does not
    def deadline_skills(q):
        out = engine.pipeline.run(q, dt.date(2017, 6, 1))
        return [s.candidate for s in out.scored[0] if s.candidate.skill == "deadline"
                and "衢政办发〔2017〕29号" in {c.doc_key for c in s.candidate.citations}]

    assert not deadline_skills("6月12日去西湖免费吗?")
    assert deadline_skills("6月12日去江郎山免费吗?")  # a listed spot keeps them


def test_the_free_days_in_all_are_counted_from_the_list_and_checked_against_the_notice(engine):
    from qa.pipeline.skills import free_days
    from qa.pipeline.understand import Understander

    understander = Understander()
    for today, tail in ((dt.date(2017, 5, 15), ""), (dt.date(2026, 11, 30), "公报未载明2026年的安排。")):
        plan = understander.plan("今年景区免费加起来一共多少天?", today)
        text = free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])[0].text
        assert text.startswith("2017年活动的免费日共59天(逐日列明的28天、2017年12月全月31天)")
        assert "“以上两项共计59天”" in text and text.endswith(tail or "。")


def test_a_months_free_days_say_which_monday_the_list_leaves_out_and_why(engine):
    from qa.pipeline.skills import free_days
    from qa.pipeline.understand import Understander

    plan = Understander().plan("10月份哪几天免费?", dt.date(2017, 9, 20))
    text = free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])[0].text
    assert text.startswith("2017年10月的免费日为 10.9、10.16、10.23、10.30,共4天。")
    assert "2017年10月2日(星期一)未列入:该日为国家法定假日(国庆节)" in text and "除国家法定假日以外" in text
    assert_weekdays_right(text)
    plan = Understander().plan("6月份哪几天免费?", dt.date(2017, 5, 20))
    assert "未列入" not in free_days.propose(engine.pipeline.ctx, plan, plan.parts[0], [])[0].text


@pytest.mark.parametrize("question, due, state", [
    # today is Monday 2017-06-05 (the session's reference date)
    ("我上周三交的电动自行车登记材料,到今天还没拿到号牌,是不是超时了?", "2017年6月1日(星期四)", "该时限已过"),
    # handed in on a Saturday: the one working day is the Monday after
    ("我前天交的电动自行车登记材料,到今天还没拿到号牌,是不是超时了?", "2017年6月5日(星期一)", "该时限尚未到期"),
])
def test_a_limit_in_working_days_is_counted_from_the_day_named(engine, question, due, state):
    """"受理1个工作日内,核发号牌和行驶证", counted from the day the question names (a past relative day,
    前天 included) by the working-day calendar, against today."""
    a = engine.ask(question).answer
    assert a.found and "1个工作日内" in a.answer and due in a.answer and state in a.answer, a.answer


def test_a_yearless_day_names_the_document_issued_that_day_asked_years_later(engine_2026):
    """"4月25号那个免职通知", asked in 2026: the day without its year is the day the 2017 notice was
    issued, not 2026-04-25, and the notice answers."""
    a = ask(engine_2026, "4月25号那个免职通知,免了谁的职呀?")
    assert a.found and "蔡方林" in a.answer and any(c.doc_key == "衢政干〔2017〕5号" for c in a.citations), a.answer


# ------------------------------------------------------------------ two dates of one document, asked together
def test_issue_and_effective_dates_asked_together_get_both(engine):
    """"印发日期和施行日期": the effective date alone answered half of it."""
    a = ask(on(engine, dt.date(2017, 6, 1)), "电动自行车登记规定印发日期和施行日期各是哪天？")
    assert a.found and "2017年4月24日(星期一)" in a.answer and "2017年5月1日(星期一)" in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政办发〔2017〕25号"}


def test_whether_issue_and_effective_day_are_the_same_is_answered(engine):
    a = ask(on(engine, dt.date(2017, 6, 1)), "畜牧业示范市三年行动方案的印发日期和施行日期是同一天吗")
    assert "2017年4月10日(星期一)" in a.answer and "2017年5月10日(星期三)" in a.answer
    assert "两者不是同一天" in a.answer


@pytest.mark.parametrize("q", ["电动自行车登记规定是哪年出台的", "防汛防台办法是几月份印发的"])
def test_colloquial_issue_questions_ask_the_issue_date(q):
    from qa.question import ISSUED_Q

    assert ISSUED_Q.search(q)
    assert not ISSUED_Q.search("到哪年发展到350家")
    assert not ISSUED_Q.search("第二批事项是几月底前公布的")  # a month something is due by


# ------------------------------------------------------------------ a one-off period is due by its end
def test_a_one_off_period_quoted_for_a_due_question_says_where_today_stands(engine):
    """"2017年下半年,…完成总结评估工作": asked on 2017-11-10 when it must be done, the answer says the
    period has not run out yet, as it says of a deadline."""
    a = ask(on(engine, dt.date(2017, 11, 10)), "最多跑一次改革的总结评估工作最晚什么时候完成？")
    assert a.found and "2017年下半年" in a.answer and "2017年12月31日(星期日)" in a.answer
    assert "尚未到期" in a.answer and "已过" not in a.answer


def test_a_row_due_asked_as_should_be_fixed_by_now_says_it_has_passed(engine):
    """"…早该改好了吧": a question about being done by a due date, in everyday words."""
    a = ask(on(engine, dt.date(2017, 12, 5)), "开山铸造那几台起重机的隐患按计划应该早就改好了吧")
    assert a.found and "2017年11月底前" in a.answer and "该期限已过" in a.answer


# ------------------------------------------------------------------ an annex that names the plan's years
def test_a_plans_span_is_read_from_its_annex_when_the_title_names_none(engine):
    """The 1238 plan's title names no years; its annex "2017—2020年科技创新主要指标目标任务分解" does."""
    a = ask(on(engine, dt.date(2022, 3, 1)), "1238创新平台体系行动计划到哪年为止，现在还有效吗")
    assert a.found and "2017—2020年科技创新主要指标目标任务分解" in a.answer
    assert "至2020年12月31日(星期四)止" in a.answer and "该期限已过" in a.answer
    assert "附件“附件" not in a.answer
    assert {c.doc_key for c in a.citations} == {"衢政发〔2017〕12号"}


def test_an_annex_period_is_a_record_of_its_own_and_sets_no_expiry(engine):
    """The annex's years date the plan's targets; whether the document is in force is not decided by them."""
    timeline = engine.corpus.timeline
    annex = [r for r in timeline.of("衢政发〔2017〕12号") if r.subject == "annex"]
    assert [(r.phrase, r.end) for r in annex] == [("2017—2020年", dt.date(2020, 12, 31))]
    assert timeline.docs["衢政发〔2017〕12号"].expires is None


# ------------------------------------------------------------------ a day outside what a text covers says so
def test_a_day_before_the_free_tour_began_is_outside_its_period(engine):
    a = ask(on(engine, dt.date(2017, 5, 8)), "5月16号去烂柯山要门票吗")
    assert "2017年5月16日(星期二)不是免费日" in a.answer and "不在本次活动时间范围内" in a.answer


def test_a_day_after_a_clauses_cut_off_is_outside_what_it_applies_to(engine):
    """"适用于2017年5月1日之前已购买的…车辆": bought on 5月3日, the clause does not apply."""
    a = ask(on(engine, dt.date(2017, 5, 20)), "我5月3号买的电动车不在省里的目录上，能申领临时通行号牌吗")
    assert "2017年5月3日(星期三)在该日期之后,不在该条规定的适用范围内" in a.answer


def test_bought_before_a_date_is_a_cut_off_not_a_deadline(engine):
    """"第六条 2017年5月1日前购买的电动自行车…": nothing is due by 5月1日."""
    recs = [r for r in engine.corpus.timeline.of("衢政办发〔2017〕25号") if r.text.startswith("第六条")]
    assert [r.kind for r in recs] == ["date"]


def test_a_sentence_under_a_year_heading_is_due_by_that_year(engine):
    """"(一)2017年。…其中47个…隐患点综合治理工作全面完成;": the note dates the sentence by its heading,
    not by the 2018年底 of another sentence quoted beside it."""
    from qa.pipeline.skills.deadline import time_note

    pipe = engine.pipeline
    chunk = next(c for c in engine.corpus.chunks if c.path and c.path[-1] == "(一)2017年")
    quote = next(s for s in pipe.ctx.chunks[chunk.id].text.split(";") if "47个" in s)
    plan = pipe.understander.plan("47个重大地灾隐患点要求哪年全面完成，过期了没", dt.date(2018, 1, 15))
    note = time_note(pipe.ctx, plan, [(chunk.id, quote)], {"extractive"})
    assert "即2017年(至2017年12月31日(星期日))" in note and "该期限已过" in note


def test_a_documents_status_counts_a_stated_term_from_when_the_asker_says(engine):
    """Asked whether a plate got in 2018年3月 still holds, the status answer counts the 5-year term."""
    a = ask(on(engine, dt.date(2024, 6, 1)), "我2018年3月上的电动车临时牌，电动自行车登记规定现在还管用吗")
    assert "有效期为5年" in a.answer and "按2018年3月办理计,有效期至2023年3月前后" in a.answer
    assert "已过有效期" in a.answer


def test_a_months_free_days_are_counted_for_that_month(engine):
    """"一共几天" with a month named counts that month's days, not the activity's 59."""
    a = ask(on(engine, dt.date(2017, 5, 20)), "您好，6月份每个礼拜一都免费吗？一共几天？")
    assert a.found and "6.5、6.12、6.19、6.26" in a.answer and "共4天" in a.answer
    assert "59天" not in a.answer
    a = ask(on(engine, dt.date(2017, 11, 25)), "12月份免费游景区一共免费几天")
    assert a.found and "全月31天" in a.answer and "59天" not in a.answer
    # without a month, or with the month as an addend, the activity's total
    a = ask(on(engine, dt.date(2017, 11, 25)), "免费游衢州一共免费多少天？")
    assert a.found and "共59天" in a.answer
    a = ask(on(engine, dt.date(2017, 6, 1)), "全球免费游衢州，周一免费再加上12月一整个月免费，今年加起来一共能免费多少天？")
    assert a.found and "共59天" in a.answer


def test_issue_date_asked_in_everyday_words_is_given_with_the_effective_date(engine):
    """"印发了没" asks the issue date as "哪天印发的" does."""
    a = ask(on(engine, dt.date(2017, 4, 20)), "养殖户问畜牧业三年行动方案印发了没,哪天起施行?")
    assert a.found and "2017年4月10日(星期一)" in a.answer and "2017年5月10日起施行" in a.answer


def test_a_year_the_cited_plan_states_is_never_called_unstated(engine_2026):
    """"到2020年和2025年…分别下降16%和28%" answers for 2025: no note may say 2025 is not covered."""
    a = ask(engine_2026, "单位工业增加值能耗到2025年比2015年下降多少?")
    assert a.found and "28%" in a.answer
    assert "未载明2025年" not in a.answer


def test_a_total_carried_from_the_question_before_is_not_asked_again(engine):
    """"那元旦呢?" after "12月份哪天去都免费吗?一共几天?" asks about New Year's Day, outside the activity."""
    e = on(engine, dt.date(2017, 11, 20))
    first = e.ask("12月份哪天去都免费吗？一共几天？")
    a = e.ask("那元旦呢？", session_id=first.session_id).answer
    assert_weekdays_right(a.answer)
    assert a.found and "2018年1月1日(星期一)" in a.answer and "公报未载明2018年的安排" in a.answer
    assert "59天" not in a.answer


def test_a_task_under_a_year_heading_is_due_when_its_heading_says(propose):
    """"(一)2017年。…江山市、常山县各建成1处以上…示范区;…" sets its tasks for 2017 by the heading
    alone: the task is proposed dated by it, quoting the heading and the task."""
    from qa.pipeline.skills import deadline

    cands = propose(deadline, "今年江山和常山要各建一个地质灾害搬迁示范区,期限到了没?")
    best = next(c for c in cands if "示范区" in c.text)
    assert best.text.startswith("(一)2017年:“江山市、常山县各建成1处以上地质灾害避让搬迁特色示范区”"), best.text
    assert "2017年12月31日(星期日)" in best.text and "尚未到期" in best.text
    assert [c.quote for c in best.citations] == ["(一)2017年", "江山市、常山县各建成1处以上地质灾害避让搬迁特色示范区;"]


def test_a_day_that_starts_a_stated_span_picks_that_span(propose):
    """"7月1号以后…进入哪个阶段" names the first day of "2017年下半年" (and of the third quarter): the
    statements of those spans come first, before the stage due by the end of May."""
    from qa.pipeline.skills import deadline

    cands = propose(deadline, "7月1号以后“最多跑一次”改革进入哪个阶段了?")
    assert any("2017年下半年" in c.text for c in cands[:2]), [c.text[:40] for c in cands]


@pytest.mark.parametrize("question, named", [
    # the row's name (整改责任单位) is shared by two road hazards: the location the question gives says which
    ("开化齐溪水库那段临水临崖的路,整改期限是什么时候?", "开化县交通运输局(205国道1688KM+700M—900M齐溪水库库区道路)"),
    ("江山大桥镇芳莲坂到店边那段路什么时候整改好?", "江山市交通运输局(江青线22KM—25KM大桥镇芳莲坂至店边路段)"),
])
def test_a_table_rows_deadline_names_the_row_as_the_question_does(propose, question, named):
    """A deadline from a table row names the row by the cell the question names it by when that is not
    its name: "开化县交通运输局:…2017年11月底前" alone does not say which of its two roads is meant."""
    from qa.pipeline.skills import deadline

    texts = [c.text for c in propose(deadline, question)]
    assert texts and texts[0].startswith(f"{named}:计划完成时间为2017年11月底前"), texts


def test_a_rule_quoted_for_a_day_before_it_took_effect_says_so(engine):
    """"后天是不是就进汛期了?" asked on 2017-04-13: the flood season of the 防汛防台 办法 (4月15日至10月15日)
    holds that day, but the 办法 applies from 2017-05-10; the answer quotes its sentence of effect, cited."""
    a = ask(on(engine, dt.date(2017, 4, 13)), "后天是不是就进汛期了?")
    assert a.found and "4月15日至10月15日" in a.answer
    assert "“第三十二条 本办法自2017年5月10日起施行”" in a.answer and "2017年4月15日(星期六)尚在其施行之前" in a.answer
    assert any(c.quote == "第三十二条 本办法自2017年5月10日起施行。" for c in a.citations)
    # asked in June, the day is after the date of effect: no note
    b = ask(on(engine, dt.date(2017, 6, 13)), "后天是不是就进汛期了?")
    assert b.found and "施行之前" not in b.answer
    # an answer that already names the date of effect is not told it twice
    c = ask(on(engine, dt.date(2017, 4, 20)), "明天电瓶车上牌要带啥材料")
    assert c.answer.count("2017年5月1日之日起施行") <= 1 and "尚在其施行之前" not in c.answer


def test_a_year_named_against_today_is_said_uncovered_only_of_a_dated_text(engine, engine_2026):
    """"今年", asked in 2026, of the plan's targets for 2017 ("(一)2017年。…新建改建扩建避灾安置点85个")
    is a year the gazette says nothing of: the answer gives the 2017 figure and says so, rather than read
    it out as this year's. Asked in 2017 it is the text's own year; and of an undated rule ("今年电瓶车上牌
    要带哪些材料", 第五条) it asks nothing the rule does not answer: no such note either."""
    from qa.pipeline.skills.deadline import unnamed_year_note

    q = "今年要新建改建扩建多少个避灾的安置点?"
    a = ask(engine_2026, q)
    assert a.found and "85个" in a.answer and a.answer.endswith("公报未载明2026年的安排。"), a.answer
    b = ask(on(engine, dt.date(2017, 5, 2)), q)
    assert b.found and "85个" in b.answer and "未载明" not in b.answer, b.answer
    ctx = engine_2026.pipeline.ctx
    plan = engine_2026.pipeline.understander.plan("今年电瓶车上牌要带哪些材料?", dt.date(2026, 11, 30))
    article = ctx.chunks["衢政办发〔2017〕25号#第五条"]
    assert unnamed_year_note(ctx, plan, [(article.id, article.text)], "") == ""


def test_whether_it_must_be_done_yet_asked_with_a_verb_and_wan_is_dated(engine):
    """"…今年要建完吗?" asks whether a task is due as "…要建好吗?" does: the year heading's task
    ("(一)2017年。…新建改建扩建避灾安置点85个") is said against today, due at 2017's end and not yet passed."""
    a = ask(on(engine, dt.date(2017, 11, 20)), "听说要建85个避灾安置点,是今年要建完吗?")
    assert a.found and "避灾安置点85个" in a.answer, a.answer
    assert "2017年12月31日(星期日)" in a.answer and "尚未到期" in a.answer, a.answer
