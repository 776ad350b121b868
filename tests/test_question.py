"""The pure question helpers: what a question asks for, and whether a candidate answer says it."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.places import PlaceNames
from qa.question import (
    asked_extreme, asked_noun, attribute_supported, form_bonus, kind_items, kind_suffix, measure_supported, place_supported, unit_supported,
)
from qa.synonyms import gazette_words


@pytest.mark.parametrize("q,text,ok", [
    ("一等奖奖金多少?", "一等奖:开化县人民政府", False),
    ("一等奖奖金多少?", "一等奖奖金5万元", True),
    ("巨化集团2016年产值多少?", "范信根(巨化集团公司)", False),
    ("仓库地址在哪?", "市防指应当拥有仓库", False),
    ("仓库要多大?", "不少于1000平方米", True),  # no measure named: nothing to check
])
def test_measure_supported(q, text, ok):
    assert measure_supported(q, text) is ok


@pytest.mark.parametrize("q,text,ok", [
    ("登记点在哪里?", "到登记点交验车辆", False),
    ("办公室设在哪?", "办公室设在市国土局", True),
    ("号牌装在哪个位置", "号牌应当安装在车辆尾部", True),
    ("新湖菜市场建在哪", "新湖菜市场(筹) 西区双岭中路西侧", True),
    ("道路在哪", "维护道路交通秩序", False),  # 道路 is not an address
    ("仓库要多大?", "物资仓库", True),  # not a where-question
])
def test_place_supported(q, text, ok):
    assert place_supported(q, text) is ok


def test_who_prefers_the_body_acting():
    q = "不动产登记哪个部门负责?"
    acting = "市国土局会同市住建局推进不动产登记等工作。"
    mentioning = "探索将部门分设的办事窗口整合为“不动产登记”等综合窗口"
    assert form_bonus(q, acting) > form_bonus(q, mentioning)


def test_kinds_closed_by_what_they_are_kinds_of_answer_which_ones():
    """衢政办发〔2017〕24号 "积极推行公寓式安置,鼓励推行货币化补助安置、公租房安置等多种形式": the kinds
    asked for by "安置有哪几种方式", though neither a lead-in nor three names joined by 、."""
    q = "地质灾害搬迁,安置有哪几种方式?"
    kinds = "积极推行公寓式安置,鼓励推行货币化补助安置、公租房安置等多种形式,探索跨乡镇、村的安置办法。"
    lead = "统筹安排安置区块,引导群众向县城、中心镇、中心村集聚。"
    assert form_bonus(q, kinds) > form_bonus(q, lead)


@pytest.mark.parametrize("asked,matched", [
    ("电动车上牌要带哪些材料?", "电动自行车登记提交哪些材料?"),  # 材料 stays: no lexicon row maps it (no source passage needs it)
    ("办公室放在哪个单位?", "办公室设在哪个单位?"),
    ("每个县要有几个避灾中心,每个能装多少人?", "各县要有几个避灾中心,每个能装多少人?"),  # no row: 能装 served one question
    ("村里多久搞一次演练", "村级多久举行一次演练"),
    ("江郎山免费吗", "江郎山免费吗"),  # nothing colloquial: unchanged
    ("4月25号那个通知", "4月25日那个通知"),  # a day is written 日 in the gazette
    ("衢政干〔2017〕5号", "衢政干〔2017〕5号"),  # a 文号's 号 is no day
])
def test_gazette_words(asked, matched):
    assert gazette_words(asked) == matched


def test_unknown_place():
    places = PlaceNames("衢州市 江山市 柯城区 杭州衢州海创园")
    assert places.unknown("金华市的仓库要多大?") == "金华市"
    assert places.unknown("江山市的仓库要多大?") is None
    assert places.unknown("杭州的海创园在哪") is None
    assert places.unknown("仓库要多大?") is None
    assert places.unknown("2016年安全生产先进集体里市本级单位占几家?") is None  # 里市 is no place


def test_division_names_are_places_the_tagger_misses():
    places = PlaceNames("衢州市 江山市 柯城区 杭州衢州海创园")
    # jieba tags 金华 nz: the division list names it, with or without its level
    assert "金华" in places.named("金华那边的电瓶车上牌要几天?")
    assert "婺源县" in places.named("上饶婺源县的景区免费吗")
    assert places.named("金华市的仓库要多大?") == ("金华市",)  # not 金华 again inside it
    # …and so are county-level cities (jieba tags 义乌 nz too): "义乌的美丽生态牧场" is about no place
    # of the corpus
    assert "义乌" in places.named("义乌的美丽生态牧场要建多少个?")
    # …as a word of the question, not across two ("重大安全" holds 大安 of 大安市)
    assert places.named("重大安全隐患那个通知依据的中央文件文号") == ()
    # a stem jieba reads as a common word is a place only with its level
    assert "日照" not in places.named("大棚日照不足有补贴吗")
    assert "日照市" in places.named("日照市有补贴吗")
    # a one-character name and its level stands inside common phrases
    assert places.named("全市和县里都要建仓库吗") == ()
    # only the tagger's places are refused outright; a listed one is weighed by the scorer
    assert places.unknown("那黄山是不是也一起免了?") is None
    assert places.unknown("金华那边的电瓶车上牌要几天?") is None


def test_evidence_is_compared_in_the_questions_matching_form():
    # the question is matched in NFKC ("Ⅳ级" typed becomes "IV级"); a passage as printed must be
    # compared in the same form, or the level that tells the four responses apart is never matched
    import datetime as dt

    from qa.pipeline.understand import Understander
    from qa.score import bigram_idf, coverage

    levels = ["当启动Ⅳ级响应时,水利部门分管负责人到同级防指办指挥;",
              "当启动Ⅰ级响应时,政府主要负责人、分管负责人及有关部门负责人到同级防指办指挥。",
              "各县（市、区）防指办应当报告。"]
    idf = bigram_idf(levels)
    q = Understander().plan("启动Ⅳ级响应时，谁到防指办指挥？", dt.date(2026, 11, 30)).parts[0].text
    assert coverage(q, levels[0], idf) > coverage(q, levels[1], idf)
    assert coverage("各县(市、区)", levels[2], idf) == 1.0  # full-width brackets as printed by other issuers


@pytest.mark.parametrize("asked", ["衢政办发〔2015〕7号还有效吗?", "衢政办发[2015]7号还有效吗?", "衢政办发【2015】7号还有效吗?"])
def test_a_document_number_is_covered_whichever_brackets_print_it(asked):
    # the gazette prints one 文号 in 〔〕 and in []: a bigram across a bracket ("发〔", "〕7") would
    # leave the number half covered by the line that names it in the other form
    from qa.score import bigram_idf, coverage

    line = "2015年公布的衢州市服务业重点企业名单(衢政办发[2015]7号)同时废止。"
    other = "2015年公布的衢州市服务业重点企业名单(衢政办发〔2015〕7号)同时废止。"
    idf = bigram_idf([line, "衢州市服务业重点企业名单(2016年)"])
    assert coverage(asked, line, idf) == coverage(asked, other, idf) == 1.0


def test_evidence_scores_do_not_depend_on_the_hash_seed(gazette_path):
    # set iteration order changes with PYTHONHASHSEED; a float sum in that order made near-tied
    # sentences swap between runs. The score must be bit-identical in every process.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from qa.score import bigram_idf, coverage\n"
        "lines = [ln for ln in open(sys.argv[1], encoding='utf-8').read().split('\\n') if len(ln) > 20][:400]\n"
        "idf = bigram_idf(lines)\n"
        "print([coverage('最多跑一次改革到2017年底要覆盖多大比例的行政事项?', t, idf).hex() for t in lines[:100]])\n"
    )
    outs = {subprocess.run([sys.executable, "-c", code, str(gazette_path)], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout for seed in range(4)}
    assert len(outs) == 1


@pytest.mark.parametrize("question, noun", [
    ("领导小组的组长是谁?", "组长"),  # the noun after 的 that 是谁 stands for
    ("举报平台的网址是什么?", "网址"),
    ("管委会的主任现在是谁兼的?", "主任"),
    ("防汛的主要任务是什么?", "任务"),  # a modifier is not what is asked
    ("领导小组的办公室设在哪里?", "办公室"),  # "设在" is the verb, not part of the noun
    ("这个方案的内容是什么?", None),  # a generic word names no attribute
    ("陈水良是哪里的优秀乡镇农技员?", None),  # what follows 哪里的 is the thing located
    ("这个免费游活动是学的哪里的经验?", None),
    ("扶贫健康保险保多长时间?", None),  # 多长时间 asks how long: no thing called 时间 must be named
    # a particle or verb caught next to the question word names nothing
    ("重点行业典型企业装备数控化率2015年是多少", None),
    ("从2017年起市政府给畜牧业绿色发展示范市创建安排了多少钱?", None),
    ("蔡方林不当副局长以后调到哪里去了?", None),
    ("他们到2020年的目标是什么样的", "目标"),  # not 样的: the noun before 是什么 is asked
    ("衢州要请哪些大的科研院所来一起建协同技术创新中心?", None),
    # before a count, the words say what is done to the things counted; before an amount, what it is of
    ("2017年市级重大安全隐患一共挂牌多少处?", None),
    ("僵尸企业到2020年盘活多少家", None),
    ("地质灾害避让搬迁每户补助多少钱?", "补助"),
    ("2016年衢州粮食总产量是多少吨?", "总产量"),
    # the noun is read by words: past a one-character verb or an adverb to the word before it
    ("产业基金搞多大呀?", "基金"),  # not 金搞
    ("病死猪无害化率多少", "无害化"),  # not 化率
    ("扶持奖励具体给多少钱?", "奖励"),  # not 励给
    # a modal or passive with its verb, or a verb with 到, is what is done, not the thing asked
    ("衢江区创建示范市要出多少钱?", None),
    ("电瓶车超速被罚多少钱?", None),
    ("研发经费到2020年要搞到多少?", None),
    # …while a word of the dictionary that only starts like one is a noun
    ("全市单位工业增加值能耗多少?", "能耗"),
    # …but a one-character unit before 的 is what is asked
    ("种粮大户陈荣清是哪个村的?", "村"),
    ("日常事务的办公室是放在哪个局的?", "局"),
    # …or before a character it makes no word with (县最, 区任, 局来), while 县城 or 区域 is a word
    ("全市地质灾害隐患点哪个县最多?", "县"),
    ("2018年高新产业投资这块,哪个区任务最轻?", "区"),
    ("地方标准是哪个局来定的?", "局"),
    ("哪个区域的隐患点最多?", "区域"),
])
def test_the_noun_a_question_asks_for(question, noun):
    assert asked_noun(question) == noun


@pytest.mark.parametrize("q,asked", [
    ("哪个县区地质灾害受威胁人数最多?", "most"),
    ("转型升级清单里营业面积最大的是哪个市场?", "most"),
    ("哪个县的避灾安置场所任务最少?", "least"),
    ("办不动产登记的最多跑一次改革归哪个部门管?", None),  # a term the gazette uses, not a ranking
    ("村里的防汛物资仓库最少要多少平方米?", None),  # a stated limit: no which-word
])
def test_asked_extreme(q, asked, source_lines):
    corpus_text = "".join("".join(line.split()) for line in source_lines)
    assert asked_extreme(q, corpus_text) == asked


@pytest.mark.parametrize("q,text,ok", [
    ("一共评了多少个先进单位?", "一、先进集体(36家)", True),
    ("先进个人总共评了多少人?", "二、先进个人(50名)", True),
    ("一共多少人?", "共36家", False),
    ("要多少钱?", "36家", False),
    # a working day is a day: "几天" is answered by "1个工作日内", never by a date's 日
    ("材料交齐后几天能拿到号牌?", "登记机关应当在受理1个工作日内,核发号牌和行驶证。", True),
    ("几天能拿到号牌?", "本规定自2017年5月1日之日起施行。", False),
    # …and a trading day too (衢政办发〔2017〕21号)
    ("买了一个品种最快隔几天才能卖出去?", "买入后卖出同一交易品种的时间间隔不得少于5个交易日;", True),
    # 几 that points ("这几个数字") or asks to be given a few ("随便说几个就行") asks no number
    ("“1238”这几个数字分别代表啥?", "打造一座科创城、巩固提升两大产业承接平台能级", True),
    ("八大产业技术创新公共服务平台都有哪些,说几个就行?", "重点支持新材料、新能源等产业", True),
    ("产业技术创新公共服务平台打算建几个?", "推进产业技术创新公共服务平台建设", False),
])
def test_a_count_takes_the_classifier_of_what_is_counted(q, text, ok):
    assert unit_supported(q, text) is ok


@pytest.mark.parametrize("q,suffix", [
    ("这次交易场所回头看,重点排查哪几类?", "类"),
    ("交易制度改革涉及哪几种权?", "权"),
    ("打算整合成哪几类综合窗口", "窗口"),
    ("电动自行车号牌分哪几种", "种"),
    ("有哪些部门负责?", None),
])
def test_kind_suffix(q, suffix):
    assert kind_suffix(q) == suffix


def test_kind_items_needs_two_items_of_the_asked_kind():
    assert kind_items("重点排查哪几类?", "排查的重点是商品类、文化类、金融类交易场所")
    assert not kind_items("重点排查哪几类?", "重点排查类资产证券化业务")
    assert not kind_items("有哪些部门负责?", "市商务局、市金融办")


@pytest.mark.parametrize("q, text, ok", [
    ("到年底要覆盖多大比例的事项?", "“最多跑一次”事项覆盖面达到80%以上", True),
    ("市里奖励多少比例?", "市政府按景区所在县(市、区)政府补助额的1/3给予奖励", True),
    ("到年底要覆盖多大比例的事项?", "全面梳理公布群众和企业到政府办事“最多跑一次”的事项", False),
    ("产值多少?", "新产品产值616亿元", True),
    ("产值多少?", "研发人员6548人年", False),
])
def test_a_share_asked_by_name_is_answered_by_a_share(q, text, ok):
    """"占多大比例" is answered by "80%以上" or "1/3", which seldom print the word 比例; another thing
    asked by name (产值) must still be named."""
    assert attribute_supported(q, text) is ok


@pytest.mark.parametrize("q, text, ok", [
    # a comparison ("超过多少") names no attribute: the area is asked, as "占地" names it
    ("那家厂的车间占地超过多少平方?", "2.木器厂房占地超1500平方米,未设置自动灭火系统", True),
    ("那家厂的车间占地超过多少平方?", "3.配电房设置在丙类厂房内未进行防火分隔", False),
    # 羽 counts poultry as 头 counts pigs: "羽才" is no thing asked
    ("养肉鸡一年出栏多少羽才算规模养殖场?", "鼓励和引导发展年出栏猪1000头、肉鸡50000羽和存栏蛋鸡5000羽", True),
])
def test_a_comparison_or_a_classifier_after_the_thing_is_no_attribute(q, text, ok):
    assert attribute_supported(q, text) is ok


def test_noun_slots_load_jieba_without_a_word_on_stderr():
    """The part-of-speech tagger the noun slots read loads jieba's dictionary; jieba announces that on
    stderr, which is noise in the output of `qa ask` and in a service log."""
    import subprocess
    import sys

    code = "from qa.question import asked_noun\nprint(asked_noun('产业基金搞多大?'))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert (run.stdout, run.stderr) == ("基金\n", "")
