"""The understanding stage's normalisation: courtesy, voice markers and fillers leave the matching
form; words that only look like them (问题, 了解情况, 咨询电话) stay, because they are content."""
import datetime as dt

import pytest

from qa.pipeline.understand import Understander
from qa.question import asked_clauses, split_question

TODAY = dt.date(2026, 11, 30)
Q = "电动自行车登记需要哪些材料?"


@pytest.fixture(scope="module")
def understander():
    return Understander()


@pytest.mark.parametrize("opener", [
    "你好,请问", "您好,麻烦问一下,", "你好!想咨询一下:", "请问一下,", "打扰一下,我想问问", "您好,我想了解一下,",
    "问一下", "问下,", "咨询下", "请问问", "嗯,", "那个,就是", "就是那个", "喂,在吗?请问",
    "来电人咨询:", "工号1234,", "企业问:", "景区老板来电问:", "有企业咨询:",
    "游客问", "有养殖户来电问 ", "村干部来电问", "县国土局问 ", "我问一下,",  # relayed without a colon
])
def test_openers_leave_the_matching_form(understander, opener):
    assert understander.plan(opener + Q, TODAY, None, ()).match == Q


@pytest.mark.parametrize("circumstance", ["我是衢江区的,", "我住在常山,我就", "我孙子在杭州读书,我"])
@pytest.mark.parametrize("request_verb", ["想问问", "想知道", "想了解一下,", "想打听一下,"])
def test_a_request_after_the_askers_circumstance_leaves_the_matching_form(understander, circumstance, request_verb):
    """"我是衢江区的,想问问…": the circumstance stays (it is part of the question), the request goes."""
    own = circumstance.removesuffix("我就").removesuffix("我")
    assert understander.plan(circumstance + request_verb + Q, TODAY, None, ()).match == own + Q


@pytest.mark.parametrize("question", ["问题清单有哪些?", "有个事,想问题清单有哪些?", "了解情况的部门是谁?", "咨询电话是多少?", "下岗职工有什么补助?",
                                      "群众反映的问题谁来处理?", "村民问题怎么解决?", "谁问的?", "学问大不大?", "法律顾问怎么请?", "慰问金多少钱?"])
def test_content_that_looks_like_courtesy_stays(understander, question):
    assert understander.plan(question, TODAY, None, ()).match == question


@pytest.mark.parametrize("opener", ["请问下", "你好,请问下", "想问下", "麻烦问下"])
@pytest.mark.parametrize("question", ["下周一去江郎山要门票吗?", "下个月景区免费吗?", "下星期三能办吗?", "下半年干啥?"])
def test_a_courtesy_down_does_not_take_the_next_week(understander, opener, question):
    """"请问下" is courtesy, but the 下 of 下周一/下个月/下星期/下半年 belongs to the question."""
    assert understander.plan(opener + question, TODAY, None, ()).match == understander.plan(question, TODAY, None, ()).match


@pytest.mark.parametrize("opener", ["来电人王先生电话13857012345 问", "来电人李先生电话13967012345问", "养殖户来电 问"])
def test_a_relayed_asker_goes_when_a_pause_stands_before_the_question(understander, opener):
    """The phone number taken out of "来电人王先生电话138… 问" leaves a pause before 问; the relay
    still goes, with the asker's name."""
    assert understander.plan(opener + Q, TODAY, None, ()).match == Q


def test_thanks_at_the_end_go(understander):
    assert understander.plan(Q.rstrip("?") + "?谢谢!", TODAY, None, ()).match == Q


def test_the_cap_applies_after_personal_details_go(understander):
    """A long question behind a self-introduction keeps all its words: the matching form is capped
    once normalised, not as typed."""
    long_q = "发明专利目标:1238计划里2020年授权量要多少件?知识产权示范城市方案里每万人口拥有量要多少?"
    plain = understander.plan(long_q, TODAY, None, ())
    intro = understander.plan("您好,我姓王,电话0570-5853121。" + long_q, TODAY, None, ())
    assert intro.match == plain.match and intro.standalone == plain.standalone


@pytest.mark.parametrize("question, parts", [
    ("汛期是哪段时间?地质灾害领导小组汛期要不要值班?", ["汛期是哪段时间", "地质灾害领导小组汛期要不要值班"]),
    # a connective after a pause opens a second question; how a clause is introduced is not asked
    ("防汛物资谁负责 另外避灾中心设在哪?", ["防汛物资谁负责", "避灾中心设在哪"]),
    ("两件事:一是登记点在哪里,二是要带哪些材料?", ["登记点在哪里", "要带哪些材料"]),
    ("两个事情,一个是登记点在哪里,另一个是要带哪些材料?", ["登记点在哪里", "要带哪些材料"]),
    ("两件事情,一个是防汛物资谁负责,还有一个是避灾中心设在哪?", ["防汛物资谁负责", "避灾中心设在哪"]),
    ("电动车哪天开始登记 还有临时号牌的有效期", ["电动车哪天开始登记", "临时号牌的有效期"]),
    ("防汛物资谁负责,以及避灾中心设在哪?", ["防汛物资谁负责", "避灾中心设在哪"]),  # 以及 after a pause
    ("问两个事:汛期是哪段时间?防指办设在哪?", ["汛期是哪段时间", "防指办设在哪"]),
    # one question asked of two things
    ("防汛防台管理办法和地质灾害防治管理办法哪个先施行?", ["防汛防台管理办法什么时候施行", "地质灾害防治管理办法什么时候施行"]),
    ("2016年度粮食生产先进县和乡村休闲旅游一等奖分别是谁?", ["2016年度粮食生产先进县是谁", "乡村休闲旅游一等奖是谁"]),
    # a bare pause between clauses that each end asking
    ("免费游的通知哪天发的 从哪天开始免费?", ["免费游的通知哪天发的", "从哪天开始免费"]),
    ("搬迁贷款利率是多少,最多能贷几年?", ["搬迁贷款利率是多少", "最多能贷几年"]),
    # …after a clause that only announces them
    ("两件事 蔡方林免去什么职务 除险安居领导小组组长是谁", ["蔡方林免去什么职务", "除险安居领导小组组长是谁"]),
    # a question ending on its question word, joined without a pause to another
    ("地灾领导小组办公室设在哪和道路重大安全隐患整治谁牵头验收?", ["地灾领导小组办公室设在哪", "道路重大安全隐患整治谁牵头验收"]),
])
def test_a_question_of_several_questions_has_a_part_for_each(understander, question, parts):
    assert split_question(question) == parts
    assert len(understander.plan(question, TODAY, None, ()).parts) == 1 + len(parts)  # the whole, then each part


@pytest.mark.parametrize("question, asks", [
    # a last sentence typed as a statement says something about the asker: no question to answer
    ("市区电动自行车登记规定哪天施行？我帮邻居问问。", [True, False]),
    ("防汛物资谁负责?我住在乌溪江边上", [True, False]),
    # a question mark, an asking particle or an A-not-A form asks, question word or not
    ("防汛物资谁负责?县里的呢", [True, True]),
    ("电动车登记点在哪里?周末上不上班。", [True, True]),
    ("扶贫健康保险保费谁出?是政府出的吧", [True, True]),
    ("防汛物资谁负责?我住在乌溪江边上?", [True, True]),
])
def test_a_last_sentence_that_asks_nothing_is_no_part_to_answer(understander, question, asks):
    assert [p.asks for p in understander.plan(question, TODAY, None, ()).parts[1:]] == asks


@pytest.mark.parametrize("question, carried, typed", [
    ("市区电动自行车登记规定什么时候施行 印发日期是哪天?", "市区电动自行车登记规定印发日期是哪天", "印发日期是哪天"),
    ("科技创新服务行动计划什么时候印发的?要搞几年?", "科技创新服务行动计划要搞几年", "要搞几年"),
])
def test_a_later_part_without_a_topic_carries_the_first_parts(understander, question, carried, typed):
    last = understander.plan(question, TODAY, None, ()).parts[-1]
    assert (last.text, last.focus) == (carried, typed)


def test_a_later_part_with_its_own_topic_carries_nothing(understander):
    last = understander.plan("汛期是哪段时间?地质灾害领导小组汛期要不要值班?", TODAY, None, ()).parts[-1]
    assert (last.text, last.focus) == ("地质灾害领导小组汛期要不要值班", None)


def test_a_part_left_unstated_is_named_in_the_words_typed(engine):
    out = engine.ask("市区电动自行车登记规定啥时候施行?奖金怎么发?")
    assert out.answer.found and "关于“奖金怎么发”" in out.answer.answer


@pytest.mark.parametrize("question", [
    "500头以上生猪规模养殖场比重2017年和2018年分别是多少?",  # two years of one indicator
    "牵头部门和配合单位分别是谁?",  # two fields of one record
    "这个办法现在还有效吗?",  # 还有效 is no connective
    "我家是低保户,还有个孩子在上学,能不能参保?",  # a circumstance is no question of its own
    "牵头部门以及配合单位是哪些?",  # 以及 without a pause joins two nouns of one question
    "电动自行车还有没有过渡期?",
])
def test_one_question_stays_one_part(understander, question):
    assert len(understander.plan(question, TODAY, None, ()).parts) == 1


@pytest.mark.parametrize("question, focus", [
    ("我在衢江区开农家乐的,明天算汛期吗?", "明天算汛期吗?"),
    ("我是低保户,扶贫健康保险的保费要我自己掏钱吗?", "扶贫健康保险的保费要我自己掏钱吗?"),
    # a clause of the topic that is not about the asker stays: 扶贫健康保险 is what is asked about
    ("我老伴是低保户,村里说扶贫健康保险要抓紧办,最晚什么时候要办完?", "村里说扶贫健康保险要抓紧办,最晚什么时候要办完?"),
    ("我想问扶贫健康保险保多久?", None),  # no circumstance: the whole question is asked
    # the asker's own state between the topic and the question is no more asked than one before it
    ("科技创新服务说有五大行动,我记不全了,是哪五个?", "科技创新服务说有五大行动,是哪五个?"),
])
def test_the_askers_own_circumstance_stays_but_the_question_chooses(understander, question, focus):
    assert asked_clauses(question) == focus
    plan = understander.plan(question, TODAY, None, ())
    if focus is not None:
        assert plan.match.startswith(question[:2])  # the circumstance is part of the question
    assert (plan.parts[0].focus is None) == (focus is None)


@pytest.mark.parametrize("question, years", [
    ("今年的扶贫健康保险最晚什么时候要办完?", ["2026"]),  # today is 2026-11-30
    ("去年评的先进集体有哪些?", ["2025"]),
    ("2017年和明年的目标各是多少?", ["2017", "2027"]),
    ("扶贫健康保险保多久?", None),
    # a year said by its last two digits, as residents say it; a number of years stays a duration
    ("衢州到20年人才总量的目标是多少万人?", ["2020"]),
    ("17年挂牌隐患几处?", ["2017"]),
    ("电瓶车骑了15年,临时号牌有效期几年?", None),
])
def test_a_year_named_relative_to_today_is_a_year_slot(understander, question, years):
    assert understander.plan(question, TODAY, None, ()).slots.get("years") == years


@pytest.mark.parametrize("question, intent", [
    ("防汛防台管理工作暂行办法现在还有效吗?", "valid"),  # in force now: the document's dates answer it
    ("除险安居三年行动计划管哪几年?", "valid"),  # its term
    ("电动自行车登记规定哪天起施行?", "date"),  # one date, not whether it still holds
    ("地质灾害隐患点整改什么时候要完成?现在过期了没有?", "when"),  # a deadline, the deadline skill's
    ("免费游活动从哪天开始到什么时候结束?", "when"),
    ("除险安居三年行动计划是啥时候出的?", "date"),  # issued, in the colloquial verb
    ("蔡方林免职的通知哪天下的?", "date"),  # a span by its two ends, not a document's term
    ("每年新增高新技术企业这个是从哪年算到哪年?", "when"),
    # whether a plan has run out is whether it is in force; a target's date stays the deadline skill's
    ("1238创新平台的行动计划,现在是不是已经到期了?", "valid"),
    ("除险安居三年行动计划到今年是不是已经结束了?", "valid"),
    ("发明专利授权量的目标期限是哪年?现在是不是已经到期了?", "when"),
    # still followed, however long the document's name between 还按 and the verb; how far it runs
    ("今年还按地质灾害综合治理三年行动计划执行吗?", "valid"),
    ("明年企业还按金融支持重点项目建设的指导意见来吗?", "valid"),
    ("市区电动自行车登记规定管到哪一年?", "valid"),
])
def test_a_question_about_being_in_force_has_its_own_intent(understander, question, intent):
    assert understander.plan(question, TODAY, None, ()).intent == intent


@pytest.mark.parametrize("question", [
    "电瓶车登记的新规定啥时候开始实行?",  # 啥时候 and 实行, as people say them
    "畜牧业那个三年方案几号起实行的?",
    "地质灾害防治暂行办法明天就生效了吗?",  # whether yet: its effective date answers
    "防汛防台管理办法和地质灾害防治管理办法哪个先施行?",
])
def test_when_a_text_takes_effect_is_asked_in_everyday_words(understander, question):
    # the question words of the answer-type lexicon's `effective` row: the skill that reads a
    # document's effective date hears the same questions the feature checking its answer does
    assert understander.plan(question, TODAY, None, ()).intent == "date"


@pytest.mark.parametrize("question", [
    "消防那几处重大隐患,一般要求什么时候前整改好?",  # 那几处 points, it asks nothing
    "我们村搬迁的事拖了好几年了,三年行动计划到今年是不是已经结束了?",
    "我是低保户,扶贫健康保险都保哪些?",
    "哪些单位和个人受到了表彰?",  # 和 after a question word that does not end its clause
    "临时号牌还有多少天到期?",
])
def test_a_pause_that_sets_out_the_topic_does_not_split(question):
    assert split_question(question) == [question]


@pytest.mark.parametrize("question, previous, standalone", [
    # a target year with its 到: the year marked the same way is replaced, not the base year (2015年)
    ("那到2025年呢?", "到2020年要培育国家级两化融合管理体系贯标试点企业多少家?",
     "到2025年要培育国家级两化融合管理体系贯标试点企业多少家?"),
    ("到2025年呢?", "单位工业增加值能耗2020年要比2015年降多少?", "单位工业增加值能耗2025年要比2015年降多少?"),
    # a phrase with a number in it replaces the phrase it opens like, digits and all
    ("那威胁20个人的呢?", "地质灾害隐患点威胁150个人的,治理完由谁核销?", "地质灾害隐患点威胁20个人的,治理完由谁核销?"),
])
def test_a_follow_up_replaces_the_year_or_number_phrase_it_names(understander, question, previous, standalone):
    plan = understander.plan(question, dt.date(2017, 5, 2), previous)
    assert plan.standalone == standalone


@pytest.mark.parametrize("question, intent", [
    # a list of a stated size asks for its items ("是哪八个", "哪5家", "那五大行动分别是啥")
    ("1238创新平台体系里的八大产业技术创新公共服务平台是哪八个?", "list"),
    ("安全生产先进集体里在衢央企省企是哪5家?", "list"),
    ("科技创新服务那五大行动分别是啥?", "list"),
    ("衢州要建的那三个孵化基地,分别叫啥?", "list"),
    # one thing asked, or two things' dates: no list
    ("哪一个部门负责电动自行车登记?", "who"),
    ("两个文件分别是什么时候发的?", "date"),
])
def test_a_list_of_a_stated_size_is_a_list(understander, question, intent):
    assert understander.plan(question, TODAY, None, ()).intent == intent


@pytest.mark.parametrize("question, intent", [
    # the day things are due to be published is a task's deadline, which the text states ("2017年2月底、
    # 3月底前分别梳理并集中公布第一批、第二批…事项"): a sentence answers it, not the document's date
    ("最多跑一次第一批事项是啥时候要公布的？", "when"),
    ("第一批、第二批事项分别是什么时候前公布的?", "when"),
    ("头两批之后的那几批要在什么时候之前公布出来?", "when"),
    # the day a list or a document was published is its date
    ("2016年的服务业重点企业名单是哪天公布的?", "date"),
    ("市区电动自行车登记规定哪天发的?", "date"),
])
def test_a_day_something_is_due_by_is_no_issue_date(understander, question, intent):
    assert understander.plan(question, TODAY, None, ()).intent == intent


def test_each_part_of_several_asks_in_its_own_form(understander):
    # the whole question's intent is its first match (a date); the second part asks who holds a post
    plan = understander.plan("知识产权示范城市培育方案是哪天印发的？童炜鑫兼任的是什么职务呀？", dt.date(2017, 6, 1))
    assert plan.intent == "date"
    assert [p.intent for p in plan.parts[1:]] == ["date", "fact"]


def test_a_whole_question_leaves_its_intent_to_the_plan(understander):
    plan = understander.plan("扶贫健康保险的保费谁出?", dt.date(2017, 6, 1))
    assert len(plan.parts) == 1 and plan.parts[0].intent == "" and plan.intent == "who"


def test_each_part_of_several_names_its_own_slots(understander):
    # the year of the first part is no year the second asks about
    plan = understander.plan("2016年安全生产先进个人里市西区管委会的是谁?西区二期策划研究要啥时候完成?", dt.date(2017, 6, 1))
    assert plan.slots["years"] == ["2016"]
    assert [p.slots.get("years") for p in plan.parts[1:]] == [["2016"], None]


def test_our_place_is_the_place_the_asker_names(understander):
    """"我们区" after "我是柯城区的" is 柯城区 (a table row the question then names); "我们村" is not the
    district."""
    plan = understander.plan("我是柯城区的,我们区受威胁人数是多少?", TODAY, None, ())
    assert "柯城区受威胁人数" in plan.match
    assert "我们村" in understander.plan("我是柯城区的,我们村受威胁人数是多少?", TODAY, None, ()).match


@pytest.mark.parametrize("question,match", [
    ("我是龙游的，龙游2017年研发经费支出目标是多少亿？", "龙游2017年研发经费支出目标是多少亿?"),
    ("我是柯城区的,我们区受威胁人数是多少?", "柯城区受威胁人数是多少?"),
    ("我是常山县人,家里在山脚下,常山县总共有多少人受威胁?", "家里在山脚下,常山县总共有多少人受威胁?"),
    # named once, the place is the asker's circumstance and stays
    ("我是龙游的,地灾三年行动还在搞吗?", "我是龙游的,地灾三年行动还在搞吗?"),
])
def test_an_introduction_by_a_place_the_question_names_again_leaves_the_matching_form(understander, question, match):
    """"我是龙游的,龙游2017年…": the introduction says nothing the question does not, and doubled the weight
    of 龙游 in retrieval (the document naming it most often outranked the table with the answer)."""
    assert understander.plan(question, TODAY, None, ()).match == match


def test_an_introduced_place_named_again_does_not_move_the_answer(engine):
    """The same candidates with the same scores, and so the same answer, with or without "我是龙游的,".
    Which candidate wins here rests on a near-tie of retrieval (the 2.45亿元 cell's table second to a
    table of 衢政发〔2017〕13号 by 0.00002 of fused score on one machine, first on another): the right
    cell is asserted proposed, not chosen, so that the test is about the introduction alone."""
    import datetime as dt

    plain = engine.pipeline.run("龙游2017年研发经费支出目标是多少亿？", dt.date(2017, 5, 3))
    introduced = engine.pipeline.run("我是龙游的，龙游2017年研发经费支出目标是多少亿？", dt.date(2017, 5, 3))
    assert any("2.45亿元" in s.candidate.text for s in plain.scored[0])
    assert [(s.candidate.text, s.p) for s in introduced.scored[0]] == [(s.candidate.text, s.p) for s in plain.scored[0]]
    assert introduced.answer.answer == plain.answer.answer


@pytest.mark.parametrize("question,counts", [
    # an approximate number in the asker's circumstance asks no count: the question is when, or whether
    ("我们村后山有个滑坡点,底下住了三十几个人,这种重大点的综合治理要在哪一年全部弄完?", False),
    ("我养了十几年猪,退养的可以众筹合办养殖场吗?", False),
    ("我们公司是那批重点企业,现在都过去好几年了,这个名单还管不管用啊?", False),
    # …while 几 that asks still asks
    ("滑坡点底下住了几个人?", True),
])
def test_an_approximate_number_asks_no_count(understander, question, counts):
    plan = understander.plan(question, TODAY, None, ())
    assert (plan.intent == "count") is counts and ("unit" in plan.slots) is counts, (plan.match, plan.intent, plan.slots)


@pytest.mark.parametrize("question,where", [
    ("这种重大点的综合治理要在哪一年全部弄完?", False),
    ("免费游是在哪天开始的?", False),
    ("电动自行车登记点在哪?", True),
])
def test_in_which_year_asks_when_not_where(understander, question, where):
    # "在哪一年/在哪天" asks when (the answer-type lexicon's address row reads it so); "在哪" alone, where
    assert (understander.plan(question, TODAY, None, ()).intent == "where") is where


@pytest.mark.parametrize("question", ["免费游的补助按哪年的收入做基数?", "美丽生态牧场的目标啥时候完成?", "第二批事项是几月份前公布的?"])
def test_when_is_asked_as_people_ask_it(understander, question):
    assert understander.plan(question, TODAY, None, ()).intent == "when"


@pytest.mark.parametrize("typed,match", [
    # 额 of 金额 is no filler, even before a pause
    ("龙游县 2018年 研发经费 目标金额 ?", "龙游县 2018年 研发经费 目标金额?"),
    # fillers after a space are fillers after a pause
    ("启动Ⅳ级响应时 就是那个谁到防指办指挥", "启动IV级响应时 谁到防指办指挥?"),
])
def test_fillers_go_and_words_stay(understander, typed, match):
    assert understander.normalize(typed) == match


_OUTLINE = ("(一)实施规上工业企业专利清零工程", "(二)实施“三强一制造”工程")


@pytest.mark.parametrize("follow_up", ["这个工程归哪些部门负责?", "你好,这个工程归哪些部门负责?", "那个工程归哪些部门负责?"])
def test_an_opening_demonstrative_points_back_in_a_conversation(understander, follow_up):
    """An opening 这个/那个 is a filler the courtesy list drops ("那个电动车上牌…"); after an earlier turn
    it points back at what was asked, and the follow-up is rewritten against it."""
    plan = understander.plan(follow_up, dt.date(2026, 11, 30), "知识产权示范城市培育方案的第一个工程是什么?", _OUTLINE)
    assert plan.follow_up and plan.standalone == "知识产权示范城市培育方案的实施规上工业企业专利清零工程归哪些部门负责?"
    alone = understander.plan(follow_up, dt.date(2026, 11, 30))
    assert alone.standalone == "工程归哪些部门负责?"


def test_an_opening_filler_before_a_new_topic_stays_a_filler(understander):
    """"那个电动自行车上牌要带哪些材料?" after a question about the insurance names nothing the earlier turn
    named: its 那个 is a filler, and the question stands alone."""
    plan = understander.plan("那个电动自行车上牌要带哪些材料?", dt.date(2026, 11, 30), "扶贫健康保险都保哪些情况?")
    assert not plan.follow_up and "保险" not in plan.standalone
