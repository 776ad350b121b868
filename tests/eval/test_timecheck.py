"""The time checks of eval/timecheck.py on hand-written answer texts (pure functions)."""
from __future__ import annotations

import datetime as dt

from eval import timecheck as T


def test_weekday_mentions_check_every_printed_date():
    text = "2017年6月12日(星期一)是免费日;2026年11月30日（星期四）不是;2017年6月18日 星期天;2017年2月30日(星期二)"
    ms = T.weekday_mentions(text)
    assert [m["right"] for m in ms] == [True, False, True, False]
    assert ms[1]["date"] == "2026-11-30" and ms[1]["said"] == "星期四"
    assert ms[3]["date"] is None  # no such day
    assert T.weekday_errors(text) == (2, 4)
    assert T.weekday_errors("2017年6月12日是免费日") == (0, 0)  # no weekday printed: nothing to check


def test_date_printed_needs_year_and_the_right_weekday():
    assert T.date_printed("…2017年6月12日(星期一)…", "2017-06-12")
    assert T.date_printed("2017年06月12日 (星期一)", "2017-06-12")
    assert not T.date_printed("6月12日(星期一)", "2017-06-12")  # no year
    assert not T.date_printed("2017年6月12日", "2017-06-12")  # no weekday
    assert not T.date_printed("2017年6月12日(星期二)", "2017-06-12")
    assert T.weekday_name(dt.date(2026, 11, 30)) == "星期一"


def test_phrasings():
    assert T.says_not_covered("公报未载明2026年的安排")
    assert T.says_not_covered("该日期不在本次活动时间范围内")
    assert not T.says_not_covered("是免费日")
    assert T.says_free("2017年6月12日(星期一)是免费日") is True
    assert T.says_free("不是免费日") is False
    assert T.says_free("免费") is None
    assert T.says_passed("该期限已过") is True
    assert T.says_passed("尚未到期") is False
    assert T.says_passed("已过?尚未到?") is None


def test_time_checks_only_what_the_record_asks():
    text = "2026年11月30日(星期一):本次活动时间为2017年5月19日至2017年12月31日;公报未载明2026年的安排。[1]"
    assert T.time_checks(text, True, expect_dates=["2026-11-30"], covered=False) == {"dates": True, "covered": True}
    assert T.time_checks(text, True) == {}
    assert T.time_checks(text, False, expect_dates=["2026-11-30"]) == {"dates": False}  # a refusal passes none
    got = T.time_checks("2017年6月13日(星期二)不是免费日", True, expect_dates=["2017-06-13"], expect_free=False,
                        expect_passed=True)
    assert got == {"dates": True, "free": True, "passed": False}
