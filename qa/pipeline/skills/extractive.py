"""Sentences quoted from the retrieved chunks (and from the sentences nearest the question by the
encoder): each promising sentence seeds one candidate, completed by what it needs (the items after a
"下列材料:" lead-in, the sentence after a heading) and by sentences covering parts it leaves open."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from qa.cite import make_citation
from qa.model import Citation, Hit
from qa.pipeline import answer_types
from qa.pipeline.context import pieces
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import COUNT_Q, ITEM_START, LIST_Q, form_bonus, shape_bonus
from qa.score import informative_bigrams, sentences
from qa.text import ARTICLE, CHAPTER, bigrams, cn_to_int, content, heading_number
from qa.timeline import BRACKET_NUMBER

NAME = "extractive"
SEEDS = 6  # candidates seeded by lexical score
DENSE_SEEDS = 6  # and by the encoder's similarity, when it saw the question
_SPACE = re.compile(r"\s")
_UNBRACKETED = re.compile(r"[\s()()]")
# a record's field: "完成时限:…", "牵头部门:…", or one a paragraph ends with in brackets ("(牵头单位:市发改委;…)")
_FIELD = re.compile(r"^[((]?[\u4e00-\u9fff]{2,6}[::]")
_LABEL = re.compile(r"[\u4e00-\u9fff]{2,6}(?=[::])")  # a field's label: "分管副秘书长:徐惠文牵头部门:…" has two
# a run-in heading that says when what follows it is done: "(一)2017年。", "(二)全面督查阶段。",
# "(一)前期部署阶段(2017年3月31日前)。"
_WHEN_HEAD = re.compile(rf"^{BRACKET_NUMBER}[^。]{{0,24}}?(?:\d{{4}}年|阶段)[^。]{{0,16}}。$")
# a sentence that opens with the year it is about ("到2020年,全市创新驱动…目标。"): what follows it says
# what is to be done by then
_YEAR_FRAME = re.compile(r"^(?:到|至)?\d{4}年(?:底|末)?[,,]")
_YEAR = re.compile(r"\d{4}年")
_ASKS_WHEN = frozenset({"date", "deadline"})
_ARTICLE_SENTENCES = 12  # an article longer than this is quoted from its start


def with_neighbours(ctx, hits: list[Hit], top: int = 3, limit: int = 12) -> list[Hit]:
    """The retrieved chunks, then the children and siblings of the best ones: "第二阶段" retrieves
    the 实施步骤 section whose child "(二)分类推进阶段" holds the answer."""
    seen = {h.chunk.id for h in hits}
    extra: list[Hit] = []
    for h in hits[:top]:
        path = h.chunk.path
        if not path:
            continue
        for c in ctx.by_doc.get(h.chunk.doc_key, []):
            if c.id in seen or c.kind not in ("section", "article"):
                continue
            if c.path[: len(path)] == path or (len(c.path) == len(path) and c.path[:-1] == path[:-1]):
                seen.add(c.id)
                extra.append(Hit(c, 0.0))
    return list(hits) + extra[:limit]


def propose(ctx, plan: QueryPlan, part: Part, hits, dense: list[tuple[str, float]] = ()) -> list[Candidate]:
    q = part.text
    qb = informative_bigrams(q, ctx.idf)
    if not qb:
        return []
    top = ctx.idf_top
    focus = bigrams(content(part.focus)) if part.focus else None
    # carried-over topic words locate the passage; the words just asked choose the sentence
    weight = {b: ctx.idf.get(b, top) * (1.0 if focus is None or b in focus else 0.4) for b in qb}
    total = math.fsum(weight.values())  # fsum over sets: order-free, see qa.score.coverage
    sims = dict(dense)
    # a sentence printed in several records has one vector: its similarity holds for every copy,
    # so that the copy in the record the question names can seed (not only the copy the index returned)
    text_sims = {ctx.piece_text[pid]: s for pid, s in reversed(dense) if pid in ctx.piece_text}
    pool = with_neighbours(ctx, hits)
    have = {h.chunk.id for h in pool}
    for pid, _ in dense:  # the encoder's nearest sentences, wherever they stand
        cid = pid.rsplit("~", 1)[0]
        if cid not in have and cid in ctx.chunks:
            pool.append(Hit(ctx.chunks[cid], 0.0))
            have.add(cid)
    cands = []
    for rank, h in enumerate(pool):
        if h.chunk.kind in ("header", "table"):
            continue
        head = _SPACE.sub("", h.chunk.header)
        ctxb = {b for b in qb if b in head}
        heading_lex = math.fsum([weight[b] for b in ctxb]) / total
        for n, (s, flat) in enumerate(zip(pieces(h.chunk), _matched(h.chunk))):
            own = {b for b in qb if b in flat}
            if own <= ctxb:  # the sentence adds no word to its heading's (the common case)
                covered, lex = ctxb, heading_lex
            else:
                covered = own | ctxb
                lex = math.fsum([weight[b] for b in covered]) / total + 0.5 * math.fsum([weight[b] for b in own - ctxb]) / total
            score = lex + form_bonus(q, s) + shape_bonus(q, s) + 0.05 / (rank + 1)
            cands.append((score, covered, s, h.chunk, rank, sims.get(f"{h.chunk.id}~{n}", text_sims.get(s))))
    if not cands:
        return []
    cands.sort(key=lambda x: -x[0])
    # a sentence printed in many records ("完成时限:2017年6月底") is glued from the seed's own record
    by_chunk: dict[str, dict[str, tuple]] = {}
    for c in cands:
        by_chunk.setdefault(c[3].id, {})[c[2]] = c
    seeds = cands[:SEEDS]
    if dense:
        by_sim = sorted((c for c in cands if c[5] is not None), key=lambda c: -c[5])
        seeds += [c for c in by_sim[:DENSE_SEEDS] if c not in seeds]
    # one seed per sentence text: a copy in another record is the worse-matching one
    seen: set[str] = set()
    seeds = [c for c in seeds if not (c[2] in seen or seen.add(c[2]))]
    out = []
    # one question is answered from one document; a question in several parts may need several as
    # a whole, but each of its parts is one question again ("童炜鑫兼任什么职务" gains nothing from a
    # sentence of another document that happens to hold 职务)
    multi = len(plan.parts) > 1 and part is plan.parts[0]
    # a place the question names is no part a glued sentence answers by itself: "开化县地质灾害隐患点有
    # 几处?" is not answered by a count of the whole city's points glued to "…开化县各建成1处以上示范区"
    # (which adds no other word), while "…柯城区、常山县、开化县财政各安排200万元" adds 财政 too
    places = frozenset(b for p in ctx.places_named(q) for b in bigrams(p))
    for seed in seeds:
        alone = _build(seed, cands, weight, total, q, ctx, glue=False)
        glued = _build(seed, cands, weight, total, q, ctx, glue=True, across=multi, own=by_chunk[seed[3].id],
                       places=places)
        out.append(alone)
        if glued.text != alone.text:
            out.append(glued)
    named, articles = _named_units(ctx, q, pool)
    if named:
        # the question says where its answer stands: sentences of other articles, or glued to them
        # ("第二十七条…" with a sentence of the 第十五条 asked about), answer something else
        ids = {c.id for c in named}
        out = [c for c in out if all(x.chunk_id in ids for x in c.citations)]
        out.extend(_whole_article(chunk, q, cands, weight, total) for chunk in articles)
    # seeds from the lexical and the encoder's rankings, alone or glued, often build the same extract:
    # one candidate per text (the first built), which says how many seeds built it
    built = Counter(c.text for c in out)
    first: dict[str, Candidate] = {}
    for c in out:
        first.setdefault(c.text, c)
    return [replace(c, built=built[text]) for text, c in first.items()]


def _named_units(ctx, q: str, pool: list[Hit]) -> tuple[list, list]:
    """"电动自行车登记规定第六条讲的是什么", "防汛防台办法第四章讲什么": the chunks of the chapters and the
    articles the question names by number, and the articles among them, of the best retrieved
    document when it is made of articles (the document named by its title is retrieved first; one
    without that article has none to give, and "第三条" of a plan of numbered measures names none)."""
    articles = {n for m in ARTICLE.findall(q) if (n := cn_to_int(m)) is not None}
    chapters = {n for m in CHAPTER.findall(q) if (n := cn_to_int(m)) is not None}
    if not (articles or chapters) or not pool:
        return [], []
    chunks = [c for c in ctx.by_doc.get(pool[0].chunk.doc_key, []) if c.kind == "article" and c.path]
    named = [c for c in chunks if heading_number(ARTICLE, c.path[-1]) in articles]
    named += [c for c in chunks if heading_number(CHAPTER, c.path[0]) in chapters and c not in named]
    return named, [c for c in named if heading_number(ARTICLE, c.path[-1]) in articles]


def _whole_article(chunk, q: str, cands: list[tuple], weight: dict[str, float], total: float) -> Candidate:
    """An article named by its number, quoted whole (its sentences, proposed one by one, are each only
    part of what it says); its best-matching sentence stands for it where a seed's measures are asked."""
    sents = list(pieces(chunk))[:_ARTICLE_SENTENCES]
    quote = _span(chunk.text, sents)
    flat = _UNBRACKETED.sub("", quote) + _SPACE.sub("", chunk.header)
    covered = {b for b in weight if b in flat}
    own = [c for c in cands if c[3].id == chunk.id]
    seed = max(own, key=lambda c: c[0]) if own else None
    features = {
        "seed_lexical": seed[0] if seed else 0.0,
        "seed_sim": max((c[5] for c in own if c[5] is not None), default=0.0),
        "seed_rank": 1.0 / (seed[4] + 1) if seed else 0.0, "sentences": 1.0, "table_row": 0.0,
    }
    return Candidate(NAME, "list" if LIST_Q.search(q) else "fact", "".join(sents) + "[1]",
                     (make_citation(chunk, quote),), min(1.0, math.fsum([weight[b] for b in covered]) / total),
                     features)


@lru_cache(maxsize=1 << 14)
def _matched(chunk) -> tuple[str, ...]:
    """Each piece of a chunk as questions are matched against it: "乡(镇)" is asked as "乡镇", so
    brackets (and spaces) are dropped."""
    return tuple(_UNBRACKETED.sub("", s) for s in pieces(chunk))


def _build(seed, cands, weight, total, q, ctx, glue: bool, across: bool = False, own: dict | None = None,
           places: frozenset[str] = frozenset()) -> Candidate:
    """The seed sentence with what it needs; with `glue`, also sentences covering parts it leaves open
    (from the seed's own document, or from any with `across`; `own`: the seed's record's sentences;
    `places`: the bigrams of the places the question names, which alone are no part left open)."""
    picked = [seed]
    covered = set(seed[1])
    for cand in cands[:12] if glue else ():
        cand = own.get(cand[2], cand)
        if not across and cand[3].doc_key != seed[3].doc_key:
            continue
        if "table_row" in (cand[3].kind, seed[3].kind) and cand[3].id != seed[3].id:
            continue  # a table row is a record of its own: rows glued together mix two records
        if cand[3].id != seed[3].id and (_FIELD.match(cand[2]) or _FIELD.match(seed[2])
                                         or _siblings(cand[3], seed[3]) and _is_record(cand[3]) and _is_record(seed[3])):
            # and so is a record with fields ("(二)西区二期策划。重点内容:…完成时限:2017年12月底"): another
            # record's "完成时限:…", "(牵头单位:…)" or heading says nothing of the seed's
            continue
        gain = math.fsum([weight[b] for b in cand[1] - covered]) / total
        # another sentence only when it answers a part the seed leaves open (more than the place it names),
        # and is itself on topic
        if gain >= 0.15 and cand[1] - covered - places and cand[0] >= 0.5 * seed[0] and len(picked) < 3 and cand[2] not in [p[2] for p in picked]:
            picked.append(cand)
            covered |= cand[1]
    if glue:
        # the seed's record answers by its field the question names ("谁牵头" by "牵头部门:市规划局",
        # "完成时限是什么时候" by "完成时限:2017年12月底"), however little else that field matches
        for text, cand in own.items():
            if (len(picked) < 4 and _FIELD.match(text) and cand not in picked
                    and any(b in weight for label in _LABEL.findall(text) for b in bigrams(label))):
                picked.append(cand)
                covered |= cand[1]
    if len(picked) > 1 and not across:
        # (across documents, each part of the question names its own document by its title's words)
        picked = _without_title_only(picked, _title_bigrams(ctx, seed[3].doc_key))
    cites, texts = [], []
    asked = _asked_types(q)
    asks_when, asks_body = bool(asked & _ASKS_WHEN), "body" in asked
    for _, _, sent, chunk, _, _ in picked:
        if sent in "".join(texts):
            continue  # already quoted, as what followed a short sentence ("(牵头单位:…;" before "配合单位:…)")
        sents = pieces(chunk)
        chosen = [sent]
        listed = False
        i = sents.index(sent)
        if sent.endswith((":", ":")):
            # "应当提交下列材料:" is answered by the items that follow it: take them all
            for nxt in sents[i + 1 : i + 12]:
                if not ITEM_START.match(nxt):
                    break
                chosen.append(nxt)
        if len(chosen) == 1 and (len(sent) < 25 or sent.endswith((":", ":"))) and i + 1 < len(sents):
            rest = sents[i + 1:]
            if i == 0 and _is_heading(chunk, sent) and len(rest) > 1 and all(_ITEM_LINE.match(x) for x in rest):
                # a list's heading ("二、…先进乡镇(10个)") is answered by the whole list under it, not
                # by its first name
                chosen.extend(rest[:40])
                listed = True
            else:
                chosen.append(sents[i + 1])  # a heading-like sentence needs what follows it
        # a lead-in that ends its passage answers "哪些/几个" by the parts it leads into
        led = (_led_into(ctx, chunk) if len(chosen) == 1 and sent.endswith((":", ":")) and i + 1 == len(sents)
               and (LIST_Q.search(q) or COUNT_Q.search(q)) else [])
        head = sents[0]
        if (i > 0 and (_FIELD.match(sent) or _WHEN_HEAD.match(head)) and len(head) <= 40 and chunk.path
                and _SPACE.sub("", chunk.path[-1])[:6] in _SPACE.sub("", head) and head not in "".join(texts)):
            # a record's field ("完成时限:2017年12月底", "重点内容:…") says whose it is by the record's
            # heading, and a sentence under "(一)2017年。" is that year's task: the heading is quoted
            # first, so that the answer names the 课题, item or year it is about
            cites.append(make_citation(chunk, head))
            texts.append(f"{head}[{len(cites)}]")
        elif asks_when and not _YEAR.search(sent) and (frame := year_frame(chunk.text, sent)) and frame not in "".join(texts):
            # asked when, a sentence under its paragraph's year ("西区科创城基本建成" after "到2020年,…。")
            # answers with that year: the sentence that states it is quoted first
            cites.append(make_citation(chunk, frame))
            texts.append(f"{frame}[{len(cites)}]")
        elif asks_body and (opening := subject_frame(chunk.text, sent)) and opening not in "".join(texts):
            # asked who, a clause that goes on from a body's duty ("指导银行业金融机构支持…;" after "市银监局应
            # 加大…;") is that body's: the clause naming it is quoted first
            cites.append(make_citation(chunk, opening))
            texts.append(f"{opening}[{len(cites)}]")
        cites.append(make_citation(chunk, _span(chunk.text, chosen)))
        shown = f"{chosen[0]}:{'、'.join(chosen[1:])}。" if listed else "".join(chosen)
        texts.append(shown + f"[{len(cites)}]")
        for part_chunk, heading in led:
            cites.append(make_citation(part_chunk, heading))
            texts.append(f"{heading}[{len(cites)}]")
    kind = "list" if LIST_Q.search(q) else "fact"
    seed = picked[0]  # the seed itself, unless it only repeated the title in front of what answers
    best_chunk = seed[3]
    unit = ctx.units.get((best_chunk.doc_key, best_chunk.path))
    items = tuple(u.heading for u in unit.children) if kind == "list" and unit and len(unit.children) >= 2 else ()
    features = {
        "seed_lexical": seed[0], "seed_sim": seed[5] if seed[5] is not None else 0.0,
        "seed_rank": 1.0 / (seed[4] + 1), "sentences": float(len(picked)),
        "table_row": 1.0 if all(p[3].kind == "table_row" for p in picked) else 0.0,
    }
    return Candidate(NAME, kind, "".join(texts), tuple(cites), min(1.0, math.fsum([weight[b] for b in covered]) / total),
                     features, items=items)


# a line of a list of names: short, no sentence inside ("柯城区万田乡", "陈水良(柯城区九华乡农业综合服务中心)")
_ITEM_LINE = re.compile(r"^[^。;;,,::]{2,40}$")


@lru_cache(maxsize=1024)
def _asked_types(q: str) -> frozenset[str]:
    """The answer types the question asks for (once per question, not per extract built)."""
    return frozenset(t.name for t in answer_types.asked(q))


# a clause whose subject is a body with its duty: "市银监局应加大…", "市发改委、经信委、国资委,衢州绿色产业集聚区应确定…"
_BODY_DUTY = re.compile(r"^[市县区省][\u4e00-\u9fff、,,]{1,30}?(?:局|委|办|中心|政府|管委会|支队|集聚区)(?:[((][^))]*[))])?"
                        r"(?:应当|应|要|负责|会同|牵头|承担|将)")


def subject_frame(text: str, sent: str) -> str | None:
    """The clause naming the body whose duty `sent` goes on with, within one full sentence ("市银监局应加大
    …调查;" before "指导银行业金融机构支持…;"); None when `sent` opens its sentence or no body opens it.

    >>> subject_frame("市银监局应加大跟踪和调查;指导银行业金融机构支持资产盘活;引导对接PPP项目。", "引导对接PPP项目。")
    '市银监局应加大跟踪和调查;'
    >>> subject_frame("各地要加强领导;指导银行支持。", "指导银行支持。") is None
    True
    """
    found = _in_paragraph(text, sent)
    if found is None:
        return None
    sents, i = found
    k = i
    while k > 0 and not sents[k - 1].endswith(_FULL_STOPS):
        k -= 1
    return sents[k] if k < i and _BODY_DUTY.match(sents[k]) else None


def year_frame(text: str, sent: str) -> str | None:
    """The sentence that sets the year `sent` is about, within its paragraph (a line of `text`): the
    paragraph's first sentence when it opens with a year ("到2020年,…目标。" before "西区科创城基本建成…"),
    or the sentence `sent` continues after a semicolon ("到2020年,全市人才资源总量达到47.2万人…;" before
    "建设市级重点创新团队44家…"). None when no year frames it: a year stated mid-paragraph is that
    sentence's own ("…100家。加速科技金融发展…" is not about 2020)."""
    found = _in_paragraph(text, sent)
    if found is None or found[1] == 0:
        return None
    sents, i = found
    if _YEAR_FRAME.match(sents[0]):
        return sents[0]
    # back over the semicolon-joined pieces of its own full sentence
    for k in range(i - 1, -1, -1):
        if sents[k].endswith(_FULL_STOPS):
            return None
        if _YEAR_FRAME.match(sents[k]):
            return sents[k]
    return None


_FULL_STOPS = ("。", "!", "!", "?", "?")


def _in_paragraph(text: str, sent: str) -> tuple[list[str], int] | None:
    """The sentences of the paragraph (a line of `text`) that holds `sent`, and where it stands."""
    for line in text.split("\n"):
        sents = sentences(line)
        if sent in sents:
            return sents, sents.index(sent)
    return None


@lru_cache(maxsize=4096)
def _is_record(chunk) -> bool:
    """A section holding fields ("完成时限:…", "(牵头单位:…)"): a record of its own, not prose."""
    return any(_FIELD.match(s) for s in pieces(chunk))


def _siblings(a, b) -> bool:
    """Two sections side by side under one heading: two items of its list."""
    return bool(a.path) and len(a.path) == len(b.path) and a.path[:-1] == b.path[:-1] and a.path != b.path


def _is_heading(chunk, sent: str) -> bool:
    return bool(chunk.path) and _SPACE.sub("", chunk.path[-1])[:8] == _SPACE.sub("", sent)[:8]


def _title_bigrams(ctx, doc_key: str) -> frozenset[str]:
    doc = ctx.docs.get(doc_key)
    return frozenset(bigrams(content(doc.title))) if doc is not None else frozenset()


def _without_title_only(picked: list[tuple], title: frozenset[str]) -> list[tuple]:
    """The glued sentences without those that match the question only by words of the cited
    document's title (which citing it names): a sentence that repeats the plan's name ("衢州市开展国家
    知识产权示范城市培育工作方案2016年12月,我市顺利通过…") glued in front of the one that answers
    ("领导小组下设办公室(设在市科技局)") adds nothing but words to read aloud. A sentence matching other
    words the rest also match stays: the answer itself ("一、先进集体(36家)") is seldom in the question."""
    kept = [p for p in picked if set(p[1]) - title]
    return kept or picked[:1]


def _led_into(ctx, chunk, limit: int = 8) -> list:
    """What a lead-in that ends its chunk ("具体名单如下:", "分以下三个阶段进行:") leads into: the
    headings of the parts under it, or else of the parts that follow it ("一、先进集体(36家)",
    "二、先进个人(50名)"), each quoted from the chunk it heads."""
    chunks = ctx.by_doc.get(chunk.doc_key, [])
    pos = next((k for k, c in enumerate(chunks) if c.id == chunk.id), None)
    if pos is None:
        return []
    after = chunks[pos + 1:]
    base = chunk.path
    under = [(c, c.path[len(base)]) for c in after if len(c.path) > len(base) and c.path[: len(base)] == base]
    beside = [(c, c.path[len(base) - 1]) for c in after
              if base and len(c.path) >= len(base) and c.path[: len(base) - 1] == base[:-1] and c.path[len(base) - 1] != base[-1]]
    out, seen = [], set()
    for c, heading in under or beside:
        heading = heading.strip()
        if heading in seen or heading not in c.text:
            continue
        seen.add(heading)
        out.append((c, heading))
        if len(out) >= limit:
            break
    return out


def _span(text: str, picked: list[str]) -> str:
    start = text.find(picked[0])
    end = text.find(picked[-1], start) + len(picked[-1])
    return text[start:end] if start >= 0 and end > start else picked[0]


def lead_in_note(ctx, quotes: list[tuple[str, str]], text: str, first: int) -> tuple[str, tuple[Citation, ...]]:
    """An item quoted without the sentence that leads into it ("(一)擅自拼装、改装…的车辆;" of 第七条
    "有下列情形之一的,不予办理登记:") says nothing by itself: the answer names the lead-in it stands under.
    `quotes` are the answer's (chunk id, quote) pairs, `text` the answer so far; returns the note and the
    citations it adds, whose markers count on from `first`."""
    under: dict[str, tuple] = {}  # lead-in → (its chunk, how many quoted items stand under it)
    for chunk_id, quote in quotes:
        chunk = ctx.chunks.get(chunk_id)
        if chunk is None or not ITEM_START.match(quote):
            continue
        sents = pieces(chunk)
        at = next((i for i, s in enumerate(sents) if quote.startswith(s) or s.startswith(quote)), None)
        if at is None:
            continue
        lead = None
        for s in reversed(sents[:at]):
            if s.endswith((":", "：")):
                lead = s
                break
            if not ITEM_START.match(s):
                break  # items are led into by the sentence right before them, or by none
        if lead is not None and lead not in text:
            under[lead] = (chunk, under[lead][1] + 1 if lead in under else 1)
    notes, cites = [], []
    for lead, (chunk, n) in under.items():
        cites.append(make_citation(chunk, lead))
        # two items of one lead-in ("(一)…[1](二)…[2]") stand under it together
        notes.append(f"{'以上各项' if n > 1 else '该项'}列于“{lead.rstrip(':：')}”[{first + len(cites)}]之下。")
    return "".join(notes), tuple(cites)

