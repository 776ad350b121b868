"""Free days an activity notice enumerates ("五月:5.19、5.22…"), found in the parsed corpus, and the
reasons a day is or is not free (the printed list wins over the prose rule; holidays from
chinese-calendar)."""
from __future__ import annotations

import datetime as dt
import re

from qa.corpus import Corpus
from qa.dates import FreeDayRule, parse_day_list, weekday_cn
from qa.model import Chunk
from qa.score import sentences
from qa.text import int_to_cn


def free_day_rules(corpus: Corpus) -> list[tuple[FreeDayRule, Chunk, tuple | None]]:
    """Find enumerated free-day lists ("五月:5.19、5.22…") and the scenic-spot list beside them."""
    rules = []
    for doc in corpus.documents:
        year = int(doc.date[:4]) if doc.date else 0
        for c in corpus.chunks:
            if c.doc_key != doc.key or c.kind not in ("section", "article"):
                continue
            lines = [(0, ln) for ln in c.text.split("\n")]
            days, months = parse_day_list(lines, year)
            if len(days) + len(months) < 3:
                continue
            rule_text = next((s for s in sentences(c.text) if "每逢" in s), "")
            rule = FreeDayRule(tuple(days), tuple(months), rule_text, c.line_start, c.line_end)
            spots = None
            for lst in doc.lists:
                if re.search(r"景区|景点", lst.heading):
                    lchunk = next((x for x in corpus.chunks if x.doc_key == doc.key and x.kind in ("section", "article")
                                   and all(i in x.text for i in lst.items)), None)
                    if lchunk is not None:
                        sent = next((s for s in sentences(lchunk.text) if lst.items[0] in s and lst.items[-1] in s), None)
                        if sent:
                            spots = (lst.items, lchunk, sent)
            rules.append((rule, c, spots))
    return rules


def month_line(chunk: Chunk, month: int) -> str | None:


    name = int_to_cn(month) + "月"
    for ln in chunk.text.split("\n"):
        if ln.startswith(name + ":") or ln.startswith(name + ":"):
            return ln
    return None


def rule_sentence(chunk: Chunk) -> str:
    for s in sentences(chunk.text):
        if "每逢" in s:
            return s
    return sentences(chunk.text)[0]


def holiday_note(day: dt.date) -> str | None:
    try:
        import chinese_calendar
    except ImportError:  # the dependency is declared; guard only for a broken install
        return None
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if holiday and name and day.weekday() < 5:
        return f"国家法定假日({_HOLIDAY_CN.get(str(name), name)})"
    return None


_HOLIDAY_CN = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
}


def why_not(day: dt.date, rule: FreeDayRule) -> str:
    first = min(rule.days) if rule.days else None
    if first and day < first:
        return f"该日不在本次活动时间范围内,免费活动自{first.month}月{first.day}日开始。"
    note = holiday_note(day)
    if note:
        return f"该日为{note},按“除国家法定假日以外”的规定不在免费日之列。"
    if "周一" in rule.rule_text and day.weekday() != 0:
        return f"免费日为每逢周一(及公报所列日期),该日是{weekday_cn(day)}。"
    return "该日不在公报所列的免费日中。"
