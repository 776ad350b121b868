"""The facade the CLI, the service and the evaluation harness use: parsed corpus + index + answerer."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Sequence

from qa.cancel import CancelToken
from qa.config import Settings
from qa.conversation import SessionStore, Turn, combine, is_elliptical, resolve_ordinal, rewrite
from qa.errors import InvalidQuery, QAError
from qa.limits import MAX_QUESTION, capped
from qa.llm import LLMPhraser, draft_units
from qa.model import Answer, Document, Hit
from qa.retrieve import CHUNK_KINDS, SEARCH_MODES, SearchFilters
from qa.text import clean_question

__all__ = ["Engine", "Filters", "Reply", "SEARCH_MODES", "CHUNK_KINDS"]

Filters = SearchFilters  # restrict retrieval: doc_keys (〔〕 or [ ]), kinds, date_from/date_to (ISO)


@dataclass(frozen=True)
class Reply:
    answer: Answer
    session_id: str


class Engine:
    """Construct with settings, then `warm_up()` (parses the corpus, loads the index and the encoder)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = SessionStore(settings.session_ttl_seconds, settings.session_max)
        self.corpus = None
        self.encoder = None
        self.retriever = None
        self.answerer = None
        self.llm = None  # an OpenAI-compatible endpoint, only when QA_LLM_BASE_URL is set

    def warm_up(self) -> None:
        from index.encoders import load_encoder

        from qa.answer import Answerer
        from qa.build import load_retriever
        from qa.corpus import load_corpus

        corpus = load_corpus(self.settings.corpus_files())
        encoder = load_encoder(self.settings.encoder)
        encoder.warm_up()
        retriever = load_retriever(self.settings, corpus, encoder)
        retriever.index.warm_up()  # jieba's dictionary: the first question should not pay for it
        self.corpus, self.encoder, self.retriever = corpus, encoder, retriever
        self.llm = LLMPhraser.from_settings(self.settings)
        self.answerer = Answerer(corpus, retriever)
        self.answerer.places.warm_up()  # the place tagger's dictionary, likewise

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
        q = capped(q)  # the matching form: every later step's cost is bounded (qa.limits)
        session = self.sessions.get_or_create(session_id)
        previous, prev_doc = None, None
        if session.last:
            previous, prev_doc = session.last.question, session.last.doc_key
        elif history:
            previous = self._standalone_history(history)
        items = session.last.items if session.last else ()
        standalone = capped(rewrite(resolve_ordinal(q, previous, items), previous))
        if self.llm and previous and is_elliptical(q):
            cancel.check()
            standalone = capped(self.llm.condense(q, [previous]) or standalone)
        cancel.check()
        t1 = time.perf_counter()
        today = self.settings.today()
        answer, slots = self.answerer.answer(q, today, rewritten=standalone, prefer_doc=prev_doc, filters=filters)
        if previous and not answer.found and standalone == q and not is_elliptical(q):
            cancel.check()
            # a follow-up that names only part of its topic: try it with the previous topic
            retry, rslots = self.answerer.answer(q, today, rewritten=capped(combine(q, previous)), prefer_doc=prev_doc,
                                                 filters=filters)
            if retry.found:
                answer, slots = retry, rslots
        if self.llm:
            cancel.check()
            # the model may only rephrase: its [n] and every number it states are checked against the units
            answer = self.llm.phrase(answer.rewritten_question, answer, draft_units(answer, self.answerer.chunks))[0]
        cancel.check()  # a cancelled ask records no turn
        t2 = time.perf_counter()
        answer = replace(answer, timings={"parse": round((t1 - t0) * 1000, 2), "answer": round((t2 - t1) * 1000, 2),
                                          "total": round((t2 - t0) * 1000, 2)})
        self.sessions.record(session, Turn(answer.rewritten_question, slots.get("doc_key") or prev_doc,
                                           slots.get("items") or items))
        return Reply(answer, session.id)

    def _standalone_history(self, history: Sequence[str]) -> str | None:
        previous = None
        for h in history:
            h = capped(clean_question(h))
            if h:
                previous = capped(rewrite(h, previous))
        return previous
