"""Table skills on the real gazette's parsed tables: rows a list question picks out (table_filter)
and rankings (table_extreme), as the candidates they propose, before any selection."""
from __future__ import annotations

import re

import pytest

from qa.chunk import is_row_id, row_address
from qa.pipeline.skills import table_cell, table_extreme, table_filter


def _texts(cands):
    return [c.text for c in cands]


def test_rows_picked_by_two_named_values(propose):
    cands = propose(table_filter, "开化县的消防类隐患有哪些?")
    filtered = [c for c in cands if "隐患类别为消防" in c.text and "隐患所在辖区为开化县" in c.text]
    assert filtered, _texts(cands)
    c = filtered[0]
    assert "共1处" in c.text and c.items == ("开化福瑞家具有限公司(开化县华埠镇工业功能区园区路2号)",)
    assert c.citations[0].doc_number == "衢政办发〔2017〕19号"


def test_a_place_is_named_by_its_stem_and_a_word_narrows_the_rows(propose):
    cands = propose(table_filter, "柯城有哪些路口是重大安全隐患?")
    narrowed = [c for c in cands if "含“路口”" in c.text]
    assert narrowed, _texts(cands)
    assert "隐患所在辖区为柯城区" in narrowed[0].text and "共5处" in narrowed[0].text
    assert all("路口" in item for item in narrowed[0].items)


def test_rows_that_fill_a_named_column(propose):
    cands = propose(table_filter, "避灾安置场所有改建任务的是哪几个县?")
    # each with its figure in the unit its column prints ("避灾安置场所任务(个) 改建")
    assert any("共2个:衢江区(5个)、常山县(10个)" in t for t in _texts(cands)), _texts(cands)


def test_the_kinds_a_category_column_holds_with_their_counts(propose):
    cands = propose(table_filter, "市级重大安全隐患分为哪几类?")
    kinds = [t for t in _texts(cands) if "按隐患类别分为3类" in t]
    assert kinds and "工矿(12处)、道路(13处)、消防(7处)" in kinds[0], _texts(cands)


def test_the_labels_of_a_column_group(propose):
    cands = propose(table_filter, "地质灾害隐患点按灾害类型分有哪几种?")
    assert any("灾害类型(处)分为4类:滑坡、泥石流、崩塌、地面塌陷(合计分别为253、140、95、22)" in t
               for t in _texts(cands)), _texts(cands)


def test_where_the_asker_is_from_picks_no_rows(propose):
    cands = propose(table_filter, "我是开化的,市级重大安全隐患分为哪几类?")
    assert cands and not any("开化县" in t for t in _texts(cands))


def test_a_value_named_alone_does_not_pick_rows_of_a_table_on_another_topic(propose):
    assert not any("隐患" in t for t in _texts(propose(table_filter, "开化县有哪些景区免费?")))


def test_a_ranking_leaves_out_the_rows_the_question_excludes(propose):
    with_all = _texts(propose(table_extreme, "2018年发明专利授权量哪个最多?"))
    assert any("集聚区" in t and "221" in t for t in with_all), with_all
    without = _texts(propose(table_extreme, "2018年发明专利授权量哪个县最多(不含集聚区)?"))
    assert any("柯城区(不含集聚区)" in t and "108件" in t for t in without), without


def test_a_tie_names_every_row_that_holds_it(propose):
    cands = propose(table_extreme, "2020年技术交易总额哪个地方最多?")
    assert any("江山市、集聚区,均为1.54亿元" in t for t in _texts(cands)), _texts(cands)
    assert len(cands[0].citations) == 2


def test_two_named_rows_are_compared_and_one_is_looked_inside(propose):
    cands = propose(table_extreme, "龙游县和江山市2018年研发经费支出哪个最多?")
    assert any("江山市" in t and "4.70亿元" in t for t in _texts(cands)), _texts(cands)
    # the table ranks counties, not the towns inside one
    assert propose(table_extreme, "开化县哪个乡镇的地质灾害隐患点最多?") == []

def test_a_ranking_says_its_figure_with_the_unit_its_column_prints(propose):
    """A ranking reads its figure as a cell does: "地质灾害隐患点(处) 总数" counts 处 and "受威胁人数 (人)"
    人, so "有多少处" is answered "为179处", not a bare "为179"."""
    texts = _texts(propose(table_extreme, "全市地质灾害隐患点哪个县最多?有多少处?"))
    assert any("开化县,为179处(" in t for t in texts), texts
    texts = _texts(propose(table_extreme, "受地质灾害威胁的人数哪个县最少?"))
    assert any("江山市,为761人(" in t for t in texts), texts



def test_every_year_of_an_indicator_is_read_from_its_sub_rows(propose):
    cands = propose(table_cell, "畜禽粪便综合利用率每年的目标分别是多少?")
    per_year = [c for c in cands if c.features.get("sub_rows")]
    assert per_year and "2017年98%;2018年99%;2019年99%" in per_year[0].text, _texts(cands)
    assert len(per_year[0].citations) == 3
    two = [c for c in propose(table_cell, "500头以上生猪规模养殖场比重2017年和2018年分别是多少?") if c.features.get("sub_rows")]
    assert two and "2017年75%;2018年80%。" in two[0].text, _texts(two)
    # one year asked: no per-year reading
    assert not any(c.features.get("sub_rows") for c in propose(table_cell, "2018年畜禽粪便综合利用率是多少?"))


def test_one_asked_year_reads_that_years_sub_row_alone(propose):
    # the indicator's sub-rows share its name and only the first (2017年) prints it: the name does
    # not tell them apart, the asked year does
    cands = propose(table_cell, "江山市2019年创建美丽生态牧场的任务是几个?")
    assert cands and "江山市为18个" in cands[0].text, _texts(cands)
    assert not any("江山市为14个" in c.text or "江山市为16个" in c.text for c in cands), _texts(cands)
    # no year asked: every year's sub-row stays for the selector
    assert len([c for c in propose(table_cell, "江山市创建美丽生态牧场的任务是几个?") if "江山市为" in c.text]) >= 2


def test_a_sub_rows_year_label_is_no_value(propose):
    # the column holding the sub-rows' years has the heading the PDF merged ("县(市、区) 合计"): its
    # "2018年" says which row, it is not what the row counts
    cands = propose(table_cell, "义乌的美丽生态牧场要建多少个?")
    assert not any(re.search(r"为20\d\d年", c.text) for c in cands), _texts(cands)


def test_the_earliest_and_latest_dated_rows(propose):
    cands = propose(table_extreme, "重大安全隐患整改最早的是哪一家,最晚的呢,分别几月底?")
    assert cands, "no candidate"
    text = cands[0].text
    assert "最早的是2017年6月底前(开化远兴机械设备有限公司)" in text and "最晚的是2017年11月底前" in text
    assert "等17处" in text  # a date many rows share: three named, the rest counted in the caption's word
    # "最晚…完成" alone asks one deadline at its latest, not a ranking of rows
    assert propose(table_extreme, "威胁10人以下的隐患点综合治理最晚哪年底完成?") == []


def test_the_latest_date_of_the_rows_of_a_named_kind(propose):
    """"消防类的…最晚什么时候": the latest date among the rows whose category cell is 消防, each unit
    named once however many of its rows share the date."""
    text = _texts(propose(table_extreme, "挂牌的消防类重大隐患最晚要在什么时候整改完?"))
    assert text and text[0].startswith("隐患类别为消防的,计划完成时间最晚的是2017年9月底前"), text
    road = _texts(propose(table_extreme, "道路类的重大隐患整改最晚到什么时候?"))
    assert road and "最晚的是2017年11月底前" in road[0] and "柯城交通运输分局、柯城交通运输局" in road[0], road
    # a kind every row holds, or none named, narrows nothing
    assert propose(table_extreme, "威胁10人以下的隐患点综合治理最晚哪年底完成?") == []


def test_the_one_date_the_rows_of_a_named_kind_share(propose):
    """"消防类的隐患整改期限是什么时候": every 消防 row is due 2017年9月底前, and that is the answer; a list
    question about the kind ("有哪些") or a kind whose rows differ gets no date from here."""
    text = _texts(propose(table_extreme, "消防类的重大隐患整改期限是什么时候?"))
    assert text and text[0].startswith("隐患类别为消防的,计划完成时间均为2017年9月底前"), text
    assert propose(table_extreme, "消防类的重大隐患有哪些?") == []
    assert propose(table_extreme, "工矿类的重大隐患整改期限是什么时候?") == []  # 6月底 to 11月底


def test_an_empty_or_dashed_cell_of_the_asked_year_is_not_an_answer(propose):
    # the indicator table prints "-" for 2015 where it had no figure, and leaves 2020/2025 empty
    # for a rate it only states for 2015
    assert not propose(table_cell, "2015年生产性服务业增加值占地区生产总值的比重是多少?")
    assert not propose(table_cell, "工业主要污染物排放量下降幅度2025年要降多少?")
    assert any("28" in c.text for c in propose(table_cell, "生产性服务业增加值占地区生产总值的比重2020年要到多少?"))


def test_a_figure_is_said_with_the_unit_its_column_prints(propose):
    """"受威胁人数 (人)" gives its figures in 人, "避灾安置场所任务(个)" in 个, and the 合计 beside them
    adds up 个: the answer says an amount of something, as the question asks it."""
    texts = _texts(propose(table_cell, "开化县受威胁人数有多少人?"))
    assert any(t.startswith("开化县受威胁人数 (人)为2547人") for t in texts), texts
    texts = _texts(propose(table_cell, "柯城区2017年避灾安置场所合计要建多少个?"))
    assert any(t.startswith("柯城区合计为14个") for t in texts), texts


def test_an_indicator_row_gives_its_figures_in_the_unit_its_name_prints(propose):
    """"年营业收入超百亿元制造业企业数量(家)" counts 家 in its year columns, "…的比重(%)" gives %; the
    question's paraphrase ("…占规上工业的比重" for "…在规上工业中的比重") still names the row."""
    texts = _texts(propose(table_cell, "到2025年年营业收入超百亿元的制造业企业要有几家?"))
    assert any(t.startswith("年营业收入超百亿元制造业企业数量(家)2025年为6家") for t in texts), texts
    texts = _texts(propose(table_cell, "2015年重工业增加值占规上工业的比重是多少?"))
    assert any(t.startswith("重工业增加值在规上工业中的比重(%)2015年为67.75%") for t in texts), texts
    # a name's other brackets are no unit: "新湖菜市场(筹)" is finished by 2017.12, not by "2017.12筹"
    texts = _texts(propose(table_cell, "新湖菜市场(筹)的完成期限是什么时候?"))
    assert any(t.startswith("新湖菜市场(筹)完成期限为2017.12(") for t in texts), texts


def test_a_column_word_does_not_run_across_its_unit_bracket(propose):
    """"灾害类型(处) 地面塌陷" holds the words 灾害类型 and 地面塌陷, not "处地": "有多少处地质灾害隐患点"
    does not ask for the 地面塌陷 column."""
    texts = _texts(propose(table_cell, "开化县有多少处地质灾害隐患点,受威胁的有多少人?"))
    assert texts and not any("地面塌陷为" in t for t in texts), texts
    assert any(t.startswith("开化县受威胁人数 (人)为") for t in texts), texts


def test_everyday_words_around_a_question_do_not_hide_the_table_it_names(propose):
    # the question's words the corpus never prints (山脚, 村干部…) point at no table: whether a
    # county's row is asked is judged by the words it shares with the tables
    q = "我是常山县人,家住山脚下,村干部常讲地质灾害的事,常山县一共有多少人受地质灾害隐患威胁?"
    texts = [c.text for c in propose(table_cell, q)]
    assert any("1142" in t and "附件2" in t for t in texts), texts


@pytest.mark.parametrize("question, annex", [
    ("常山县受威胁人数是多少?", "附件2"),  # 威胁 names the column, not the narrowing: the whole table
    ("威胁10人以下的隐患点开化县有多少处?", "附件4"),
    ("开化县威胁10人以上的隐患点有几处?", "附件3"),
])
def test_a_table_narrowing_another_is_asked_only_when_the_question_says_the_narrowing(propose, question, annex):
    # 附件2 (all hidden-danger points), 附件3 (threatening ten or more) and 附件4 (fewer) share their rows
    texts = [c.text for c in propose(table_cell, question)]
    assert texts and all(annex in t for t in texts), texts


def test_the_whole_a_question_names_is_read_from_the_total_row(propose):
    """"全市…共多少处" and "一共" ask for what the 合计 row adds up, its own cell (140 泥石流 points,
    not a sum worked out here); a question naming a county asks that county's row, 一共 or not."""
    texts = _texts(propose(table_cell, "来电问全市泥石流隐患点共多少处"))
    assert any(t.startswith("合计灾害类型(处) 泥石流为140处(附件2") for t in texts), texts
    texts = _texts(propose(table_cell, "全市地质灾害隐患点里滑坡类的有多少处?"))
    assert any(t.startswith("合计灾害类型(处) 滑坡为253处") for t in texts), texts
    texts = _texts(propose(table_cell, "开化县一共有多少个地质灾害隐患点?"))
    assert texts and not any(t.startswith("合计") for t in texts), texts
    # without a word for the whole, the total row is not asked
    assert not any(t.startswith("合计") for t in _texts(propose(table_cell, "泥石流隐患点有多少处?")))


def test_a_row_chunk_id_gives_its_table_and_row_and_no_other_id_does():
    assert row_address("衢政发〔2017〕13号#二、总体要求与发展目标/(三)发展目标/t1/r3") == (1, 3)
    assert row_address("衢政发〔2017〕13号#二、总体要求与发展目标/(三)发展目标/t1") is None
    assert row_address("衢政发〔2017〕11号#一、总体要求/(三)工作目标") is None


def test_a_table_row_quoted_as_printed_names_each_figures_column(engine):
    # "…比重(%) 0.75 1.2 1.6" says which figure is 2025's only under the table's column headings
    ctx = engine.pipeline.ctx
    row_id = next(i for i, c in ctx.chunks.items()
                  if is_row_id(i) and c.text.startswith("创新能力 规上制造业研发经费支出占主营业务收入比重"))
    quote = ctx.chunks[row_id].text
    note = table_cell.row_note(ctx, [(row_id, quote)], quote)
    assert note == "该行各列:一级指标 创新能力;2015年 0.75;2020年 1.2;2025年 1.6。", note
    # said once per row, and not where the answer already prints the row under its columns
    assert table_cell.row_note(ctx, [(row_id, quote), (row_id, quote)], quote) == note
    assert table_cell.row_note(ctx, [(row_id, quote)], quote + "该行全部内容:…") == ""
    # a row whose cells say what they are in words ("2017年9月底前") needs no column names
    words = next(i for i, c in ctx.chunks.items() if is_row_id(i) and c.text.startswith("26 消防 柯城区"))
    assert table_cell.row_note(ctx, [(words, ctx.chunks[words].text)], "") == ""
    # a sentence quoted from a passage is no row
    other = next(i for i in ctx.chunks if not is_row_id(i))
    assert table_cell.row_note(ctx, [(other, ctx.chunks[other].text[:20])], "") == ""


def test_an_answer_quoting_a_printed_row_says_which_column_each_figure_is(engine):
    # whether the printed row or the table cell's answer is chosen, the answer says 2025's figure is 1.6
    a = engine.ask("规上制造业研发投入占收入比重2025年定的多少?").answer
    assert a.found and any(is_row_id(c.chunk_id) for c in a.citations), a.answer
    assert "2025年 1.6" in a.answer, a.answer
