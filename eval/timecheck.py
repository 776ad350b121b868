"""Checks of what an answer says about time (pure functions; no engine).

* Every answer of every set: each date printed with a weekday, "2017年6月12日(星期一)", must name the
  weekday of that date (weekday_mentions / weekday_errors).
* The time set (eval/time): an expected date is printed as YYYY年M月D日 followed by its weekday;
  an answer about a date the gazette does not cover says so; free-day and deadline answers say
  which way it goes. The accepted phrasings are the small sets below; an answer that means the same
  in other words fails the check, so compose should use one of them.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

WEEKDAYS = "一二三四五六日"
# a date with year, month, day, then (optionally in brackets) its weekday; 星期天 = 星期日
DATE_WITH_WEEKDAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*[(\uff08]?\s*(星期[一二三四五六日天])")

# the answer says the gazette does not cover that date / year / case
NOT_COVERED = re.compile(r"未载明|未作规定|不在[^。;\uff1b!\uff01?\uff1f\n]{0,30}范围")
FREE, NOT_FREE = "是免费日", "不是免费日"
# the deadline has passed / has not come yet, relative to the reference date
PASSED = ("已过", "已经过了")
NOT_PASSED = ("尚未到", "还未到", "尚未过", "还没到")


def weekday_name(d: dt.date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def weekday_mentions(text: str) -> list[dict]:
    """Every date-with-weekday in text: {"text", "date" (ISO or None when no such day), "said", "right"}."""
    out = []
    for m in DATE_WITH_WEEKDAY.finditer(text or ""):
        y, mo, d, said = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4).replace("天", "日")
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            out.append({"text": m.group(0), "date": None, "said": said, "right": False})
            continue
        out.append({"text": m.group(0), "date": day.isoformat(), "said": said, "right": said == weekday_name(day)})
    return out


def weekday_errors(text: str) -> tuple[int, int]:
    """(wrong, checked): dates printed with a weekday that is not theirs (or no such day), of all printed."""
    ms = weekday_mentions(text)
    return sum(1 for m in ms if not m["right"]), len(ms)


def date_printed(text: str, iso: str) -> bool:
    """The date is printed with its year as YYYY年M月D日 (a leading zero allowed) and followed by its
    right weekday."""
    d = dt.date.fromisoformat(iso)
    pat = re.compile(rf"{d.year}年0?{d.month}月0?{d.day}日\s*[(\uff08]?\s*(星期[一二三四五六日天])")
    return any(m.group(1).replace("天", "日") == weekday_name(d) for m in pat.finditer(text or ""))


def says_not_covered(text: str) -> bool:
    return bool(NOT_COVERED.search(text or ""))


def says_free(text: str) -> bool | None:
    """True: says 是免费日 (and not 不是免费日); False: says 不是免费日; None: says neither."""
    t = text or ""
    if NOT_FREE in t:
        return False
    return True if FREE in t else None


def says_passed(text: str) -> bool | None:
    """True: a passed phrase and no not-passed one; False: the reverse; None: neither or both."""
    t = text or ""
    p, q = any(x in t for x in PASSED), any(x in t for x in NOT_PASSED)
    return None if p == q else p


def time_checks(text: str, found: bool, *, expect_dates: Iterable[str] = (), covered: bool | None = None,
                expect_free: bool | None = None, expect_passed: bool | None = None) -> dict[str, bool]:
    """The time-specific checks of one answer (only those its record asks for): dates, covered, free,
    passed. A refusal passes none of them (a refusal is judged by found alone)."""
    out: dict[str, bool] = {}
    dates = list(expect_dates)
    if dates:
        out["dates"] = bool(found) and all(date_printed(text, d) for d in dates)
    if covered is False:
        out["covered"] = bool(found) and says_not_covered(text)
    if expect_free is not None:
        out["free"] = bool(found) and says_free(text) is expect_free
    if expect_passed is not None:
        out["passed"] = bool(found) and says_passed(text) is expect_passed
    return out
