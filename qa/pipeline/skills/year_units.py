"""What a plan sets for a year, where its outline has a section per year ("(一)2017年。全面启动…",
"(二)2018年。…"): the section of the year asked ("2019年主要做什么", "明年要做到啥程度"), or every
year's in turn ("三年各干些啥", "每年主要干啥"). A plan whose stages are its target years ("到2020年,
我市制造业发展取得重要进展:" … "到2025年,基本形成…") is asked its time nodes ("分哪几个时间节点"):
the first target statement of each year, in the order of the years."""
from __future__ import annotations

import re

from qa.cite import make_citation
from qa.pipeline.types import Candidate, Part, QueryPlan

NAME = "year_units"
MIN_COV = 0.2  # the question must be about the plan, not only name one of its years
# a heading that is a year and nothing else, numbered or not: "(一)2017年", "2018年度"
_YEAR_HEADING = re.compile(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|\d+[\.、]|[一二三四五六七八九十]+、)?\s*"
                           r"(20\d\d)\s*年度?[。.]?\s*$")
_YEAR = re.compile(r"20\d\d\s*年?")  # the year asked meets its section by the heading, not by its words
# asks for every year in turn
EVERY_YEAR = re.compile(r"每年|各年|逐年|每一年|[三两几]年(?:里|内|中|间)?(?:分别|各)|分几年|哪几年.{0,4}(?:干|做|搞)")
# asks for a plan's stages in time (衢政发〔2017〕13号 "到2020年…", "到2025年…"; asked so by two train
# questions, "分哪几个时间节点", "目标分几个时间节点", and by the stage questions of the dev sets), or for
# the years its targets are set for ("定了哪几个年份的目标", "设了哪两个目标年份", "前一个阶段和后一个阶段
# 的目标分别定在哪一年": three train questions)
MILESTONES = re.compile(r"时间节点|几个阶段|(?:哪|几)[一两三四几]?个?年份|目标年份|目标[^,?]{0,4}(?:哪|几)[一两三几]?年")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    asked = [int(y) for y in plan.slots.get("years") or []]
    every = bool(EVERY_YEAR.search(q))
    nodes = bool(MILESTONES.search(q))
    if not asked and not every and not nodes:
        return []
    out = _milestone_candidates(ctx, q, None if nodes else asked)
    for doc, parent, units in year_sections(ctx):
        chosen = units if every or not asked else [u for u in units if u[0] in asked]
        if not chosen and beyond(asked, [u[0] for u in units]):
            # "2020年还有啥任务" of a plan whose last section is 2019: what it sets last is what it
            # says of the years after (the answer's note adds that the year asked is not covered)
            chosen = units[-1:]
        if not chosen:
            continue
        # about the plan by its name, or by what its sections of the years asked say ("2018年要完成
        # 多少处…隐患点治理" names no plan: the 2018 section is what it asks about)
        cov = max(ctx.cov(q, f"{doc.title} {doc.subtitle or ''} {parent}"),
                  ctx.cov(_YEAR.sub(" ", q), " ".join(quote for _, _, quote in chosen)) if asked and not every else 0.0)
        if cov < MIN_COV:
            continue
        texts, cites = [], []
        for _, chunk, quote in chosen:
            cites.append(make_citation(chunk, quote))
            texts.append(f"{quote}[{len(cites)}]")
        out.append(Candidate(NAME, "fact", "".join(texts), tuple(cites), cov,
                             {"sentences": float(len(cites))}))
    return out


def year_sections(ctx) -> tuple:
    """(document, parent heading, ((year, chunk, quote), …)) for every outline level whose sections
    are headed by years, once per corpus."""
    return ctx.lookup("year_units.sections", _year_sections)


def _year_sections(ctx) -> tuple:
    out, seen = [], set()
    for doc in ctx.corpus.documents:
        for u in doc.walk():
            found = []
            for kid in u.children:
                m = _YEAR_HEADING.match(kid.heading)
                chunk = ctx.by_path.get((doc.key, kid.path)) if m else None
                if chunk is not None and chunk.text.strip():
                    found.append((int(m.group(1)), chunk, chunk.text.strip()))
            ids = tuple(c.id for _, c, _ in found)
            if len(found) >= 2 and ids not in seen:  # one level, however often the outline walks to it
                seen.add(ids)
                out.append((doc, u.heading, tuple(found)))
    return tuple(out)


def beyond(asked: list[int], years: list[int]) -> bool:
    """Whether every year asked lies after every year a plan sets something for: "2030年的目标" of a
    plan whose targets run 到2020年 and 到2025年 is answered by the plan's own horizon."""
    return bool(asked) and bool(years) and min(asked) > max(years)


def _milestone_candidates(ctx, q: str, asked: list[int] | None) -> list[Candidate]:
    """The target years of the plans the question names: asked for (`asked` None), or as what a plan
    says of years beyond its last target."""
    out = []
    for doc, firsts in milestones(ctx):
        if asked is not None and not beyond(asked, [r.start.year for r in firsts]):
            continue
        # a year beyond the plan names it by no word of the plan: the plan is named by the rest
        cov = ctx.cov(q if asked is None else _YEAR.sub(" ", q), f"{doc.title} {doc.subtitle or ''}")
        if cov < MIN_COV:
            continue
        texts, cites = [], []
        for record in firsts:
            cites.append(make_citation(ctx.chunks[record.chunk_id], record.text))
            texts.append(f"{record.text}[{len(cites)}]")
        out.append(Candidate(NAME, "list", "".join(texts), tuple(cites), cov, {"sentences": float(len(cites))}))
    return out


def milestones(ctx) -> tuple:
    """(document, first target record of each year, by year) for every document with targets in two
    or more years, once per corpus: a plan's first statement of a year is its overall goal for that
    year (the indicators and tasks of that year follow it)."""
    return ctx.lookup("year_units.milestones", _milestones)


def _milestones(ctx) -> tuple:
    first: dict[str, dict[int, object]] = {}
    for r in ctx.corpus.timeline.records:
        if r.kind == "target" and r.start is not None and r.chunk_id in ctx.chunks and r.text in ctx.chunks[r.chunk_id].text:
            first.setdefault(r.doc_key, {}).setdefault(r.start.year, r)
    return tuple((ctx.docs[k], tuple(by_year[y] for y in sorted(by_year)))
                 for k, by_year in first.items() if len(by_year) >= 2 and k in ctx.docs)
