"""Complete enumerations: a parsed name list, the rows of a table section, or the items of an
outline (the 课题 of a plan, the 工程 under a heading). Never cut short."""
from __future__ import annotations

import re

from qa.cite import make_citation
from qa.places import place_stem
from qa.pipeline import answer_types
from qa.pipeline.context import pieces
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import ARTICLE_COUNT_Q, COUNT_Q, LIST_Q, ORDINAL_Q, asked_clauses, counted_noun, wh_noun
from qa.text import ARTICLE, CHAPTER, cn_to_int, content, heading_number, int_to_cn

NAME = "enumeration"
TOP = 3  # the best-matching enumerations; the selector chooses


# which chapters a document has ("分哪几章"); how many articles or chapters: ARTICLE_COUNT_Q
_CHAPTERS_Q = re.compile(r"(?<!第)哪几(章)")


_NAMED_KINDS = frozenset({"body", "person"})  # answer types a list's items must name to answer them


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    structure = _structure(ctx, q, hits)
    if structure:
        return structure
    counting = bool(COUNT_Q.search(q))
    if not LIST_Q.search(q) and not counting:
        return _ordinal(ctx, q)
    # what the list is named by: not the clauses where the asker speaks of themself ("我记不全了")
    asked = asked_clauses(q) or q
    scored = []
    for e in ctx.enumerations:
        if e.kind == "section":
            if e.extra in q:
                scored.append((1.0 + ctx.cov(asked, e.name), e))
        elif e.kind == "declared":
            # a heading that states its own count answers "一共多少家" — of the year asked
            if counting and all(y in e.name for y in re.findall(r"20\d\d", q)):
                # (its name holds the document title and the heading; the heading alone only
                # breaks ties between the headings of one document: 先进集体 or 先进个人)
                scored.append((ctx.cov(asked, e.name) + 0.05 * ctx.cov(asked, e.extra), e))
        else:
            scored.append((ctx.cov(asked, e.name) - (0.05 if e.kind == "outline" else 0), e))
    noun = wh_noun(q)
    if noun:
        # "带哪些资料" lists 资料: an enumeration that never names them is not that list
        scored = [(c, e) for c, e in scored if noun in e.name + e.extra + "".join(e.items)]
    wanted = [t for t in answer_types.asked(q) if t.name in _NAMED_KINDS]
    if wanted:
        # a list of bodies or of people ("哪些部门负责", "哪几位") is answered by a list whose items name
        # them: the ten 工程 of a plan are no answer to which departments run one of them
        scored = [(c, e) for c, e in scored if any(t.form.search("".join(e.items)) for t in wanted)]
    counted = counted_noun(q)
    if counted:
        # "关闭了多少家交易场所" counts 交易场所, not the stages of the plan whose title names them. A list
        # whose own heading names the thing ("三、实施步骤" for 几步) is its list; failing one, a list
        # whose items name it; never one that only the plan's title names. "分哪几步走" lists what
        # "分几步走" counts: the same list, and the others when none names the thing
        named = [(c, e) for c, e in scored if counted in _heading(e) + e.extra]
        named = named or [(c, e) for c, e in scored if counted in "".join(e.items)]
        scored = named if counting else named or scored
    # (after those: a part's heading that names the thing counted, 三、实施步骤 for 几步, is asked for)
    scored = _unasked_parts_dropped(scored)
    # lists of one document share its title, so that "先进个人中常山县的" and "先进集体中常山县的" tie
    # on the names of all six of its lists: their own headings break the tie
    own = {id(e): ctx.cov(asked, _own_heading(e)) for _, e in scored}
    scored.sort(key=lambda x: (-x[0], -own[id(x[1])]))
    # a heading that states its count competes with the lists under it, whose longer names match
    # more words: the best such headings are proposed whatever their rank
    declared = [ce for ce in scored if ce[1].kind == "declared"][:2]
    out = []
    for cov, e in scored[:TOP] + [ce for ce in declared if ce not in scored[:TOP]]:
        if cov < 0.3:
            continue
        out.append(Candidate(NAME, "list", _text(q, e), tuple(e.cites[:12]), min(cov, 1.0), items=e.items))
    # the lists a qualifier cuts down ("常山县的有哪几位"), only among those matching the question
    # best (a topic word standing in an item of another list, "粮食" in "…商务和粮食局", qualifies
    # nothing); lists of one document share its title, so their own headings (先进个人) rank them
    subs = []
    for cov, e in scored:
        if cov < max(0.3, scored[0][0]):
            break
        sub = _filtered(ctx, q, e)
        if sub is not None:
            subs.append((ctx.cov(q, _own_heading(e)), cov, sub))
    subs.sort(key=lambda x: -x[0])
    # a sublist whose own heading matches worse than another's is the sibling not asked about
    subs = [s for s in subs if s[0] >= subs[0][0]] if subs else subs
    for own_cov, cov, (text, cites, items) in subs[:TOP]:
        # its strength: how well the list and its own heading match the question
        out.append(Candidate(NAME, "list", text, cites, min((cov + own_cov) / 2, 1.0), {"filtered": 1.0}, items=items))
    return out


def _unasked_parts_dropped(scored: list[tuple[float, object]]) -> list[tuple[float, object]]:
    """Without the outlines nested in another that match the question no better: "第二批重点课题都有哪些"
    asks for the six 课题, not for the two parts of 四、研究启动西区二期建设, whose name is the plan's and
    a heading the question never names. A part is asked for by naming what its heading adds."""
    outlines = {e.name: cov for cov, e in scored if e.kind == "outline"}
    out = []
    for cov, e in scored:
        if e.kind == "outline":
            words = e.name.split(" ")
            parents = (" ".join(words[:k]) for k in range(1, len(words)))
            if any(p in outlines and outlines[p] >= cov for p in parents):
                continue
        out.append((cov, e))
    return out


def qualifier(q: str, heading: str, items: tuple[str, ...]) -> str | None:
    """The longest word of the question that picks out some of a list's items but not all, and is
    not the list's own topic: "常山县的有哪几位" picks the names marked (常山县…)."""
    best = None
    for seg in content(q).split("|"):
        for i in range(len(seg) - 1):
            for j in range(len(seg), i + 1, -1):
                w = seg[i:j]
                if best is not None and len(w) <= len(best):
                    break
                if w in heading:
                    continue
                n = sum(w in it for it in items)
                if 0 < n < len(items):
                    best = w
                    break
    return best


def _filtered(ctx, q: str, e):
    """A name list cut down to the items the question qualifies, each quoted where it stands."""
    if e.kind != "list" or len(e.items) < 3 or not e.cites:
        return None
    word = qualifier(q, e.name, e.items)
    chunk = ctx.chunks.get(e.cites[0].chunk_id)
    if word is None or chunk is None:
        return None
    stem = place_stem(word)
    if stem != word and word in ctx.places_named(q) and sum(stem in it for it in e.items) < len(e.items):
        # a place is named in a list by its short name too: 江山市's units include 江山经济开发区管委会
        word = stem
    items = tuple(it for it in e.items if word in it and it in chunk.text)
    if not items:
        return None
    cites = tuple(make_citation(chunk, it) for it in items[:12])
    return f"{_own_heading(e)}中,含“{word}”的共{len(items)}项:{'、'.join(items)}。", cites, items


def _heading(e) -> str:
    """The heading an enumeration stands under, without the title of the document or plan its name
    starts with ("…工作方案 二、工作安排" → "二、工作安排"; a plan's own parts have none)."""
    return e.name.split(" ", 1)[1] if " " in e.name else ""


def _own_heading(e) -> str:
    """An enumeration's name without its document's title: lists of one document share the title."""
    title = e.cites[0].title if e.cites else ""
    return e.name[len(title):].strip() if title and e.name.startswith(title) else e.name


def _text(q: str, e) -> str:
    items = e.items
    sep = ";" if any("、" in i for i in items) else "、"  # keep the gazette's own separator
    if e.kind == "declared":
        # a heading that states its count ("一、先进集体(36家)") says what it counts through its
        # document: the year and the subject stand in the title
        title = e.cites[0].title if e.cites else ""
        lead = f"《{title}》所列:" if title and title not in e.extra else ""
        return lead + e.extra + (":" + sep.join(items) if items else "") + "。"
    # counted in the question's own word ("占几家" → 共13家), unless the gazette's own lead-in
    # already states the count ("分以下三个阶段进行:")
    word = re.search(r"(?:几|多少)(个|家|名|项|处|人|件|条|种|类)", q)
    stated = re.search(rf"(?:{int_to_cn(len(items))}|(?<!\d){len(items)}(?!\d))\s*(?:个|项|家|名|大|类|种|条|处)", e.extra)
    # …in the gazette's own word where its heading states this count ("市本级(13家)": 家, not the
    # asker's 人), which names what the items are
    own = re.search(rf"(?<!\d){len(items)}\s*(个|家|名|处|人|件|条|种|类)", e.name)
    unit = own.group(1) if own else word.group(1) if word else "项"
    count = "" if stated else f"共{len(items)}{unit}:"
    return e.extra + count + sep.join(items) + "。"


def _ordinal(ctx, q: str) -> list[Candidate]:
    """"方案里的第一个工程是啥?": the n-th item of the outline whose items are of that kind, quoted
    where it stands (the best-matching outlines; the selector chooses)."""
    m = ORDINAL_Q.search(q)
    n = cn_to_int(m.group(1)) if m else None
    if not n:
        return []
    kind = re.match(r"[\u4e00-\u9fff]{1,2}", q[m.end():])  # "第一个工程" → 工程
    scored = []
    for e in ctx.enumerations:
        if e.kind != "outline" or len(e.items) < n:
            continue
        if kind and not any(kind.group(0) in it for it in e.items):
            continue
        scored.append((ctx.cov(q, e.name), e))
    scored.sort(key=lambda x: -x[0])
    out = []
    for cov, e in scored[:TOP]:
        if cov < 0.3:
            break
        item = e.items[n - 1]
        cite = next((c for c in e.cites if item in c.quote), None)
        if cite is None:
            continue
        # the session keeps the whole list: a follow-up's "第二个工程" points into it (qa.conversation.point_into)
        out.append(Candidate(NAME, "fact", f"第{m.group(1)}项为:{item}。", (cite,), min(cov, 1.0), items=e.items))
    return out


def _structure(ctx, q: str, hits) -> list[Candidate]:
    """"电动自行车登记规定一共有几条?": the articles (and chapters) of the best retrieved document, when it
    is made of articles, counted by its own numbering; each chapter cited by its first article, whose
    section names the chapter. A numbering with a gap (an article the parser missed) is no count to
    give: nothing is proposed."""
    m = ARTICLE_COUNT_Q.search(q.strip()) or _CHAPTERS_Q.search(q)
    if not m or not hits:
        return []
    doc_key = hits[0].chunk.doc_key
    chunks = [c for c in ctx.by_doc.get(doc_key, []) if c.kind == "article" and c.path]
    first: dict[int, object] = {}  # article number → its first chunk
    for c in chunks:
        n = heading_number(ARTICLE, c.path[-1])
        if n is not None:
            first.setdefault(n, c)
    if not first or sorted(first) != list(range(1, len(first) + 1)):
        return []
    chapters: dict[int, tuple[str, object]] = {}
    for n in sorted(first):
        c = first[n]
        k = heading_number(CHAPTER, c.path[0]) if len(c.path) > 1 else None
        if k is not None:
            chapters.setdefault(k, (c.path[0], c))
    if chapters and sorted(chapters) != list(range(1, len(chapters) + 1)):
        return []
    if m.group(1) == "章" and not chapters:
        return []
    doc = ctx.docs.get(doc_key)
    name = (doc.subtitle or doc.title) if doc else ""
    last = first[len(first)]
    # each unit is cited by its own label ("第五条", where its text begins): an operator reads the
    # count and the chapters aloud, not the first sentence of every chapter
    if chapters:
        items = tuple(head for head, _ in chapters.values())
        units = [c for _, c in chapters.values()]
        listed = ";".join(f"{head}(自{c.path[-1]}起)[{k}]" for k, (head, c) in enumerate(chapters.values(), 1))
        text = f"《{name}》共{len(chapters)}章、{len(first)}条:{listed}。"
    else:
        items = ()
        units = [first[1], last]
        text = f"《{name}》共{len(first)}条:第一条[1]至{last.path[-1]}[2]。"
    cites = tuple(make_citation(c, c.path[-1] if c.text.startswith(c.path[-1]) else next(iter(pieces(c)), c.text.strip()))
                  for c in units)
    return [Candidate(NAME, "list", text, cites, min(ctx.cov(q, f"{doc.title} {name}") if doc else 0.0, 1.0),
                      items=items)]
