"""Is a document still in force? Its issue and effective dates, any term or expiry it states, what it
repeals and any later corpus document that repeals it, and its age against today: the gazette can say
what was decided when, never that nothing changed since."""
from __future__ import annotations

import datetime as dt
import re

from qa.chunk import is_row_id
from qa.cite import make_citation
from qa.conversation import asks_only_passed, is_elliptical
from qa.dates import question_date
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import DUE_WORDS, TERM_Q, VALID_Q, asks_validity
from qa.score import informative_bigrams
from qa.text import DOC_NUMBER, normalize_doc_number
from qa.timeline import DateRecord, full_date, meaning

NAME = "validity"


def known_cov(ctx, q: str, text: str) -> float:
    """Coverage counting only the question's words the corpus has (江边露营 says nothing against 汛期);
    with fewer than three such words it counts for less (one shared word is no match)."""
    known = [b for b, _ in ctx.question_weights(q) if b in ctx.idf]
    total = sum(ctx.idf[b] for b in known)
    share = sum(ctx.idf[b] for b in known if b in text) / total if total else 0.0
    return share if len(known) >= 3 else 0.8 * share


def age(issued: dt.date, today: dt.date) -> str:
    """"距今已逾9年" / "距今约3个月" / "距今12天"."""
    days = (today - issued).days
    if days < 0:
        return "尚在今天之后"
    years = (today.year - issued.year) - ((today.month, today.day) < (issued.month, issued.day))
    if years >= 1:
        return f"距今已逾{years}年"
    months = (today.year - issued.year) * 12 + today.month - issued.month - (today.day < issued.day)
    return f"距今约{months}个月" if months >= 1 else f"距今{days}天"


def title_years(doc) -> tuple[int, int] | None:
    """The years a document's title says it covers: "名单(2016年)" → (2016, 2016), "(2017—2019年)" → (2017, 2019)."""
    title = f"{doc.title} {doc.subtitle or ''}"
    m = re.search(r"(20\d\d)\s*年?\s*[—–\-至~]\s*(20\d\d)\s*年", title)
    if m:
        return int(m.group(1)), int(m.group(2))
    years = sorted({int(y) for y in re.findall(r"(20\d\d)\s*年", title)})
    return (years[0], years[-1]) if years else None


def outside_years(doc, q: str) -> list[int]:
    """Years the question names that the document's title does not cover ("2021年…三年行动" of 2017—2019)."""
    span = title_years(doc)
    if span is None:
        return []
    return [y for y in dict.fromkeys(int(x) for x in re.findall(r"(20\d\d)\s*年", q)) if not span[0] <= y <= span[1]]


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    if part is not plan.parts[0] and asks_only_passed(q):
        return []  # "…哪年完成?过期了没有?": the date the rest asks about, not a document's status
    asked = asks_validity(q)
    if not asked and not re.search(r"20\d\d\s*年", q):
        return []
    timeline = ctx.corpus.timeline
    out: list[Candidate] = []
    named = _repealed_named(ctx, q) if asked else None
    if named is not None:
        record, repealed = named
        if record.number not in ctx.docs:
            # about a repealed document the corpus does not hold: the repealing one's own status
            # answers another question ("2014年那版名单还有效吗" does not ask whether the 2016 list is)
            return [repealed]
        out.append(repealed)
    doc, cov = ctx.best_document(q)
    if part is not plan.parts[0]:  # "…哪天印发的?现在还管用吗": the part's document is the question's
        whole, whole_cov = ctx.best_document(plan.match)
        # a part naming no topic of its own ("…方案是啥时候出的?计划搞几年?") is about the question's
        if whole is not None and (whole_cov > cov or is_elliptical(part.text)):
            doc, cov = whole, whole_cov
    if not asked:  # a year the document's title does not cover: what it covers, and that the rest is unsaid
        if doc is None or cov < 0.3 or not outside_years(doc, q):
            return out
    if doc is not None:  # "我叫王芳…那个意见现在还管用吗": words the corpus never uses say nothing against it
        cov = max(cov, 0.9 * known_cov(ctx, TERM_Q.sub(" ", VALID_Q.sub(" ", q)), f"{doc.title} {doc.subtitle or ''}"))
    if doc is None or cov < 0.3:
        if not hits:
            return out
        doc, cov = ctx.docs[hits[0].chunk.doc_key], 0.3
    prior = cov * (0.8 if DUE_WORDS.search(q) else 1.0)
    asked_day = question_date(plan.match, plan.today)
    cand = document_status(ctx, doc.key, plan.today, q, asked_day.day if asked_day else None)
    if cand is not None:
        text, cites = cand
        out.append(Candidate(NAME, "date", text, cites, prior).with_features(
            {"seed_lexical": prior, "sentences": float(len(cites))}))
    return out


def document_status(ctx, doc_key: str, today: dt.date, q: str = "",
                    day: dt.date | None = None) -> tuple[str, tuple] | None:
    """The dated status of one document, in words, with what it rests on; `day`: the day the
    question asks about ("下周一还管用吗"), judged as well as today."""
    timeline = ctx.corpus.timeline
    doc = ctx.docs[doc_key]
    dates = timeline.docs.get(doc_key)
    if dates is None or dates.issued is None:
        return None
    recs = timeline.of(doc_key)
    cites = []
    name = f"《{plain_title(doc.subtitle or doc.title)}》"
    issued = next(r for r in recs if r.kind == "issued")
    text = f"{name}({doc.number})于{full_date(dates.issued)}印发"
    cites.append(_cite(ctx, issued))
    eff = next((r for r in recs if r.kind == "effective"), None)
    if eff is not None:
        text += f",“{_clause(eff)}”,即{full_date(eff.start)}起施行"
        cites.append(_cite(ctx, eff))
    text += "。"
    status = timeline.status(doc_key, today)
    extra = _residual_sentence(ctx, doc_key, q, doc)
    if extra is not None:
        shown = _bare(extra[0]).replace("\n", "")  # a lead-in and its item ("免去:" / the post), as one line
        text += f"文件载明:“{shown}”。"
        cites.append(extra[1])
    for r in recs:
        if r.kind in ("term", "review") and r.text not in text:
            text += f"所载期限:“{_bare(r.text)}”。"
            cites.append(_cite(ctx, r))
            if r.kind == "term":
                # "我2017年7月上的临时牌,现在还有效吗": the term counted from when the asker says
                text += term_against(r, today, q, day)
    title_period = next((r for r in recs if r.kind == "period" and r.subject == "title"), None)
    annex = next((r for r in recs if r.kind == "period" and r.subject == "annex"), None)
    if title_period is None and annex is not None:
        title_period = annex
        caption = re.sub(r"^附件\s*\d*\s*[::]\s*", "", _bare(annex.text))
        text += f"附件“{caption}”所列期限为{annex.phrase},至{full_date(annex.end)}止;"
        cites.append(_cite(ctx, annex))
    elif title_period is not None:
        text += f"文件所定期限为{title_period.phrase},至{full_date(title_period.end)}止;"
    if title_period is not None:
        state = "已过" if today > title_period.end else "尚未到期"
        text += f"截至今天{full_date(today)},该期限{state}。"
        if day is not None and day != today:
            where = ("已在该期限之后" if day > title_period.end else "在该期限之前" if day < title_period.start
                     else "在该期限之内")
            text += f"所问的{full_date(day)}{where}。"
    latest = max((r for r in recs if r.kind in ("deadline", "target", "start") and r.end
                  and not is_row_id(r.chunk_id)), key=lambda r: r.end, default=None)
    if latest is not None and _bare(latest.text) not in text and (
            title_period is None or title_period.subject == "annex" and latest.end >= title_period.end):
        text += f"文件所定时间安排:“{_bare(latest.text)}”{meaning([latest])}。"
        cites.append(_cite(ctx, latest))
    for r in recs:
        if r.kind == "repeal":
            text += f"该文件规定:“{_bare(r.text)}”。"
            cites.append(_cite(ctx, r))
    if status.state == "repealed":
        later = ctx.docs[timeline.docs[doc_key].repealed_by[0]]
        text += (f"本公报所收《{plain_title(later.subtitle or later.title)}》({later.number})已将其废止,"
                 f"应以后者为准。")
        by = next(r for r in timeline.of(later.key, "repeal"))
        cites.append(_cite(ctx, by))
    elif status.state == "not_yet":
        text += f"截至今天{full_date(today)},尚未施行。"
    else:
        if dates.provisional:
            text += "该文件为暂行(试行)文件,公报未载明其暂行期限。"
        text += (f"发布于{dates.issued.year}年{dates.issued.month}月,{age(dates.issued, today)},"
                 "本公报未载明其后是否修订或废止。")
        if day is not None and title_period is None:
            # the day asked is said with its date: what the gazette cannot settle is settled for no day
            text += f"{'今天' if day == today else '所问的'}{full_date(day)}是否仍然有效,本公报未载明。"
    beyond = outside_years(doc, q)
    if beyond:
        text += f"本公报未载明{'、'.join(map(str, beyond))}年的安排。"
    return text, tuple(dict.fromkeys(cites))


def _repealed_named(ctx, q: str) -> tuple[DateRecord, Candidate] | None:
    """A question about what a corpus document repeals ("2014年那版名单还能用吗"): the repeal
    record it names, and the answer from it."""
    best, best_cov = None, 0.0
    timeline = ctx.corpus.timeline
    by_number = [r for m in DOC_NUMBER.finditer(q) for r in timeline.repeals_of(normalize_doc_number(m.group(0)))]
    for r in timeline.records:
        if r.kind == "repeal":
            cov = 1.0 if r in by_number else ctx.cov(q, r.names)
            if cov > best_cov:
                best, best_cov = r, cov
    if best is None or best_cov < 0.5:
        return None
    doc = ctx.docs[best.doc_key]
    if best_cov <= max(ctx.cov(q, doc.title), ctx.cov(q, doc.subtitle or "")):
        return None  # the question names the repealing document itself
    dates = ctx.corpus.timeline.docs[doc.key]
    text = (f"《{plain_title(doc.subtitle or doc.title)}》({doc.number})于{full_date(dates.issued)}印发,其中规定:"
            f"“{_bare(best.text)}”,即{best.names}已废止,应以{doc.number}为准。")
    issued = next(r for r in ctx.corpus.timeline.of(doc.key, "issued"))
    return best, Candidate(NAME, "date", text, (_cite(ctx, best), _cite(ctx, issued)), best_cov)


def _residual_sentence(ctx, doc_key: str, q: str, doc):
    """The sentence of the document that answers what the question asks beyond the document's name
    ("蔡方林现在还是…副局长吗" → "免去蔡方林同志的…职务")."""
    title = f"{doc.title} {doc.subtitle or ''}"
    rest = [b for b in informative_bigrams(q, ctx.idf) if b not in title and not VALID_Q.search(b)]
    if len(rest) < 2:
        return None
    best, best_cov = None, 0.0
    for c in ctx.by_doc.get(doc_key, []):
        if c.kind in ("header", "table"):
            continue
        from qa.pipeline.context import pieces

        ps = pieces(c)
        for n, s in enumerate(ps):
            cov = ctx.cov(" ".join(rest), s)
            if cov > best_cov:
                # an item read with the lead-in it completes: "免去:" says what is done to "蔡方林同志的…职务"
                lead = ps[n - 1] if n and ps[n - 1].endswith((":", ":")) else None
                start = c.text.find(lead) if lead else -1
                end = c.text.find(s, start + 1) if start >= 0 else -1
                quote = c.text[start:end + len(s)] if start >= 0 and end > start else s
                best, best_cov = (quote, make_citation(c, quote)), cov
    return best if best_cov >= 0.4 else None


def _clause(r: DateRecord) -> str:
    """The part of the sentence that states the date: "本办法自2017年5月10日起施行"."""
    return r.text.rstrip("。;;")


def _cite(ctx, r: DateRecord):
    c = make_citation(ctx.chunks[r.chunk_id], r.text)
    from dataclasses import replace

    return replace(c, line_start=r.line_start, line_end=r.line_end)


def _bare(text: str) -> str:
    return text.rstrip("。;;")


def plain_title(title: str) -> str:
    """A title without the space a line break left before its bracket: "…计划 (2017—2019年)" → "…计划(2017—2019年)"."""
    return re.sub(r"\s+(?=[((])", "", title)


def term_against(r: DateRecord, today: dt.date, q: str, day: dt.date | None = None, words: str = "") -> str:
    """A stated duration against the year the asker names ("我2017年办的", "去年办的"), judged on the
    day the question asks about ("明天骑出去会不会被查") when it names one, else on today."""
    m = re.search(r"(\d{4})\s*年(?:(\d{1,2})月)?.{0,6}(?:办|买|领|上|登记|申请)", q)
    rel = re.search(r"(去年|前年|今年).{0,6}(?:办|买|领|上|登记|申请)", q)
    if not (m or rel) or not r.years:
        return ""
    year = int(m.group(1)) if m else today.year + {"去年": -1, "前年": -2, "今年": 0}[rel.group(1)]
    month = int(m.group(2)) if m and m.group(2) else None
    ends = year + int(r.years)
    when = f"{ends}年{month}月" if month else f"{ends}年"
    lead = f"按{year}年{f'{month}月' if month else ''}办理计,有效期至{when}前后,"
    named = f"截至今天{full_date(today)}"
    if day is not None and day != today:
        named = f"{words}({full_date(day)})" if words else full_date(day)
    else:
        day = today
    if (ends, month or 12) < (day.year, day.month):
        return lead + f"{named}已过有效期;本公报未载明到期后的安排。"
    return lead + f"{named}尚未到期。"
