"""Answering: computed answers (free days, table cells, comparisons, lists) first, extractive
sentences from retrieved chunks otherwise, and an honest refusal when the evidence is weak.

Every citation's quote is cut from its chunk's text and checked again by `qa.cite.verify`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qa.cite import make_citation, verify
from qa.corpus import Corpus
from qa.dates import FreeDayRule, parse_day_list, parse_question_date, question_month, weekday_cn
from qa.model import Answer, Chunk, Citation, Document, Hit, ItemList, Table, TableRow
from qa.retrieve import Retriever, SearchFilters
from qa.tables import row_text
from qa.text import bigrams, content

LIST_Q = re.compile(r"哪些|哪几|有几个|有多少个|几个|几家|几名|几项|多少家|多少名|多少个|都有谁|列出")
DECLARED_COUNT = re.compile(r"[((](?:共)?\d+\s*(?:家|个|名|人|处|项)[))]")
COUNT_Q = re.compile(r"(?<!哪)(?:几个|几家|几名|几项)|多少个|多少家|多少名|多少处")
MOST_Q = re.compile(r"最多|最高|最大|最少|最低|最小")
EFFECTIVE_Q = re.compile(r"(哪天|何时|什么时候|哪一天|几号|日期).{0,6}(施行|执行|实施|生效)|(施行|执行|生效)(日期|时间)|起施行|开始施行|开始执行")
ISSUED_Q = re.compile(r"(哪天|何时|什么时候|哪一天|几号|日期).{0,4}(发|印发|公布|发布|出台|下发|签发)|(发文|印发|成文)(日期|时间)")
AGGREGATE_ROWS = ("全市", "合计", "总计", "小计")
MIN_COVERAGE = 0.5  # calibrated on the gold set: keeps wrongly refused answerable questions ≤ 5% (see qa eval)


def coverage(question: str, text: str, idf: dict[str, float] | None = None, top: float | None = None) -> float:
    """Share of the question's content bigrams found in the text, weighted by rarity when `idf` is given
    (a bigram the corpus never contains weighs most: missing it is strong evidence of no answer)."""
    q = bigrams(content(question)) if idf is None else informative_bigrams(question, idf)
    if not q:
        return 0.0
    t = re.sub(r"\s", "", text)
    if idf is None:
        return sum(1 for b in q if b in t) / len(q)
    top = top if top is not None else max(idf.values(), default=1.0)
    w = {b: idf.get(b, top) for b in q}
    return sum(v for b, v in w.items() if b in t) / sum(w.values())


def informative_bigrams(question: str, idf: dict[str, float]) -> set[str]:
    """The question's content bigrams without junctions: a bigram the corpus never has, standing
    between two bigrams it has, spans two known words ("州汛" in "衢州汛期") and says nothing; an
    unknown bigram next to another unknown one is a word the gazette lacks ("奖金", "租车") and counts."""
    out: set[str] = set()
    for seg in re.split(r"[|\s]+", content(question)):
        grams = [seg[i : i + 2] for i in range(len(seg) - 1)]
        for i, b in enumerate(grams):
            junction = (b not in idf and 0 < i < len(grams) - 1
                        and grams[i - 1] in idf and grams[i + 1] in idf)
            if not junction:
                out.add(b)
    return out


def bigram_idf(texts: list[str]) -> dict[str, float]:
    import math

    df: dict[str, int] = {}
    for t in texts:
        for b in bigrams(t):
            df[b] = df.get(b, 0) + 1
    n = len(texts) + 1
    return {b: math.log(n / (1 + d)) + 1.0 for b, d in df.items()}


_SENT = re.compile(r"[^。;;!?!?\n]*[。;;!?!?]|[^。;;!?!?\n]+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if s.strip()]


@dataclass(frozen=True)
class Draft:
    text: str
    kind: str
    citations: tuple[Citation, ...]
    score: float  # confidence used for refusal


class Answerer:
    """Holds the parsed corpus and a retriever; `answer()` is pure given those and `today`."""

    def __init__(self, corpus: Corpus, retriever: Retriever) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.chunks = {c.id: c for c in corpus.chunks}
        self.free_rules = _free_day_rules(corpus)
        self.idf = bigram_idf([c.header + c.text for c in corpus.chunks])
        self.idf_top = max(self.idf.values(), default=1.0)  # the weight of a bigram the corpus lacks
        # lookups the computed answers need on every question, built once
        self.by_doc: dict[str, list[Chunk]] = {}
        self.by_id_suffix: dict[tuple[str, str], Chunk] = {}
        self.by_path: dict[tuple[str, tuple[str, ...]], Chunk] = {}
        for c in corpus.chunks:
            self.by_doc.setdefault(c.doc_key, []).append(c)
            if c.kind in ("table", "table_row"):
                self.by_id_suffix[(c.doc_key, c.id.split("#", 1)[1].rsplit("/t", 1)[-1])] = c
            if c.kind in ("section", "article"):
                self.by_path.setdefault((c.doc_key, c.path), c)
        self.enumerations = self._collect_enumerations()

    def cov(self, q: str, text: str) -> float:
        return coverage(q, text, self.idf, self.idf_top)

    # ------------------------------------------------------------ entry
    def answer(self, question: str, today: dt.date, rewritten: str | None = None,
               prefer_doc: str | None = None, filters: SearchFilters | None = None) -> tuple[Answer, dict]:
        """`question` as asked; `rewritten` its standalone form (follow-ups), which is what is answered,
        with the words the user actually asked weighing more when sentences are chosen."""
        q = rewritten or question
        focus = question if rewritten and rewritten != question else None
        if not content(q):
            return self._refuse(q, "请输入一个具体的问题,例如“6月12日哪些景区免费?”", []), {}
        missing = _unknown_doc_number(q, {d.key for d in self.corpus.documents})
        if missing:
            return self._refuse(q, f"本期公报未收录{missing},无法回答该文件的内容。", []), {}
        draft, hits = self.draft(q, today, prefer_doc, filters, focus)
        parts = split_question(q)
        if len(parts) > 1:
            # "A?B?" / "A和B分别…": answer each part, then join what was found
            drafts = [self.draft(p, today, prefer_doc, filters)[0] for p in parts]
            good = [d for d in drafts if d is not None and d.score >= MIN_COVERAGE and d.citations]
            if len(good) > 1 or (good and (draft is None or draft.score < MIN_COVERAGE)):
                draft = _join(good)
        if draft is None or draft.score < MIN_COVERAGE or not draft.citations:
            return self._refuse(q, None, hits), {}
        for c in draft.citations:
            verify(c, self.chunks[c.chunk_id])
        return Answer(draft.text, True, draft.kind, draft.citations, q), {"doc_key": draft.citations[0].doc_key}

    def draft(self, q: str, today: dt.date, prefer_doc: str | None = None,
              filters: SearchFilters | None = None, focus: str | None = None) -> tuple[Draft | None, list[Hit]]:
        """The best candidate answer with its confidence, before the refusal decision."""
        hits = self.retriever.search(q, k=10, mode="hybrid", filters=filters)
        if filters is None or not (filters.doc_keys or filters.kinds):
            for attempt in (self._free_day, self._doc_dates, self._table, self._list_member, self._list):
                draft = attempt(q, today)
                if draft is not None:
                    return draft, hits
        return self._extract(q, hits, prefer_doc, focus), hits

    def _refuse(self, q: str, message: str | None, hits: list[Hit]) -> Answer:
        related = []
        for h in hits[:3]:
            sent = sentences(h.chunk.text)
            if sent and h.chunk.kind != "header":
                related.append(make_citation(h.chunk, sent[0]))
        text = message or "本期公报未作规定/未找到与该问题直接相关的内容。" + ("可参考下列相关条文。" if related else "")
        return Answer(text, False, "refusal", (), q, related=tuple(related))

    # ------------------------------------------------------------ free days (dated rules)
    def _free_day(self, q: str, today: dt.date) -> Draft | None:
        if not self.free_rules or not re.search(r"免费|景区|门票|游", q) or re.search(r"一共|共计|合计|总共|总计", q):
            return None
        day = parse_question_date(q, today)
        month = None if day else question_month(q)
        rule, chunk, spots = self.free_rules[0]
        if day is None and month is None:
            return self._free_in_general(q, rule, chunk, spots)
        year = rule.days[0].year if rule.days else today.year
        cites = []
        if day is not None:
            if day.year != year and not re.search(r"\d{4}\s*年", q):
                day = day.replace(year=year)  # "6月12日" in a question about this activity means its year
            line = _month_line(chunk, day.month)
            printed = f"公报所列本月免费日:{line.rstrip(';;。')}。" if line else ""
            if rule.covers(day):
                text = f"{day.month}月{day.day}日({weekday_cn(day)})是免费日。{printed}"
                if day.weekday() != 0 and day in rule.days:
                    text += f"依据:{_rule_sentence(chunk)}"
                if spots:
                    text += f"参与的景区共{len(spots[0])}个:" + "、".join(spots[0]) + "。"
                note = _holiday_note(day)
                if note and day in rule.days:
                    text += f"注意:该日为{note},但公报所列免费日包含此日(以公报所列为准)。"
            else:
                text = f"{day.month}月{day.day}日({weekday_cn(day)})不是免费日。" + _why_not(day, rule) + printed
            if line:
                cites.append(make_citation(chunk, line))
            cites.append(make_citation(chunk, _rule_sentence(chunk)))
        else:
            line = _month_line(chunk, month)
            days = [d for d in rule.days if d.month == month]
            if line and ((year, month) in rule.whole_months or days):
                n = len(days) if days else None
                text = f"{month}月的免费日为 {line.split(':', 1)[-1].split(':', 1)[-1].rstrip(';;。')}" + (f",共{n}天。" if n else "。")
            else:
                text = f"{month}月没有免费日。" + _why_not(dt.date(year, month, 1), rule)
            if line:
                cites.append(make_citation(chunk, line))
            else:
                cites.append(make_citation(chunk, _rule_sentence(chunk)))
        if spots and day is not None and rule.covers(day):
            cites.append(make_citation(spots[1], spots[2]))
        return Draft(text, "date", tuple(cites), 1.0)

    def _free_in_general(self, q: str, rule: FreeDayRule, chunk: Chunk, spots) -> Draft | None:
        """"江郎山免费吗?" with no date: whether the spot takes part, and the free-time rules."""
        if not spots or "免费" not in q:
            return None
        named = [s for s in spots[0] if s in q]
        if not named:
            return None
        rules = [s for s in sentences(chunk.text) if re.search(r"免费[::]", s)]
        text = f"{'、'.join(named)}是参与“免费游”的{len(spots[0])}个景区之一。免费时间:" + "".join(rules)
        cites = (make_citation(spots[1], spots[2]),) + tuple(make_citation(chunk, r) for r in rules)
        return Draft(text, "date", cites, 1.0)

    # ------------------------------------------------------------ document dates
    def _doc_dates(self, q: str, today: dt.date) -> Draft | None:
        """When a document was issued, or from when it applies: read off the parsed document."""
        effective = EFFECTIVE_Q.search(q)
        issued = ISSUED_Q.search(q)
        if not (effective or issued):
            return None
        doc, cov = self._best_document(q)
        if doc is None or cov < 0.4:
            return None
        if effective:
            for c in self.by_doc[doc.key]:
                if c.kind not in ("article", "section"):
                    continue
                for sent in sentences(c.text):
                    if re.search(r"(起|之日起)(施行|执行|实施)", sent) and re.search(r"\d{4}年\d{1,2}月\d{1,2}日", sent):
                        return Draft(f"《{doc.subtitle or doc.title}》{sent}", "date", (make_citation(c, sent),), 1.0)
            if not issued:
                return None
        header = next(c for c in self.by_doc[doc.key] if c.kind == "header")
        printed = next((ln for ln in header.text.split("\n") if re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", ln)), None)
        if printed is None:
            return None
        return Draft(f"《{doc.title}》({doc.number})由{doc.issuer}于{printed}印发。", "date",
                     (make_citation(header, printed),), 1.0)

    def _best_document(self, q: str) -> tuple[Document | None, float]:
        best, best_cov = None, 0.0
        for d in self.corpus.documents:
            cov = max(self.cov(q, d.title), self.cov(q, d.subtitle or ""))
            if d.key in q or d.number in q:
                cov = 1.0
            if cov > best_cov:
                best, best_cov = d, cov
        return best, best_cov

    # ------------------------------------------------------------ tables
    def _table(self, q: str, today: dt.date) -> Draft | None:
        best = None
        for doc in self.corpus.documents:
            for t_no, table in enumerate(doc.tables, 1):
                cap_cov = self.cov(q, f"{doc.title} {table.caption} {' '.join(table.path)} {' '.join(table.columns)}")
                for r_no, row in enumerate(table.rows, 1):
                    name = _row_name_in(q, row.header)
                    if not name:
                        continue
                    if (len(name) <= 3 or name in AGGREGATE_ROWS) and cap_cov < 0.3:
                        continue  # a bare county name alone does not point at this table
                    score = len(name) + 5 * cap_cov
                    if any(y in " ".join(row.raw) for y in re.findall(r"20\d\d年", q)):
                        score += 1  # per-year sub-rows share their name: the asked year picks one
                    if best is None or score > best[0]:
                        best = (score, doc, t_no, table, r_no, row)
        if best is None:
            return self._table_extreme(q) if MOST_Q.search(q) else None
        _, doc, t_no, table, r_no, row = best
        chunk = self._row_chunk(doc, t_no, r_no)
        if chunk is None:
            return None
        cols = _pick_columns(q, table)
        full = ";".join(f"{c} {v}{table.unit if table.unit and _is_amount(c) and _num(v) is not None else ''}"
                        for c, v in zip(table.columns, row.cells) if v)
        if cols:
            parts = []
            for col in cols:
                val = row.cells[col]
                if val:
                    unit = table.unit if table.unit and _is_amount(table.columns[col]) else ""
                    parts.append(f"{table.columns[col]}为{val}{unit}")
            text = f"{row.header}" + ",".join(parts) + f"({table.caption})。"
            if len(full) <= 400:
                text += f"该行全部内容:{full}。"
        else:
            text = f"{row.header}({table.caption}):{full}。"
        # the row is known but the question asks for something the table does not have (开门时间, 投资额),
        # or names a measure the table is not about (生猪存栏 in a 研发经费 table)
        score = 1.0 if cols or not ATTRIBUTE_Q.search(q) else 0.45
        context = f"{doc.title} {table.caption} {' '.join(table.path)} {table.unit or ''} {' '.join(table.columns)} {' '.join(row.raw)}"
        score = min(score, 1.0 if self.cov(q, context) >= 0.6 else self.cov(q, context))
        return Draft(text, "table", (make_citation(chunk, row_text(row)),), score)

    def _table_extreme(self, q: str) -> Draft | None:
        best = None
        for doc in self.corpus.documents:
            for t_no, table in enumerate(doc.tables, 1):
                cov = self.cov(q, f"{doc.title} {table.caption} {' '.join(table.columns)}")
                if best is None or cov > best[0]:
                    best = (cov, doc, t_no, table)
        if best is None or best[0] < 0.3:
            return None
        _, doc, t_no, table = best
        cols = _pick_columns(q, table)
        if not cols:
            return None
        col = cols[0]
        rows = [(n, r) for n, r in enumerate(table.rows, 1) if r.header not in AGGREGATE_ROWS and _num(r.cells[col]) is not None]
        if not rows:
            return None
        low = re.search(r"最少|最低|最小", q)
        n, row = (min if low else max)(rows, key=lambda nr: _num(nr[1].cells[col]))
        chunk = self._row_chunk(doc, t_no, n)
        word = "最少" if low else "最多"
        unit = table.unit if table.unit and _is_amount(table.columns[col]) else ""
        text = f"{table.columns[col]}{word}的是{row.header},为{row.cells[col]}{unit}({table.caption})。"
        return Draft(text, "table", (make_citation(chunk, row_text(row)),), 1.0)

    def _row_chunk(self, doc: Document, t_no: int, r_no: int) -> Chunk | None:
        return self.by_id_suffix.get((doc.key, f"{t_no}/r{r_no}"))

    # ------------------------------------------------------------ lists
    def _list_member(self, q: str, today: dt.date) -> Draft | None:
        """"陈水良是哪里的?": a name from a name list, with its unit in brackets and the list it is on."""
        found = None
        for doc in self.corpus.documents:
            for l_no, lst in enumerate(doc.lists, 1):
                for item in lst.items:
                    if not re.search(r"[((]", item):
                        continue  # only an annotated name ("陈水良(…服务中心)") has more to tell
                    name = re.split(r"[((]", item)[0]
                    if len(name) >= 2 and name in q and (found is None or len(name) > len(found[0])):
                        found = (name, item, lst, doc, l_no)
        if found is None:
            return None
        name, item, lst, doc, l_no = found
        chunk = next((c for c in self.by_doc[doc.key] if c.kind == "list" and c.id.endswith(f"/l{l_no}")), None)
        if chunk is None or item not in chunk.text:
            return None
        return Draft(f"{item},列于“{lst.heading}”。", "list", (make_citation(chunk, item),), 1.0)

    def _list(self, q: str, today: dt.date) -> Draft | None:
        """Complete enumerations: a parsed name list, the rows of a table section, or the items of
        an outline (the 6 课题 of a plan, the 工程 under a heading). Never cut short."""
        if not LIST_Q.search(q):
            return None
        candidates: list[tuple[float, str, list[str], list[Citation], str]] = []
        counting = bool(COUNT_Q.search(q))
        for kind, label, items, cites, section in self.enumerations:
            if kind == "section":
                if section in q:
                    candidates.append((1.0 + self.cov(q, label), label, items, cites, kind))
            elif kind == "declared":
                # "先进集体(36家)": a heading that states its own count answers "一共多少家"
                if counting:  # the heading itself must match: the document title is shared by its siblings
                    candidates.append((self.cov(q, label) + 0.3 * self.cov(q, section), label, items, cites, kind))
            else:
                candidates.append((self.cov(q, label) - (0.05 if kind == "outline" else 0), label, items, cites, kind))
        if not candidates:
            return None
        cov, label, items, cites, kind = max(candidates, key=lambda x: x[0])
        if cov < 0.6:
            return None
        sep = ";" if any("、" in i for i in items) else "、"  # keep the gazette's own separator
        if kind == "declared":
            heading = cites[0].quote
            text = f"{heading}" + (":" + sep.join(items) if items else "") + "。"
        else:
            text = f"共{len(items)}项:" + sep.join(items) + "。"
        return Draft(text, "list", tuple(cites[:12]), cov)

    def _unit_chunks(self, doc: Document, units) -> list[Chunk]:
        out = []
        for u in units:
            c = self.by_path.get((doc.key, u.path))
            if c is None:  # a heading-only unit: its first child's chunk carries the heading path
                c = next((x for (k, p), x in self.by_path.items() if k == doc.key and p[: len(u.path)] == u.path), None)
            if c is not None:
                out.append(c)
        return out

    def _collect_enumerations(self) -> list[tuple[str, str, list[str], list[Citation], str]]:
        """(kind, label, items, citations, section) for every enumeration a list question may ask for."""
        out = []
        for c in self.corpus.chunks:
            if c.kind == "list":
                out.append(("list", c.header, c.text.split("、"), [make_citation(c, c.text)], ""))
        for doc in self.corpus.documents:
            for t_no, table in enumerate(doc.tables, 1):
                chunk = self.by_id_suffix.get((doc.key, str(t_no)))
                for sec in dict.fromkeys(r.section for r in table.rows if r.section):
                    rows = [r.header for r in table.rows if r.section == sec]
                    if chunk and "\n".join(rows) in chunk.text:
                        out.append(("section", f"{table.caption} {sec}", rows, [make_citation(chunk, "\n".join(rows))], sec))
            for u in doc.walk():
                if DECLARED_COUNT.search(u.heading):
                    chunk = self._unit_chunks(doc, [u])
                    if chunk and u.heading in chunk[0].text:
                        items = [k.heading for k in u.children]
                        out.append(("declared", f"{doc.title} {u.heading}", items, [make_citation(chunk[0], u.heading)], u.heading))
            for parent, kids in _enumerations(doc):
                cites = [make_citation(ch, ch.text.split("\n")[0]) for ch in self._unit_chunks(doc, kids)]
                if cites:
                    out.append(("outline", f"{doc.subtitle or doc.title} {parent}", [k.heading for k in kids], cites, ""))
        return out

    # ------------------------------------------------------------ extractive
    def _with_neighbours(self, hits: list[Hit], top: int = 3, limit: int = 12) -> list[Hit]:
        """The retrieved chunks, then the children and siblings of the best ones: "第二阶段" retrieves
        the 实施步骤 section whose child "(二)分类推进阶段" holds the answer."""
        seen = {h.chunk.id for h in hits}
        extra: list[Hit] = []
        for h in hits[:top]:
            path = h.chunk.path
            if not path:
                continue
            for c in self.by_doc.get(h.chunk.doc_key, []):
                if c.id in seen or c.kind not in ("section", "article"):
                    continue
                if c.path[: len(path)] == path or (len(c.path) == len(path) and c.path[:-1] == path[:-1]):
                    seen.add(c.id)
                    extra.append(Hit(c, 0.0))
        return list(hits) + extra[:limit]

    def _extract(self, q: str, hits: list[Hit], prefer_doc: str | None, focus_q: str | None = None) -> Draft | None:
        """Pick the sentence that best answers, then add sentences (any hit) that cover parts of the
        question it leaves open (two-part and two-document questions); cite each in reading order."""
        qb = informative_bigrams(q, self.idf)
        if not qb:
            return None
        top = self.idf_top
        focus = bigrams(content(focus_q)) if focus_q else None
        # carried-over topic words locate the passage; the words just asked choose the sentence
        weight = {b: self.idf.get(b, top) * (1.0 if focus is None or b in focus else 0.4) for b in qb}
        total = sum(weight.values())
        cands = []
        for rank, h in enumerate(self._with_neighbours(hits)):
            if h.chunk.kind in ("header", "table"):
                continue
            head = re.sub(r"\s", "", h.chunk.header)
            for s in sentences(h.chunk.text):
                # "乡(镇)" is asked as "乡镇": brackets are dropped for matching only
                flat = re.sub(r"[\s()()]", "", s)
                own = {b for b in qb if b in flat}
                ctx = {b for b in qb if b in head}
                score = (sum(weight[b] for b in own | ctx) / total + 0.5 * sum(weight[b] for b in own - ctx) / total
                         + _form_bonus(q, s) + _shape_bonus(q, s) + 0.05 / (rank + 1)
                         + (0.05 if prefer_doc and h.chunk.doc_key == prefer_doc else 0))
                cands.append((score, own | ctx, s, h.chunk))
        if not cands:
            return None
        cands.sort(key=lambda x: -x[0])
        best = cands[0]
        picked = [best]
        covered = set(best[1])
        for cand in cands[1:12]:
            gain = sum(weight[b] for b in cand[1] - covered) / total
            # another sentence only when it answers a part the first leaves open, and is itself on topic
            if gain >= 0.15 and cand[0] >= 0.5 * best[0] and len(picked) < 3 and cand[2] not in [p[2] for p in picked]:
                picked.append(cand)
                covered |= cand[1]
        cites, parts = [], []
        for _, _, sent, chunk in picked:
            sents = sentences(chunk.text)
            chosen = [sent]
            i = sents.index(sent)
            if sent.endswith((":", ":")):
                # "应当提交下列材料:" is answered by the items that follow it: take them all
                for nxt in sents[i + 1 : i + 12]:
                    if not ITEM_START.match(nxt):
                        break
                    chosen.append(nxt)
            if len(chosen) == 1 and (len(sent) < 25 or sent.endswith((":", ":"))) and i + 1 < len(sents):
                chosen.append(sents[i + 1])  # a heading-like sentence needs what follows it
            quote = _span(chunk.text, chosen)
            cites.append(make_citation(chunk, quote))
            parts.append("".join(chosen) + f"[{len(cites)}]")
        kind = "list" if LIST_Q.search(q) else "fact"
        confidence = sum(weight[b] for b in covered) / total
        if not unit_supported(q, "".join(parts)):
            confidence *= 0.4
        if not attribute_supported(q, "".join(parts) + " ".join(c.header for _, _, _, c in picked)):
            confidence *= 0.75
        return Draft("".join(parts), kind, tuple(cites), confidence)

# ---------------------------------------------------------------- helpers
def split_question(q: str) -> list[str]:
    """Two questions in one: "汛期是哪段时间?地质灾害领导小组汛期要不要值班?" → two parts."""
    parts = [p.strip() for p in re.split(r"[??;;]", q) if len(content(p).replace("|", "")) >= 4]
    return parts if len(parts) > 1 else [q]


def _join(drafts: list[Draft]) -> Draft:
    """One answer from several part-answers; [n] markers renumbered to the joined citation list."""
    texts, cites = [], []
    for d in drafts:
        offset = len(cites)
        texts.append(re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", d.text))
        cites.extend(d.citations)
    kinds = {d.kind for d in drafts}
    return Draft("".join(texts), kinds.pop() if len(kinds) == 1 else "fact", tuple(cites), min(d.score for d in drafts))


WHEN_Q = re.compile(r"什么时候|何时|哪天|哪一天|日期|时间|期限|时限|施行|起施|截止|到什么时候|多久")
AMOUNT_Q = re.compile(r"多少|多大|多长|几|面积|金额|比例|标准")
WHO_Q = re.compile(r"谁|哪个部门|哪些部门|哪个单位|牵头|负责")


ITEM_START = re.compile(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|\d+[\.、]|[一二三四五六七八九十]+、)")


ASKED_N = re.compile(r"哪([一二三四五六七八九十两\d]+)(?:个|项|家|大|类|种)|([一二三四五六七八九十两\d]+)大")
ORDINAL_Q = re.compile(r"第([一二三四五六七八九十])(?:个|项|阶段|步|批|类)")


def _shape_bonus(q: str, s: str) -> float:
    """"哪八个" wants a sentence enumerating eight things; "第二阶段" wants the item numbered (二)."""
    from qa.text import cn_to_int

    bonus = 0.0
    m = ASKED_N.search(q)
    if m:
        n = cn_to_int(m.group(1) or m.group(2))
        items = len(re.split(r"[、]|和(?=[^和]{2,})", s.split(":")[-1].split(":")[-1]))
        if n and n >= 2 and items == n:
            bonus += 0.3
    m = ORDINAL_Q.search(q)
    if m and re.match(rf"^[((]{m.group(1)}[))]|^{m.group(1)}、", s.strip()):
        bonus += 0.3
    return bonus


def _form_bonus(q: str, s: str) -> float:
    """The answer's form follows the question: when → a date, how much → a number, who → a body."""
    bonus = 0.0
    if WHEN_Q.search(q) and re.search(r"\d{4}年|\d{1,2}月|\d+日|月底|之前|以前|每年", s):
        bonus += 0.3
    if AMOUNT_Q.search(q) and re.search(r"\d", s):
        bonus += 0.2
    if WHO_Q.search(q) and re.search(r"局|委|办|政府|部门|单位|中心", s):
        bonus += 0.1
    if LIST_Q.search(q) and (s.endswith((":", ":")) or s.count("、") >= 3):
        bonus += 0.15  # an enumeration answers "哪些"
    if re.match(r"^单位[::]", s):
        bonus -= 0.3  # a table's unit line
    if not re.search(r"[。;;,,::]", s) and len(s) < 40:
        bonus -= 0.2  # a bare title line is not an answer
    return bonus

def _span(text: str, picked: list[str]) -> str:
    start = text.find(picked[0])
    end = text.find(picked[-1], start) + len(picked[-1])
    return text[start:end] if start >= 0 and end > start else picked[0]


def _num(v: str) -> float | None:
    m = re.match(r"^-?\d+(?:\.\d+)?", v.strip())
    return float(m.group(0)) if m else None


def _is_amount(col: str) -> bool:
    return "%" not in col and "率" not in col and "增幅" not in col


def _row_name_in(q: str, header: str) -> str | None:
    """The part of a row name a question uses: "开化县艾佳牧业" for 开化县艾佳牧业有限公司; a long
    indicator name paraphrased closely ("年营业收入超百亿元的制造业企业" for
    年营业收入超百亿元制造业企业数量(家)) matches by its bigrams."""
    if not header or len(header) < 2 or header.isdigit():
        return None
    if header in q:
        return header
    words = re.sub(r"[((][^))]*[))]", "", header)
    grams = bigrams(words)
    if len(words) >= 8 and grams:
        found = sum(1 for b in grams if b in q) / len(grams)
        if found >= 0.7:
            return words[: max(3, int(len(words) * found))]
    short = re.sub(r"(股份有限公司|有限责任公司|有限公司|公司)$", "", header)
    short = re.sub(r"^(衢州市|衢州)", "", short)
    for cand in (short, re.sub(r"^(柯城区|衢江区)", "", short)):
        if len(cand) >= 3 and cand in q:
            return cand
    return None


ATTRIBUTE_Q = re.compile(r"多少|几|什么|哪|谁|何时|怎么|如何|是否|吗")
ASK_COLUMNS = (
    (re.compile(r"谁|哪个单位|哪个部门|负责|督办|牵头"), re.compile(r"单位|主体|负责|部门")),
    (re.compile(r"什么时候|何时|哪天|期限|时限|完成"), re.compile(r"时间|期限|时限")),
    (re.compile(r"在哪|哪里|地址|位置|地点"), re.compile(r"地址|位置|地点|辖区")),
    (re.compile(r"多大|面积"), re.compile(r"面积")),
    (re.compile(r"什么隐患|哪些隐患|问题|隐患是|内容"), re.compile(r"内容")),
    (re.compile(r"怎么整改|如何整改|整改措施|建议"), re.compile(r"措施|建议|内容")),
)


def _pick_columns(q: str, table: Table) -> list[int]:
    """Columns a question asks for: its year(s), the column words it uses beyond the table's own
    caption (those only say which table), and what its question word asks (谁 → 单位, 何时 → 时间)."""
    years = re.findall(r"(20\d\d)", q)
    context = bigrams(table.caption + " " + " ".join(table.path))
    qb = bigrams(content(q))
    scored = []
    for j, col in enumerate(table.columns):
        words = re.sub(r"20\d\d年|[()()%\s]|\d", "", col)
        score = float(sum(1 for b in bigrams(words) if b in qb and b not in context))
        for asks, names in ASK_COLUMNS:
            if asks.search(q) and names.search(col):
                score += 1
        if years and any(y in col for y in years):
            score += 2
        elif years and re.search(r"20\d\d", col):
            score -= 3
        if ("增幅" in col or "%" in col) and not re.search(r"增幅|增长|比例|比重|率|%|百分", q):
            score -= 1
        scored.append((score, j))
    good = sorted([sj for sj in scored if sj[0] >= 1], key=lambda sj: (-sj[0], sj[1]))
    if not good and re.search(r"多少|几", q):
        # "开化县有多少个地质灾害隐患点": the count the table is about — its total column
        totals = [j for j, col in enumerate(table.columns) if re.search(r"总数|合计|总计", col)]
        return totals[:1]
    if not good:
        return []
    top = good[0][0]
    return [j for sc, j in good if sc >= top - 0.5][:4]


def _unknown_doc_number(q: str, keys: set[str]) -> str | None:
    from qa.text import normalize_doc_number

    m = re.search(r"[\u4e00-\u9fff]{2,6}[〔\[［【(]\d{4}[〕\]］】)]\d+号", q)
    if m and normalize_doc_number(m.group(0)) not in keys:
        return normalize_doc_number(m.group(0))
    return None


UNIT_Q = re.compile(r"(?:多少|几)(万元|亿元|元|钱|吨|公里|千米|米|平方米|亩|人|户|天|点|点钟|次|头|只|所|家|个|名|处|项|件|辆|年|月|周|小时|分钟)")
NUMERAL = r"[\d零〇一二三四五六七八九十百千万两]"


def unit_supported(q: str, text: str) -> bool:
    """A "多少钱/几点/多少公里" question needs an answer that states that kind of quantity."""
    m = UNIT_Q.search(q)
    if not m:
        return True
    unit = {"钱": "元", "点钟": "点", "千米": "公里"}.get(m.group(1), m.group(1))
    if unit == "点":
        return bool(re.search(rf"{NUMERAL}+\s*[点时]|\d{{1,2}}:\d\d", text))
    return bool(re.search(rf"{NUMERAL}+(?:\.\d+)?\s*(?:万|亿)?{unit}", text))


ASKED = re.compile(r"([\u4e00-\u9fff]{2})(?:是|为|有|要|要有|达到|在)?(多少(?!天|年|月|日|时)|多大|多长|哪里|哪儿)([\u4e00-\u9fff]{0,2})")
NOT_ATTRIBUTES = ("一共", "总共", "共有", "目标", "要求", "应当", "最少", "最多", "至少", "大约", "大概", "具体", "需要", "能够")
UNIT_WORDS = re.compile(r"^(万元|亿元|元|钱|吨|公里|千米|米|平方|亩|人|户|天|点|次|头|只|所|家|个|名|处|项|件|辆|年|月|周|小时|分钟)")


def attribute_supported(q: str, text: str) -> bool:
    """The thing a question asks the amount/place of ("奖金多少", "产值多少", "地址在哪", "多少避灾
    中心") must be named where the answer stands; a topical sentence without it does not answer."""
    m = ASKED.search(q)
    if not m:
        return True
    after = m.group(3)
    attribute = after[:2] if len(after) == 2 and not UNIT_WORDS.match(after) else m.group(1)
    if attribute in NOT_ATTRIBUTES or re.search(r"[县市区乡镇村]", attribute):
        return True
    return attribute in re.sub(r"[\s()()]", "", text)


def _enumerations(doc: Document):
    """(name, items) for each outline level that enumerates: the plan's top-level items, and the
    children of any unit with two or more."""
    top = [u for u in doc.units if u.kind in ("section", "article", "chapter") and not u.path[0].startswith("附件")]
    if len(top) >= 2:
        yield "", top
    for u in doc.walk():
        if len(u.children) >= 2:
            yield u.heading, list(u.children)


def _free_day_rules(corpus: Corpus) -> list[tuple[FreeDayRule, Chunk, tuple | None]]:
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


def _month_line(chunk: Chunk, month: int) -> str | None:
    from qa.text import int_to_cn

    name = int_to_cn(month) + "月"
    for ln in chunk.text.split("\n"):
        if ln.startswith(name + ":") or ln.startswith(name + ":"):
            return ln
    return None


def _rule_sentence(chunk: Chunk) -> str:
    for s in sentences(chunk.text):
        if "每逢" in s:
            return s
    return sentences(chunk.text)[0]


def _holiday_note(day: dt.date) -> str | None:
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


def _why_not(day: dt.date, rule: FreeDayRule) -> str:
    first = min(rule.days) if rule.days else None
    if first and day < first:
        return f"免费活动自{first.month}月{first.day}日开始。"
    note = _holiday_note(day)
    if note:
        return f"该日为{note},按“除国家法定假日以外”的规定不在免费日之列。"
    if "周一" in rule.rule_text and day.weekday() != 0:
        return f"免费日为每逢周一(及公报所列日期),该日是{weekday_cn(day)}。"
    return "该日不在公报所列的免费日中。"
