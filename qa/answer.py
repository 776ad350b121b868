"""Answering: computed answers (free days, table cells, comparisons, lists) first, extractive
sentences from retrieved chunks otherwise, and an honest refusal when the evidence is weak.

Every citation's quote is cut from its chunk's text and checked again by `qa.cite.verify`.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from qa.cite import make_citation, verify
from qa.corpus import Corpus
from qa.dates import FreeDayRule, parse_question_date, question_month, weekday_cn
from qa.freedays import free_day_rules, holiday_note, month_line, rule_sentence, why_not
from qa.model import Answer, Chunk, Citation, Document, Hit
from qa.places import PlaceNames
from qa.question import (
    COUNT_Q, DECLARED_COUNT, EFFECTIVE_Q, ISSUED_Q, ITEM_START, LIST_Q, MOST_Q, attribute_supported, form_bonus,
    measure_supported, place_supported, shape_bonus, split_question, unit_supported, unknown_doc_number, wh_noun,
)
from qa.retrieve import Retriever, SearchFilters
from qa.score import bigram_idf, coverage, informative_bigrams, sentences
from qa.synonyms import gazette_words
from qa.tables import (
    ATTRIBUTE_Q, INDEX_COLUMNS, PLACEHOLDER_COLUMN, YEAR_COLUMN, is_amount, num, pick_columns, row_name_in, row_text,
)
from qa.text import bigrams, content, int_to_cn

AGGREGATE_ROWS = ("全市", "合计", "总计", "小计")
EARLIER_Q = re.compile(r"哪个先|哪个早|哪个在前|先后|谁先|先发")
MIN_COVERAGE = 0.5  # calibrated on the gold set: keeps wrongly refused answerable questions ≤ 5% (see qa eval)


@dataclass(frozen=True)
class Draft:
    text: str
    kind: str
    citations: tuple[Citation, ...]
    score: float  # confidence used for refusal
    items: tuple[str, ...] = ()  # what a list answer enumerates, in order (follow-ups say "第一个")


@dataclass(frozen=True)
class Enumeration:
    """Something a list question may ask for. `name` is what the question is matched against;
    `extra` is the table section (section), the counting heading (declared) or the lead-in (outline)."""

    kind: str  # list | section | declared | outline
    name: str
    items: tuple[str, ...]
    cites: tuple[Citation, ...]
    extra: str = ""


class Answerer:
    """Holds the parsed corpus and a retriever; `answer()` is pure given those and `today`."""

    def __init__(self, corpus: Corpus, retriever: Retriever) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.chunks = {c.id: c for c in corpus.chunks}
        self.free_rules = free_day_rules(corpus)
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
        self.units = {(d.key, u.path): u for d in corpus.documents for u in d.walk()}
        self.places = PlaceNames("\n".join(c.header + c.text for c in corpus.chunks))

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
        missing = unknown_doc_number(q, {d.key for d in self.corpus.documents})
        if missing:
            return self._refuse(q, f"本期公报未收录{missing},无法回答该文件的内容。", []), {}
        elsewhere = self.places.unknown(q)
        if elsewhere:
            return self._refuse(q, f"本期公报未涉及{elsewhere},无法回答与{elsewhere}有关的问题。", []), {}
        # matched in the gazette's words; the question as asked is what the answer reports
        qm = gazette_words(q)
        draft, hits = self.draft(qm, today, prefer_doc, filters, focus and gazette_words(focus))
        # a part with no topic of its own ("分别是哪天?") is no question to answer alone
        parts = [p for p in split_question(qm) if len(re.sub(r"[|]|分别|各自|另外|还有|又", "", content(p))) >= 2]
        if len(parts) > 1:
            # "A?B?" / "A和B分别…": answer each part, then join what was found
            # each part is searched lexically only: the whole question already had the encoder's
            # view, and two more encodings would double a two-part answer's time (p95 ≤ 50 ms)
            drafts = [self.draft(p, today, prefer_doc, filters, mode="bm25")[0] for p in parts]
            good = [d for d in drafts if d is not None and d.score >= MIN_COVERAGE and d.citations]
            if len(good) > 1 or (good and (draft is None or draft.score < MIN_COVERAGE)):
                draft = _join(good)
        if draft is None or draft.score < MIN_COVERAGE or not draft.citations:
            return self._refuse(q, None, hits), {}
        for c in draft.citations:
            verify(c, self.chunks[c.chunk_id])
        return (Answer(draft.text, True, draft.kind, draft.citations, q),
                {"doc_key": draft.citations[0].doc_key, "items": draft.items})

    def draft(self, q: str, today: dt.date, prefer_doc: str | None = None, filters: SearchFilters | None = None,
              focus: str | None = None, mode: str = "hybrid") -> tuple[Draft | None, list[Hit]]:
        """The best candidate answer with its confidence, before the refusal decision."""
        hits = self.retriever.search(q, k=10, mode=mode, filters=filters)
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
            line = month_line(chunk, day.month)
            printed = f"公报所列本月免费日:{line.rstrip(';;。')}。" if line else ""
            if rule.covers(day):
                text = f"{day.month}月{day.day}日({weekday_cn(day)})是免费日。{printed}"
                if day.weekday() != 0 and day in rule.days:
                    text += f"依据:{rule_sentence(chunk)}"
                if spots:
                    text += f"参与的景区共{len(spots[0])}个:" + "、".join(spots[0]) + "。"
                note = holiday_note(day)
                if note and day in rule.days:
                    text += f"注意:该日为{note},但公报所列免费日包含此日(以公报所列为准)。"
            else:
                text = f"{day.month}月{day.day}日({weekday_cn(day)})不是免费日。" + why_not(day, rule) + printed
            if line:
                cites.append(make_citation(chunk, line))
            cites.append(make_citation(chunk, rule_sentence(chunk)))
        else:
            line = month_line(chunk, month)
            days = [d for d in rule.days if d.month == month]
            if line and ((year, month) in rule.whole_months or days):
                n = len(days) if days else None
                text = f"{month}月的免费日为 {line.split(':', 1)[-1].split(':', 1)[-1].rstrip(';;。')}" + (f",共{n}天。" if n else "。")
            else:
                text = f"{month}月没有免费日。" + why_not(dt.date(year, month, 1), rule)
            if line:
                cites.append(make_citation(chunk, line))
            else:
                cites.append(make_citation(chunk, rule_sentence(chunk)))
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
        """When a document was issued, or from when it applies: read off the parsed document.
        "A和B分别哪天施行/哪个先发的?" answers for each document named, and compares."""
        effective = bool(EFFECTIVE_Q.search(q))
        issued = bool(ISSUED_Q.search(q))
        if not (effective or issued):
            return None
        docs = self._named_documents(q)
        if len(docs) < 2:
            doc, cov = self._best_document(q)
            docs = [doc] if doc is not None and cov >= 0.4 else []
        found = [(doc, d) for doc in docs if (d := self._doc_date(doc, effective, issued)) is not None]
        if not found:
            return None
        if len(found) == 1:
            return found[0][1][0]
        drafts = [d for _, (d, _) in found]
        text = "".join(d.text for d in drafts)
        if EARLIER_Q.search(q):
            (first, (_, when)), *_ = sorted(found, key=lambda f: f[1][1])
            text += f"较早的是《{first.subtitle or first.title}》({when.month}月{when.day}日)。"
        return Draft(text, "date", tuple(c for d in drafts for c in d.citations), 1.0)

    def _doc_date(self, doc: Document, effective: bool, issued: bool) -> tuple[Draft, dt.date] | None:
        """The sentence giving a document's effective date, else its printed issue date."""
        if effective:
            for c in self.by_doc[doc.key]:
                if c.kind not in ("article", "section"):
                    continue
                for sent in sentences(c.text):
                    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", sent)
                    if m and re.search(r"(起|之日起)(施行|执行|实施)", sent):
                        when = dt.date(*map(int, m.groups()))
                        return Draft(f"《{doc.subtitle or doc.title}》{sent}", "date", (make_citation(c, sent),), 1.0), when
            if not issued:
                return None
        header = next(c for c in self.by_doc[doc.key] if c.kind == "header")
        printed = next((ln for ln in header.text.split("\n") if re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", ln)), None)
        if printed is None:
            return None
        when = dt.date(*map(int, re.findall(r"\d+", printed)))
        return Draft(f"《{doc.title}》({doc.number})由{doc.issuer}于{printed}印发。", "date",
                     (make_citation(header, printed),), 1.0), when

    def _named_documents(self, q: str) -> list[Document]:
        """The documents a question names one after another ("防汛防台暂行办法和畜牧业…行动方案"),
        each matched on its own words; fewer than two → []."""
        names = re.split(r"[和与跟及、,,]", re.split(r"分别|哪个|哪一个|各自", q)[0])
        docs: list[Document] = []
        for name in names:
            doc, cov = self._best_document(name) if len(content(name)) >= 4 else (None, 0.0)
            if doc is not None and cov >= 0.5 and doc not in docs:
                docs.append(doc)
        return docs if len(docs) >= 2 else []

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
                    name = row_name_in(q, row.header)
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
        cols = [j for j in pick_columns(q, table) if row.cells[j]]  # an empty cell answers nothing
        # an unnamed column (列5: the PDF lost its heading) shows its value alone
        full = ";".join(f"{'' if PLACEHOLDER_COLUMN.match(c) else c + ' '}{v}"
                        f"{table.unit if table.unit and is_amount(c) and num(v) is not None else ''}"
                        for c, v in zip(table.columns, row.cells) if v)
        if cols:
            parts = []
            for col in cols:
                val = row.cells[col]
                if val:
                    unit = table.unit if table.unit and is_amount(table.columns[col]) else ""
                    parts.append(f"{table.columns[col]}为{val}{unit}")
            text = f"{row.header}" + ",".join(parts) + f"({table.caption})。"
            if len(full) <= 400:
                text += f"该行全部内容:{full}。"
        else:
            text = f"{row.header}({table.caption}):{full}。"
        # the row is known but the question asks for something the table does not have (开门时间, 投资额),
        # or names a measure the table is not about (生猪存栏 in a 研发经费 table)
        # a row holding a single value (a per-year sub-row of one indicator) answers "多少" by itself
        values = [v for c, v in zip(table.columns, row.cells) if v and c not in INDEX_COLUMNS and c != YEAR_COLUMN]
        score = 1.0 if cols or len(values) == 1 or not ATTRIBUTE_Q.search(q) else 0.45
        context = (f"{doc.title} {table.caption} {' '.join(table.path)} {table.unit or ''} {' '.join(table.columns)} "
                   f"{row.header} {' '.join(row.raw)}")  # a sub-row's printed line lacks the name it shares
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
        cols = pick_columns(q, table)
        if not cols:
            return None
        col = cols[0]
        rows = [(n, r) for n, r in enumerate(table.rows, 1) if r.header not in AGGREGATE_ROWS and num(r.cells[col]) is not None]
        if not rows:
            return None
        low = re.search(r"最少|最低|最小", q)
        n, row = (min if low else max)(rows, key=lambda nr: num(nr[1].cells[col]))
        chunk = self._row_chunk(doc, t_no, n)
        word = "最少" if low else "最多"
        unit = table.unit if table.unit and is_amount(table.columns[col]) else ""
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
        counting = bool(COUNT_Q.search(q))
        candidates: list[tuple[float, Enumeration]] = []
        for e in self.enumerations:
            if e.kind == "section":
                if e.extra in q:
                    candidates.append((1.0 + self.cov(q, e.name), e))
            elif e.kind == "declared":
                # "先进集体(36家)": a heading that states its own count answers "一共多少家" — of the
                # year asked: 2017's 32处 does not answer for 2016
                # (the heading itself must match, since the document title is shared by its siblings)
                if counting and all(y in e.name for y in re.findall(r"20\d\d", q)):
                    candidates.append((self.cov(q, e.name) + 0.3 * self.cov(q, e.extra), e))
            else:
                candidates.append((self.cov(q, e.name) - (0.05 if e.kind == "outline" else 0), e))
        noun = wh_noun(q)
        if noun:
            # "带哪些资料" lists 资料: an enumeration that never names them (the 13 条 of the
            # regulation the question's other words match) is not that list
            candidates = [(c, e) for c, e in candidates if noun in e.name + e.extra + "".join(e.items)]
        if not candidates:
            return None
        cov, e = max(candidates, key=lambda x: x[0])
        if cov < 0.6:
            return None
        items, cites = e.items, e.cites
        sep = ";" if any("、" in i for i in items) else "、"  # keep the gazette's own separator
        if e.kind == "declared":
            text = e.extra + (":" + sep.join(items) if items else "") + "。"
        else:
            # counted in the question's own word ("占几家" → 共13家), unless the gazette's own lead-in
            # already states the count ("分以下三个阶段进行:")
            word = re.search(r"(?:几|多少)(个|家|名|项|处|人|件|条|种|类)", q)
            stated = re.search(rf"(?:{int_to_cn(len(items))}|(?<!\d){len(items)}(?!\d))\s*(?:个|项|家|名|大|类|种|条|处)", e.extra)
            count = "" if stated else f"共{len(items)}{word.group(1) if word else '项'}:"
            text = e.extra + count + sep.join(items) + "。"
        return Draft(text, "list", tuple(cites[:12]), cov, items)

    def _unit_chunks(self, doc: Document, units) -> list[Chunk]:
        out = []
        for u in units:
            c = self.by_path.get((doc.key, u.path))
            if c is None:  # a heading-only unit: its first child's chunk carries the heading path
                c = next((x for (k, p), x in self.by_path.items() if k == doc.key and p[: len(u.path)] == u.path), None)
            if c is not None:
                out.append(c)
        return out

    def _collect_enumerations(self) -> list["Enumeration"]:
        """Every enumeration a list question may ask for, with the text it is matched by."""
        out = []
        for c in self.corpus.chunks:
            if c.kind == "list":
                out.append(Enumeration("list", c.header, tuple(c.text.split("、")), (make_citation(c, c.text),)))
            elif c.kind in ("section", "article"):
                # an attachment's title in the reference list states its count: "…整改计划表(共32处)"
                for line in c.text.split("\n"):
                    if re.search(r"[((]共\d+", line) and DECLARED_COUNT.search(line):
                        title = re.sub(r"^附件[::]?\s*(?:\d+[\.、])?", "", line).strip()
                        out.append(Enumeration("declared", f"{c.header} {title}", (), (make_citation(c, line),), title))
        for doc in self.corpus.documents:
            for t_no, table in enumerate(doc.tables, 1):
                chunk = self.by_id_suffix.get((doc.key, str(t_no)))
                for sec in dict.fromkeys(r.section for r in table.rows if r.section):
                    rows = tuple(r.header for r in table.rows if r.section == sec)
                    if chunk and "\n".join(rows) in chunk.text:
                        out.append(Enumeration("section", f"{table.caption} {sec}", rows,
                                               (make_citation(chunk, "\n".join(rows)),), sec))
            for u in doc.walk():
                if DECLARED_COUNT.search(u.heading):
                    chunk = self._unit_chunks(doc, [u])
                    if chunk and u.heading in chunk[0].text:
                        items = tuple(k.heading for k in u.children)
                        out.append(Enumeration("declared", f"{doc.title} {u.heading}", items,
                                               (make_citation(chunk[0], u.heading),), u.heading))
            for parent, kids in _enumerations(doc):
                cites = [make_citation(ch, ch.text.split("\n")[0]) for ch in self._unit_chunks(doc, kids)]
                if not cites:
                    continue
                # the parent's own lead-in ("…分以下三个阶段:") states the count in the gazette's words
                intro = ""
                own = self.by_path.get((doc.key, parent.path)) if parent is not None else None
                if own is not None:
                    intro = next((x for x in reversed(sentences(own.text)) if x.endswith((":", ":"))), "")
                    if intro:
                        cites = [make_citation(own, intro)] + cites
                items = tuple(k.heading for k in kids)
                heading = parent.heading if parent is not None else ""
                # an outline is named by its heading and by the word its items share ("…阶段" for 几个阶段)
                name = f"{doc.subtitle or doc.title} {heading} {_shared_suffix(list(items))}".rstrip()
                out.append(Enumeration("outline", name, items, tuple(cites), intro))
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
        total = math.fsum(weight.values())  # fsum over sets: order-free, see qa.score.coverage
        cands = []
        for rank, h in enumerate(self._with_neighbours(hits)):
            if h.chunk.kind in ("header", "table"):
                continue
            head = re.sub(r"\s", "", h.chunk.header)
            for s in _pieces(h.chunk):
                # "乡(镇)" is asked as "乡镇": brackets are dropped for matching only
                flat = re.sub(r"[\s()()]", "", s)
                own = {b for b in qb if b in flat}
                ctx = {b for b in qb if b in head}
                score = (math.fsum(weight[b] for b in own | ctx) / total + 0.5 * math.fsum(weight[b] for b in own - ctx) / total
                         + form_bonus(q, s) + shape_bonus(q, s) + 0.05 / (rank + 1)
                         + (0.05 if prefer_doc and h.chunk.doc_key == prefer_doc else 0))
                cands.append((score, own | ctx, s, h.chunk))
        if not cands:
            return None
        cands.sort(key=lambda x: -x[0])
        best = cands[0]
        picked = [best]
        covered = set(best[1])
        for cand in cands[1:12]:
            gain = math.fsum(weight[b] for b in cand[1] - covered) / total
            # another sentence only when it answers a part the first leaves open, and is itself on topic
            if gain >= 0.15 and cand[0] >= 0.5 * best[0] and len(picked) < 3 and cand[2] not in [p[2] for p in picked]:
                picked.append(cand)
                covered |= cand[1]
        cites, parts = [], []
        for _, _, sent, chunk in picked:
            sents = _pieces(chunk)
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
        confidence = math.fsum(weight[b] for b in covered) / total
        said = "".join(parts)
        # a table row states bare numbers; its unit is in the column heading
        if not unit_supported(q, said) and not all(c.kind == "table_row" for _, _, _, c in picked):
            confidence *= 0.4
        if not attribute_supported(q, said + " ".join(c.header for _, _, _, c in picked)):
            confidence *= 0.75
        if not measure_supported(q, said):
            confidence *= 0.5
        if not place_supported(q, said):
            confidence *= 0.5
        # a list question answered by a heading ("建设A、B、C三大基地"): its sub-items are the list
        unit = self.units.get((best[3].doc_key, best[3].path))
        items = tuple(u.heading for u in unit.children) if kind == "list" and unit and len(unit.children) >= 2 else ()
        return Draft("".join(parts), kind, tuple(cites), confidence, items)

# ---------------------------------------------------------------- helpers
def _join(drafts: list[Draft]) -> Draft:
    """One answer from several part-answers; [n] markers renumbered to the joined citation list."""
    texts, cites = [], []
    for d in drafts:
        offset = len(cites)
        texts.append(re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", d.text))
        cites.extend(d.citations)
    kinds = {d.kind for d in drafts}
    return Draft("".join(texts), kinds.pop() if len(kinds) == 1 else "fact", tuple(cites), min(d.score for d in drafts))


def _pieces(chunk: Chunk) -> list[str]:
    """What an extractive answer quotes: sentences, but a table row whole (one record: its remark
    "(增设红绿灯)" belongs with the rest of the row)."""
    if chunk.kind == "table_row":
        return [ln.strip() for ln in chunk.text.split("\n") if ln.strip()]
    return sentences(chunk.text)


def _span(text: str, picked: list[str]) -> str:
    start = text.find(picked[0])
    end = text.find(picked[-1], start) + len(picked[-1])
    return text[start:end] if start >= 0 and end > start else picked[0]


def _shared_suffix(items: list[str]) -> str:
    """The noun every item ends with, brackets and punctuation aside: 前期部署阶段/分类推进阶段 → 阶段."""
    tails = [re.sub(r"[((][^))]*[))]|[。::\s]", "", i) for i in items]
    if len(tails) < 2 or not all(tails):
        return ""
    n = 0
    while n < min(map(len, tails)) and len({t[-1 - n] for t in tails}) == 1:
        n += 1
    return tails[0][len(tails[0]) - n:] if n >= 2 else ""


def _enumerations(doc: Document):
    """(name, items) for each outline level that enumerates: the plan's top-level items, and the
    children of any unit with two or more."""
    top = [u for u in doc.units if u.kind in ("section", "article", "chapter") and not u.path[0].startswith("附件")]
    if len(top) >= 2:
        yield None, top
    for u in doc.walk():
        if len(u.children) >= 2:
            yield u, list(u.children)

