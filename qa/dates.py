"""Dates in documents and questions, and the dated rules a gazette states (free days, deadlines).

Pure functions; `today` is always passed in (a configurable reference date), never read here.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from qa.text import cn_to_int

CNUM = "零〇一二三四五六七八九十两"
_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末)")
_MD = re.compile(rf"(?<!\d)(?<!\d年)([\d{CNUM}]{{1,3}})\s*月\s*([\d{CNUM}]{{1,3}})\s*[日号]")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.%])")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WEEKDAYS = "一二三四五六日天"


def _safe(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, default_year: int | None) -> list[str]:
    """ISO dates mentioned in a text: full dates, month ends ("6月底"), dotted ones ("5.19").

    >>> find_dates("自2017年5月10日起施行,2017年6月底前完成", None)
    ['2017-05-10', '2017-06-30']
    """
    found: list[dt.date] = []
    for m in _FULL.finditer(text):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append(d)
    for m in _MONTH_END.finditer(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            found.append(dt.date(y, mo, calendar.monthrange(y, mo)[1]))
    out = []
    for d in found:
        iso = d.isoformat()
        if iso not in out:
            out.append(iso)
    return out


@dataclass(frozen=True)
class AskedDate:
    """The day a question asks about and how it was named.

    `how`: explicit (with its year) | yearless (6月12日: the year of what the question is about) |
    relative (今天, 下周一, 明年5月1号) | holiday (国庆, 春节: the next one from today).
    `official`: for a holiday, whether the State Council's arrangement for that year is known
    (chinese-calendar has the year); False means the date is computed (lunar calendar) and the
    arrangement is not yet published.
    """

    day: dt.date
    how: str
    holiday: str | None = None
    official: bool = True
    words: str = ""  # as the question put it: "今天", "下周一", "端午节", "6月12日"


HOLIDAYS = {  # name in a question → (canonical name, solar (month, day) | lunar (month, day))
    "元旦": ("元旦", "solar", (1, 1)), "春节": ("春节", "lunar", (1, 1)), "过年": ("春节", "lunar", (1, 1)),
    "清明": ("清明节", "term", (4, 5)), "劳动节": ("劳动节", "solar", (5, 1)), "五一": ("劳动节", "solar", (5, 1)),
    "端午": ("端午节", "lunar", (5, 5)), "中秋": ("中秋节", "lunar", (8, 15)), "国庆": ("国庆节", "solar", (10, 1)),
    "十一": ("国庆节", "solar", (10, 1)), "圣诞": ("圣诞节", "solar", (12, 25)),
}
_HOLIDAY_Q = re.compile(r"(?:(\d{4})\s*年|(今年|明年|后年))?(?:的)?(元旦|春节|过年|清明|劳动节|五一(?!\d)|端午|中秋|国庆|"
                        r"十一(?:长假|假期|黄金周)|圣诞)")
RELATIVE_YEARS = {"今年": 0, "明年": 1, "后年": 2, "去年": -1, "前年": -2}  # a year named against today
RELATIVE_YEAR_Q = re.compile("|".join(RELATIVE_YEARS))


def relative_years(text: str, today: dt.date) -> list[str]:
    """The years a text names against today, in order ("今年的…明年呢" asked in 2026 → 2026, 2027)."""
    return [str(today.year + RELATIVE_YEARS[w]) for w in RELATIVE_YEAR_Q.findall(text)]


def holiday_date(name: str, year: int) -> dt.date:
    """The day of a festival in a year: solar ones fixed, 清明 the solar term, the others from the
    lunar calendar (lunardate; valid 1900–2099)."""
    _, kind, (m, d) = HOLIDAYS[name]
    if kind == "solar":
        return dt.date(year, m, d)
    if kind == "term":
        try:
            import chinese_calendar

            terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
            return next(day for day, term in terms if term == "清明")
        except (ImportError, StopIteration, NotImplementedError):
            return dt.date(year, 4, 5 if year % 4 != 0 else 4)
    from lunardate import LunarDate

    return LunarDate(year, m, d).to_solar_date()


def arrangement_published(year: int) -> bool:
    """Whether chinese-calendar knows the official holiday arrangement of a year."""
    try:
        import chinese_calendar

        chinese_calendar.get_holiday_detail(dt.date(year, 6, 1))
        return True
    except (ImportError, NotImplementedError):
        return False


def question_date(question: str, today: dt.date) -> AskedDate | None:
    """The day a question asks about: absolute (6月12日, 2017-06-12, 六月十二号, 6.12), relative
    (今天, 明天, 后天, 这周六, 下周一, 明年5月1号) or a holiday (国庆, 春节, 端午: the next one), all
    against `today`.

    >>> question_date("下周一去江郎山免费吗", dt.date(2026, 11, 30)).day
    datetime.date(2026, 12, 7)
    >>> question_date("春节去钱江源", dt.date(2026, 11, 30))
    AskedDate(day=datetime.date(2027, 2, 6), how='holiday', holiday='春节', official=False, words='春节')
    """
    found = _all_dates(question, today)
    # a follow-up carries its earlier question in front ("今天去江郎山要不要门票明天?"): the last one wins
    return max(found, key=lambda f: f[0])[1] if found else None


def question_dates(question: str, today: dt.date) -> list[AskedDate]:
    """Every day a question names, in the order it names them ("前天交的材料,到今天还没…": the
    day something was done, then today).

    >>> [a.day.day for a in question_dates("前天交的材料,到今天还没拿到", dt.date(2017, 6, 14))]
    [12, 14]
    """
    return [a for _, a in sorted(_all_dates(question, today), key=lambda f: f[0])]


# what follows a holiday said to be over: "国庆长假也过完了", "国庆长假过完" (the form two train and dev
# questions use; 过后, 一过 are each typed by one question only)
_OVER = re.compile(r"节?(?:长假|假期)?也?过完")


def _all_dates(q: str, today: dt.date) -> list[tuple[int, AskedDate]]:
    out: list[tuple[int, AskedDate]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], asked: AskedDate | None) -> None:
        if asked is not None and not any(a < m.end() and m.start() < b for a, b in taken):
            out.append((m.start(), replace(asked, words=m.group(0))))
            taken.append((m.start(), m.end()))

    for m in _ISO.finditer(q):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, AskedDate(d, "explicit") if d else None)
    for m in _FULL.finditer(q):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, AskedDate(d, "explicit") if d else None)
    for m in _MD.finditer(q):
        mo, d = cn_to_int(m.group(1)), cn_to_int(m.group(2))
        rel = re.search(rf"({RELATIVE_YEAR_Q.pattern})\s*$", q[:m.start()])
        y = _year_in(q)
        if rel:
            how, y = "relative", today.year + RELATIVE_YEARS[rel.group(1)]
        else:
            how, y = ("explicit", y) if y else ("yearless", today.year)
        day = _safe(y, mo, d) if mo and d else None
        add(m, AskedDate(day, how) if day else None)
    if "免费" in q or "号" in q or "日" in q:
        for m in _DOTTED.finditer(q):
            y = _year_in(q)
            day = _safe(y or today.year, int(m.group(1)), int(m.group(2)))
            add(m, AskedDate(day, "explicit" if y else "yearless") if day else None)
    for m in re.finditer(rf"(下下个?|再下一?个?|下一?个?|这个?|本|上一?个?)(?:周|星期|礼拜)([{_WEEKDAYS}])", q):
        target = min(_WEEKDAYS.index(m.group(2)), 6)
        monday = today - dt.timedelta(days=today.weekday())
        word = m.group(1)
        shift = 14 if word.startswith(("下下", "再下")) else 7 if word.startswith("下") else -7 if word.startswith("上") else 0
        add(m, AskedDate(monday + dt.timedelta(days=shift + target), "relative"))
    for m in _HOLIDAY_Q.finditer(q):
        if any(0 <= m.start() - b <= 3 for _, b in taken):
            continue  # "下周一国庆放假", "5月29号端午放假": the holiday names the day just given
        if _OVER.match(q, m.end()) and any(a.how in ("explicit", "yearless") for _, a in out):
            # a holiday said to be over beside a day the question names is when, not what, it asks:
            # "10月9号…去药王山,国庆长假也过完了,那天免不免费?" (time-train), "国庆长假过完,10月10号还算
            # 汛期吗?" (time-dev, the day named last)
            continue
        key = m.group(3)
        key = "国庆" if key.startswith("十一") else key
        name = HOLIDAYS[key][0]
        if m.group(1) or m.group(2):
            year = int(m.group(1)) if m.group(1) else today.year + RELATIVE_YEARS[m.group(2)]
            day = holiday_date(key, year)
        else:  # the next one: this year's, or next year's once this year's has passed
            day = holiday_date(key, today.year)
            if day < today:
                day = holiday_date(key, today.year + 1)
        # 圣诞节 is no public holiday in China: there is no arrangement to wait for
        official = key == "圣诞" or arrangement_published(day.year)
        add(m, AskedDate(day, "holiday", name, official))
    for m in re.finditer(r"今天|今日|大后天|明天|明日|后天|大前天|昨天|昨日|前天", q):
        shift = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
                 "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3}[m.group(0)]
        add(m, AskedDate(today + dt.timedelta(days=shift), "relative"))
    return out


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where a text names a day, in order (positions do not depend on today).

    >>> date_spans("今天去三衢石林要门票吗")
    [(0, 2)]
    """
    found = _all_dates(text, dt.date(2020, 1, 1))
    return sorted((start, start + len(asked.words)) for start, asked in found)


def parse_question_date(question: str, today: dt.date) -> dt.date | None:
    """The date a question asks about (see `question_date`), or None."""
    asked = question_date(question, today)
    return asked.day if asked else None


def question_month_year(question: str, today: dt.date) -> tuple[int | None, int] | None:
    """(year or None, month) a question asks about without a day: 下个月, 这个月, 明年3月, 12月."""
    if re.search(r"下个?月", question):
        nxt = (today.replace(day=1) + dt.timedelta(days=32))
        return nxt.year, nxt.month
    if re.search(r"这个月|本月|当月", question):
        return today.year, today.month
    month = question_month(question)
    if month is None:
        return None
    rel = RELATIVE_YEAR_Q.search(question)
    y = _year_in(question)
    return (y or (today.year + RELATIVE_YEARS[rel.group(0)] if rel else None)), month


def question_month(question: str) -> int | None:
    """A month asked about without a day ("12月呢", "十二月份")."""
    m = re.search(rf"([\d{CNUM}]{{1,3}})\s*月(?!\s*[\d{CNUM}]+\s*[日号])", question)
    if m:
        n = cn_to_int(m.group(1))
        if n and 1 <= n <= 12:
            return n
    return None


def _year_in(q: str) -> int | None:
    m = re.search(r"(\d{4})\s*年", q)
    return int(m.group(1)) if m else None


WEEKDAY_CN = "一二三四五六日"


def weekday_cn(d: dt.date) -> str:
    return "星期" + WEEKDAY_CN[d.weekday()]


# ---------------------------------------------------------------- dated rules
@dataclass(frozen=True)
class FreeDayRule:
    """An enumerated list of days (e.g. scenic-spot free days) with the prose rule it came from."""

    days: tuple[dt.date, ...]
    whole_months: tuple[tuple[int, int], ...]  # (year, month) printed as "全月"
    rule_text: str  # e.g. "2017年5月19日开始,除国家法定假日以外,每逢周一实行免费"
    line_start: int
    line_end: int

    def covers(self, d: dt.date) -> bool:
        return d in self.days or (d.year, d.month) in self.whole_months


_MONTH_LINE = re.compile(rf"^([{CNUM}]{{1,3}})月[::](.*)$")


def parse_day_list(lines: list[tuple[int, str]], year: int) -> tuple[list[dt.date], list[tuple[int, int]]]:
    """"五月:5.19、5.22、5.29;" … "十二月:全月31天。" → dates and whole months."""
    days: list[dt.date] = []
    months: list[tuple[int, int]] = []
    for _, line in lines:
        m = _MONTH_LINE.match(line.strip())
        if not m:
            continue
        month = cn_to_int(m.group(1))
        rest = m.group(2)
        if "全月" in rest and month:
            months.append((year, month))
            continue
        for dm in _DOTTED.finditer(rest):
            d = _safe(year, int(dm.group(1)), int(dm.group(2)))
            if d:
                days.append(d)
    return days, months
