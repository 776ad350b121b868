"""How long a body has to act once something is done ("登记机关应当在受理1个工作日内,核发号牌和行驶证"),
counted from the day the question names: "这周三交的材料,到今天还没拿到牌,是不是超时了?" → the limit,
its last day, and whether today is past it. Working days follow the State Council's calendar
(chinese-calendar); for a year it has no data for, Monday to Friday, and the answer says so."""
from __future__ import annotations

import datetime as dt
import re

from qa.cite import make_citation
from qa.dates import arrangement_published, question_dates
from qa.pipeline.context import pieces
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.text import cn_to_int
from qa.timeline import full_date

NAME = "time_limit"
MIN_COV = 0.2  # the statement's passage must be about what the question names, not only share a limit
# a limit counted from an act: "受理1个工作日内", "收到申请之日起15日内", "3天之内"
LIMIT = re.compile(r"(\d+|[一二三四五六七八九十两]+)\s*个?(工作日|日|天)\s*(?:之)?内")
# asks whether a limit has run out ("是不是超时了", two train questions), or how long it runs (多久,
# 几天, 多长时间: each asked by ten or more train and dev questions)
LATE_Q = re.compile(r"超时|多久|几天|多长时间")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    if not LATE_Q.search(q):
        return []
    done = [a.day for a in question_dates(q, plan.today) if a.day < plan.today]
    if not done:
        return []
    start = done[0]
    scored = []
    for chunk, sentence, n, working in statements(ctx):
        cov = ctx.cov(q, f"{chunk.header} {chunk.title} {sentence}")
        if cov >= MIN_COV:
            scored.append((cov, chunk, sentence, n, working))
    scored.sort(key=lambda x: -x[0])
    out = []
    for cov, chunk, sentence, n, working in scored[:2]:
        due, weekdays_only = last_day(start, n, working)
        unit = "个工作日" if working else "日"
        # said as every deadline is ("已过" / "尚未到期"): composing reads it to drop a "过了没?" part
        state = ("该时限已过" if plan.today > due else "该时限尚未到期")
        text = (f"“{sentence}”[1]按{full_date(start)}起算,{n}{unit}内即至{full_date(due)}"
                + ("(国务院尚未公布该年节假日安排,按周一至周五计)" if weekdays_only else "")
                + f";截至今天{full_date(plan.today)},{state}。")
        out.append(Candidate(NAME, "date", text, (make_citation(chunk, sentence),), cov))
    return out


def last_day(start: dt.date, n: int, working: bool) -> tuple[dt.date, bool]:
    """The last day of a limit of `n` days (working days, or calendar days) counted from the day
    after `start`; and whether working days were counted as Monday to Friday (no calendar data).

    >>> last_day(dt.date(2017, 5, 10), 1, True)  # a Wednesday: Thursday
    (datetime.date(2017, 5, 11), False)
    >>> last_day(dt.date(2017, 9, 29), 1, True)  # a Friday: the Saturday after is worked
    (datetime.date(2017, 9, 30), False)
    >>> last_day(dt.date(2017, 9, 30), 1, True)  # then the National Day holiday
    (datetime.date(2017, 10, 9), False)
    """
    if not working:
        return start + dt.timedelta(days=n), False
    day, left, guessed = start, n, False
    while left:
        day += dt.timedelta(days=1)
        workday, weekdays_only = _workday(day)
        guessed = guessed or weekdays_only
        left -= workday
    return day, guessed


def _workday(day: dt.date) -> tuple[bool, bool]:
    """Whether a day is worked; and whether that was guessed as Monday to Friday (no calendar data)."""
    if not arrangement_published(day.year):
        return day.weekday() < 5, True
    import chinese_calendar

    return chinese_calendar.is_workday(day), False


def statements(ctx) -> tuple:
    """(chunk, sentence, days, working days or not) for every limit counted in days, once per corpus."""
    return ctx.lookup("time_limit.statements", _statements)


def _statements(ctx) -> tuple:
    out = []
    for chunk in ctx.corpus.chunks:
        if chunk.kind in ("header", "table"):
            continue
        for sentence in pieces(chunk):
            m = LIMIT.search(sentence)
            if m and (n := cn_to_int(m.group(1))):
                out.append((chunk, sentence, n, m.group(2) == "工作日"))
    return tuple(out)
