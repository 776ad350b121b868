"""Deadlines, target years and periods: the date(s) a unit sets, with year and weekday, whether they
have passed against today, and whether a day the question names falls inside them. A period stated for
"每年" in an old document, or a plan's years, are not stretched to a year the gazette does not cover."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace

from qa.chunk import is_row_id
from qa.cite import make_citation
from qa.conversation import is_elliptical
from qa.dates import AskedDate, question_date, relative_years
from qa.model import Citation
from qa.pipeline.skills.validity import age, known_cov, plain_title, term_against
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import asked_clauses
from qa.text import bigrams, content, squeeze
from qa.timeline import BRACKET_NUMBER, CUT_OFF, DateRecord, full_date, meaning, sentences_of

NAME = "deadline"
# whether a task is due is asked with its verb and 好 or 完 ("…要建好吗"; the 完 form: "是今年要建完吗",
# "改完了没有", "力争用几年干完", a time-train and two train questions), answered by a task's dated year
# heading or term (衢政办发〔2017〕24号 "(一)2017年。…新建改建扩建避灾安置点85个", "…三年行动任务力争两年完成");
# not by a clause that only says it is done ("整治完了,谁来验收" asks who)
DUE_Q = re.compile(
    r"什么时候|啥时候|啥时侯|何时|哪天|哪一天|几号|哪年|哪一年|几月|期限|时限|截止|截至|到期|过期|过了|完成|建好|弄完|办完|改造好|"
    r"整改好|整改完|[改建修弄办做搞治]好了?(?:[吧吗没??]|$)|[改建修做搞治干]完了?(?:[吧吗没??]|$)|时间节点|时间跨度|哪几年|哪三年|多长|多久|从.{0,8}到|期间|阶段|汛期|结束|之前|以前|以后|之后|开始|培育期|"
    r"还搞|还在|算不算|还算|是不是.{0,4}(?:就|已|要)|前要|前全部|季度|还会")
LIST_Q = re.compile(r"时间节点|哪些时间|每个阶段|各到什么时候|几个阶段")
_TIME_WORDS = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号]|[今明后去]年|[今明后]天|大后天|[这下本上]+个?(?:周|星期|礼拜)[一二三四五六日天]?"
                         r"|下个?月|这个?月|元旦|春节|清明|端午|中秋|国庆|劳动节|五一|圣诞|节")
_KINDS = ("deadline", "target", "period", "start", "term", "review", "date", "effective")
_IN_FORCE_Q = re.compile(r"施行|实行|执行|实施|生效")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    asked = question_date(plan.match if part is plan.parts[0] else q, plan.today)
    if asked is None and re.search(r"这个?季度|本季度", q):
        asked = AskedDate(plan.today, "relative")  # "this quarter": today stands for it
    if not DUE_Q.search(q) and asked is None:
        return []
    dated = dated_statements(ctx)
    if not dated:
        return []
    hit_rank = {h.chunk.id: n for n, h in enumerate(hits)}
    raw_q = q
    q = _TIME_WORDS.sub(" ", q)  # the asked day is matched against the dates, not the words
    focus = _TIME_WORDS.sub(" ", re.sub(r"^那|呢\??$", "", part.focus or "")).strip()
    focus = focus if len(focus) >= 2 else ""
    q_grams = {b for b, _ in ctx.question_weights(q)}
    focus_grams = {b for b, _ in ctx.question_weights(focus)} if focus else set()
    scored = []
    for chunk_id, text, recs, by_subject, by_header, known, grams in dated:
        cov = 0.0  # a statement sharing no word with the question covers none of it
        if not q_grams.isdisjoint(grams):
            cov = max(ctx.cov(q, by_subject), 0.9 * ctx.cov(q, by_header), known_cov(ctx, q, known))
        if focus:  # a follow-up ("那儒学小镇的呢"): its own words pick among the earlier topic's statements
            focus_cov = 0.0
            if not focus_grams.isdisjoint(grams):
                focus_cov = max(ctx.cov(focus, by_subject), 0.9 * ctx.cov(focus, by_header))
            cov = 0.5 * cov + 0.5 * focus_cov
        if chunk_id in hit_rank:
            cov += 0.05 / (1 + hit_rank[chunk_id])
        if asked is not None and any(asked.day in (r.start, r.end) for r in recs if r.point or not r.recurring):
            # the day asked is the day this statement names, or the day its span starts or ends ("7月1号
            # 以后进入哪个阶段" of "2017年下半年,…", "12月31号之前要消除多少处" of a year's tasks)
            cov += 0.3
        if recs[0].kind == "effective":
            cov += 0.2 if _IN_FORCE_Q.search(q) else -0.3  # 施行 dates answer 施行 questions only
        elif asked is not None and any(r.end and (r.end.year, r.end.month) == (asked.day.year, asked.day.month)
                                       and not r.recurring for r in recs):
            cov += 0.15  # …or falls in the month it names
        scored.append((cov, chunk_id, text, recs))
    scored.sort(key=lambda x: -x[0])
    out = []
    for cov, chunk_id, text, recs in scored[:3]:
        if cov < 0.3:
            break
        said = statement(ctx, plan.today, recs, asked, raw_q)
        cand = Candidate(NAME, "date", said, _cites(ctx, recs[0]), min(cov, 1.0))
        # described as the extractive skill describes its seed: the quoted sentence's match and rank
        out.append(cand.with_features({
            "seed_lexical": min(cov, 1.0), "seed_rank": 1.0 / (hit_rank.get(chunk_id, 9) + 1),
            "sentences": float(said.count("“") or 1), "table_row": 1.0 if is_row_id(chunk_id) else 0.0,
            # "本办法自…起施行" is the document's own date line, judged as doc_dates judges it
            "dated_by_document": 1.0 if recs[0].kind == "effective" else 0.0}))
    if LIST_Q.search(q) and scored:
        doc_key = ctx.chunks[scored[0][1]].doc_key
        listed = [(c, t, r) for _, c, t, r in sorted(scored, key=lambda x: (x[3][0].line_start))
                  if ctx.chunks[c].doc_key == doc_key and r[0].kind in ("deadline", "target", "period", "start")]
        if len(listed) >= 2:
            text = "".join(f"{n}. {_quote(r)}{meaning(r)}。" for n, (_, _, r) in enumerate(listed, 1))
            cites = tuple(_cite(ctx, r[0]) for _, _, r in listed)
            out.append(Candidate(NAME, "date", text, cites, scored[0][0], items=tuple(t for _, t, _ in listed)))
    return out


def dated_statements(ctx) -> tuple[tuple[str, str, list[DateRecord], str, str, str, frozenset[str]], ...]:
    """The corpus's dated statements this skill answers with, once per corpus (every question is
    matched against all of them): chunk id, sentence, its records, the texts it is matched by (its
    subject's, its heading's, and both for known_cov) and the character bigrams of the first two."""
    return ctx.lookup("deadline.dated_statements", _dated_statements)


def _dated_statements(ctx):
    out = []
    for chunk_id, by_text in ctx.dates_by_chunk.items():
        header = ctx.chunks[chunk_id].header
        for text, recs in {**by_text, **_under_dated_head(ctx, chunk_id, by_text)}.items():
            kept = [r for r in recs if r.kind in _KINDS]
            if kept:
                by_subject, by_header = f"{kept[0].subject} {text}", f"{header} {text}"
                grams = bigrams(squeeze(by_subject)) | bigrams(squeeze(by_header))
                out.append((chunk_id, text, kept, by_subject, by_header, f"{kept[0].subject} {header} {text}",
                            frozenset(grams)))
    return tuple(out)


def _under_dated_head(ctx, chunk_id: str, by_text: dict[str, list[DateRecord]]) -> dict[str, list[DateRecord]]:
    """The undated sentences of a unit under a dated run-in heading ("(一)2017年。…新建改建扩建避灾安置点
    85个,…;", "(一)前期部署阶段(2017年3月31日前)。…"), each dated by its heading: the task is due
    when the heading says. Their records carry the heading as subject (what the answer names the date
    by) and the unit's lines (the quote is the sentence, not the heading)."""
    head = _dated_head(ctx, chunk_id, by_text)
    if not head:
        return {}
    dated = [r for r in by_text[head] if r.kind in _KINDS and r.end is not None]
    if not dated:
        return {}
    chunk = ctx.chunks[chunk_id]
    return {s: [replace(r, text=s, subject=head.rstrip("。.;;"), line_start=chunk.line_start,
                        line_end=chunk.line_end) for r in dated]
            for s in sentences_of(chunk.text)[1:] if s not in by_text}


def _dated_head(ctx, chunk_id: str, by_text: dict[str, list[DateRecord]]) -> str:
    """The unit's first sentence when it is a short numbered heading with dated records of its own
    ("(一)2017年。", "(一)前期部署阶段(2017年3月31日前)。"); empty otherwise."""
    head = next(iter(sentences_of(ctx.chunks[chunk_id].text)), "")
    return head if head in by_text and len(head) <= 40 and _NUMBERED_HEAD.match(head) else ""


def statement(ctx, today: dt.date, recs: list[DateRecord], asked, q: str = "") -> str:
    """One dated statement in words: the quote, what its dates mean, and where today (or the asked day)
    stands against them."""
    r = recs[0]
    text = _quote(recs, q) + meaning(recs) + "。"
    if r.kind == "period" and r.recurring:
        text += _following(ctx, r)
    if r.kind == "period" and r.subject == "title":
        for t in ctx.corpus.timeline.of(r.doc_key, "term"):
            text += f"文件还载明:“{t.text.rstrip('。;;')}”。"
    dated = [x for x in recs if x.end is not None]
    doc_dates = ctx.corpus.timeline.docs.get(r.doc_key)
    term = term_against(r, today, q, *_day_named(asked)) if r.kind == "term" else ""
    if term:
        text += term
    elif asked is not None and dated:
        said = _against(ctx, asked.day, dated, doc_dates, today)
        if asked.how in ("relative", "holiday"):  # name the day as the question did
            said = said.replace(full_date(asked.day), f"{asked.words}({full_date(asked.day)})", 1)
        text += said
    elif dated and r.kind == "start":
        # a start ("从2017年起,市政府安排资金…") is no term to fall due: today is after it or not yet
        first = min(x.start for x in dated)
        text += f"截至今天{full_date(today)},{'已开始' if today >= first else '尚未开始'}。"
    elif dated and (r.kind in ("deadline", "target") or r.kind == "period" and not r.recurring):
        # a one-off period ("2017年下半年,…完成总结评估工作") is due by its end as a deadline is
        last = max(x.end for x in dated)
        word = "已过" if today > last else "尚未到期"
        text += f"截至今天{full_date(today)},该期限{word}。"
        if today > last and r.kind in ("deadline", "target"):
            text += "本公报未载明其后的完成情况。"
    if asked is None:
        text += _unstated_year(q, [x.end for x in dated if not x.recurring], (ctx.doc_text(r.doc_key),))
    return text


def _day_named(asked: AskedDate | None) -> tuple[dt.date | None, str]:
    """The day a question asks about, and its name when the question named it relatively ("明天")."""
    if asked is None:
        return None, ""
    return asked.day, asked.words if asked.how in ("relative", "holiday") else ""


def _issued_on(ctx, asked: AskedDate, quotes: list[tuple[str, str]]) -> str:
    """A day the question names that is the day a cited document was issued ("这周二市政府发的免职
    通知", "3月31号市里发的行动计划"): the day names the document, and the answer says so, dated."""
    timeline = ctx.corpus.timeline
    for key in _cited_docs(ctx, quotes):
        dates = timeline.docs.get(key)
        if dates is not None and dates.issued == asked.day:
            doc = ctx.docs[key]
            name = plain_title(doc.subtitle or doc.title)
            said = f"{asked.words}({full_date(asked.day)})" if asked.how in ("relative", "holiday") else full_date(asked.day)
            return f"《{name}》({doc.number})于{said}印发。"
    return ""


def _cited_docs(ctx, quotes: list[tuple[str, str]]) -> list[str]:
    """The documents of (chunk id, quote) pairs, in order, once each."""
    return list(dict.fromkeys(ctx.chunks[cid].doc_key for cid, _ in quotes if cid in ctx.chunks))


_YEAR = re.compile(r"(\d{4})\s*年")


def _unstated_year(q: str, ends: list[dt.date], cited: Iterable[str]) -> str:
    """A year the question names that is later than every date a statement sets is a year the
    gazette says nothing of, unless the cited document names it elsewhere ("到2020年培育…20家" quoted
    for "2020年和2025年分别要多少家", while the plan also sets "到2025年,…突破30家")."""
    years = [int(y) for y in _YEAR.findall(q)]
    if not (years and ends and max(years) > max(ends).year) or any(f"{max(years)}年" in t for t in cited):
        return ""
    return f"公报未载明{max(years)}年的安排。"


def later_year_note(ctx, plan: QueryPlan, quotes: list[tuple[str, str]], text: str) -> str:
    """A day asked about in a year after every date the quoted statements set ("过了元旦就是2027年了,
    中国制造2025衢州行动计划是不是已经到头了" answered by "到2025年,…"): the answer says where that day
    stands against the dates, and that the gazette says nothing of its year, unless the answer or a
    cited document already names that year. `quotes` are (chunk id, quoted text) of the answer."""
    asked = question_date(plan.match, plan.today)
    # a day without its year ("6月12日去江郎山免费吗") is of the year the cited text is about
    if asked is None or asked.how == "yearless":
        return ""
    year = asked.day.year
    recs = [r for cid, quote in quotes for rs in _quoted_statements(ctx, cid, quote) for r in rs
            if r.end is not None and not r.recurring]
    ends = [r.end for r in recs]
    if not ends or f"{year}年的安排" in text:
        return ""
    # a day the quote itself sets, named by month and day ("五一之前买的电瓶车" for "2017年5月1日前购买
    # 的…"): the question asks about the text's own day, not about that day of a later year
    if any((r.end.month, r.end.day) == (asked.day.month, asked.day.day) for r in recs if r.precision == "day"):
        return ""
    return _unstated_year(f"{year}年", ends, (ctx.doc_text(k) for k in _cited_docs(ctx, quotes)))


def before_effect_note(ctx, plan: QueryPlan, quotes: list[tuple[str, str]], text: str,
                       first: int) -> tuple[str, tuple[Citation, ...]]:
    """A day asked about before a cited document takes effect ("后天是不是就进汛期了?", asked on
    2017-04-13 and answered by the 防汛防台 办法's 第十八条, which applies from 2017-05-10): the answer
    quotes the document's own sentence of effect and says the day comes before it, so that no rule is
    read out as governing a day it did not yet govern. Returns the note and the citations it adds, whose
    markers count on from `first` (the answer's citations so far). Only a stated date of effect counts
    (自…起施行), and only a day the question names with its year or against today: a day without its
    year is of the year the text is about."""
    asked = question_date(plan.match, plan.today)
    if asked is None or asked.how == "yearless":
        return "", ()
    notes, cites = [], []
    for key in _cited_docs(ctx, quotes):
        d = ctx.corpus.timeline.docs.get(key)
        if d is None or not d.effective_stated or d.effective is None or asked.day >= d.effective:
            continue
        rec = next((r for r in ctx.corpus.timeline.of(key, "effective")
                    if r.start == d.effective and r.chunk_id in ctx.chunks), None)
        # an answer that already quotes or names the date of effect ("明天…尚未施行") says it
        named = f"{d.effective.year}年{d.effective.month}月{d.effective.day}日"
        if rec is None or rec.text.rstrip("。") in text or named in text:
            continue
        cites.append(make_citation(ctx.chunks[rec.chunk_id], rec.text))
        notes.append(f"所引文件“{rec.text.rstrip('。')}”[{first + len(cites)}],"
                     f"{full_date(asked.day)}尚在其施行之前。")
    return "".join(notes), tuple(cites)


def unnamed_year_note(ctx, plan: QueryPlan, quotes: list[tuple[str, str]], text: str) -> str:
    """A year the question asks about that no cited document names anywhere ("2022年规上制造业研发经费占
    主营业务收入比重目标是多少" answered by the plan's 2015/2020/2025 row; "今年要新建多少个避灾安置点",
    asked in 2026, by the plan's targets for 2017): the answer says the gazette says nothing of that
    year, unless it says so already, rather than read a dated figure out as this year's."""
    cited = [ctx.doc_text(k) for k in _cited_docs(ctx, quotes)]
    # not a year of the asker's own ("我2016年买的电瓶车不在目录里,挂临时牌能用几年": the rule covers it)
    asked = asked_clauses(plan.match) or plan.match
    years = _YEAR.findall(asked)
    # a year named against today ("今年") is asked of a text about some year ("(一)2017年。…85个", a
    # table of 2017's tasks); an undated rule ("申请登记应当提交下列材料") holds whatever the year
    if any(_YEAR.search(f"{ctx.chunks[cid].header} {quote}") for cid, quote in quotes if cid in ctx.chunks):
        years += relative_years(asked, plan.today)
    unnamed = [y for y in dict.fromkeys(years) if cited and not any(f"{y}年" in t for t in cited) and f"{y}年的安排" not in text]
    return "".join(f"公报未载明{y}年的安排。" for y in unnamed)


def _sentences_after(ctx, r: DateRecord) -> list[str]:
    """The sentences of a dated statement's chunk after it (none when it is no whole sentence there)."""
    sents = sentences_of(ctx.chunks[r.chunk_id].text)
    return sents[sents.index(r.text) + 1:] if r.text in sents else []


def _following(ctx, r: DateRecord) -> str:
    """The sentence after a period that qualifies it ("遇有特殊情况…可以宣布汛期提前或者延长")."""
    after = _sentences_after(ctx, r)
    if not after:
        return ""
    nxt = after[0]
    head = re.split(r"为|是", r.text.split(r.phrase)[0])[0]
    words = {head[k:k + 2] for k in range(len(head) - 1)}
    return f"“{nxt.rstrip('。;;')}”。" if any(w in nxt for w in words if len(w) == 2) else ""


def _otherwise(ctx, r: DateRecord) -> str:
    """The clauses a semicolon joins to a cut-off's, to the end of its sentence ("临时通行号牌…适用于2017年
    5月1日之前已购买的…车辆;正式号牌和行驶证适用于已列入…目录的车辆。"): what the article provides beside it."""
    if not r.text.rstrip().endswith((";", ";")):
        return ""
    rest = []
    for nxt in _sentences_after(ctx, r):
        rest.append(nxt.rstrip("。;;"))
        if not nxt.rstrip().endswith((";", ";")):
            break
    return "".join(f"该条另规定:“{x}”。" for x in rest if x)


def _quote(recs: list[DateRecord], q: str = "") -> str:
    r = recs[0]
    if is_row_id(r.chunk_id) and r.names:  # a table cell
        return f"{_row_named(r, q)}:{r.names}为{r.text}"
    said = f"“{r.text.rstrip('。;;')}”"
    # "完成时限:2017年6月底": name its item; "(一)2017年:“新建…85个”": name the heading that dates it
    if r.subject and r.subject not in r.text and (len(r.text) < 24 or r.phrase not in r.text):
        said = f"{r.subject}:{said}"
    return said


_NAME_CELL = 40  # a cell that names (a place, a company), not one that describes (隐患主要内容)


def _row_named(r: DateRecord, q: str) -> str:
    """A row by its name, and by the cell the question names it by when that is another ("齐溪水库那段路"
    names the row of 开化县交通运输局 by its 隐患位置): the answer says which row its date is of."""
    asked = bigrams(content(q))
    shared = [(len(bigrams(c) & asked), c) for c in r.cells if c not in r.subject and len(c) <= _NAME_CELL]
    best = max(shared, key=lambda x: x[0], default=(0, ""))
    return f"{r.subject}({best[1]})" if best[0] >= 2 else r.subject


def _against(ctx, day: dt.date, dated: list[DateRecord], doc_dates, today: dt.date) -> str:
    r = dated[0]
    issued = doc_dates.issued if doc_dates else None
    if r.recurring:
        try:
            start, end = r.start.replace(year=day.year), r.end.replace(year=day.year)
        except ValueError:
            start, end = r.start, r.end
        inside = start <= day <= end
        word = "在此期间内" if inside else "不在此期间内"
        if r.kind != "period":
            word = "在此期限之前" if day <= end else "已晚于此期限"
        text = f"按此规定,{full_date(day)}{word}。"
        if issued and day.year != issued.year and (doc_dates.expires is None or day > doc_dates.expires):
            doc = ctx.docs[r.doc_key]
            name = plain_title(doc.subtitle or doc.title)
            period = f"(文件所定期限至{doc_dates.expires.year}年)" if doc_dates.expires else ""
            text += (f"但该规定出自《{name}》{period},发布于{issued.year}年{issued.month}月,{age(issued, today)},"
                     f"本公报未载明其后是否修订或废止,也未载明{day.year}年的安排。")
        return text
    first, last = min(x.start for x in dated), max(x.end for x in dated)
    if r.kind == "period":
        if first <= day <= last:
            return f"{full_date(day)}在此期间内。"
        return f"{full_date(day)}不在此期间内;公报未载明{day.year}年的安排。" if day > last else \
            f"{full_date(day)}不在此期间内。"
    if r.kind in ("deadline", "target"):
        if day <= last:
            rel = "正是该期限" if day == last else "在该期限之前"
            text = f"{full_date(day)}{rel}。"
        else:
            text = f"{full_date(day)}已晚于该期限(期限已过)。"
        if r.kind == "target" or not r.point:
            text += f"截至今天{full_date(today)},该期限{'已过' if today > last else '尚未到期'}。"
        return text
    if r.kind == "start":
        return f"{full_date(day)}{'已在开始之后' if day >= first else '尚未开始'}。"
    if r.kind == "effective":
        if day == first:
            return f"{full_date(day)}正是施行之日。"
        # a day before the rule applies is not a day it covers
        return f"{full_date(day)}{'已在施行之后' if day > first else '尚未施行,不在其施行范围内'}。"
    if day < first:
        return f"{full_date(day)}在该日期之前。"
    if day > last:
        at = r.text.find(r.phrase)
        if at >= 0 and CUT_OFF.match(r.text, at + len(r.phrase)):
            # "2017年5月1日之前已购买的…车辆": a cut-off for what the clause applies to; what the
            # sentence goes on to say after its semicolon is what applies otherwise
            return f"{full_date(day)}在该日期之后,不在该条规定的适用范围内。" + _otherwise(ctx, r)
        return f"{full_date(day)}在该日期之后。"
    return f"{full_date(day)}正是该日。"


def _cite(ctx, r: DateRecord):
    c = make_citation(ctx.chunks[r.chunk_id], r.text)
    return replace(c, line_start=r.line_start, line_end=r.line_end)


def _cites(ctx, r: DateRecord) -> tuple:
    """The statement's citation, after its heading's where the heading dates it (_under_dated_head): the
    answer quotes both, and a candidate quoting the heading alone is the same evidence, not a rival."""
    chunk = ctx.chunks[r.chunk_id]
    if r.text not in ctx.dates_by_chunk.get(r.chunk_id, {}) and chunk.text.startswith(r.subject):
        return make_citation(chunk, r.subject), _cite(ctx, r)
    return (_cite(ctx, r),)


_NOTE_KINDS = ("deadline", "target", "period", "start", "effective")

_SELF_TIMED = (NAME, "validity", "doc_dates", "free_days")


def _quoted_statements(ctx, chunk_id: str, quote: str) -> list[list[DateRecord]]:
    """The records of each dated statement of the chunk that the quote contains."""
    flat = re.sub(r"\s", "", quote)
    dated = ctx.dates_by_chunk.get(chunk_id, {})
    found = [recs for text, recs in dated.items() if re.sub(r"\s", "", text) in flat]
    if not found and chunk_id in ctx.chunks:
        # a sentence under a dated run-in heading ("(一)2017年。…47个…隐患点综合治理工作全面完成;",
        # "(一)前期部署阶段(2017年3月31日前)。…") is due when its heading says
        head = _dated_head(ctx, chunk_id, dated)
        if head:
            found = [dated[head]]
    return found


_NUMBERED_HEAD = re.compile(f"^{BRACKET_NUMBER}")


def time_note(ctx, plan: QueryPlan, quotes: list[tuple[str, str]], skills: set[str]) -> str:
    """What an answer quoting a dated deadline must add when the question is about time: the date
    with its year and weekday, and where today (or the day asked) stands against it. `quotes` are
    (chunk id, quoted text) of the answer's citations. Empty when the answer already says it (it
    came from a time skill) or when nothing quoted is dated; a question not about time gets only the
    note that a year it names lies beyond every quoted date."""
    if skills & set(_SELF_TIMED):
        return ""
    asked = question_date(plan.match, plan.today)
    timed = DUE_Q.search(plan.match) or _IN_FORCE_Q.search(plan.match) or plan.intent in ("valid", "date", "when")
    if not (timed or asked is not None):
        dated = [r for cid, quote in quotes for recs in _quoted_statements(ctx, cid, quote)
                 for r in recs if r.end is not None and not r.recurring]
        # "到2020年发明专利授权量目标是多少" asks about a target by its year: the target is dated like a
        # deadline (where today stands against it), though no word asks "when"
        years = set(plan.slots.get("years") or ())
        if not any(r.kind in ("target", "deadline") and str(r.end.year) in years for r in dated):
            # "扶贫健康保险到2027年要建成什么样?" answered by "到2020年,…": say 2027 is not covered
            cited = (ctx.doc_text(k) for k in _cited_docs(ctx, quotes))
            return _unstated_year(plan.match, [r.end for r in dated], cited)
    issued = _issued_on(ctx, asked, quotes) if asked is not None else ""
    notes = []
    # one note per asked part, from the quote the part is about ("分类推进阶段要在哪天之前" quoted after
    # 前期部署阶段 dates the stage it names, not both); a question about each stage dates them all, in order
    each = bool(LIST_Q.search(plan.match))
    # a part that names nothing of its own ("…几月底前搞完?现在过了没?") asks about the same date: judged
    # by what was typed for it (`focus`), not by the topic the part carries over from the first
    own = [p for p in plan.parts[1:] if not is_elliptical(p.typed)]
    cap = len(quotes) if each else max(1, len(own))
    if not each:
        quotes = sorted(quotes, key=lambda cq: -ctx.cov(plan.match, cq[1]))
    for chunk_id, quote in quotes:
        for recs in _quoted_statements(ctx, chunk_id, quote):
            # a stated term ("有效期为5年") against the year the asker says they registered
            terms = [t for r in recs if r.kind == "term" and (t := term_against(r, plan.today, plan.match, *_day_named(asked)))]
            if terms:
                notes.append(terms[0])
            recs = [r for r in recs if r.kind in _NOTE_KINDS and r.end is not None]
            if recs:
                said = statement(ctx, plan.today, recs, asked, plan.match)
                label = "施行日期" if recs[0].kind == "effective" else "期限"
                notes.append(f"其中所定{label}即{said[len(_quote(recs, plan.match)):].lstrip(',,即')}")
        if len(notes) >= cap:
            break
    return issued + "".join(dict.fromkeys(notes))
