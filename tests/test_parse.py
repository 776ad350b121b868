"""The parser on the real gazette: documents, TOC cross-check, articles, tables, lists, chunks."""
from __future__ import annotations

import pytest

from qa.chunk import chunk_issue
from qa.errors import GazetteFormatError
from qa.parse import parse_file
from qa.text import squeeze

EXPECTED_DATES = {
    "衢政发〔2017〕11号": "2017-03-31", "衢政发〔2017〕12号": "2017-03-31", "衢政发〔2017〕13号": "2017-03-31",
    "衢政发〔2017〕14号": "2017-04-10", "衢政发〔2017〕15号": "2017-04-15", "衢政发〔2017〕17号": "2017-04-25",
    "衢政办发〔2017〕11号": "2017-03-13", "衢政办发〔2017〕13号": "2017-03-28", "衢政办发〔2017〕14号": "2017-03-28",
    "衢政办发〔2017〕16号": "2017-04-10", "衢政办发〔2017〕17号": "2017-04-14", "衢政办发〔2017〕18号": "2017-04-14",
    "衢政办发〔2017〕19号": "2017-04-15", "衢政办发〔2017〕20号": "2017-04-15", "衢政办发〔2017〕21号": "2017-04-15",
    "衢政办发〔2017〕23号": "2017-04-21", "衢政办发〔2017〕24号": "2017-04-21", "衢政办发〔2017〕25号": "2017-04-24",
    "衢政办发〔2017〕26号": "2017-04-24", "衢政办发〔2017〕27号": "2017-04-26", "衢政办发〔2017〕28号": "2017-04-21",
    "衢政办发〔2017〕29号": "2017-05-05", "衢政干〔2017〕5号": "2017-04-25", "衢政干〔2017〕6号": "2017-04-25",
}


def test_issue_metadata(issue):
    assert (issue.name, issue.year, issue.number, issue.total_number) == ("衢州政报", 2017, 2, 98)


def test_24_documents_with_numbers_and_dates(issue):
    got = {d.key: d.date for d in issue.documents}
    assert list(got) == list(EXPECTED_DATES)
    assert got == EXPECTED_DATES
    kinds = [d.key[: d.key.index("〔")] for d in issue.documents]
    assert (kinds.count("衢政发"), kinds.count("衢政办发"), kinds.count("衢政干")) == (6, 16, 2)


def test_number_as_printed_keeps_its_brackets(docs):
    assert docs["衢政办发〔2017〕14号"].number == "衢政办发[2017]14号"
    assert docs["衢政办发〔2017〕29号"].number == "衢政办发〔2017〕29号"


def test_toc_maps_each_entry_to_exactly_one_document(issue):
    keys = [d.key for d in issue.documents]
    assert len(issue.toc) == 24
    for entry in issue.toc:
        assert keys.count(entry.key) == 1, entry
        doc = next(d for d in issue.documents if d.key == entry.key)
        assert squeeze(entry.title) == squeeze(doc.title)
    assert {e.key for e in issue.toc} == set(keys)


def _articles(doc):
    return [u for u in doc.walk() if u.kind == "article"]


def test_articles_and_chapters(docs):
    d14 = docs["衢政发〔2017〕14号"]
    assert len([u for u in d14.units if u.kind == "chapter"]) == 6
    assert len(_articles(d14)) == 32
    assert len(_articles(docs["衢政发〔2017〕17号"])) == 30
    assert len(_articles(docs["衢政办发〔2017〕25号"])) == 13
    paths = [u.path for u in _articles(d14)]
    assert ("第四章 防汛防台应对责任", "第十八条") in paths


def test_wrapped_title_and_enclosed_plan(docs):
    d = docs["衢政发〔2017〕12号"]
    assert d.title == "衢州市人民政府关于印发衢州市构建“1238”创新平台体系实施科技创新服务行动计划的通知"
    assert d.subtitle == "衢州市构建“1238”创新平台体系实施科技创新服务行动计划"


def test_outline_paths(docs):
    paths = [u.path for u in docs["衢政办发〔2017〕29号"].walk()]
    assert ("二、活动内容", "(三)免费时间") in paths
    assert ("二、活动内容", "(二)免费景区") in paths


def _table(doc, caption_part):
    return next(t for t in doc.tables if caption_part in t.caption)


def _cell(table, row, column):
    r = next(r for r in table.rows if r.header == row)
    return r.cells[table.columns.index(column)]


def test_indicator_tables_of_12(docs):
    d = docs["衢政发〔2017〕12号"]
    rd = _table(d, "研究与试验发展经费支出")
    assert rd.unit == "亿元"
    assert _cell(rd, "龙游县", "2018年 金额") == "2.75"
    staff = _table(d, "研发人员")
    assert _cell(staff, "衢江区", "2019年 人员数") == "494"
    assert len(d.tables) == 8


def test_market_list_of_14(docs):
    d = docs["衢政办发〔2017〕14号"]
    assert len(d.tables) == 1, "the header repeated on each page must merge into one table"
    t = d.tables[0]
    assert len(t.rows) == 29
    sections = list(dict.fromkeys(r.section for r in t.rows))
    assert len(sections) == 5 and sections[0] == "示范一批"
    r = next(r for r in t.rows if "斗潭农贸市场" in r.header)
    assert r.cells[t.columns.index("地址")] == "柯城区斗潭"
    assert "4370" in r.cells


def test_two_level_header_of_13(docs):
    t = docs["衢政发〔2017〕13号"].tables[0]
    assert t.row_header == "二级指标" or "二级指标" in t.columns
    assert "一级指标" in (t.row_header,) + t.columns
    r = next(r for r in t.rows if r.header.startswith("规上制造业研发经费支出"))
    assert r.cells[t.columns.index("一级指标")] == "创新能力"
    assert r.cells[t.columns.index("2020年")] == "1.2"


def test_per_year_sub_rows_of_16(docs):
    # the year labels printed once across the top are the sub-rows' own labels, not column names,
    # and a sub-row without its own 序号 carries the indicator name of the row above
    table = docs["衢政办发〔2017〕16号"].tables[0]
    assert table.row_header == "任务指标" and "年份" in table.columns
    rows = {(r.header, r.cells[table.columns.index("年份")]): r for r in table.rows}
    assert "80%" in rows[("500头以上生猪规模养殖场比重达", "2018年")].cells
    assert "98%" in rows[("畜禽粪便综合利用率", "2017年")].cells


def test_article_first_line_broken_mid_word_is_joined(docs):
    # "第六条 …缺失购" / "车发票、…": an article's first line is body text, not a short title
    art = next(u for u in docs["衢政办发〔2017〕25号"].walk() if u.heading == "第六条")
    assert "缺失购车发票" in art.text


@pytest.mark.parametrize("number, joined", [
    ("衢政办发〔2017〕16号", "市政府安排资金2800万元"),  # "(三) 加大政策扶持。从2017年起,…资金" / "2800万元,…"
    ("衢政办发〔2017〕21号", "商品类交易场所应以产业客户为主"),  # "(三)投资者适当性。…商品类" / "交易场所…"
])
def test_text_after_a_run_in_heading_joins_its_next_line(docs, number, joined):
    # a heading line that goes on into body text after its "。" is body text cut at the page edge,
    # not a short title standing alone
    assert any(joined in u.text for u in docs[number].walk())


def test_name_lists_with_counts(docs):
    lists = {l.heading: l for l in docs["衢政办发〔2017〕20号"].lists}
    counts = [len(l.items) for l in lists.values()]
    assert counts == [2, 10, 16, 20], "items a column break put before the heading go to their own list"
    growers = next(l for h, l in lists.items() if "种粮大户" in h)
    assert growers.items[0].startswith("吴越") and growers.items[-1].startswith("蒋寿富")
    spots = next(l for l in docs["衢政办发〔2017〕29号"].lists if "景区" in l.heading)
    assert len(spots.items) == 13 and spots.items[0] == "烂柯山" and spots.items[-1] == "钱江源"


def test_every_chunk_is_found_in_its_source_span(issue, source_lines):
    for c in chunk_issue(issue):
        span = squeeze("".join(source_lines[c.line_start - 1 : c.line_end]))
        if c.kind == "header":
            assert squeeze(c.doc_number) in span
            continue
        for line in c.text.split("\n"):
            parts = line.split("、") if c.kind == "list" else [line]
            for part in parts:
                assert squeeze(part) in span, (c.id, part)


def test_chunk_ids_stable_and_unique(gazette_path):
    a = [c.id for c in chunk_issue(parse_file(gazette_path))]
    b = [c.id for c in chunk_issue(parse_file(gazette_path))]
    assert a == b and len(set(a)) == len(a)
    assert "衢政发〔2017〕14号#第四章 防汛防台应对责任/第十八条" in a


@pytest.mark.parametrize("content,reason", [(b"", "empty"), (b"\xff\xfe\x00bad", "UTF-8"), ("随便一段文字,没有文号。".encode(), "文号")])
def test_bad_input_is_refused_with_a_reason(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(GazetteFormatError, match=reason):
        parse_file(p)
