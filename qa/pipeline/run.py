"""The answering pipeline: understand → gates → retrieve → propose → score/select → decide → compose,
with a Trace of what every stage produced. Construct once with its parts; `run()` is pure given them."""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace

from qa.cite import MARKER, make_citation, said_once, verify
from qa.conversation import asks_only_passed
from qa.model import Answer, Hit
from qa.pipeline import features as F
from qa.pipeline.context import AnswerContext
from qa.pipeline.currency import prefer_current
from qa.pipeline.scorer import Scorer
from qa.pipeline.skills import SKILLS, extractive, table_cell
from qa.pipeline.skills.deadline import before_effect_note, later_year_note, time_note, unnamed_year_note
from qa.pipeline.skills.doc_dates import earlier_note, issued_note
from qa.pipeline.types import Candidate, Decision, Part, QueryPlan, Scored, Trace
from qa.pipeline.unprinted import unprinted_note
from qa.pipeline.understand import Understander
from qa.question import asks_validity, unknown_doc_number
from qa.retrieve import Retriever, SearchFilters, in_context
from qa.score import sentences
from qa.text import content
from qa.timeline import weekday_note

K = 10
DENSE_PIECES = 20
UNTRAINED_THRESHOLD = 0.5


@dataclass(frozen=True)
class Outcome:
    answer: Answer
    trace: Trace
    plan: QueryPlan
    scored: tuple[tuple[Scored, ...], ...]  # per part, best first (for training and the eval's stage report)
    decision: Decision
    doc_key: str | None
    items: tuple[str, ...]


class Pipeline:
    def __init__(self, ctx: AnswerContext, retriever: Retriever, encoder=None, scorer: Scorer | None = None,
                 understander: Understander | None = None) -> None:
        self.ctx = ctx
        self.retriever = retriever
        self.encoder = encoder
        self.scorer = scorer
        self.understander = understander or Understander(known_place=ctx.knows_place, respell=ctx.respeller.fix,
                                                         word_starts=retriever.index.tokenizer.word_starts,
                                                         rows=ctx.row_names, labels=ctx.field_labels,
                                                         titles={k: d.title for k, d in ctx.docs.items()})

    @property
    def threshold(self) -> float:
        return self.scorer.threshold if self.scorer else UNTRAINED_THRESHOLD

    def run(self, asked: str, today: dt.date, *, previous: str | None = None, items: tuple[str, ...] = (),
            filters: SearchFilters | None = None, cancel=None,
            plan: QueryPlan | None = None) -> Outcome:
        trace = Trace()
        t = time.perf_counter()
        if plan is None:
            plan = self.understander.plan(asked, today, previous, items)
        trace, t = _lap(trace, t, "understand", standalone=plan.standalone, match=plan.match, intent=plan.intent,
                        slots=plan.slots, parts=[_shown(p) for p in plan.parts[1:]], follow_up=plan.follow_up)
        _check(cancel)
        gate = self._gates(plan)
        if gate is not None:
            trace, t = _lap(trace, t, "gates", decided=gate.reason)
            return self._refusal(plan, trace, gate, [], ())
        trace, t = _lap(trace, t, "gates", decided="continue")
        # retrieve: the whole question with both retrievers; each further part lexically only (the
        # whole question already had the encoder's view; more encodings would multiply the time)
        qvec = self.encoder.encode_queries([plan.match])[0] if self.encoder is not None else None
        hits_per_part: list[list[Hit]] = []
        for n, part in enumerate(plan.parts):
            mode = "hybrid" if n == 0 and qvec is not None else "bm25"
            hits = self.retriever.search(part.text, k=K, mode=mode, filters=filters,
                                         query_vector=qvec if mode == "hybrid" else None)
            hits_per_part.append(in_context(hits, hits_per_part[0], K) if n else hits)
        dense = self.ctx.top_pieces(qvec, DENSE_PIECES) if filters is None else []
        trace, t = _lap(trace, t, "retrieve", docs=_doc_order(hits_per_part[0])[:5],
                        chunks=[h.chunk.id for h in hits_per_part[0][:5]], pieces=[p for p, _ in dense[:3]])
        _check(cancel)
        restricted = filters is not None and bool(filters.doc_keys or filters.kinds)
        proposed: list[list[Candidate]] = []
        for n, part in enumerate(plan.parts):
            cands: list[Candidate] = []
            for skill in SKILLS if part.asks else ():
                if restricted and skill is not extractive:
                    continue
                if skill is extractive:
                    found = extractive.propose(self.ctx, plan, part, hits_per_part[n], dense if n == 0 else ())
                else:
                    found = skill.propose(self.ctx, plan, part, hits_per_part[n])
                cands.extend(_with_sources(c) for c in found if c.citations)
            proposed.append(within_scope(self.ctx, cands))
        trace, t = _lap(trace, t, "propose", counts=[len(c) for c in proposed])
        _check(cancel)
        scored = tuple(self._score(plan, n, cands, hits_per_part[n], dense, qvec) for n, cands in enumerate(proposed))
        scored = prefer_current(self.ctx, plan, scored, self.threshold)  # a repealed document gives way
        trace, t = _lap(trace, t, "select", best=[_brief(s[0]) for s in scored if s],
                        candidates=[_brief(x) for x in scored[0][:5]] if scored and scored[0] else [])
        decision = self._decide(plan, scored)
        trace, t = _lap(trace, t, "decide", reason=decision.reason, confidence=round(decision.confidence, 3),
                        threshold=round(self.threshold, 3), unanswered=list(decision.unanswered_parts))
        if not decision.chosen:
            return self._refusal(plan, trace, decision, hits_per_part[0], scored)
        answer, doc_key, its = self._compose(plan, decision)
        trace, t = _lap(trace, t, "compose", citations=len(answer.citations))
        return Outcome(answer, trace, plan, scored, decision, doc_key, its)

    # ------------------------------------------------------------ stages
    def _gates(self, plan: QueryPlan) -> Decision | None:
        q = plan.match
        if not content(q).replace("|", ""):
            return Decision((), 0.0, "gate:empty", "请输入一个具体的问题,例如“电动自行车登记要带哪些材料?”")
        missing = unknown_doc_number(q, set(self.ctx.docs))
        # a document the corpus does not hold but says it repeals ("…(衢政办发[2015]7号)同时废止"):
        # whether it is still in force the corpus answers, by the repealing document
        repealed = missing and asks_validity(q) and self.ctx.corpus.timeline.repeals_of(missing)
        if missing and not repealed:
            return Decision((), 0.0, "gate:unknown_document", f"本期公报未收录{missing},无法回答该文件的内容。")
        # a place the asker only says they live or work in ("我在金华市上班,衢州…") is no topic
        elsewhere = self.ctx.places.unknown(plan.parts[0].typed)
        if elsewhere:
            return Decision((), 0.0, "gate:unknown_place", f"本期公报未涉及{elsewhere},无法回答与{elsewhere}有关的问题。")
        return None

    def _score(self, plan, n, cands, hits, dense, qvec) -> tuple[Scored, ...]:
        if not cands:
            return ()
        part = plan.parts[n]
        sims = dict(dense)
        sims.update(self.ctx.piece_sims(qvec, [i for i in F.question_pieces(self.ctx, cands) if i not in sims]))
        chunk_rank = {h.chunk.id: r for r, h in enumerate(hits)}
        doc_rank = {d: r for r, d in enumerate(_doc_order(hits))}
        view = F.RetrievalView(chunk_rank, doc_rank, sims, max((s for _, s in dense), default=0.0),
                               F.unknown_share(self.ctx, part.text))
        rows = F.add_relative([F.featurize(self.ctx, plan, part, c, view) for c in cands])
        out = []
        for c, feats in zip(cands, rows):
            c = replace(c, features=feats, part=n)
            p = self.scorer.p(feats) if self.scorer else _untrained(feats)
            out.append(Scored(c, p))
        out.sort(key=lambda s: -s.p)
        return tuple(out)

    def _decide(self, plan: QueryPlan, scored) -> Decision:
        return decide(plan, scored, self.scorer)


    def _compose(self, plan: QueryPlan, decision: Decision) -> tuple[Answer, str | None, tuple[str, ...]]:
        texts, cites = [], []
        for s in decision.chosen:
            c = s.candidate
            offset = len(cites)
            said, quoted = said_once(c.text, c.citations)
            texts.append(MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", said))
            cites.extend(quoted)
        # an item quoted alone says under which lead-in it stands ("…不予办理登记:")
        note, extra = extractive.lead_in_note(self.ctx, [(c.chunk_id, c.quote) for c in cites], "".join(texts), len(cites))
        texts.append(note)
        cites.extend(extra)
        # a table row quoted as printed names each figure's column
        texts.append(table_cell.row_note(self.ctx, [(c.chunk_id, c.quote) for s in decision.chosen
                                                    if s.candidate.skill == extractive.NAME for c in s.candidate.citations],
                                         "".join(texts)))
        # a term the asker quotes that the corpus never prints is said to be absent, not left to inference
        texts.append(unprinted_note(self.ctx.corpus_text, plan.match, "".join(texts)))
        texts.append(earlier_note(plan.match, [(s.candidate.text, self.ctx.docs.get(s.candidate.citations[0].doc_key))
                                               for s in decision.chosen]))
        # a quoted deadline, asked about, is said against today (year, weekday, passed or not); then
        # what the quotes cannot say of themselves (each note sees the text so far, so none repeats it)
        quoted = [(c.chunk_id, c.quote) for c in cites]
        texts.append(time_note(self.ctx, plan, quoted, {s.candidate.skill for s in decision.chosen}))
        # a rule quoted for a day before it took effect says so, citing its own sentence of effect
        note, extra = before_effect_note(self.ctx, plan, quoted, "".join(texts), len(cites))
        texts.append(note)
        cites.extend(extra)
        cited = [self.ctx.docs[k] for k in dict.fromkeys(c.doc_key for c in cites) if k in self.ctx.docs]
        timeline = self.ctx.corpus.timeline.docs
        texts.append(issued_note(plan.match, [(d, timeline[d.key].issued if d.key in timeline else None) for d in cited],
                                 "".join(texts)))
        texts.append(later_year_note(self.ctx, plan, quoted, "".join(texts)))
        texts.append(unnamed_year_note(self.ctx, plan, quoted, "".join(texts)))
        texts.append(weekday_note("".join(texts)))
        dated = any(w in "".join(texts) for w in ("已过", "尚未到期"))
        for part in decision.unanswered_parts:
            if dated and asks_only_passed(part):
                continue  # "现在过了没?": the answer already says where today stands
            # as a refusal says it: not stated, or not found (a part may be below τ, not absent)
            texts.append(f"关于“{part.rstrip('?')}”,本期公报未作规定/未找到直接相关的内容。")
        for c in cites:
            verify(c, self.ctx.chunks[c.chunk_id])
        kinds = {s.candidate.kind for s in decision.chosen}
        kind = kinds.pop() if len(kinds) == 1 else "fact"
        first = decision.chosen[0].candidate
        answer = Answer("".join(texts), True, kind, tuple(cites), plan.standalone)
        return answer, first.citations[0].doc_key, first.items

    def _refusal(self, plan, trace, decision: Decision, hits, scored) -> Outcome:
        related = []
        for h in hits[:3]:
            sent = sentences(h.chunk.text)
            if sent and h.chunk.kind != "header":
                related.append(make_citation(h.chunk, sent[0]))
        top = scored[0][0].candidate if scored and scored[0] else None
        if decision.message is None and top is not None and top.features.get("unlisted"):
            # "6月12日去西湖免费吗?": the honest answer is that the named thing is not on the cited list
            decision = Decision((), decision.confidence, decision.reason, top.text)
        absent = unprinted_note(self.ctx.corpus_text, plan.match, "")
        text = decision.message or (absent or "本期公报未作规定/未找到与该问题直接相关的内容。") + ("可参考下列相关条文。" if related else "")
        answer = Answer(text, False, "refusal", (), plan.standalone, related=tuple(related))
        return Outcome(answer, trace, plan, tuple(scored), decision, None, ())


def within_scope(ctx: AnswerContext, cands: list[Candidate]) -> list[Candidate]:
    """Once the free-days skill has found the place asked about off the activity's list ("6月12日去西湖
    免费吗?": 西湖 is none of the 13 spots), the dates the deadline skill reads from the activity's own
    rule (its start, its months) speak of the listed spots only: read out for 西湖 they would say what
    the gazette does not. Other answers stay (the off-list test is lexical and can misfire)."""
    if not any(c.features.get("unlisted") for c in cands):
        return cands
    rule_chunks = {chunk.id for _, chunk, _ in ctx.free_rules}
    return [c for c in cands if not (c.skill == "deadline" and c.citations
                                     and all(x.chunk_id in rule_chunks for x in c.citations))]


def _with_sources(c: Candidate) -> Candidate:
    """A computed answer states what it rests on in the source's own words: each cited quote the
    text does not already hold follows it, numbered as its citation ("依据:“…每逢周一实行免费…”[1]")."""
    if c.skill == extractive.NAME or MARKER.search(c.text):
        return c
    flat = re.sub(r"\s", "", c.text)
    # a quote the text already holds, bar its closing punctuation ("…车辆;" quoted as "…车辆”"), is not repeated
    held = [re.sub(r"\s", "", x.quote).rstrip("。;;,,") in flat for x in c.citations]
    shown = [f"“{x.quote}”[{k}]" for k, (x, h) in enumerate(zip(c.citations, held), 1) if not h]
    marks = "".join(f"[{k}]" for k, h in enumerate(held, 1) if h)
    text = c.text + marks + ("依据:" + ";".join(shown) + "。" if shown else "")
    return replace(c, text=text)


def _named(part: Part) -> str:
    """A further part as the answer names it when it is not stated: in the words typed, not with
    the topic it carries from the first part."""
    return part.typed


def _shown(part: Part) -> str:
    """A part as the trace lists it: a sentence that asks nothing is marked as not answered."""
    return part.text if part.asks else f"{part.text} (not asked: a circumstance)"


def part_confidence(part_scored: tuple[Scored, ...], scorer: Scorer | None) -> float:
    """The calibrated probability that a part's selected candidate is right (0 with no candidate)."""
    if not part_scored:
        return 0.0
    if scorer is None:
        return part_scored[0].p
    return scorer.decide.p(F.decision_features(part_scored))


def decide(plan: QueryPlan, scored, scorer: Scorer | None, tau: float | None = None) -> Decision:
    """Answer with the whole question's best candidate, or with each part's when two or more parts
    are answered (or only parts are); a part below τ is named as not stated."""
    tau = tau if tau is not None else (scorer.threshold if scorer else UNTRAINED_THRESHOLD)
    conf = [part_confidence(s, scorer) for s in scored]
    whole = scored[0][0] if scored and scored[0] else None
    if len(scored) >= 3:  # the whole question and at least two parts
        confident = [i for i in range(1, len(scored)) if scored[i] and conf[i] >= tau]
        good = [(scored[i][0], conf[i]) for i in confident]
        # two parts one answer answers ("从啥时候开始算的?到年底就不搞了吗?": the span with what
        # follows it) say it once
        said: set[str] = set()
        good = [(g, c) for g, c in good if not (g.candidate.text in said or said.add(g.candidate.text))]
        # a part that carries the first part's topic ("…多少钱?有没有封顶?") matches that topic's
        # sentences by the carried words alone: it adds to an answer, it cannot stand for one
        own = any(plan.parts[i].focus is None for i in confident)
        if own and (len(good) >= 2 or whole is None or conf[0] < tau):
            open_parts = tuple(_named(plan.parts[i]) for i in range(1, len(scored))
                               if plan.parts[i].asks and (not scored[i] or conf[i] < tau))
            return Decision(tuple(g for g, _ in good), min(c for _, c in good), "answered", unanswered_parts=open_parts)
    if whole is not None and conf[0] >= tau:
        # answered as a whole, each further part is answered by it, or by its own confident best
        # (added), or named as not stated: a two-part question never loses a part silently
        quoted = {c.quote for c in whole.candidate.citations}
        extra, open_parts = [], []
        for i in range(1, len(scored)) if len(scored) >= 3 else ():
            best = scored[i][0] if scored[i] else None
            if best is not None and any(c.quote in quoted for c in best.candidate.citations):
                continue
            if conf[i] < tau and any(x.candidate.text == whole.candidate.text for x in scored[i]):
                continue  # the whole's answer was proposed for this part too: it answers it
            if best is not None and conf[i] >= tau:
                extra.append(best)
                quoted |= {c.quote for c in best.candidate.citations}
            elif plan.parts[i].asks:
                open_parts.append(_named(plan.parts[i]))
        return Decision((whole, *extra), conf[0], "answered", unanswered_parts=tuple(open_parts))
    if whole is None:
        return Decision((), 0.0, "no_candidate")
    return Decision((), conf[0], "below_threshold")


def _untrained(feats: dict[str, float]) -> float:
    """Before a scorer is fitted: the skill's own strength times lexical coverage."""
    return feats["prior"] * feats["coverage"]


def _check(cancel) -> None:
    if cancel is not None:
        cancel.check()


def _lap(trace: Trace, t: float, name: str, **summary) -> tuple[Trace, float]:
    now = time.perf_counter()
    return trace.add(name, (now - t) * 1000, **summary), now


def _doc_order(hits: list[Hit]) -> list[str]:
    return list(dict.fromkeys(h.chunk.doc_key for h in hits))


def _brief(s: Scored) -> str:
    c = s.candidate
    docs = ",".join(dict.fromkeys(x.doc_key for x in c.citations))
    return f"{s.p:.3f} {c.skill} [{docs}] {c.text[:70]}"
