"""Relative days, weekdays and holidays against a given today; the lunar fallback where the holiday
calendar has no data for a year."""
from __future__ import annotations

import datetime as dt

import pytest

from qa.dates import arrangement_published, holiday_date, question_date, question_month_year

MON = dt.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize("q, today, want, how", [
    ("今天去江郎山免费吗", MON, dt.date(2026, 11, 30), "relative"),
    ("明天去药王山要门票吗", MON, dt.date(2026, 12, 1), "relative"),
    ("后天呢", MON, dt.date(2026, 12, 2), "relative"),
    ("这周六去", MON, dt.date(2026, 12, 5), "relative"),
    ("下周一去", MON, dt.date(2026, 12, 7), "relative"),
    ("下下周一去", MON, dt.date(2026, 12, 14), "relative"),
    ("那再下一个周一呢", dt.date(2017, 9, 27), dt.date(2017, 10, 9), "relative"),
    ("那明年5月1号呢", MON, dt.date(2027, 5, 1), "relative"),
    ("6月12日去江郎山免费吗", MON, dt.date(2026, 6, 12), "yearless"),
    ("2018年6月4日去江郎山免费吗", MON, dt.date(2018, 6, 4), "explicit"),
    ("六月十二号呢", dt.date(2017, 5, 1), dt.date(2017, 6, 12), "yearless"),
    ("下周一国庆放假,还免费吗", dt.date(2017, 9, 29), dt.date(2017, 10, 2), "relative"),  # the weekday wins
])
def test_relative_and_absolute_days(q, today, want, how):
    got = question_date(q, today)
    assert (got.day, got.how) == (want, how)


@pytest.mark.parametrize("q, today, want, official", [
    ("国庆去烂柯山", dt.date(2026, 9, 21), dt.date(2026, 10, 1), True),
    ("国庆去烂柯山", dt.date(2026, 11, 30), dt.date(2027, 10, 1), False),  # this year's has passed
    ("元旦想去廿八都", MON, dt.date(2027, 1, 1), False),
    ("端午节去龙游石窟", dt.date(2026, 6, 8), dt.date(2026, 6, 19), True),
    ("中秋节那天还算汛期吗", dt.date(2026, 9, 14), dt.date(2026, 9, 25), True),
    ("春节回来带我们去", MON, dt.date(2027, 2, 6), False),  # lunar 正月初一 2027: no official data yet
    ("清明去扫墓", dt.date(2026, 3, 1), dt.date(2026, 4, 5), True),
    ("劳动节去", MON, dt.date(2027, 5, 1), False),
    ("圣诞节去", MON, dt.date(2026, 12, 25), True),  # no public holiday: nothing to publish
    ("2026年国庆去烂柯山", MON, dt.date(2026, 10, 1), True),
])
def test_holidays_mean_the_next_one(q, today, want, official):
    got = question_date(q, today)
    assert (got.day, got.how, got.official) == (want, "holiday", official)


@pytest.mark.parametrize("q, want", [
    # a holiday said to be over beside a named day is context: the day is asked, wherever it stands
    ("我想10月9号那个礼拜一去药王山走走,国庆长假也过完了,那天免不免费呀?", dt.date(2017, 10, 9)),
    ("国庆长假过完,10月10号还算不算汛期啊?", dt.date(2017, 10, 10)),
    # alone, it is still the day asked about
    ("清明节一过,那个地质灾害除险安居三年行动是不是还在搞?", dt.date(2018, 4, 5)),
])
def test_a_holiday_said_to_be_over_yields_to_the_day_named(q, want):
    assert question_date(q, dt.date(2017, 9, 29)).day == want


def test_lunar_dates_where_the_holiday_calendar_has_no_data():
    assert not arrangement_published(2040)
    assert holiday_date("春节", 2040) == dt.date(2040, 2, 12)
    assert holiday_date("中秋", 2040) == dt.date(2040, 9, 20)
    assert holiday_date("端午", 2030) == dt.date(2030, 6, 5)
    assert arrangement_published(2026)


def test_months_without_a_day():
    assert question_month_year("下个月景区免费吗", dt.date(2017, 11, 28)) == (2017, 12)
    assert question_month_year("下个月呢", dt.date(2026, 12, 5)) == (2027, 1)
    assert question_month_year("2019年12月景区全月免费吗", MON) == (2019, 12)
    assert question_month_year("12月呢", MON) == (None, 12)
    assert question_date("是不是整个12月都免", MON) is None
