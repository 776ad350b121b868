"""The features every candidate is scored by, whatever skill proposed it. Pure: (context, plan, part,
candidate, retrieval view) → a dict of floats with a fixed set of names (FEATURES)."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from qa.chunk import is_row_id
from qa.pipeline import answer_types
from qa.pipeline.skills.deadline import time_note
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.places import place_stem
from qa.question import (
    attribute_supported, form_bonus, kind_items, measure_supported, place_supported, unit_supported,
)
from qa.text import fold

SKILL_NAMES = ("free_days", "doc_dates", "table_cell", "table_extreme", "table_filter", "year_units", "list_member", "enumeration", "extractive",
               "validity", "deadline")
INTENTS = ("count", "list", "valid", "date", "when", "who", "where", "amount", "yesno", "fact")
# which candidate kinds answer which intents (question type ↔ candidate type); whether a document is
# still in force is answered by its status (the validity skill), not by any date it states, and
# whether an activity still holds ("2019年12月还是整月免费吗") by its period (the free-day skill)
_KIND_FITS = {"count": {"list", "table", "fact", "free_days"}, "list": {"list", "free_days"}, "valid": {"validity", "free_days"}, "date": {"date"}, "when": {"date", "fact", "table"},
              "who": {"fact", "table", "list"}, "where": {"fact", "table"}, "amount": {"fact", "table"},
              "yesno": {"date", "fact"}, "fact": {"fact", "table", "list", "date"}}


@dataclass(frozen=True)
class RetrievalView:
    """What retrieval said, in the form features need: rank of each chunk and document."""

    chunk_rank: dict[str, int]
    doc_rank: dict[str, int]
    sims: dict[str, float]  # piece id → cosine to the question (for cited pieces)
    best_sim: float  # the best piece similarity anywhere in the corpus
    unknown_share: float  # share of the question's informative weight the corpus never contains


_SPACE = re.compile(r"\s")
_DATED_BY_DOCUMENT = ("validity", "doc_dates")
_UNBRACKETED = re.compile(r"[\s()()]")

SKILL_FEATURES = ("column_found", "seed_lexical", "seed_sim", "seed_rank", "sentences", "table_row", "unlisted", "filtered",
                  "sub_rows")
FEATURES = (
    ("prior", "coverage", "coverage_quote", "coverage_first", "chunk_cov", "doc_rank", "chunk_rank", "quote_sim", "sim_gap", "sim_known", "unknown_share",
     "unit_ok", "attribute_ok", "measure_ok", "place_ok", "form", "kind_fits", "n_citations", "answer_len",
     "multi_doc", "asked_date", "asked_year", "asked_noun", "date_unmet", "year_unmet", "place_in_doc", "kind_items")
    + tuple(f"skill_{s}" for s in SKILL_NAMES)
    + tuple(f"intent_{i}" for i in INTENTS)
    + SKILL_FEATURES
    + tuple(f"atype_{t}" for t in answer_types.NAMES) + ("atype_missing",)
)
# features compared within one part's candidates: a ranking is about which candidate is better
RELATIVE = ("coverage", "coverage_quote", "coverage_first", "quote_sim", "seed_lexical", "prior", "form", "missing_max", "doc_rank",
            "chunk_cov")
# the rarest word missing (missing_max) is no selector feature of its own, only against the part's other
# candidates (missing_max_rel/_top): its level is the question's (a question in everyday words misses a
# rare word in every candidate), so it would only shift whole questions; the decision still reads it
FEATURES = FEATURES + tuple(f"{k}_rel" for k in RELATIVE) + tuple(f"{k}_top" for k in RELATIVE)


def add_relative(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """Each candidate's distance to the part's best on the RELATIVE features (0 for the best), and
    whether it is that best."""
    out = []
    tops = {k: max((r[k] for r in rows), default=0.0) for k in RELATIVE}
    for r in rows:
        r = dict(r)
        for k in RELATIVE:
            r[f"{k}_rel"] = r[k] - tops[k]
            r[f"{k}_top"] = 1.0 if r[k] >= tops[k] else 0.0
        out.append(r)
    return out


_CITATIONS_SAID = 3  # more citations say no more about an answer


def featurize(ctx, plan: QueryPlan, part: Part, cand: Candidate, view: RetrievalView) -> dict[str, float]:
    q = part.text
    quotes = " ".join(c.quote for c in cand.citations)
    context = " ".join(f"{c.title} {c.section}" for c in cand.citations)
    # a document is named by its date of issue as by its title ("4月25日那个免职通知"): the date
    # stands in its head, not in the sentence quoted, and is met by citing the document
    timeline = ctx.corpus.timeline.docs
    issued = [timeline[k].issued for k in dict.fromkeys(c.doc_key for c in cand.citations) if k in timeline]
    dated = "".join(f" {d.year}年{d.month}月{d.day}日" for d in issued if d is not None)
    said = cand.text
    f: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    f["prior"] = float(cand.prior)
    evidence = f"{said} {quotes} {context}{dated}"
    f["coverage"] = ctx.cov(q, evidence)
    f["coverage_quote"] = ctx.cov(q, quotes)
    # the first quote alone: a glued answer whose opening sentence is off the question reads wrong
    f["coverage_first"] = ctx.cov(q, cand.citations[0].quote) if cand.citations else 0.0
    f["missing_max"] = missing_max(ctx, q, evidence)
    # the passage around the quote: a record whose other sentences name the topic ("乌溪江取水口…")
    # makes its short "牵头部门:市水利局" the answer to who leads it
    first = ctx.chunks.get(cand.citations[0].chunk_id) if cand.citations else None
    f["chunk_cov"] = ctx.cov(q, f"{first.header} {first.text}") if first is not None else 0.0
    doc_ranks = [view.doc_rank.get(c.doc_key) for c in cand.citations]
    doc_ranks = [r for r in doc_ranks if r is not None]
    f["doc_rank"] = 1.0 / (1 + min(doc_ranks)) if doc_ranks else 0.0
    chunk_ranks = [view.chunk_rank.get(c.chunk_id) for c in cand.citations]
    chunk_ranks = [r for r in chunk_ranks if r is not None]
    f["chunk_rank"] = 1.0 / (1 + min(chunk_ranks)) if chunk_ranks else 0.0
    # a cell computed from a table row is judged by its caption and columns, not by the row's
    # printed line ("江山市 18 18"), whose vector says little; an answer from a document's dates
    # (its validity, when it was issued or took effect) quotes date lines ("本办法自…起施行"), which
    # say nothing of what it answers ("现在还有效吗", "哪天起施行"): the similarity of both is unknown too
    by_document = cand.skill in _DATED_BY_DOCUMENT or cand.features.get("dated_by_document", 0.0) > 0
    sims = ([] if cand.kind == "table" or by_document
            else [view.sims.get(pid) for pid in _piece_ids(ctx, cand)])
    sims = [s for s in sims if s is not None]
    # a computed answer quoting a document's head has no sentence vector: say so (sim_known), and
    # give its similarity the neutral value (the best, no gap) rather than an extreme one that
    # the selector would have to cancel with an opposite weight
    f["sim_known"] = 1.0 if sims else 0.0
    f["quote_sim"] = max(sims) if sims else view.best_sim
    f["sim_gap"] = (view.best_sim - max(sims)) if sims else 0.0
    f["unknown_share"] = view.unknown_share
    table_row = all(is_row_id(c.chunk_id) for c in cand.citations) if cand.citations else False
    f["unit_ok"] = 1.0 if unit_supported(q, said) or table_row else 0.0
    f["attribute_ok"] = 1.0 if attribute_supported(q, said + " " + context) else 0.0
    f["measure_ok"] = 1.0 if measure_supported(q, said) else 0.0
    f["place_ok"] = 1.0 if place_supported(q, said) else 0.0
    f["form"] = max((form_bonus(q, c.quote) for c in cand.citations), default=0.0)
    intent = part.intent or plan.intent
    slots = plan.slots if part.slots is None else part.slots
    fits = _KIND_FITS.get(intent, set())
    f["kind_fits"] = 1.0 if cand.kind in fits or cand.skill in fits else 0.0
    # right answers among train candidates by citations: 13 % with one, 43 % two, 57 % three, 53-62 % four
    # or five, fewer after; counted on, a deadline listing 39 dates of one section scored 0.999 for
    # "…有哪几个阶段?" (a count no train candidate has), above the three stages themselves
    f["n_citations"] = float(min(len(cand.citations), _CITATIONS_SAID))
    f["answer_len"] = min(len(said), 600) / 600
    f["multi_doc"] = 1.0 if len({c.doc_key for c in cand.citations}) > 1 else 0.0
    # a place the question names that the cited document never mentions: "杭州的扶贫健康保险…" is
    # about another city's scheme, though 杭州 stands elsewhere in the corpus
    places = ctx.places_named(part.typed)  # not where the asker says they live ("我是衢江区的,…")
    docs = [ctx.doc_text(k) for k in dict.fromkeys(c.doc_key for c in cand.citations)] if places else []
    f["place_in_doc"] = 1.0 if all(any(place_stem(p) in t for t in docs) for p in places) else 0.0
    # the specifics the question asks about, named in the answer itself
    flat = _SPACE.sub("", said)
    day = slots.get("date")
    if day:
        _, mo, d = (int(x) for x in day.split("-"))
        f["asked_date"] = 1.0 if re.search(rf"(?<!\d){mo}(?:月|\.){d}(?:日|号|(?!\d))", flat) else 0.0
        # a day that names the cited document ("上周五发的…计划") is met by citing it; a day without
        # its year ("4月25号那个免职通知", asked in 2026) by a document issued that day of any year
        asked = dt.date.fromisoformat(day)
        named = (asked in issued or slots.get("date_how") == "yearless"
                 and (asked.month, asked.day) in {(d.month, d.day) for d in issued if d is not None})
        f["date_unmet"] = 0.0 if f["asked_date"] or named else 1.0
    years = slots.get("years") or []
    if years:
        # "2017年度…先进集体" asks for the list of that year: an answer printed in 2017 about the
        # 2016年度 list does not name it, however often "2017" stands in its dates
        scope = _SPACE.sub("", f"{said} {context}")
        # today's date, which a computed answer states ("截至今天2017年5月2日"), names no year asked
        # about ("今年的…最晚什么时候办完"): every dated answer would hold it
        t = plan.today
        own = flat.replace(f"{t.year}年{t.month}月{t.day}日", "")
        f["asked_year"] = 1.0 if all((f"{y}年度" in scope) if f"{y}年度" in q else (y in own) for y in years) else 0.0
        # asked and absent, apart from not asked at all (both 0 above): "2017年度…名单" answered by the
        # 2016年度 list. A year is met by the answer, by a cited title or heading naming it as its own
        # (names_year: not the end of the span a plan covers), or by saying the gazette does not cover
        # it, in the answer or in the note it will carry ("到2027年…" quoting 到2020年: 公报未载明2027年的
        # 安排); a year's list (年度) only by that year's
        stated = {y for y in years if y in own or names_year(context, y)}
        note = ""
        if any(f"{y}年度" not in q and y not in stated for y in years):
            note = time_note(ctx, plan, [(c.chunk_id, c.quote) for c in cand.citations], {cand.skill})
        f["year_unmet"] = 0.0 if all(((f"{y}年度" in scope) if f"{y}年度" in q else (y in stated))
                                     or re.search(rf"未载明[^。]*{y}年", flat if f"{y}年度" in q else flat + note)
                                     for y in years) else 1.0
    noun = slots.get("noun")
    if noun:
        f["asked_noun"] = 1.0 if noun in flat else 0.0
    # "重点排查哪几类?": an answer naming two or more items of the asked kind (商品类、文化类)
    f["kind_items"] = 1.0 if kind_items(q, said) else 0.0
    f.update(answer_types.features(q, said))
    f[f"skill_{cand.skill}"] = 1.0
    f[f"intent_{intent}"] = 1.0
    for k in SKILL_FEATURES:
        if k in cand.features:
            f[k] = float(cand.features[k])
    return f


# a year a title or heading names as its own ("2016年度…的通报", "2017年…工作要点"), not one end of the
# span it covers ("…三年行动方案(2017—2019年)", "到2020年": from now to then) nor a name's digits
# ("中国制造2025…行动计划"): a plan for 2017—2019 says nothing of 2019 in particular (of train
# candidates whose asked year stood only in a title, 34 of 610 were right, as few as of those naming it
# nowhere, 363 of 5355; in their own text, 1850 of 4617)
_SPAN = "—–\\-~～至到"


def names_year(context: str, year: str) -> bool:
    """Whether a title or heading names `year` as its own year, not as an end of a span."""
    return re.search(rf"(?<![\d{_SPAN}]){year}年(?!\s*[{_SPAN}])", context) is not None


def _piece_ids(ctx, cand: Candidate) -> list[str]:
    """The piece ids whose text a candidate quotes (first piece of each quote, or the piece a
    shorter quote stands in)."""
    out = []
    for c in cand.citations:
        chunk = ctx.chunks.get(c.chunk_id)
        if chunk is None:
            continue
        from qa.pipeline.context import pieces

        found = next((n for n, s in enumerate(pieces(chunk)) if s in c.quote), None)
        if found is None:
            # a quote shorter than a sentence (one name of a list: "胡俊(常山县安监局)") is read
            # by the sentence it stands in
            found = next((n for n, s in enumerate(pieces(chunk)) if c.quote in s), None)
        if found is not None:
            out.append(f"{chunk.id}~{found}")
    return out


def missing_max(ctx, q: str, text: str) -> float:
    """The rarest question word the candidate lacks, as a share of the rarest weight: an answer that
    misses 保费 in "保费多少" is about something else."""
    t = _UNBRACKETED.sub("", fold(text))
    missing = [v for b, v in ctx.question_weights(q) if b not in t]
    return max(missing, default=0.0) / ctx.idf_top


# the decision judges the evidence, not which skill spoke or what was asked: skill and intent
# indicators there acted as per-skill confidence offsets (and, beside `prior`, a computed skill's
# constant, pulled against each other); the selector keeps them to rank candidates. Where retrieval
# put the answer's document and passage (doc_rank, chunk_rank) is evidence too: an answer from the
# tenth passage of the third document is less often right than one from the top hit (on the dev
# splits 378 → 386, on train questions by unseen document 1309.0 → 1313.9)
DECISION_FEATURES = ("s_best", "s_margin", "s_margin_doc", "top_same_doc", "n_candidates", "coverage", "coverage_quote", "missing_max", "quote_sim",
                     "sim_gap", "sim_known", "unknown_share", "unit_ok", "attribute_ok", "measure_ok", "place_ok", "form",
                     "kind_fits", "prior", "unlisted", "asked_date", "asked_year", "asked_noun", "date_unmet", "year_unmet",
                     "atype_missing",
                     "place_in_doc", "doc_rank", "chunk_rank", "agree_share", "rival_same_chunk")


def _shares_quote(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates quote the same words of the same document (one quote inside the other):
    a list's items are a chunk of their own beside the paragraph that prints them, so "王挺(市消防支队)"
    from the list and the whole line from the paragraph are one piece of evidence, not two."""
    return any(x.doc_key == y.doc_key and ((qx := _joined(x.quote)) in (qy := _joined(y.quote)) or qy in qx)
               for x in a.citations for y in b.citations)


_JOINS = re.compile(r"[\s、,,;;]")


def _joined(quote: str) -> str:
    """A quote without what joins its items: a list chunk prints "A、B" where its paragraph has "A\nB"."""
    return _JOINS.sub("", quote)


# a figure with what it measures ("40家", "25亿元", "70%"): not a year, a date or a [n] marker
_FIGURE = re.compile(r"(?<![\d.\[])\d+(?:\.\d+)?\s*(?:%|人年|[家个人名处件项亿万元天户所条座辆台批类种位次])")


def _figures(text: str) -> set[str]:
    return {_SPACE.sub("", f) for f in _FIGURE.findall(text)}


def _agrees(a: Candidate, b: Candidate) -> bool:
    """Whether a runner-up backs the best rather than splits the evidence: it quotes the same words,
    or it states a figure the best states, from the same document ("2017年到2020年,全市每年新增国家
    高新技术企业40家" and the row of the plan's own table, "2017年 国家高新技术企业 40家")."""
    if _shares_quote(a, b):
        return True
    same_doc = {x.doc_key for x in a.citations} & {y.doc_key for y in b.citations}
    return bool(same_doc) and bool(_figures(a.text) & _figures(b.text))


def decision_features(scored) -> dict[str, float]:
    """What the decision sees of a part (its candidates, best first): the selected candidate's
    features, its selector score, its margin over the best rival (a candidate quoting none of what
    it quotes) and over the best candidate from another document (a close second elsewhere means
    the evidence is split), and how much the top candidates agree on where the answer stands."""
    best = scored[0]
    f = {k: best.candidate.features.get(k, 0.0) for k in DECISION_FEATURES}
    f["s_best"] = best.p
    # a runner-up that quotes what the best quotes (a longer extract around the same sentence), or
    # states its figure from the same document, agrees with it; only one saying something else splits
    # the evidence
    agree = [_agrees(best.candidate, s.candidate) for s in scored[1:]]
    # the strongest rival is the first (candidates come best first)
    rival = next((s for s, a in zip(scored[1:], agree) if not a), None)
    # how many of the next candidates back it: several cuts of one passage all proposing it
    f["agree_share"] = sum(agree[:4]) / 4
    f["s_margin"] = best.p - (rival.p if rival is not None else 0.0)
    f["n_candidates"] = min(len(scored), 20) / 20
    first = best.candidate.citations[0] if best.candidate.citations else None
    # whether that rival quotes the answer's own passage: another of its sentences ("…分市场建设。
    # (牵头单位:市科技局;" beside "2. 创建衢州科技大市场。…") or a passage elsewhere. The fit weighs a rival
    # in the same passage against answering (-0.10 on the standardised scale): which sentence of one
    # passage answers is then in doubt, over and above the margin
    quoted = rival.candidate.citations[0] if rival is not None and rival.candidate.citations else None
    f["rival_same_chunk"] = 1.0 if first is not None and quoted is not None and quoted.chunk_id == first.chunk_id else 0.0
    top = [s.candidate.citations[0] for s in scored[:5] if s.candidate.citations]
    if first is not None and top:
        f["top_same_doc"] = sum(c.doc_key == first.doc_key for c in top) / len(top)
        other = [s.p for s in scored[1:] if s.candidate.citations and s.candidate.citations[0].doc_key != first.doc_key]
        f["s_margin_doc"] = best.p - (max(other) if other else 0.0)
    return f


def unknown_share(ctx, q: str) -> float:
    """How much of the question (by informative weight) the corpus never contains: words of a topic
    the gazette does not treat."""
    # the question's weights as every coverage reads them (ctx.question_weights, worked out once per
    # question); fsum, exact in any order, so the share is the same in every process
    weights = ctx.question_weights(q)
    if not weights:
        return 0.0
    missing = math.fsum(v for b, v in weights if b not in ctx.idf)
    return missing / math.fsum(v for _, v in weights)


def question_pieces(ctx, cands: list[Candidate]) -> list[str]:
    ids: list[str] = []
    for c in cands:
        ids.extend(_piece_ids(ctx, c))
    return list(dict.fromkeys(ids))


