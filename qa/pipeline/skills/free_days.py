"""Free days an activity notice enumerates: is a given day free, which days of a month, does a named
spot take part. The answer names the year the list is for and never applies it to another year."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from qa.cite import make_citation
from qa.dates import HOLIDAYS, question_date, question_month_year
from qa.freedays import holiday_note, month_line, rule_sentence, why_not
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.timeline import full_date
from qa.score import sentences

NAME = "free_days"


# how a place people visit is named: 西湖, 灵隐寺, 千岛湖景区, 乌镇古镇
# (the ending repeats: 千岛湖 ends in 岛 and then 湖)
SPOT_NAME = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:山|湖|景区|寺|庙|村|园|关|洞|石窟|石林|古镇|公园|岛|峡|谷|瀑布|街区)+")


# when an activity runs: from when, until when, for how long (its answer also quotes what the notice says
# of later years: "从啥时候开始算的?到年底就不搞了吗?")
SPAN_Q = re.compile(r"开始|结束|截止|到什么时候|到啥时候|到哪天|到几月|持续|多久|多长时间")


# what names a time, not a place, before "景区" ("2019年12月衢州景区", "今年景区"); and the activity's own words
_TIME_WORDS = re.compile(r"\d+\s*(?:年|月份?|日|号|个|家|处)|[今明去前后本]年|[今明后]天|景区免费|免费|门票")
# words that say which spots or what kind, naming none: "参与景区", "其他景区", "那些景区"
_NOT_A_NAME = re.compile(r"^(?:参与|免费|其他|其它|别的|所有|全部|各个|各|周边|附近|收费|这些|那些|哪些|这个|那个|哪个)")
# what ends the words before a place's name: a verb of going, 的, or the month asked ("8月份去衢州景区",
# "能免费进景区")
_BEFORE_NAME = re.compile(r".*(?:去|到|在|进|游|玩|逛|的|月份)")


def _unlisted(q: str, spots, known_place=lambda name: False) -> list[str]:
    """Spot-like names in the question that are not on the activity's list: "西湖" is no part of it.
    `known_place`: whether a name is a place the corpus prints ("衢州景区" are the city's spots, all
    of them, not one spot the list lacks)."""
    if not spots:
        return []
    names = spots[0]
    # beside a listed spot, "景区" names it again ("去江郎山走走,到时候景区也免费吧"), not another place
    generic_ok = not any(n in q for n in names)
    out = []
    for m in SPOT_NAME.finditer(_TIME_WORDS.sub(" ", q)):
        # "那些景区", "这个景区" point back at the spots, they name none; "衢州那些景区" is the city's
        name = _BEFORE_NAME.sub("", m.group(0))
        name = re.split(r"[那这哪](?:些|个|几个|几家)", name)[-1]
        if name.endswith("景区") and (not generic_ok or known_place(name[:-2]) or _NOT_A_NAME.match(name)):
            continue
        if known_place(name):  # a place the corpus prints ("江山" in "江山的大陈古村") is no spot off the list
            continue
        if re.match(r"(.)\1", name):  # "去江郎山爬爬山", "看看湖": a verb said twice, then its object
            continue
        if len(name) >= 2 and not any(name in n or n in name or _misspelt(name, n) for n in names) \
                and name not in ("景区", "公园"):
            out.append(name)
    return out


_GENERIC_TAIL = ("", "古镇", "景区", "风景区", "古村")  # what people add to a spot's name


def _misspelt(name: str, listed: str) -> bool:
    """A listed spot typed with one character of its name wrong ("江朗山" for 江郎山, "念八都古镇" for
    廿八都 and the 古镇 people add): the asker means the spot on the list, not another place. Names of
    three characters or more, and not a different kind of place (江郎湖, 药王庙: the last character,
    山 or 湖 or 庙, says what the place is)."""
    if len(listed) < 3 or name[len(listed):] not in _GENERIC_TAIL:
        return False
    diff = [i for i, (a, b) in enumerate(zip(name, listed)) if a != b]
    return len(diff) == 1 and diff[0] != len(listed) - 1


# how many free days in all: "一共免费多少天", "加起来几天"
TOTAL_Q = re.compile(r"(?:一共|共计|合计|总共|总计|加起来|算下来).{0,8}(?:多少|几)天|(?:多少|几)天.{0,4}(?:一共|总共|加起来)")


_ADDED_MONTH = re.compile(r"加上?\s*\d{1,2}\s*月")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    # "12月份一共免费几天", "6月份每个礼拜一都免费吗?一共几天?": a month's days are counted by the
    # month's own answer. The activity's total is asked without one, or with the month as what is
    # added ("周一免费再加上12月份,总共…"), or with the month only carried from the question before
    # ("那12月呢?" then "一共多少天?"). A total carried from the question before is not asked again:
    # "那元旦呢?" after "12月份哪天去都免费吗?一共几天?" asks about New Year's Day.
    typed = part.typed
    month_asked = (question_date(typed, plan.today) is None and question_month_year(typed, plan.today) is not None
                   and not _ADDED_MONTH.search(typed))
    if ctx.free_rules and TOTAL_Q.search(typed) and re.search(r"免费|景区|游", q) and not month_asked:
        return [c for rule, chunk, _ in ctx.free_rules if (c := _total(plan, rule, chunk)) is not None]
    if not ctx.free_rules or (re.search(r"一共|共计|合计|总共|总计", typed) and not month_asked):
        return []
    # asked about the activity in its words, or about a place it lists ("国庆去根宫佛国要钱吗?")
    if not (re.search(r"免费|景区|票|游", q)
            or any(spots and any(s in q for s in spots[0]) for _, _, spots in ctx.free_rules)):
        return []
    out = []
    for rule, chunk, spots in ctx.free_rules:
        unlisted = _unlisted(q, spots, ctx.knows_place)
        if unlisted and spots:
            # a computed answer about a named thing first confirms the thing is on the cited list
            # the day asked, as it means here (a yearless day is the activity's year), with its weekday
            asked = question_date(q, plan.today)
            day = asked.day if asked else None
            if day is not None and asked.how == "yearless" and rule.days:
                day = day.replace(year=rule.days[0].year)
            when = f"{full_date(day)}的" if day is not None else ""
            text = (f"{'、'.join(unlisted)}不在公报所列参与“免费游”活动的{len(spots[0])}个景区之中"
                    f"({'、'.join(spots[0])}),公报未载明其{when}免费安排。")
            cand = Candidate(NAME, "date", text, (make_citation(spots[1], spots[2]),), 1.0)
            out.append(cand.with_features({"unlisted": 1.0}))
            continue
        cand = _one(plan, q, rule, chunk, spots, ctx)
        if cand is not None:  # it quotes the notice's own lines: as many sentences as it cites
            out.append(cand.with_features({"sentences": float(len(cand.citations))}))
    return out


def _one(plan: QueryPlan, q: str, rule, chunk, spots, ctx) -> Candidate | None:
    today = plan.today
    asked = question_date(q, today)
    day = asked.day if asked else None
    got = None if day else question_month_year(q, today)
    month = got[1] if got else None
    year = rule.days[0].year if rule.days else today.year
    first = min(rule.days) if rule.days else dt.date(year, 1, 1)
    # the last free day: the last listed one, or the end of a month that is free as a whole
    ends = list(rule.days) + [dt.date(y, m, calendar.monthrange(y, m)[1]) for y, m in rule.whole_months]
    last = max(ends) if ends else dt.date(year, 12, 31)
    period = f"本次活动时间为{full_date(first)}至{full_date(last)}"
    other = [int(y) for y in plan.slots.get("years", []) if int(y) != year]
    if day is None and got is None and other:
        # "2026年还有免费游吗", "今年还按每周一免费来吗": a year the activity does not cover
        cites = [make_citation(chunk, rule_sentence(chunk))]
        text = f"{period}。{_spots_named(q, spots, cites)}{_outside(ctx, chunk, other[0], year, cites)}"
        return Candidate(NAME, "date", text, tuple(cites), 1.0)
    if day is None and got is None:
        if SPAN_Q.search(q):  # "活动从哪天开始到什么时候结束": the span its free days make, in its own words
            rules = _free_time_lines(chunk)
            # the listed lines where the span ends: the last listed day's month, and whole free months
            months = dict.fromkeys([max(rule.days).month] if rule.days else [])
            months.update(dict.fromkeys(m for _, m in sorted(rule.whole_months)))
            lines = [ln for m in months if (ln := month_line(chunk, m))]
            # where the span ends, what the notice says of after it ("此项活动将持续开展,2018年度视情况…")
            later = list(dict.fromkeys(_later(ctx, chunk)))
            text = (f"{period}(按公报所列免费日计)。" + "".join(f"“{x.rstrip('。')}”。" for x in rules)
                    + ("公报所列:" + "".join(f"“{ln.rstrip(';;。')}”" for ln in lines) + "。" if lines else "")
                    + "".join(f"公报载明:“{x.rstrip('。')}”。" for x in later))
            cites = tuple(make_citation(chunk, x) for x in rules + lines + later)
            return Candidate(NAME, "date", text, cites, 1.0)
        return _for_whom(ctx, q, rule, chunk, spots) or _in_general(q, rule, chunk, spots)
    cites = [make_citation(chunk, rule_sentence(chunk))]
    if day is not None:
        yearless = asked.how == "yearless"
        if yearless and day.year != year:
            day = day.replace(year=year)  # "6月12日" in a question about this activity means its year
        if day.year != year:
            text = (f"{_named(asked, day)}:{period}。{_spots_named(q, spots, cites)}"
                    f"{_outside(ctx, chunk, day.year, year, cites)}")
            return Candidate(NAME, "date", text + _arrangement(asked, day), tuple(cites), 1.0, part=0)
        line = month_line(chunk, day.month)
        printed = f"公报所列本月免费日:{line.rstrip(';;。')}。" if line else ""
        lead = f"按公报所载{year}年活动安排," if yearless else ""
        if rule.covers(day):
            text = f"{lead}{_named(asked, day)}是免费日。{printed}"
            if spots:
                text += _all_spots(spots)
            note = holiday_note(day)
            if note and day in rule.days:
                text += f"注意:该日为{note},但公报所列免费日包含此日(以公报所列为准)。"
        else:
            text = f"{lead}{_named(asked, day)}不是免费日。" + why_not(day, rule) + printed
        text += f"公报规定:“{rule_sentence(chunk).rstrip('。')}”。"
        if (year, day.month) in rule.whole_months:
            sent = next((x for x in sentences(chunk.text) if f"{year}年{day.month}月" in x and "免费" in x), None)
            if sent:
                text += f"公报载明:“{sent.rstrip('。')}”。"
                cites.append(make_citation(chunk, sent))
        if line:
            cites.insert(0, make_citation(chunk, line))
        if spots and rule.covers(day):
            cites.append(make_citation(spots[1], spots[2]))
        else:  # the spot the question names is confirmed on the list, free day or not
            text += _spots_named(q, spots, cites)
        return Candidate(NAME, "date", text + _arrangement(asked, day), tuple(cites), 1.0)
    asked_year = got[0]
    if asked_year is not None and asked_year != year:
        line = month_line(chunk, month)  # what the notice listed for that month of its own year
        listed = f"公报所列{year}年{month}月:“{line.rstrip(';;。')}”。" if line else ""
        if line:
            cites.append(make_citation(chunk, line))
        text = f"{period}。{_spots_named(q, spots, cites)}{listed}{_outside(ctx, chunk, asked_year, year, cites)}"
        return Candidate(NAME, "date", text, tuple(cites), 1.0)
    line = month_line(chunk, month)
    days = [d for d in rule.days if d.month == month]
    if line and ((year, month) in rule.whole_months or days):
        n = len(days) if days else None
        whole = (year, month) in rule.whole_months
        text = (f"{year}年{month}月的免费日为 {line.split(':', 1)[-1].split(':', 1)[-1].rstrip(';;。')}"
                + (f",共{n}天。" if n else "。"))
        cites = [make_citation(chunk, line)]
        # the Mondays of the month a Monday rule leaves out, and why ("10月2日为国庆假期")
        if days and not whole and "周一" in rule.rule_text:
            skipped = [d for d in _mondays(year, month) if min(rule.days) <= d and d not in rule.days]
            for d in skipped:
                text += f"{full_date(d)}未列入:{why_not(d, rule)}"
            if skipped:
                text += f"公报规定:“{rule_sentence(chunk).rstrip('。')}”。"
                cites.append(make_citation(chunk, rule_sentence(chunk)))
        if whole:
            sent = next((x for x in sentences(chunk.text) if f"{year}年{month}月" in x and "免费" in x), None)
            if sent:
                text += f"公报载明:“{sent}”即{year}年{month}月全月均为免费日。"
                cites.append(make_citation(chunk, sent))
        if spots:  # where the days are free, as a free day's answer says it
            text += _all_spots(spots)
            cites.append(make_citation(spots[1], spots[2]))
    else:
        text = f"{year}年{month}月没有免费日。" + why_not(dt.date(year, month, 1), rule)
    return Candidate(NAME, "date", text, tuple(cites), 1.0)


def _mondays(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    return [first + dt.timedelta(days=k) for k in range(calendar.monthrange(year, month)[1])
            if (first + dt.timedelta(days=k)).weekday() == 0]


def _total(plan: QueryPlan, rule, chunk) -> Candidate | None:
    """The free days counted from the parsed list (listed days plus whole free months), with the
    notice's own total where it states one and agrees; a year asked that the list is not for is said
    to be uncovered ("今年" asked in 2026)."""
    whole = sum(calendar.monthrange(y, m)[1] for y, m in rule.whole_months)
    n = len(rule.days) + whole
    if not n:
        return None
    year = (rule.days[0].year if rule.days else rule.whole_months[0][0])
    stated = next((x for x in sentences(chunk.text) if re.search(rf"共计?{n}天", x)), None)
    parts = [f"逐日列明的{len(rule.days)}天"] if rule.days else []
    parts += [f"{y}年{m}月全月{calendar.monthrange(y, m)[1]}天" for y, m in rule.whole_months]
    text = f"{year}年活动的免费日共{n}天(" + "、".join(parts) + ")。"
    cites = [make_citation(chunk, rule_sentence(chunk))]
    if stated:
        text += f"公报载明:“{stated.rstrip('。:: ')}”。"
        cites.append(make_citation(chunk, stated))
    other = sorted({int(y) for y in plan.slots.get("years", []) if int(y) != year})
    if other:
        text += f"公报未载明{'、'.join(map(str, other))}年的安排。"
    return Candidate(NAME, "date", text, tuple(cites), 1.0, {"sentences": float(len(cites))})


def _named(asked, day: dt.date) -> str:
    """The day as asked: "今天(2026年11月30日(星期一))", "元旦(2027年1月1日(星期五))"."""
    if asked.how == "holiday":
        return f"{asked.holiday}({full_date(day)})"
    if asked.how == "relative":  # "今天(2026年11月30日(星期一))": the day the word means, against today
        return f"{asked.words}({full_date(day)})"
    return full_date(day)


def _all_spots(spots) -> str:
    return f"参与的景区共{len(spots[0])}个:" + "、".join(spots[0]) + "。"


def _spots_named(q: str, spots, cites: list) -> str:
    """That the spots the question names take part, with the list cited (added to `cites`)."""
    named = [x for x in spots[0] if x in q] if spots else []
    if named:
        cites.append(make_citation(spots[1], spots[2]))
    return f"{'、'.join(named)}是该活动的{len(spots[0])}个参与景区之一。" if named else ""


def _arrangement(asked, day: dt.date) -> str:
    if asked is not None and asked.how == "holiday" and not asked.official:
        lunar = any(name == asked.holiday and cal == "lunar" for name, cal, _ in HOLIDAYS.values())
        how = f"{asked.holiday}日期按农历推算;" if lunar else ""
        return f"({how}{day.year}年的官方放假安排尚未公布。)"
    return ""


def _outside(ctx, chunk, year: int, rule_year: int, cites: list) -> str:
    """What the notice says about later years, quoted, and that the asked year is not covered."""
    doc = ctx.docs.get(chunk.doc_key)
    said = [s for s in sentences(chunk.text) if re.search(r"每逢|月免费|全民免费", s)]
    later = _later(ctx, chunk)
    quoted = "".join(f"“{s}”" for s in dict.fromkeys(said + later))
    for s in dict.fromkeys(said + later):
        cites.append(make_citation(chunk, s))
    title = f"《{doc.title}》" if doc else "公报"
    return (f"{title}所载免费安排为{rule_year}年的活动:{quoted}公报未载明{year}年的安排,"
            "不能按上述日期判断该日是否免费(免门票)。")


def _later(ctx, chunk) -> list[str]:
    """The notice's sentences on later years (the timeline's review records of this chunk)."""
    return [r.text for r in ctx.corpus.timeline.of(chunk.doc_key, "review") if r.chunk_id == chunk.id]


# who the asker is, when the question is whether people like them go free ("外国游客也能免费进吗",
# "不是衢州本地人,也能不要门票吗"); 外国 is matched as the gazette's word, 海外
_WHO_GOES = re.compile(r"游客|外国|海外|外地|外省|本地|老人|学生|小孩|儿童|[^一-龥]?人[,,]?(?:也|能|可以|还)")


def _for_whom(ctx, q: str, rule, chunk, spots) -> Candidate | None:
    """Who the activity is free for, in the notice's own words (its 免费对象 line), with its free times."""
    if not _WHO_GOES.search(q):
        return None
    for c in ctx.by_doc.get(chunk.doc_key, []):
        line = next((x for x in sentences(c.text) if re.match(r"^(?:[((][一二三四五六七八九十][))])?免费对象[::]", x)), None)
        if line:
            rules = _free_time_lines(chunk)
            text = f"公报所载:“{line.rstrip('。')}”。免费时间:" + "".join(rules)
            cites = (make_citation(c, line),) + tuple(make_citation(chunk, r) for r in rules)
            return Candidate(NAME, "date", text, cites, 1.0)
    return None


def _free_time_lines(chunk) -> list[str]:
    """The notice's own lines of free time ("周一免费:…", "12月免费:…")."""
    return [x for x in sentences(chunk.text) if re.search(r"免费[::]", x)]


def _in_general(q: str, rule, chunk, spots) -> Candidate | None:
    """"江郎山免费吗?" with no date: whether the spot takes part, and the free-time rules."""
    if not spots or "免费" not in q:
        return None
    named = [s for s in spots[0] if s in q]
    if not named:
        return None
    rules = _free_time_lines(chunk)
    text = f"{'、'.join(named)}是参与“免费游”的{len(spots[0])}个景区之一。免费时间:" + "".join(rules)
    cites = (make_citation(spots[1], spots[2]),) + tuple(make_citation(chunk, r) for r in rules)
    return Candidate(NAME, "date", text, cites, 1.0)
