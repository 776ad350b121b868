"""The facade the CLI, the service and the evaluation harness use: parsed corpus + index + answerer."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Sequence

from qa.cancel import CancelToken
from qa.config import Settings
from qa.conversation import SessionStore, Turn, is_elliptical
from qa.errors import IndexNotBuilt, InvalidQuery, QAError
from qa.limits import MAX_QUESTION
from qa.llm import LLMPhraser, draft_units
from qa.model import Answer, Document, Hit
from qa.retrieve import CHUNK_KINDS, SEARCH_MODES, SearchFilters
from qa.text import clean_question

if TYPE_CHECKING:
    from qa.pipeline.run import Outcome
    from qa.pipeline.types import Trace

__all__ = ["Engine", "Filters", "Reply", "SEARCH_MODES", "CHUNK_KINDS"]

Filters = SearchFilters  # restrict retrieval: doc_keys (〔〕 or [ ]), kinds, date_from/date_to, in_force_on (ISO)


@dataclass(frozen=True)
class Reply:
    answer: Answer
    session_id: str
    trace: "Trace | None" = None  # what each answering stage produced (qa ask --trace, eval)
    outcome: "Outcome | None" = None  # the pipeline's full result: candidates and their scores


class Engine:
    """Construct with settings, then `warm_up()` (parses the corpus, loads the index and the encoder)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = SessionStore(settings.session_ttl_seconds, settings.session_max)
        self.corpus = None
        self.encoder = None
        self.retriever = None
        self.answerer = None
        self.pipeline = None
        self.llm = None  # an OpenAI-compatible endpoint, only when QA_LLM_BASE_URL is set

    def warm_up(self, *, rebuild: bool = False, on_rebuild: Callable[[IndexNotBuilt], None] | None = None) -> None:
        """Raises IndexNotBuilt (or its IndexCorrupt/IndexStale) when the index cannot be used; with
        `rebuild`, builds it instead (`on_rebuild` hears what was wrong first)."""
        from index.encoders import load_encoder

        from qa.build import PIECES, ensure_index, load_retriever
        from qa.corpus import load_corpus
        from qa.pipeline.context import AnswerContext
        from qa.pipeline.run import Pipeline
        from qa.pipeline.skills import warm_up as warm_skills
        from qa.retrieve import Retriever

        corpus = load_corpus(self.settings.corpus_files())
        encoder = load_encoder(self.settings.encoder, query_cache=self.settings.query_cache)
        encoder.warm_up()
        if rebuild:
            retriever = Retriever(ensure_index(self.settings, corpus, encoder, on_rebuild)[0], corpus.chunks)
        else:
            retriever = load_retriever(self.settings, corpus, encoder)
        retriever.in_force = corpus.timeline.in_force_on  # the lookup's "in force on day X" filter
        retriever.index.warm_up()  # jieba's dictionary: the first question should not pay for it
        self.corpus, self.encoder, self.retriever = corpus, encoder, retriever
        self.llm = LLMPhraser.from_settings(self.settings)
        ctx = AnswerContext(corpus, retriever.index.extra_stores.get(PIECES))
        ctx.places.warm_up()  # the place tagger's dictionary, likewise
        ctx.respeller.warm_up()
        warm_skills(ctx)  # and the skills' lookups over the corpus
        self.pipeline = Pipeline(ctx, retriever, encoder, _scorer(self.settings))
        self.answerer = self.pipeline  # readiness: the pipeline is what answers

    @property
    def ready(self) -> bool:
        return self.answerer is not None

    def _need(self) -> None:
        if not self.ready:
            raise QAError("the engine is not warmed up yet; call warm_up() first")

    def documents(self) -> list[Document]:
        self._need()
        return self.corpus.documents

    def document(self, key: str) -> Document:
        """Raises UnknownDocument."""
        self._need()
        return self.corpus.document(key)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        """Raises InvalidQuery for an unknown mode/kind/document (the message lists valid choices)."""
        self._need()
        query = clean_question(query)
        if not 1 <= k <= 50:
            raise InvalidQuery("k must be between 1 and 50")
        if len(query) > MAX_QUESTION:
            raise InvalidQuery(f"query longer than {MAX_QUESTION} characters")
        return self.retriever.search(query, k=k, mode=mode, filters=filters)

    def ask(self, question: str, *, session_id: str | None = None, history: Sequence[str] = (),
            filters: Filters | None = None, cancel: CancelToken | None = None) -> Reply:
        """Answer a question. `session_id` continues a stored conversation (an unknown or expired id
        starts a new one); `history` gives earlier user questions explicitly (OpenAI-style clients).
        `cancel`, once cancelled, stops the work at the next stage with Cancelled (nothing recorded)."""
        self._need()
        cancel = cancel or CancelToken()
        cancel.check()
        t0 = time.perf_counter()
        q = clean_question(question)
        if not q:
            raise InvalidQuery("the question is empty")
        if len(q) > MAX_QUESTION:
            raise InvalidQuery(f"the question is longer than {MAX_QUESTION} characters")
        session = self.sessions.get_or_create(session_id)
        today = self.settings.today()
        pipe = self.pipeline
        previous, prev_doc, topic = None, None, None
        if session.last:
            previous, prev_doc, topic = session.last.question, session.last.doc_key, session.last.topic
        elif history:
            previous, topic = self._standalone_history(history, today)
        items = session.last.items if session.last else ()
        cancel.check()
        plan = pipe.understander.plan(q, today, previous, items, topic)
        if self.llm and previous and is_elliptical(plan.standalone):
            cancel.check()
            condensed = self.llm.condense(q, [previous])
            if condensed:
                plan = pipe.understander.plan(condensed, today)
        t1 = time.perf_counter()
        out = pipe.run(q, today, plan=plan, filters=filters, cancel=cancel)
        if previous and not out.answer.found and not plan.follow_up and not is_elliptical(plan.standalone):
            cancel.check()
            # a follow-up that names only part of its topic: try it with the previous topic
            retry = pipe.run(q, today, plan=pipe.understander.combined(plan, previous, topic),
                             filters=filters, cancel=cancel)
            if retry.answer.found:
                out = retry
        answer = out.answer
        if self.llm:
            cancel.check()
            # the model may only rephrase: its [n] and every number it states are checked against the units
            answer = self.llm.phrase(answer.rewritten_question, answer, draft_units(answer, pipe.ctx.chunks))[0]
        cancel.check()  # a cancelled ask records no turn
        t2 = time.perf_counter()
        answer = replace(answer, timings={"parse": round((t1 - t0) * 1000, 2), "answer": round((t2 - t1) * 1000, 2),
                                          "total": round((t2 - t0) * 1000, 2)})
        self.sessions.record(session, Turn(out.plan.standalone, out.plan.topic, out.doc_key or prev_doc,
                                                out.items or items))
        return Reply(answer, session.id, out.trace, out)

    def _standalone_history(self, history: Sequence[str], today) -> tuple[str | None, str | None]:
        """The last standalone question of a history sent with the ask, and the topic it carries: each
        earlier question understood as a session's turn is (normalised, rewritten against the one
        before it), so that a history and a session give the same answer."""
        previous = topic = None
        for h in history:
            h = clean_question(h)
            if h:
                plan = self.pipeline.understander.plan(h, today, previous, (), topic)
                previous, topic = plan.standalone, plan.topic
        return previous, topic


def _scorer(settings: Settings):
    from qa.pipeline.scorer import ModelMissing, Scorer

    try:
        return Scorer.load(settings.scorer_path)
    except ModelMissing:
        if settings.scorer_path.exists():
            raise
        return None  # not fitted yet (make train): skills' own strength × coverage decides
