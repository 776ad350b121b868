"""Glue between the HTTP models and the engine: filters in, answers/hits/documents out."""
from __future__ import annotations

import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from qa.cancel import CancelToken
from qa.engine import Engine, Filters
from qa.errors import UnknownDocument
from qa.model import Answer, Citation, Document, Hit
from service import schemas as S
from service.errors import APIError
from service.logs import get_logger
from service.sessions import SessionTokens, session_tag
from service.text import has_content, normalize_doc_key

log = get_logger("ask")

NOT_FOUND_ANSWER = "本期公报未作规定。"


def resolve_document(engine: Engine, raw_key: str) -> Document:
    """Look a document up by 文号 in any accepted spelling; raises UnknownDocument."""
    key = normalize_doc_key(raw_key)
    if not key:
        raise UnknownDocument(raw_key)
    try:
        return engine.document(key)
    except (KeyError, ValueError) as exc:  # UnknownDocument is a KeyError; the message names what was asked
        raise UnknownDocument(raw_key.strip()) from exc


def to_filters(engine: Engine, filters: S.FiltersIn | None) -> Filters | None:
    if filters is None:
        return None
    keys: list[str] = []
    for i, raw in enumerate(filters.doc_keys):
        try:
            keys.append(resolve_document(engine, raw).key)
        except UnknownDocument:
            raise APIError(422, "unknown_doc_key",
                           f"filters.doc_keys[{i}] 不是本期公报中的文号:{raw},可用文号见 GET /v1/documents / "
                           f"filters.doc_keys[{i}] is not a document of this gazette: '{raw}'; "
                           "see GET /v1/documents for valid keys") from None
    return Filters(
        doc_keys=tuple(dict.fromkeys(keys)),
        kinds=tuple(dict.fromkeys(filters.kinds)),
        date_from=filters.date_from.isoformat() if filters.date_from else None,
        date_to=filters.date_to.isoformat() if filters.date_to else None,
        in_force_on=filters.in_force_on.isoformat() if filters.in_force_on else None,
    )


def status_label(engine: Engine, doc_key: str) -> str:
    """A document's dated status today, from the corpus timeline ("" when the engine has no corpus)."""
    corpus = getattr(engine, "corpus", None)
    if corpus is None:
        return ""
    return corpus.timeline.status(doc_key, engine.settings.today()).label


def citation_out(c: Citation, status: str = "") -> S.CitationOut:
    return S.CitationOut(doc_number=c.doc_number, doc_key=c.doc_key, title=c.title, section=c.section,
                         quote=c.quote, chunk_id=c.chunk_id, line_start=c.line_start, line_end=c.line_end,
                         status=status or c.status)


def _finite(x: float | None) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return round(x, 6) if math.isfinite(x) else None


@dataclass(frozen=True)
class Asked:
    response: S.AskResponse
    token: str  # the signed token of the session that answered (for a cookie)


def ask(engine: Engine, tokens: SessionTokens, question: str, *, token: str | None, history: Sequence[str] = (),
        filters: Filters | None = None, cookie: bool = False, cancel: CancelToken | None = None) -> Asked:
    """Ask the engine, continuing the session `token` proves (anything else starts a new one). A
    question with no letters or digits (only punctuation/emoji) is answered 'not found' here without
    reaching the engine. With `cookie`, the token is left out of the response (it goes in a cookie).
    `cancel` stops it (Cancelled) when its client has gone."""
    started = time.perf_counter()
    claimed = tokens.verify(token)
    if has_content(question):
        reply = engine.ask(question, session_id=claimed, history=tuple(history), filters=filters, cancel=cancel)
        answer, sid = reply.answer, reply.session_id
    else:
        answer = Answer(answer=NOT_FOUND_ANSWER, found=False, kind="refusal", citations=(), rewritten_question=question)
        sid = claimed or uuid.uuid4().hex
    continued = claimed is not None and claimed == sid
    timing = {k: round(v, 3) for k, v in ((k, _finite(v)) for k, v in dict(answer.timings).items()) if v is not None}
    timing["service_total"] = round((time.perf_counter() - started) * 1000, 3)
    signed = tokens.sign(sid)
    out = S.AskResponse(
        answer=answer.answer, found=bool(answer.found), kind=answer.kind,
        citations=[citation_out(c, status_label(engine, c.doc_key)) for c in answer.citations],
        related=[citation_out(c, status_label(engine, c.doc_key)) for c in answer.related],
        session_id=None if cookie else signed, session_tag=session_tag(sid), continued=continued,
        rewritten_question=answer.rewritten_question, timing_ms=timing,
    )
    log.info("ask", extra={"fields": {
        "question": question, "rewritten_question": out.rewritten_question, "session": out.session_tag,
        "continued": continued, "rejected_token": bool(token) and claimed is None, "found": out.found,
        "kind": out.kind, "citations": [c.chunk_id for c in out.citations], "timing_ms": timing,
    }})
    return Asked(out, signed)


def hit_out(h: Hit, status: str = "") -> S.HitOut:
    c = h.chunk
    return S.HitOut(status=status,
        chunk_id=c.id, doc_number=c.doc_number, doc_key=c.doc_key, title=c.title, section=c.section, kind=c.kind,
        text=c.text, score=_finite(h.score) or 0.0,
        scores={str(k): _finite(v) for k, v in dict(h.scores).items()},
        ranks={str(k): (int(v) if v is not None else None) for k, v in dict(h.ranks).items()},
        line_start=c.line_start, line_end=c.line_end,
    )


def document_summary(d: Document, engine: Engine | None = None) -> S.DocumentSummary:
    dated = {}
    corpus = getattr(engine, "corpus", None) if engine is not None else None
    if corpus is not None:
        dd = corpus.timeline.docs.get(d.key)
        st = corpus.timeline.status(d.key, engine.settings.today())
        if dd is not None:
            dated = dict(issued=_iso(dd.issued), effective=_iso(dd.effective), expires=_iso(dd.expires),
                         status=st.state, status_label=st.label, repealed_by=st.repealed_by or None)
    return S.DocumentSummary(key=d.key, number=d.number, title=d.title, issuer=d.issuer, date=d.date,
                             subtitle=d.subtitle, units=sum(1 for _ in d.walk()), tables=len(d.tables),
                             lists=len(d.lists), line_start=d.line_start, line_end=d.line_end, **dated)


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def document_detail(d: Document) -> S.DocumentDetail:
    return S.DocumentDetail(
        key=d.key, number=d.number, title=d.title, issuer=d.issuer, date=d.date, recipients=d.recipients,
        subtitle=d.subtitle, attachments=list(d.attachments), line_start=d.line_start, line_end=d.line_end,
        outline=[
            S.OutlineUnit(path=list(u.path), section=" / ".join(u.path), label=u.label, heading=u.heading, kind=u.kind,
                          depth=max(0, len(u.path) - 1), text=u.text, line_start=u.line_start, line_end=u.line_end)
            for u in d.walk()
        ],
        tables=[
            S.TableOut(caption=t.caption, unit=t.unit, row_header=t.row_header, columns=list(t.columns),
                       rows=[S.TableRowOut(header=r.header, cells=list(r.cells), section=r.section,
                                           line_start=r.line_start, line_end=r.line_end) for r in t.rows],
                       path=list(t.path), section=" / ".join(t.path), line_start=t.line_start, line_end=t.line_end)
            for t in d.tables
        ],
        lists=[
            S.ListOut(heading=li.heading, items=list(li.items), path=list(li.path), section=" / ".join(li.path),
                      line_start=li.line_start, line_end=li.line_end)
            for li in d.lists
        ],
    )
