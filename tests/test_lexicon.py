"""The word lists are data: every gazette-word row names the line where its official word stands."""
import re
from pathlib import Path

import pytest

from qa.config import BUNDLED_CORPUS
from qa.synonyms import LEXICON, gazette_words, read_rows


def test_every_gazette_word_stands_on_its_source_line():
    rows = read_rows(LEXICON / "gazette_words.tsv")
    assert rows
    for row in rows:
        name, line = row.source.rsplit(":", 1)
        text = (BUNDLED_CORPUS / name).read_text("utf-8").split("\n")[int(line) - 1]
        assert row.replacement in re.sub(r"\s", "", text), row


def test_every_word_row_earns_its_place():
    """No row of the word lists stands for one question: each matches two or more questions of the
    train/dev sets (a row fitted to one question is a defect, however much it raises a figure)."""
    questions = _fitting_questions()
    for name in ("gazette_words.tsv", "question_words.tsv"):
        for row in read_rows(LEXICON / name):
            assert sum(1 for q in questions if re.search(row.pattern, q)) >= 2, (name, row)


def test_question_words_name_no_passage_and_compile():
    for row in read_rows(LEXICON / "question_words.tsv"):
        assert row.source == ""
        re.compile(row.pattern)


def test_a_purchase_paper_not_found_is_the_gazettes_missing():
    # 衢政办发〔2017〕25号 第六条 "…缺失购车发票、车辆出厂合格证…可以凭…承诺书申请登记"
    assert gazette_words("发票和合格证都找不到了") == "发票和合格证缺失"
    assert gazette_words("那发票找不着了呢") == "那发票缺失呢"


def test_matching_form_uses_both_lists():
    assert gazette_words("电瓶车上牌要带啥") == "电动自行车登记提交什么"
    assert gazette_words("啥时候截止") == "什么时候截止"
    # the IME's 时侯 is 时候, before 啥时 is read: not "什么时候侯"
    assert gazette_words("最晚啥时侯全弄完") == "最晚什么时候全弄完"


@pytest.mark.parametrize("asked, kept", [
    ("改装过的电动车能不能上牌", "能不能"),  # whether it can be registered, not 不予办理 ("能不予办理登记")
    ("猪场划进禁养区要拆掉了", "拆掉了"),  # pulled down, not 丢失
    ("搬迁能住公租房吗", "能住"),  # may live in, not the 容量 of a place
    ("县县都有智能装备园区", "智能装备"),  # 智能|装备, not 能装 read as 容量
    ("牌子又找不到了咋办", "找不到"),  # a plate not found is lost (丢失), not a purchase paper 缺失
])
def test_an_everyday_word_inside_another_phrase_is_left_as_typed(asked, kept):
    assert kept in gazette_words(asked)


@pytest.mark.parametrize("asked", ["药王山礼拜一去是不是不要门票", "那天去江郎山能免门票吗", "下周一去廿八都古镇免不免门票"])
def test_admission_without_a_ticket_is_the_gazettes_free(asked):
    # 衢政办发〔2017〕29号 "每逢周一实行免费": a free spot is one you need no ticket for
    assert "免费" in gazette_words(asked) and "门票" not in gazette_words(asked)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("a|b(c|d)" → ["a", "b(c|d)"])."""
    out, depth, cur = [], 0, ""
    for ch in pattern:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def _fitting_questions() -> list[str]:
    """Every question and dialog turn of the sets the pipeline may be fitted or chosen on."""
    import json
    import unicodedata

    root = Path(__file__).resolve().parents[1] / "eval"
    out = []
    for name in ("gold", "dev", "split-train", "time-train", "split-dev", "time-dev"):
        for fname in ("questions.jsonl", "dialogs.jsonl"):
            for line in (root / name / fname).read_text("utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    out += [unicodedata.normalize("NFKC", t["question"]) for t in rec.get("turns", [rec])]
    return out


def test_answer_type_alternatives_earn_their_place():
    """No alternative stands for one question: each way of asking is used by two or more questions of
    the train/dev sets, and each answer form occurs in the bundled gazette."""
    from qa.pipeline import answer_types

    questions = _fitting_questions()
    gazette = re.sub(r"\s", "", "".join(p.read_text("utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))))
    types = answer_types.load()
    assert {t.name for t in types} >= {"money", "date", "count", "body"}
    for t in types:
        # a type a row supersedes is one of the lexicon's, not a misspelt name that silently does nothing
        assert t.supersedes <= {u.name for u in types} - {t.name}, (t.name, t.supersedes)
        for alt in _alternatives(t.asked.pattern):
            assert sum(1 for q in questions if re.search(alt, q)) >= 2, (t.name, alt)
        for alt in _alternatives(t.form.pattern):
            assert re.search(alt, gazette), (t.name, alt)


def test_question_form_alternatives_earn_their_place():
    """How people join and frame questions (qa/lexicon/question_forms.tsv): no alternative stands for
    one question; each occurs in two or more questions of the train/dev sets."""
    from qa.question import FORMS

    questions = _fitting_questions()
    assert {"connective", "own", "asked_attribute"} <= set(FORMS)
    for name, pattern in FORMS.items():
        for alt in _alternatives(pattern):
            assert sum(1 for q in questions if re.search(alt, q)) >= 2, (name, alt)


@pytest.mark.parametrize("question, asks", [
    ("地质灾害防治管理工作暂行办法从哪天开始实施?", True),
    ("电瓶车登记规定现在已经生效了没?", True),
    ("防汛防台管理办法和地质灾害防治管理办法哪个先施行?", True),
    ("“最多跑一次”那个实施方案现在还在执行吗?", False),  # still in force: its dates and term answer
    ("畜牧业绿色发展示范市三年行动方案现在还在执行期吗?", False),
    ("能源双控对节能目标实行啥制度?", False),
])
def test_an_effective_date_is_asked_by_when_or_whether_yet(question, asks):
    from qa.pipeline import answer_types
    assert ("effective" in {t.name for t in answer_types.asked(question)}) is asks


@pytest.mark.parametrize("question, kinds", [
    ("银企对接活动多久搞一次?", {"frequency"}),  # how often: 每年, 每季度, 每2年 answer it
    ("防指办多长时间报告一次汛情?", {"frequency"}),
    ("电动自行车临时号牌多久有效?", {"duration"}),  # how long: a term answers it
    ("扶贫健康保险保多久?", {"duration"}),
])
def test_how_often_is_asked_apart_from_how_long(question, kinds):
    from qa.pipeline import answer_types
    assert {t.name for t in answer_types.asked(question)} & {"frequency", "duration"} == kinds


@pytest.mark.parametrize("answer, held", [
    ("行政村(居民委员会)应当拥有一个总面积不少于15平方米的物资仓库", False),  # 行政村 names no place
    ("登记点设在柯城区府山街道", True),
    ("衢州市东门菜市场 柯城区新马路42号", True),
])
def test_an_address_names_a_place(answer, held):
    from qa.pipeline import answer_types

    assert answer_types.features("物资仓库在哪个地址?", answer)["atype_address"] == (1.0 if held else -1.0)


@pytest.mark.parametrize("question, kinds", [
    ("县里编的实施方案要报到哪里备案?", {"body"}),  # what is sent somewhere goes to a body
    ("年鉴出版之前要送哪里评审?", {"body"}),
    ("书面意见还要抄送哪里?", {"body"}),
    ("市区电动自行车登记点在哪里?", {"address"}),  # where a thing stands is an address
])
def test_where_a_thing_is_sent_is_a_body(question, kinds):
    from qa.pipeline import answer_types
    assert {t.name for t in answer_types.asked(question)} & {"body", "address"} == kinds


@pytest.mark.parametrize("question", ["汛期是哪段时间?", "巩固提升阶段是什么时间段?", "这个三年方案管哪几年?",
                                      "三年行动是哪三年?"])
def test_a_period_is_asked_as_a_date(question):
    from qa.pipeline import answer_types

    assert "date" in {t.name for t in answer_types.asked(question)}


@pytest.mark.parametrize("question, answer, value", [
    ("保费到底是谁出钱的?", "所需保费资金由县(市、区)承担,纳入本级财政预算。", 1.0),  # who bears the cost
    ("保费要我自己掏钱吗?", "扶贫健康保险的人均保费金额由各县(市、区)根据当地实际确定。", -1.0),  # the amount, not the payer
])
def test_who_pays_is_answered_by_who_bears_the_cost(question, answer, value):
    from qa.pipeline import answer_types

    assert answer_types.features(question, answer)["atype_payer"] == value


@pytest.mark.parametrize("question, kinds", [
    ("扶贫健康保险的保费由谁出?", {"payer"}),  # 由谁 asks no body here: the bearer is 县(市、区)
    ("我们这些人的补贴钱到底是谁来出的?", {"payer"}),  # nor 是谁 a person
    ("保费到底是谁出钱的呀?", {"payer"}),
    ("这项工作由谁负责?", {"body"}),
])
def test_who_pays_asks_for_no_other_who(question, kinds):
    """A who-pays question asks for whoever bears the cost; its 由谁/是谁 asks for no body or person
    besides (the payer row supersedes them, qa/lexicon/answer_types.tsv)."""
    from qa.pipeline import answer_types

    assert {t.name for t in answer_types.asked(question)} & {"payer", "body", "person"} == kinds


@pytest.mark.parametrize("question, kinds", [("产业技术创新公共服务平台打算建几个?", {"count"}),
                                            ("改革里要完善哪几个数据库?", set()),  # which ones, not how many
                                            ("前一个阶段的目标定在哪一年?", set()),  # when, not where
                                            ("登记点设在哪里?", {"address"}),
                                            # 这几个/那几处 point back at things named, asking no count
                                            ("道路那几处隐患什么时候前整改好?", set()),
                                            ("这几个数字分别代表什么?", set()),
                                            ("一共有几处隐患?", {"count"})])
def test_which_ones_and_which_year_are_not_how_many_and_where(question, kinds):
    from qa.pipeline import answer_types
    assert {t.name for t in answer_types.asked(question)} & {"count", "address"} == kinds


@pytest.mark.parametrize("question, person", [("科技大市场是谁牵头建设的?", False),
                                             ("这个隐患的督办单位是谁?", False),
                                             ("隐患销号是谁报请市政府的?", False),
                                             ("领导小组办公室主任是谁?", True),
                                             ("谁兼任办公室主任?", True)])
def test_who_leads_or_oversees_asks_for_no_person(question, person):
    """A 牵头/督办 unit is a body: "是谁牵头" asks no person's name."""
    from qa.pipeline import answer_types
    assert ("person" in {t.name for t in answer_types.asked(question)}) is person


@pytest.mark.parametrize("question, answer, kind", [
    # a count printed as N大 (衢政发〔2017〕12号 "推进八大产业技术创新公共服务平台建设")
    ("产业技术创新公共服务平台打算建几个?", "重点建设八大产业技术创新公共服务平台", "count"),
    # a deadline printed as a target year or month end (衢政办发〔2017〕24号 "到2018年底,全市完成…")
    ("隐患点治理最晚什么时候完成?", "到2018年底,全市完成已查明的510处地质灾害隐患点避让搬迁和治理排险工作", "deadline"),
    ("工作总结最晚哪天交?", "于2017年9月5日前向市金融办报送工作总结", "deadline"),
    # a count with a magnitude (衢政发〔2017〕12号)
    ("到2020年经营管理人才目标是多少人?", "以中青年企业家为重点的经营管理人才达到6.6万人", "count"),
])
def test_answer_forms_as_the_gazette_prints_them(question, answer, kind):
    from qa.pipeline import answer_types
    assert answer_types.features(question, answer)[f"atype_{kind}"] == 1.0


@pytest.mark.parametrize("question, where", [
    ("畜牧方案里说的李泽模式是哪里的经验?", False),  # whose: a place's name answers it, not an address
    ("每年新增省级科技型中小企业,哪里的名额最多?", False),
    ("电动自行车登记点在哪里?", True),
])
def test_whose_is_not_where(question, where):
    from qa.pipeline import answer_types
    from qa.question import WHERE_Q
    assert ("address" in {t.name for t in answer_types.asked(question)}) is where
    assert bool(WHERE_Q.search(question)) is where


def test_selling_and_transfer_are_asked_in_the_gazettes_words():
    # 衢政办发〔2017〕25号 第十条: "所有权发生转移的,…申请办理转移登记" is what people call 过户 and 卖给
    assert gazette_words("电瓶车卖给邻居了,过户要带啥?") == "电动自行车所有权发生转移邻居了,转移登记提交什么?"
    # …and a leading group's 办公室 is its 办事机构 (衢政办发〔2017〕24号 "办公室负责…日常事务")
    assert "办公室" in gazette_words("制造业升级那个行动,牵头抓的办事机构在哪个委?")
    # 第十条 "因灭失或者其他原因不使用的" is a bike no longer ridden; 衢政办发〔2017〕24号's 隐患点 a 危险点
    assert gazette_words("电瓶车报废不骑了,牌照那边要咋处理?") == "电动自行车报废不使用了,号牌那边要怎么处理?"
    assert gazette_words("山体滑坡的危险点,哪个县最少?") == "山体滑坡的隐患点,哪个县最少?"
    # 衢政办发〔2017〕11号: the list was drawn up by "企业申报、…初审推荐、…领导小组评审和社会公示等程序"
    assert gazette_words("这些服务业重点企业是咋评出来的?") == "这些服务业重点企业是怎么评审的?"
    # 衢政发〔2017〕12号 names who leads each item "(牵头单位:…)": a body that 带头建/带头搞 it, not the
    # 示范带头作用 the gazette also prints
    assert gazette_words("科技大市场是哪个部门带头建的?") == "科技大市场是哪个部门牵头建的?"
    assert gazette_words("要发挥示范带头作用") == "要发挥示范带头作用"


@pytest.mark.parametrize("asked, matched", [
    ("威胁不到十个人的那种小隐患点", "威胁10人以下的那种小隐患点"),
    ("龙游县威胁不到10人的隐患点有多少处?", "龙游县威胁10人以下的隐患点有多少处?"),
    ("开化县能威胁到10个人以上的地质灾害隐患点", "开化县能威胁到10人以上的地质灾害隐患点"),
    ("一个隐患点如果威胁五六十个人", "一个隐患点如果威胁五六十个人"),  # not 五六10
])
def test_a_bound_on_people_is_matched_as_documents_print_it(asked, matched):
    # 衢政办发〔2017〕24号: "直接威胁10人以下的地质灾害隐患点", "180处直接威胁10人以上…"
    assert gazette_words(asked) == matched
