"""What the skills look things up in, built once per corpus: chunks by id/document/path, the bigram
IDF table, enumerations, units, free-day rules, place names, and the sentence-level vectors."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qa.cite import make_citation
from qa.conversation import field_labels
from qa.corpus import Corpus
from qa.freedays import free_day_rules
from qa.model import Chunk, Citation, Document
from qa.places import PlaceNames
from qa.question import DECLARED_COUNT
from qa.respell import Respeller
from qa.score import bigram_idf, question_weights, sentences, weighted_coverage
from qa.mentions import row_names
from qa.tables import place_heads
from qa.text import ARTICLE, squeeze


@dataclass(frozen=True)
class Enumeration:
    """Something a list question may ask for. `name` is what the question is matched against;
    `extra` is the table section (section), the counting heading (declared) or the lead-in (outline)."""

    kind: str  # list | section | declared | outline
    name: str
    items: tuple[str, ...]
    cites: tuple[Citation, ...]
    extra: str = ""


@lru_cache(maxsize=1 << 14)  # the skills and features split the same retrieved chunks for every candidate
def pieces(chunk: Chunk) -> tuple[str, ...]:
    """What an answer quotes: sentences, but a table row whole (one record: its remark
    "(增设红绿灯)" belongs with the rest of the row)."""
    if chunk.kind == "table_row":
        return tuple(ln.strip() for ln in chunk.text.split("\n") if ln.strip())
    if chunk.kind == "header":
        return ()
    return tuple(sentences(chunk.text))


def piece_ids(chunks) -> list[tuple[str, str]]:
    """(piece id, text) for every quotable piece, in corpus order: `<chunk id>~<n>`."""
    out = []
    for c in chunks:
        for n, s in enumerate(pieces(c)):
            out.append((f"{c.id}~{n}", s))
    return out


class AnswerContext:
    """Holds the parsed corpus and its lookups; read-only after construction."""

    def __init__(self, corpus: Corpus, piece_store=None) -> None:
        self.corpus = corpus
        self.chunks = {c.id: c for c in corpus.chunks}
        self.free_rules = free_day_rules(corpus)
        self.idf = bigram_idf([c.header + c.text for c in corpus.chunks])
        self.idf_top = max(self.idf.values(), default=1.0)  # the weight of a bigram the corpus lacks
        self.by_doc: dict[str, list[Chunk]] = {}
        self.by_id_suffix: dict[tuple[str, str], Chunk] = {}
        self.by_path: dict[tuple[str, tuple[str, ...]], Chunk] = {}
        for c in corpus.chunks:
            self.by_doc.setdefault(c.doc_key, []).append(c)
            if c.kind in ("table", "table_row"):
                self.by_id_suffix[(c.doc_key, c.id.split("#", 1)[1].rsplit("/t", 1)[-1])] = c
            if c.kind in ("section", "article"):
                self.by_path.setdefault((c.doc_key, c.path), c)
        self.units = {(d.key, u.path): u for d in corpus.documents for u in d.walk()}
        self.docs = {d.key: d for d in corpus.documents}
        self.enumerations = self._collect_enumerations()
        printed = "\n".join(c.header + c.text for c in corpus.chunks)
        self.places = PlaceNames(printed)
        self.corpus_text = squeeze(printed)
        self.place_heads = place_heads(self.corpus_text)
        self.row_names = row_names([t for d in corpus.documents for t in d.tables])
        self.field_labels = field_labels(printed)  # "联系领导:", "牵头部门:": fields, not topics
        self.respeller = Respeller(self.corpus_text)  # IME homophone slips, toward this corpus's words
        # sentence-level vectors (index folder, same encoder as the chunks): similarity is a feature
        self.piece_store = piece_store
        self.piece_text = dict(piece_ids(corpus.chunks))
        self._weights = lru_cache(maxsize=1024)(lambda q: question_weights(q, self.idf, self.idf_top))
        self._places_named = lru_cache(maxsize=1024)(self.places.named)
        # the dated statements (qa.timeline) by chunk, then by sentence: what a time answer quotes
        self.dates_by_chunk: dict[str, dict[str, list]] = {}
        for r in corpus.timeline.records:
            self.dates_by_chunk.setdefault(r.chunk_id, {}).setdefault(r.text, []).append(r)
        self._lookups: dict[str, object] = {}

    def lookup(self, name: str, build):
        """A skill's table over this corpus, built once by `build(self)` and kept with the context
        (not in a module-level cache that would keep an old corpus alive after a rebuild)."""
        if name not in self._lookups:
            self._lookups[name] = build(self)
        return self._lookups[name]

    def doc_text(self, doc_key: str) -> str:
        """A document's whole text, whitespace removed (headers included: its issuer names its city)."""
        texts = self.lookup("doc_text", lambda ctx: {k: squeeze("".join(c.header + c.text for c in cs))
                                                     for k, cs in ctx.by_doc.items()})
        return texts.get(doc_key, "")

    def places_named(self, q: str) -> tuple[str, ...]:
        return self._places_named(q)

    def knows_place(self, name: str) -> bool:
        """Whether the corpus prints this place name ("开化县") more than once: a follow-up may swap it."""
        return self.corpus_text.count(name) >= 2

    def cov(self, q: str, text: str) -> float:
        """qa.score.coverage with this corpus's IDF; the question's weights are worked out once per
        question (every candidate of every skill is scored against the same question)."""
        return weighted_coverage(self.question_weights(q), text)

    def question_weights(self, q: str) -> tuple[tuple[str, float], ...]:
        return self._weights(q)

    def known_cov(self, q: str, text: str) -> float:
        """ctx.cov over the question's words this corpus holds: which of its passages or tables a
        question points at is said by those alone ("家里在山脚下,常听村干部讲…" points nowhere)."""
        return weighted_coverage(tuple((b, w) for b, w in self.question_weights(q) if b in self.idf), text)


    def piece_sims(self, qvec: np.ndarray | None, ids: list[str]) -> dict[str, float]:
        """Cosine similarity of the question to each piece id (0 where unknown or no vectors)."""
        if qvec is None or self.piece_store is None or not ids:
            return {}
        rows, keep = [], []
        for i in ids:
            try:
                rows.append(self.piece_store.row_of(i))
                keep.append(i)
            except KeyError:
                continue
        if not rows:
            return {}
        mat = self.piece_store.vectors(rows)
        sims = mat @ qvec
        return {i: float(s) for i, s in zip(keep, sims)}

    def top_pieces(self, qvec: np.ndarray | None, k: int = 20) -> list[tuple[str, float]]:
        if qvec is None or self.piece_store is None:
            return []
        return self.piece_store.search(qvec, k)

    def best_document(self, q: str) -> tuple[Document | None, float]:
        best, best_cov = None, 0.0
        for d in self.corpus.documents:
            cov = max(self.cov(q, d.title), self.cov(q, d.subtitle or ""))
            if d.key in q or d.number in q:
                cov = 1.0
            if cov > best_cov:
                best, best_cov = d, cov
        return best, best_cov

    def unit_chunks(self, doc: Document, units) -> list[Chunk]:
        out = []
        for u in units:
            c = self.by_path.get((doc.key, u.path))
            if c is None:  # a heading-only unit: its first child's chunk carries the heading path
                c = next((x for (k, p), x in self.by_path.items() if k == doc.key and p[: len(u.path)] == u.path), None)
            if c is not None:
                out.append(c)
        return out

    def _collect_enumerations(self) -> list[Enumeration]:
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
                    chunk = self.unit_chunks(doc, [u])
                    if chunk and u.heading in chunk[0].text:
                        items = tuple(k.heading for k in u.children)
                        out.append(Enumeration("declared", f"{doc.title} {u.heading}", items,
                                               (make_citation(chunk[0], u.heading),), u.heading))
            for heading, leads in run_in_heads(self.by_doc.get(doc.key, [])):
                # paragraphs that open with their own short title ("新型皮革。紧跟…", "坚持创新驱动。把…"):
                # the sub-items of a unit the outline does not number
                items = tuple(lead for lead, _ in leads)
                cites = tuple(make_citation(c, f"{lead}。") for lead, c in leads)
                name = f"{doc.subtitle or doc.title} {heading} {shared_suffix(list(items))}".rstrip()
                out.append(Enumeration("outline", name, items, cites))
            for parent, kids in _outline_levels(doc):
                if all(ARTICLE.fullmatch(squeeze(k.heading)) for k in kids):
                    # articles are headed by their number alone: a list of them ("共13项:第一条、第二条…")
                    # names nothing; how many there are is the structure's count (skills.enumeration)
                    continue
                cites = [make_citation(ch, ch.text.split("\n")[0]) for ch in self.unit_chunks(doc, kids)]
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
                name = f"{doc.subtitle or doc.title} {heading} {shared_suffix(list(items))}".rstrip()
                out.append(Enumeration("outline", name, items, tuple(cites), intro))
        return out


# a paragraph's own short title, before its first full stop: no comma, pause or bracket inside
_RUN_IN = re.compile(r"^([^,,。;;::、()()“”\s]{2,14})。(?=\S)")


def run_in_heads(chunks: list[Chunk]) -> list[tuple[str, list[tuple[str, Chunk]]]]:
    """(unit heading, [(title, chunk)]) for each unit with two or more paragraphs that open with a
    short title of their own and go on after it, in the order printed; a unit long enough to be cut
    into several chunks (…/p1, …/p2) is read across them, each title once."""
    by_unit: dict[str, dict[str, Chunk]] = {}  # unit → title → the chunk it first stands in
    heading: dict[str, str] = {}
    for c in chunks:
        if c.kind not in ("section", "article"):
            continue
        unit = re.sub(r"/p\d+$", "", c.id)
        heading[unit] = c.section.split(" / ")[-1]
        for line in c.text.split("\n"):
            if m := _RUN_IN.match(line):
                by_unit.setdefault(unit, {}).setdefault(m.group(1), c)
    return [(heading[u], list(leads.items())) for u, leads in by_unit.items() if len(leads) >= 2]


def shared_suffix(items: list[str]) -> str:
    """The noun every item ends with, brackets and punctuation aside: 前期部署阶段/分类推进阶段 → 阶段."""
    tails = [re.sub(r"[((][^))]*[))]|[。::\s]", "", i) for i in items]
    if len(tails) < 2 or not all(tails):
        return ""
    n = 0
    while n < min(map(len, tails)) and len({t[-1 - n] for t in tails}) == 1:
        n += 1
    return tails[0][len(tails[0]) - n:] if n >= 2 else ""


def _outline_levels(doc: Document):
    """(parent, items) for each outline level that enumerates: the plan's top-level items, and the
    children of any unit with two or more."""
    top = [u for u in doc.units if u.kind in ("section", "article", "chapter") and not u.path[0].startswith("附件")]
    if len(top) >= 2:
        yield None, top
    for u in doc.walk():
        if len(u.children) >= 2:
            yield u, list(u.children)
