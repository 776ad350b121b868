"""Dated records on the real gazette, and the trigger-word scan: every dated occurrence of 施行,
废止, 有效期, 时限, 底前, 前完成, 至…日 and 到20XX年 in the raw text is claimed by a parsed record with
the same date (read here independently, from the raw line)."""
from __future__ import annotations

import calendar
import datetime as dt
import re

import pytest

from qa.chunk import chunk_issue
from qa.text import normalize_doc_number, squeeze
from qa.timeline import build_timeline, cn_number, full_date, month_part, weekday_note

TRIGGERS = re.compile(r"施行|废止|有效期|时限|底前|前完成|至[^,。;,;:]{0,12}?日|到20\d\d年")
# a clause with none of these names no time: "缩短办理时限", the heading "(四)保险时限"
TIMEISH = re.compile(r"\d|[一二三四五六七八九十两]年")


@pytest.fixture(scope="module")
def timeline(issue):
    chunks = chunk_issue(issue)
    return build_timeline(list(issue.documents), chunks, {d.key: issue.lines for d in issue.documents})


def _clause(line: str, a: int, b: int) -> str:
    left = max(line.rfind(p, 0, a) for p in "。;;,,\t") + 1
    rights = [i for i in (line.find(p, b) for p in "。;;\t") if i >= 0]
    return line[left:min(rights) if rights else len(line)]


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def expected(line: str, a: int, b: int, trigger: str):
    """What the raw text says at this occurrence: ('date', last day) | ('years', n) | ('number', 文号)."""
    clause = _clause(line, a, b)
    before = line[:b]
    if trigger == "施行":
        m = re.search(r"自(\d{4})年(\d{1,2})月(\d{1,2})日(?:之日)?起施行$", before)
        return ("date", dt.date(*map(int, m.groups()))) if m else None
    if trigger == "废止":
        m = re.findall(r"[\u4e00-\u9fff]{2,8}?[〔\[]\d{4}[〕\]]\d+号", before)
        return ("number", normalize_doc_number(m[-1])) if m else None
    if trigger == "有效期":
        m = re.match(r"有效期(?:为|是)?(\d+)年", line[a:])
        return ("years", float(m.group(1))) if m else None
    if trigger == "时限":
        m = re.match(r"时限[::]\s*(\d{4})年(\d{1,2})月底", line[a:])
        return ("date", _month_end(int(m.group(1)), int(m.group(2)))) if m else None
    if trigger in ("底前", "前完成"):
        m = re.search(r"(\d{4})年(?:[\d、月底]*?(\d{1,2})月)?底$", line[:a + 1])
        if not m:
            return None
        y = int(m.group(1))
        return ("date", _month_end(y, int(m.group(2))) if m.group(2) else dt.date(y, 12, 31))
    if trigger.startswith("至"):
        m = re.match(r"至(?:\d{4}年)?(\d{1,2})月(\d{1,2})日", line[a:])
        return ("monthday", (int(m.group(1)), int(m.group(2)))) if m else None
    if trigger.startswith("到20"):
        return ("date", dt.date(int(trigger[1:5]), 12, 31))
    return clause


def occurrences(lines: list[str]):
    for no, line in enumerate(lines, 1):
        for m in TRIGGERS.finditer(line):
            yield no, line, m.start(), m.end(), m.group(0)


def _claims(rec, lines: list[str], no: int, a: int, b: int) -> bool:
    """The record's phrase, located on the source line, overlaps the trigger."""
    if not rec.line_start <= no <= rec.line_end:
        return False
    line = lines[no - 1]
    phrase = rec.phrase
    for at in [m.start() for m in re.finditer(re.escape(phrase), line)]:
        if at < b and a < at + len(phrase):
            return True
    # a phrase wrapped onto the next source line: compare on the joined lines
    joined = "".join(lines[rec.line_start - 1:rec.line_end])
    offset = sum(len(x) for x in lines[rec.line_start - 1:no - 1])
    return any(at < offset + b and offset + a < at + len(phrase)
               for at in [m.start() for m in re.finditer(re.escape(phrase), joined)])


def test_trigger_scan_every_dated_occurrence_is_claimed_with_its_date(timeline, source_lines):
    unclaimed, wrong, checked = [], [], 0
    for no, line, a, b, trigger in occurrences(source_lines):
        if not TIMEISH.search(_clause(line, a, b)):
            continue
        want = expected(line, a, b, trigger)
        claims = [r for r in timeline.records if _claims(r, source_lines, no, a, b)]
        checked += 1
        if not claims:
            unclaimed.append(f"L{no} {trigger}: {_clause(line, a, b)[:50]}")
            continue
        if want is None:
            wrong.append(f"L{no} {trigger}: the scan cannot read this occurrence: {_clause(line, a, b)[:50]}")
            continue
        what, value = want
        if what == "date":
            ok = any(r.end == value for r in claims)
        elif what == "years":
            ok = any(r.years == value for r in claims)
        elif what == "number":
            ok = any(r.number == value for r in claims)
        else:  # month-day of a range
            m, d = value
            ok = any(r.end and (r.end.month, r.end.day) == (m, d) for r in claims)
        if not ok:
            wrong.append(f"L{no} {trigger}: expected {value}, records say {[str(r.end) for r in claims]}")
    assert not unclaimed, "unclaimed:\n" + "\n".join(unclaimed)
    assert not wrong, "claimed with a different date:\n" + "\n".join(wrong)
    assert checked >= 100  # the gazette has over a hundred dated occurrences: the scan really ran


def test_undated_occurrences_are_few_and_name_no_time(source_lines):
    undated = [_clause(line, a, b) for no, line, a, b, _ in occurrences(source_lines)
               if not TIMEISH.search(_clause(line, a, b))]
    assert len(undated) <= 3, undated
    assert all("时限" in c for c in undated)


def test_records_cite_the_lines_their_sentence_stands_on(timeline, issue):
    for r in timeline.records:
        printed = squeeze("".join(issue.lines[r.line_start - 1:r.line_end]))
        assert squeeze(r.text) in printed, r


def test_document_dates_of_the_gazette(timeline):
    flood = timeline.docs["衢政发〔2017〕14号"]
    assert (flood.issued, flood.effective, flood.effective_stated, flood.provisional) == (
        dt.date(2017, 4, 10), dt.date(2017, 5, 10), True, True)
    plan = timeline.docs["衢政办发〔2017〕16号"]
    assert plan.expires == dt.date(2019, 12, 31)  # (2017—2019年) in its title
    assert timeline.docs["衢政办发〔2017〕24号"].expires == dt.date(2019, 12, 31)  # in its subtitle
    listing = timeline.docs["衢政办发〔2017〕11号"]
    assert [r.number for r in listing.repeals] == ["衢政办发〔2015〕7号"]  # outside this corpus
    assert all(not d.repealed_by for d in timeline.docs.values())


def test_month_parts_are_ranges():
    assert month_part(2017, 6, "底")[:2] == (dt.date(2017, 6, 21), dt.date(2017, 6, 30))
    assert month_part(2017, 2, "中旬")[:2] == (dt.date(2017, 2, 11), dt.date(2017, 2, 20))
    assert month_part(2017, 2, None)[:2] == (dt.date(2017, 2, 1), dt.date(2017, 2, 28))


def test_kinds_of_the_dated_statements(timeline):
    by_phrase = {(r.doc_key, r.phrase): r for r in timeline.records}
    r = by_phrase[("衢政办发〔2017〕13号", "完成时限:2017年6月底")]
    assert (r.kind, r.start, r.end, r.precision) == ("deadline", dt.date(2017, 6, 21), dt.date(2017, 6, 30), "part")
    r = by_phrase[("衢政发〔2017〕14号", "每年的4月15日至10月15日")]
    assert (r.kind, r.recurring, r.start, r.end) == ("period", True, dt.date(2017, 4, 15), dt.date(2017, 10, 15))
    r = by_phrase[("衢政办发〔2017〕25号", "有效期为5年")]
    assert (r.kind, r.years) == ("term", 5.0)
    r = by_phrase[("衢政发〔2017〕11号", "三季度前")]
    assert (r.kind, r.end) == ("deadline", dt.date(2017, 9, 30))
    r = next(r for r in timeline.records if r.subject == "衢州市东门菜市场")  # a 完成期限 cell
    assert (r.kind, r.subject, r.end) == ("deadline", "衢州市东门菜市场", dt.date(2017, 6, 30))
    r = by_phrase[("衢政办发〔2017〕16号", "当年4月底之前")]
    assert (r.kind, r.recurring, r.end) == ("deadline", True, dt.date(2017, 4, 30))


def test_numbers_and_printed_dates():
    assert cn_number("三") == 3 and cn_number("两") == 2 and cn_number("3—5") == 3 and cn_number("5") == 5
    assert full_date(dt.date(2017, 6, 12)) == "2017年6月12日(星期一)"


def test_weekday_note_names_each_bare_day_once_with_its_weekday():
    quoted = "临时通行号牌和行驶证有效期为5年,适用于2017年5月1日之前已购买的车辆;自2017年5月1日起"
    assert weekday_note(quoted) == "文中日期:2017年5月1日(星期一)。"
    # a day already said with its weekday, a day without a year, and no such day: nothing to add
    assert weekday_note("自2017年5月1日之日起施行。(即2017年5月1日(星期一))") == ""
    assert weekday_note("5月19日开始,每逢周一实行免费") == ""
    assert weekday_note("2017年2月30日") == ""
    assert weekday_note("2016年12月31日、2017年1月1日") == "文中日期:2016年12月31日(星期六)、2017年1月1日(星期日)。"


def test_issued_note_dates_the_cited_documents_for_a_question_about_now(issue, timeline):
    from qa.pipeline.skills.doc_dates import issued_note

    doc = next(d for d in issue.documents if d.key == "衢政办发〔2017〕19号")
    cited = [(doc, timeline.docs[doc.key].issued)]
    note = issued_note("去年那37处隐患现在还挂着牌吗", cited, "…同意摘牌销号。[1]")
    assert note == f"以上见《{doc.title}》(衢政办发〔2017〕19号),2017年4月15日(星期六)印发。"
    # whether something still holds asks about now too, said or not ("今年的通知里说去年那批还挂着吗")
    assert issued_note("去年那37处隐患还挂着牌吗", cited, "…同意摘牌销号。[1]") == note
    assert issued_note("今年那个隐患整改计划还作数吗", cited, "…") == note.replace("…", "")
    assert issued_note("去年那37处隐患摘牌了吗", cited, "…") == ""  # not asked about now
    assert issued_note("还有哪些隐患要整改", cited, "…") == ""  # 还有: and also, not still
    assert issued_note("现在还挂着牌吗", cited, "…于2017年4月15日(星期六)印发。") == ""  # said already
