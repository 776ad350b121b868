"""Dated records of every document and unit, parsed once per corpus: when a document was issued and
takes effect, what term or expiry it states, what it repeals, and the periods, deadlines and target
years its units set. Each record keeps the sentence it came from (verbatim in its chunk, so it can be
quoted) and the source lines that sentence stands on (so it can be cited).

Month parts are ranges, not points: 6月底 is 2017-06-21..2017-06-30, 上半年 is January to June, 2018年
is the whole year. A record's `end` is what a deadline means ("by the end of June"); `start` is where
the named part begins. Nothing here knows an issuer: the patterns are those of GB/T 9704 documents.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from qa.model import Chunk, Document
from qa.text import normalize_doc_number, squeeze

KINDS = ("issued", "effective", "expiry", "term", "repeal", "period", "deadline", "target", "start", "review",
         "date")
# kinds that name a time by which something is to be done or reached
DUE_KINDS = ("deadline", "target")

_CN_NUM = "零〇一二三四五六七八九十两"
_NUM = rf"(?:\d+|[{_CN_NUM}]+)"
_PART = r"(?:底|末|初|上旬|中旬|下旬)"
_DOCNO = re.compile(r"[\u4e00-\u9fff]{2,8}?\s*[〔\[［【]\s*\d{4}\s*[〕\]］】]\s*\d+\s*号")
_SENT = re.compile(r"[^。;;!?!?\n]*[。;;!?!?\n]|[^。;;!?!?\n]+$")

# time expressions, tried in this order at each position (the first that matches wins)
_EXPRS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("md_range", re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日至(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")),
    ("year_range", re.compile(r"(\d{4})\s*(?:年)?\s*(?:[—\-－–~～]|到|至)\s*(\d{4})\s*年")),
    ("full", re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")),
    ("months", re.compile(rf"(\d{{4}})年(\d{{1,2}})月({_PART})?((?:、\d{{1,2}}月{_PART}?)*)")),
    ("quarter", re.compile(r"(?:(\d{4})年)?第?([一二三四1-4])季度")),
    ("year", re.compile(r"(\d{4})年(?:度)?(底|末|初|上半年|下半年|内)?")),
    ("when_month", re.compile(rf"(当年|每年)(\d{{1,2}})月({_PART})?")),
    ("dotted", re.compile(r"(?<![\d.])(\d{4})\.(\d{1,2})(?![\d.])")),
)
_DURATION = re.compile(
    rf"(有效期(?:为|是)?({_NUM})年|期限(?:原则上)?为(一年一保|{_NUM}年)|(?:通过|经过)({_NUM}(?:[—\-－]{_NUM})?)年(?:的)?努力"
    rf"|力争({_NUM})年(?:内)?完成|每({_NUM})年调整一次)")


@dataclass(frozen=True)
class DateRecord:
    kind: str  # one of KINDS
    doc_key: str
    start: dt.date | None  # first day of the time named (None for a bare duration)
    end: dt.date | None  # last day of it
    precision: str  # day | part | month | quarter | half | year | years | duration
    phrase: str  # the dated phrase as printed ("2017年6月底前", "自2017年5月10日起施行", "到2020年")
    text: str  # the sentence it stands in, verbatim in the chunk's text: what an answer quotes
    chunk_id: str
    line_start: int
    line_end: int
    names: str = ""  # repeal: what it repeals as printed (文号 and name); term/review: the duration
    number: str = ""  # repeal: the 文号 it names, normalised
    years: float = 0.0  # term/review: the stated duration in years
    recurring: bool = False  # "每年的4月15日至10月15日", "当年4月底之前": the days repeat every year
    subject: str = ""  # what the date is about: a table row's name, a unit's heading
    cells: tuple[str, ...] = ()  # a table cell's: the other cells of its row (location, content…)

    @property
    def point(self) -> bool:
        return self.start is not None and self.start == self.end


@dataclass(frozen=True)
class DocDates:
    """A document's dates, as stated in it or found elsewhere in the corpus."""

    doc_key: str
    issued: dt.date | None
    effective: dt.date | None
    effective_stated: bool  # False: no 施行 sentence; the issue date is taken as the effective date
    expires: dt.date | None  # stated expiry, or the end of the period its title names
    provisional: bool  # 暂行/试行 in its title
    repealed_by: tuple[str, ...] = ()  # keys of later corpus documents that repeal it
    repeals: tuple[DateRecord, ...] = ()


@dataclass(frozen=True)
class Status:
    state: str  # in_force | not_yet | expired | repealed | unknown
    label: str  # one short dated line, e.g. "2017年5月10日起施行;公报未载明失效或废止"
    repealed_by: str = ""  # 文号 of the repealing document


def weekday_cn(d: dt.date) -> str:
    return "星期" + "一二三四五六日"[d.weekday()]


def full_date(d: dt.date) -> str:
    """2017年6月12日(星期一): how every answer names a day."""
    return f"{d.year}年{d.month}月{d.day}日({weekday_cn(d)})"


# a day named with its year, and whether its weekday follows ("2017年5月1日(星期一)")
_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WEEKDAY_AFTER = re.compile(r"\s*[((]?\s*星期")


def weekday_note(text: str) -> str:
    """The weekday of each day an answer names by year, month and day without one: a quote stays as
    printed ("…适用于2017年5月1日之前已购买的…车辆"), so its days are named again after it, each with its
    weekday ("文中日期:2017年5月1日(星期一)。"), so that every day an answer names can be checked.
    Empty when every such day already carries its weekday."""
    bare, named = [], set()
    for m in _FULL_DATE.finditer(text):
        try:
            day = dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            continue  # no such day: nothing to name
        if _WEEKDAY_AFTER.match(text, m.end()):
            named.add(day)
        else:
            bare.append(day)
    days = [d for d in dict.fromkeys(bare) if d not in named]
    return "文中日期:" + "、".join(full_date(d) for d in days) + "。" if days else ""


def meaning(recs: list[DateRecord]) -> str:
    """What a dated statement's dates mean, each with its year and weekday: ",即2017年5月19日(星期五)",
    ",即2017年5月底(至2017年5月31日(星期三))"; empty when none is dated."""
    parts = []
    for r in recs:
        if r.end is None:
            continue
        if r.recurring:
            parts.append(f"每年{r.start.month}月{r.start.day}日至{r.end.month}月{r.end.day}日" if r.kind == "period"
                         else f"每年{r.end.month}月{r.end.day}日前")
        elif r.kind == "start":
            # "从2017年起": the day it starts from, not a span it must end by
            parts.append(full_date(r.start) + "起" if r.point else f"{label(r)}起(自{full_date(r.start)}起)")
        elif r.point:
            parts.append(full_date(r.end) + ("前" if r.kind == "deadline" else ""))
        elif r.precision in ("years",):
            parts.append(f"{r.start.year}年至{r.end.year}年(于{full_date(r.end)}结束)")
        else:
            parts.append(f"{label(r)}(至{full_date(r.end)})")
    return ",即" + "、".join(dict.fromkeys(parts)) if parts else ""


def label(r: DateRecord) -> str:
    """A range in the words the gazette uses for it: 2017年底, 2017年下半年, 2017年5月底."""
    s, e = r.start, r.end
    if r.precision == "year":
        return f"{e.year}年"
    if r.precision == "half":
        return f"{e.year}年{'上' if e.month == 6 else '下'}半年"
    if r.precision == "quarter":
        return f"{e.year}年第{'一二三四'[(e.month - 1) // 3]}季度"
    if r.precision == "part":
        if s.month == 12 and s.day == 1 and e.day == 31 and s.month == e.month and "年底" in r.phrase:
            return f"{e.year}年底"
        return f"{e.year}年{e.month}月" + ("底" if s.day == 21 else "初" if s.day == 1 else "中旬")
    return f"{e.year}年{e.month}月"


def cn_number(s: str) -> float | None:
    """"三" → 3, "两" → 2, "3—5" → 3 (the lower bound), "5" → 5 (cn2an for the Chinese numerals)."""
    s = re.split(r"[—\-－]", s)[0].strip()
    if s.isdigit():
        return float(s)
    try:
        import cn2an
    except ImportError:  # declared as a dependency; guard only for a broken install
        from qa.text import cn_to_int

        n = cn_to_int(s)
        return float(n) if n is not None else None
    try:
        return float(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except (ValueError, KeyError):
        return None


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _safe(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def month_part(y: int, m: int, part: str | None) -> tuple[dt.date, dt.date, str] | None:
    """The days a month phrase names: 6月 → June; 6月底/末/下旬 → 21st to last day; 初/上旬 → 1st to 10th."""
    if not 1 <= m <= 12:
        return None
    last = _month_end(y, m)
    if part in ("底", "末", "下旬"):
        return dt.date(y, m, 21), last, "part"
    if part in ("初", "上旬"):
        return dt.date(y, m, 1), dt.date(y, m, 10), "part"
    if part == "中旬":
        return dt.date(y, m, 11), dt.date(y, m, 20), "part"
    return dt.date(y, m, 1), last, "month"


def year_part(y: int, part: str | None) -> tuple[dt.date, dt.date, str]:
    if part in ("底", "末"):
        return dt.date(y, 12, 1), dt.date(y, 12, 31), "part"
    if part == "初":
        return dt.date(y, 1, 1), dt.date(y, 1, 31), "part"
    if part == "上半年":
        return dt.date(y, 1, 1), dt.date(y, 6, 30), "half"
    if part == "下半年":
        return dt.date(y, 7, 1), dt.date(y, 12, 31), "half"
    return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"


def quarter(y: int, q: int) -> tuple[dt.date, dt.date]:
    m = 3 * (q - 1) + 1
    return dt.date(y, m, 1), _month_end(y, m + 2)


# ---------------------------------------------------------------- expressions in a sentence
@dataclass(frozen=True)
class _Expr:
    kind: str
    start: dt.date
    end: dt.date
    precision: str
    a: int  # character offsets in the sentence
    b: int
    recurring: bool = False


_STARTS = re.compile(r"\d|当年|每年|第[一二三四1-4]季|[一二三四]季度")


def expressions(sentence: str, year: int) -> list[_Expr]:
    """Every time expression in a sentence, left to right, non-overlapping. `year` stands in where
    the text names none (当年, 三季度, 4月15日至10月15日)."""
    out: list[_Expr] = []
    i = 0
    for at in _STARTS.finditer(sentence):
        if at.start() < i:
            continue
        for name, rx in _EXPRS:
            m = rx.match(sentence, at.start())
            if m:
                hit = _expr(name, m, sentence, year)
                if hit:
                    out.extend(hit)
                    i = m.end()
                    break
    return out


def _expr(name: str, m: re.Match[str], s: str, year: int) -> list[_Expr] | None:
    g = m.groups()
    a, b = m.start(), m.end()
    if name == "md_range":
        y1 = int(g[0]) if g[0] else year
        y2 = int(g[3]) if g[3] else y1
        d1, d2 = _safe(y1, int(g[1]), int(g[2])), _safe(y2, int(g[4]), int(g[5]))
        if not (d1 and d2):
            return None
        recurring = s[max(0, a - 3):a].endswith(("每年的", "每年"))
        return [_Expr("range", d1, d2, "day", a, b, recurring)]
    if name == "year_range":
        y1, y2 = int(g[0]), int(g[1])
        if not 1900 < y1 < y2 < 2100:
            return None
        return [_Expr("range", dt.date(y1, 1, 1), dt.date(y2, 12, 31), "years", a, b)]
    if name == "full":
        d = _safe(int(g[0]), int(g[1]), int(g[2]))
        return [_Expr("day", d, d, "day", a, b)] if d else None
    if name == "months":
        y = int(g[0])
        first = month_part(y, int(g[1]), g[2])
        if first is None:
            return None
        found = [_Expr("month", first[0], first[1], first[2], a, b)]
        for mm in re.finditer(rf"、(\d{{1,2}})月({_PART})?", g[3] or ""):
            more = month_part(y, int(mm.group(1)), mm.group(2))
            if more:
                found.append(_Expr("month", more[0], more[1], more[2], a, b))
        return found
    if name == "quarter":
        y = int(g[0]) if g[0] else year
        q = "一二三四".index(g[1]) + 1 if g[1] in "一二三四" else int(g[1])
        d1, d2 = quarter(y, q)
        return [_Expr("quarter", d1, d2, "quarter", a, b, recurring=s[max(0, a - 2):a] == "每年")]
    if name == "year":
        y = int(g[0])
        if not 1900 < y < 2100:
            return None
        d1, d2, prec = year_part(y, g[1])
        return [_Expr("year", d1, d2, prec, a, b)]
    if name == "when_month":
        got = month_part(year, int(g[1]), g[2])
        return [_Expr("month", got[0], got[1], got[2], a, b, recurring=True)] if got else None
    if name == "dotted":
        got = month_part(int(g[0]), int(g[1]), None)
        return [_Expr("month", got[0], got[1], got[2], a, b)] if got else None
    return None


# the numbering of a run-in heading: "(一)2017年。", "(二)全面督查阶段。"
BRACKET_NUMBER = r"[((][一二三四五六七八九十]+[))]"
# what follows a date that bounds what a clause applies to rather than setting a deadline: "…之前已购买的
# 车辆", "…前购买的电动自行车" (a verb made a relative clause by 的)
CUT_OFF = re.compile(r"(?:之)?前(?:已|已经)?[\u4e00-\u9fff]{1,3}的")


def _classify(e: _Expr, s: str) -> tuple[str, str] | None:
    """(kind, phrase) of a time expression in its sentence, or None for a date that sets nothing."""
    pre, post = s[:e.a], s[e.b:]
    core = s[e.a:e.b]
    m = re.match(r"(之日)?起(施行|执行|实施)", post)
    if m and pre.endswith("自"):
        return "effective", "自" + core + m.group(0)
    if CUT_OFF.match(post):
        return "date", core  # "2017年5月1日之前已购买的车辆": a cut-off for what was done, not a deadline
    m = re.match(r"(之)?前", post)
    lead = re.search(r"(?:完成时限|完成期限|时限)[::]?\s*$", pre)
    if m:
        return "deadline", (lead.group(0) if lead else "") + core + m.group(0)
    if lead:
        return "deadline", lead.group(0) + core
    m = re.search(r"(?:力争)?(?:到|至)$", pre)
    if m and e.kind in ("year", "month", "day"):
        return "target", m.group(0) + core
    m = re.match(r"(?:全面|基本)?完成(?!的)", post)
    if m:
        return "deadline", core + m.group(0)
    m = re.match(r"(?:基本)?实现", post)
    if m and e.kind in ("year", "month"):
        return "target", core + m.group(0)
    if pre.endswith("从") and post.startswith("开始"):
        return "start", "从" + core + "开始"
    m = re.match(r"开始|起(?!施行|执行|实施)", post)
    if m:
        return "start", core + m.group(0)
    if e.kind == "range":
        return "period", ("每年的" if s[max(0, e.a - 3):e.a] == "每年的" else "") + core
    if e.kind == "year" and e.precision == "year" and re.fullmatch(rf"\s*{BRACKET_NUMBER}\s*", pre) \
            and not post.strip("。. "):
        return "period", core  # "(一)2017年。": the heading of the year a plan's stage covers
    if e.kind == "year" and e.precision == "half":
        return "period", core  # "2017年下半年,…": the half-year a stage runs
    if e.recurring and e.kind == "quarter":
        return "period", "每年" + core
    if "调整" in post[:20] and "视情况" in post[:12]:
        return "review", core
    if e.kind == "day":
        return "date", core
    if e.kind == "month" and e.precision == "month" and re.match(r"[面全]", post):
        return "period", core  # "2017年12月面向全民免费开放": the month something runs
    return None


def _clause_at(s: str, a: int, b: int) -> str:
    return s[a:b]


# ---------------------------------------------------------------- per document
class _Lines:
    """Maps a sentence of a chunk back to the source lines it stands on."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        self._joined: dict[str, tuple[str, list[tuple[int, int]]]] = {}

    def _join(self, chunk: Chunk) -> tuple[str, list[tuple[int, int]]]:
        if chunk.id not in self._joined:
            parts, starts, n = [], [], 0
            for no in range(chunk.line_start, min(chunk.line_end, len(self.lines)) + 1):
                starts.append((n, no))
                piece = squeeze(self.lines[no - 1])
                parts.append(piece)
                n += len(piece)
            self._joined[chunk.id] = ("".join(parts), starts)
        return self._joined[chunk.id]

    def span(self, chunk: Chunk, text: str) -> tuple[int, int]:
        if not self.lines:
            return chunk.line_start, chunk.line_end
        want = squeeze(text)
        joined, starts = self._join(chunk)
        at = joined.find(want)
        if at < 0:  # a table row is printed cell by cell: the whole row is the span
            return chunk.line_start, chunk.line_end
        first = last = chunk.line_start
        for off, no in starts:
            if off <= at:
                first = no
            if off < at + len(want):
                last = no
        return first, last


def sentences_of(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENT.finditer(text)) if s]


def document_records(doc: Document, chunks: list[Chunk], lines: tuple[str, ...]) -> list[DateRecord]:
    """Every dated record of one document, in reading order."""
    year = int(doc.date[:4]) if doc.date else dt.date.today().year
    where = _Lines(lines)
    out: list[DateRecord] = []
    header = next((c for c in chunks if c.kind == "header"), None)
    if header is not None and doc.date:
        printed = next((ln for ln in header.text.split("\n") if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln)), None)
        if printed:
            d = dt.date.fromisoformat(doc.date)
            ls, le = where.span(header, printed)
            out.append(DateRecord("issued", doc.key, d, d, "day", printed, printed, header.id, ls, le))
        for ln in header.text.split("\n")[:1]:  # the title: a period it names ("(2017—2019年)")
            out.extend(_title_periods(doc, header, ln, where))
    seen: set[tuple[str, str]] = set()
    out.extend(_row_records(doc, {c.id: c for c in chunks if c.kind == "table_row"}, year, where))
    for c in chunks:
        if c.kind in ("header", "table", "list", "table_row"):
            continue
        for sent in sentences_of(c.text):
            if (c.id.split("/p")[0], sent) in seen:  # a long unit's parts overlap by one sentence
                continue
            seen.add((c.id.split("/p")[0], sent))
            out.extend(_sentence_records(doc, c, sent, year, where))
    return out


def _title_periods(doc: Document, header: Chunk, title: str, where: _Lines) -> list[DateRecord]:
    out = []
    for e in expressions(title, 0):
        if e.kind == "range":
            ls, le = where.span(header, title)
            out.append(DateRecord("period", doc.key, e.start, e.end, e.precision, title[e.a:e.b], title, header.id,
                                  ls, le, subject="title"))
    return out


def _row_records(doc: Document, by_id: dict[str, Chunk], year: int, where: _Lines) -> list[DateRecord]:
    """Dated cells of the document's tables: "2017年6月底前", "2017.12" in a 完成期限 column."""
    out = []
    for t_no, table in enumerate(doc.tables, 1):
        for r_no, row in enumerate(table.rows, 1):
            chunk = next((c for k, c in by_id.items() if k.endswith(f"/t{t_no}/r{r_no}")), None)
            if chunk is None:
                continue
            columns = list(table.columns) + [""] * max(0, len(row.cells) - len(table.columns))
            for col, cell in zip(columns, row.cells):
                cell = cell.strip()
                if not re.search(r"\d{4}", cell) or cell not in chunk.text:
                    continue
                due_column = bool(re.search(r"期限|时限|完成时间|截止", col))
                for e in expressions(cell, year):
                    got = _classify(e, cell)
                    if (got is None or got[0] == "date") and (due_column or cell.endswith("前")):
                        got = ("deadline", cell[e.a:e.b] + ("前" if cell[e.b:].startswith("前") else ""))
                    if got is None:
                        continue
                    ls, le = where.span(chunk, cell)
                    others = tuple(c.strip() for c in row.cells if c.strip() and c.strip() != cell)
                    out.append(DateRecord(got[0], doc.key, e.start, e.end, e.precision, got[1], cell, chunk.id,
                                          ls, le, recurring=e.recurring, subject=row.header, names=col,
                                          cells=others))
    return out


def _sentence_records(doc: Document, c: Chunk, sent: str, year: int, where: _Lines) -> list[DateRecord]:
    out: list[DateRecord] = []
    subject = c.path[-1] if c.path else ""
    ls, le = where.span(c, sent)
    if re.search(r"同时废止|予以废止|停止执行|不再执行", sent):
        number = _DOCNO.search(sent)
        named = sent
        m = re.search(r"(.*?)(?:同时废止|予以废止|停止执行|不再执行)", sent)
        if m:
            named = re.sub(r"^.*?[。;;,,]\s*(?=[^。;;,,]*$)", "", m.group(1)).strip()
        key = normalize_doc_number(number.group(0)) if number else ""
        out.append(DateRecord("repeal", doc.key, None, None, "day", m.group(0) if m else sent, sent, c.id, ls, le,
                              names=named, number=key, subject=subject))
        return out
    if re.search(r"自(?:印发|发布|公布)之日起(?:施行|执行|实施)", sent) and doc.date:
        d = dt.date.fromisoformat(doc.date)
        phrase = re.search(r"自(?:印发|发布|公布)之日起(?:施行|执行|实施)", sent).group(0)
        out.append(DateRecord("effective", doc.key, d, d, "day", phrase, sent, c.id, ls, le, subject=subject))
    for m in _DURATION.finditer(sent):
        text = m.group(0)
        if m.group(2):
            kind, n = "term", cn_number(m.group(2))
        elif m.group(3):
            kind, n = "term", 1.0 if m.group(3) == "一年一保" else cn_number(m.group(3)[:-1])
        elif m.group(4):
            kind, n = "term", cn_number(m.group(4))
        elif m.group(5):
            kind, n = "term", cn_number(m.group(5))
        else:
            kind, n = "review", cn_number(m.group(6))
        out.append(DateRecord(kind, doc.key, None, None, "duration", text, sent, c.id, ls, le, names=text,
                              years=n or 0.0, subject=subject))
    for e in expressions(sent, year):
        got = _classify(e, sent)
        if got is None:
            continue
        kind, phrase = got
        if kind == "period" and doc.subtitle and phrase in doc.subtitle and squeeze(doc.subtitle) in squeeze(sent):
            out.append(DateRecord(kind, doc.key, e.start, e.end, e.precision, phrase, sent, c.id, ls, le,
                                  subject="title"))
            continue
        if kind == "period" and re.match(r"附件\s*\d*\s*[::]", sent) and e.a == sent.index(phrase):
            # an annex named by its years ("附件:2017—2020年科技创新主要指标目标任务分解") sets the
            # span of the document's targets, where its title names none
            out.append(DateRecord(kind, doc.key, e.start, e.end, e.precision, phrase, sent, c.id, ls, le,
                                  subject="annex"))
            continue
        if kind == "date" and re.search(r"有效期", sent):
            kind = "expiry" if re.search(r"有效期至", sent[:e.a]) else kind
        out.append(DateRecord(kind, doc.key, e.start, e.end, e.precision, phrase, sent, c.id, ls, le,
                              recurring=e.recurring, subject=subject))
    return out


# ---------------------------------------------------------------- the corpus timeline
@dataclass(frozen=True)
class Timeline:
    records: tuple[DateRecord, ...]
    docs: dict[str, DocDates] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # doc key → 文号 as printed

    def of(self, doc_key: str, *kinds: str) -> list[DateRecord]:
        return [r for r in self.records if r.doc_key == doc_key and (not kinds or r.kind in kinds)]

    def repeals_of(self, number: str) -> list[DateRecord]:
        """The repeal records naming a 文号 (normalised): a record's number it ends with, as the
        asker's words may run into the front of a typed one."""
        return [r for r in self.records if r.kind == "repeal" and r.number and number.endswith(r.number)]

    def status(self, doc_key: str, on: dt.date) -> Status:
        """A document's state on a day, from what the corpus says (and nothing else)."""
        d = self.docs.get(doc_key)
        if d is None:
            return Status("unknown", "公报未载明该文件的日期")
        later = [k for k in d.repealed_by if (self.docs[k].effective or dt.date.min) <= on]
        if later:
            by = self.numbers.get(later[0], later[0])
            when = self.docs[later[0]].effective
            return Status("repealed", (f"{_short(when)}起" if when else "") + f"已由{by}废止", by)
        eff = d.effective
        if eff and on < eff:
            return Status("not_yet", f"{_short(eff)}起施行,尚未施行")
        if d.expires and on > d.expires:
            return Status("expired", f"期限至{_short(d.expires)},已届满")
        if eff is None:
            return Status("unknown", "公报未载明施行日期")
        start = f"{_short(eff)}起施行" if d.effective_stated else f"{_short(eff)}印发"
        until = f",期限至{_short(d.expires)}" if d.expires else ""
        return Status("in_force", f"{start}{until};公报未载明失效或废止")

    def in_force_on(self, doc_key: str, on: dt.date) -> bool:
        return self.status(doc_key, on).state == "in_force"


def _short(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def build_timeline(documents: list[Document], chunks: list[Chunk], lines_of: dict[str, tuple[str, ...]]
                   ) -> Timeline:
    """`lines_of` maps a document key to the source lines of the issue it stands in."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_key, []).append(c)
    records: list[DateRecord] = []
    for doc in documents:
        records.extend(document_records(doc, by_doc.get(doc.key, []), lines_of.get(doc.key, ())))
    keys = {d.key for d in documents}
    titles = {d.key: {t for t in (d.title, d.subtitle) if t} for d in documents}
    repealed_by: dict[str, list[str]] = {}
    for r in records:
        if r.kind != "repeal":
            continue
        target = r.number if r.number in keys else next(
            (k for k, ts in titles.items() if k != r.doc_key and any(f"《{t}》" in r.names or t in r.names for t in ts)), "")
        if target and target != r.doc_key:
            repealed_by.setdefault(target, []).append(r.doc_key)
    docs = {}
    for doc in documents:
        mine = [r for r in records if r.doc_key == doc.key]
        issued = next((r.start for r in mine if r.kind == "issued"), None)
        eff = next((r.start for r in mine if r.kind == "effective"), None)
        expiry = next((r.end for r in mine if r.kind == "expiry"), None)
        title_period = next((r.end for r in mine if r.kind == "period" and r.subject == "title"), None)
        docs[doc.key] = DocDates(
            doc.key, issued, eff or issued, eff is not None, expiry or title_period,
            bool(re.search(r"暂行|试行", doc.subtitle or doc.title)),
            tuple(repealed_by.get(doc.key, ())), tuple(r for r in mine if r.kind == "repeal"))
    return Timeline(tuple(records), docs, {d.key: d.number for d in documents})
