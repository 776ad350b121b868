"""Dates in documents and questions, and the dated rules a gazette states (free days, deadlines).

Pure functions; `today` is always passed in (a configurable reference date), never read here.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from qa.text import cn_to_int

CNUM = "零〇一二三四五六七八九十两"
_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末)")
_MD = re.compile(rf"(?<![\d年])([\d{CNUM}]{{1,3}})\s*月\s*([\d{CNUM}]{{1,3}})\s*[日号]")
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


def parse_question_date(question: str, today: dt.date) -> dt.date | None:
    """The date a question asks about: absolute (6月12日, 2017-06-12, 六月十二号, 6.12) or relative
    (今天, 明天, 下周一) against `today`."""
    q = question
    m = _ISO.search(q)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _FULL.search(q)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MD.search(q)
    if m:
        mo, d = cn_to_int(m.group(1)), cn_to_int(m.group(2))
        y = _year_in(q) or today.year
        if mo and d:
            return _safe(y, mo, d)
    m = _DOTTED.search(q)
    if m and ("免费" in q or "号" in q or "日" in q):
        return _safe(_year_in(q) or today.year, int(m.group(1)), int(m.group(2)))
    if "今天" in q or "今日" in q:
        return today
    if "明天" in q:
        return today + dt.timedelta(days=1)
    if "后天" in q:
        return today + dt.timedelta(days=2)
    m = re.search(rf"(下下|下|这|本|上)?(?:周|星期|礼拜)([{_WEEKDAYS}])", q)
    if m and m.group(1):
        target = _WEEKDAYS.index(m.group(2))
        target = 6 if target >= 6 else target
        monday = today - dt.timedelta(days=today.weekday())
        shift = {"下下": 14, "下": 7, "这": 0, "本": 0, "上": -7}[m.group(1)]
        return monday + dt.timedelta(days=shift + target)
    return None


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
