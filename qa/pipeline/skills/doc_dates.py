"""When a document was issued, or from when it applies: read off the parsed document.
"A和B分别哪天施行 / 哪个先发的?" answers for each document named, and compares."""
from __future__ import annotations

import datetime as dt
import re

from qa.cite import make_citation
from qa.timeline import full_date
from qa.model import Document
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import EFFECTIVE_Q, FORMS, ISSUED_Q, asks_validity
from qa.score import sentences
from qa.text import content

NAME = "doc_dates"
EARLIER_Q = re.compile(r"哪个先|哪个早|哪个在前|先后|谁先|先发")
SAME_DAY_Q = re.compile(r"同一天|同一日|同一个日子|是一天|一样|相同")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    effective = bool(EFFECTIVE_Q.search(q))
    issued = bool(ISSUED_Q.search(q))
    if not (effective or issued) or asks_validity(q):
        return []  # asked with its status or term, the issue date is part of the validity answer
    docs = _named_documents(ctx, q)
    prior = 1.0
    if len(docs) < 2:
        doc, cov = ctx.best_document(q)
        docs, prior = ([doc], cov) if doc is not None else ([], 0.0)
    found = [(doc, d) for doc in docs if (d := _doc_date(ctx, doc, effective, issued, q)) is not None]
    if not found:
        return []
    if len(found) == 1:
        (text, cites, _), = [d for _, d in found]
        return [Candidate(NAME, "date", text, cites, prior)]
    text = "".join(d[0] for _, d in found)
    if EARLIER_Q.search(q):
        first, (_, _, when) = min(found, key=lambda f: f[1][2])
        text += f"较早的是《{first.subtitle or first.title}》({full_date(when)})。"
    return [Candidate(NAME, "date", text, tuple(c for _, d in found for c in d[1]), prior)]


def earlier_note(q: str, answers: list[tuple[str, Document | None]]) -> str:
    """"A和B哪个先施行?" answered part by part (each part one document's date): which is earlier, said
    as the whole-question answer says it; "" when not asked, or a part has no document or no date."""
    if len(answers) < 2 or not EARLIER_Q.search(q):
        return ""
    dated = []
    for text, doc in answers:
        m = _DATE.search(text)
        if m is None or doc is None:
            return ""
        dated.append((dt.date(*map(int, m.groups())), doc.subtitle or doc.title))
    if len({title for _, title in dated}) < len(dated):
        return ""  # two parts about one document compare nothing
    when, title = min(dated)
    return f"较早的是《{title}》({full_date(when)})。"


# a question about now ("去年公布的那37处隐患,现在还挂着牌吗"): the answer quotes a text of its own day,
# and says which day that is (the words: qa/lexicon/question_forms.tsv, row now)
NOW_Q = re.compile(FORMS["now"])


def issued_note(q: str, docs: list[tuple[Document, dt.date | None]], text: str) -> str:
    """When each cited document was issued, for a question about now whose answer does not say so
    already: "以上见《…通知》(衢政办发〔2017〕19号),2017年4月15日(星期六)印发。"."""
    if not NOW_Q.search(q):
        return ""
    said = [f"《{doc.title}》({doc.key}),{full_date(on)}印发" for doc, on in docs
            if on is not None and f"{on.year}年{on.month}月{on.day}日" not in text]
    return "以上见" + ";".join(said) + "。" if said else ""


def _doc_date(ctx, doc: Document, effective: bool, issued: bool, q: str = ""):
    """The sentence giving a document's effective date, or its printed issue date, or both when both
    are asked ("印发日期和施行日期分别是哪天", "印发了没,哪天起施行"), the issue date first."""
    if effective and issued:
        on = _printed(ctx, doc)
        applies = _effective(ctx, doc)
        if on is not None and applies is not None:
            text = on[0] + applies[0]
            if SAME_DAY_Q.search(q):
                text += "两者是同一天。" if on[2] == applies[2] else "两者不是同一天。"
            return text, on[1] + applies[1], on[2]
        return applies or on
    if effective:
        # most documents state no date of effect ("指导意见", "通知"): asked from when one applies,
        # the answer says so and gives the day it was issued, never a date of another document
        applies = _effective(ctx, doc)
        if applies is not None:
            return applies
        return _printed(ctx, doc, f"《{doc.title}》未载明施行日期;该文件")
    return _printed(ctx, doc)


def _effective(ctx, doc: Document):
    """The sentence of the document that says from when it applies, dated."""
    for c in ctx.by_doc[doc.key]:
        if c.kind not in ("article", "section"):
            continue
        for sent in sentences(c.text):
            m = _DATE.search(sent)
            if m and re.search(r"(起|之日起)(施行|执行|实施)", sent):
                when = dt.date(*map(int, m.groups()))
                text = f"《{doc.subtitle or doc.title}》{sent}(即{full_date(when)})"
                return text, (make_citation(c, sent),), when
    return None


def _printed(ctx, doc: Document, named: str = ""):
    """The issue date printed in the document's header; `named`: how the answer names the document
    (its title in 《》 unless given)."""
    header = next(c for c in ctx.by_doc[doc.key] if c.kind == "header")
    printed = next((ln for ln in header.text.split("\n") if re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", ln)), None)
    if printed is None:
        return None
    when = dt.date(*map(int, re.findall(r"\d+", printed)))
    text = f"{named or f'《{doc.title}》'}({doc.number})由{doc.issuer}于{full_date(when)}印发。"
    return text, (make_citation(header, printed),), when


def _named_documents(ctx, q: str) -> list[Document]:
    """The documents a question names one after another, each matched on its own words; fewer than two → []."""
    names = re.split(r"[和与跟及、,,]", re.split(r"分别|哪个|哪一个|各自", q)[0])
    docs: list[Document] = []
    for name in names:
        doc, cov = ctx.best_document(name) if len(content(name)) >= 4 else (None, 0.0)
        if doc is not None and cov >= 0.5 and doc not in docs:
            docs.append(doc)
    return docs if len(docs) >= 2 else []
