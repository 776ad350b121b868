"""POST /v1/ask (JSON or SSE) and GET /v1/ask/stream (SSE)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from service import answers
from service.deps import EngineDep, PoolDep, SettingsDep, TokensDep
from service.pool import answer_in_pool
from service.routes import DATES_OUT_OF_ORDER, SSE_CONTENT, UNKNOWN_DOC_KEY, intended_rejections
from service.schemas import (
    QUESTION_DOC,
    SESSION_COOKIE_DOC,
    TEXT_SCHEMA,
    AskRequest,
    AskResponse,
    ChunkKind,
    DocKey,
)
from service.sessions import COOKIE, set_cookie
from service.sse import ask_events, event_stream

router = APIRouter(tags=["ask"])
ASK_ERRORS, ASK_INTENDED = intended_rejections(unknown_doc_key=UNKNOWN_DOC_KEY, invalid_date_range=DATES_OUT_OF_ORDER)

# No length bound: a cookie value that ends early at ";" is what the server sees, so a bound could
# not be checked as the schema would state it; a token that does not verify starts a new session.
SessionCookie = Annotated[str | None, Cookie(alias=COOKIE,
                                             description="the pages' session (see session_cookie); set by this server")]


@router.post(
    "/v1/ask", response_model=AskResponse, summary="Answer a question with citations",
    responses={**ASK_ERRORS, 200: {"content": SSE_CONTENT, "description": "JSON, or SSE when stream=true"}},
    openapi_extra=ASK_INTENDED,
)
async def ask(body: AskRequest, request: Request, response: Response, engine: EngineDep, pool: PoolDep,
              tokens: TokensDep, settings: SettingsDep, qa_session: SessionCookie = None) -> AskResponse | StreamingResponse:
    """Answer from the gazette. Send the returned `session_id` (a signed token) with a follow-up to
    continue the conversation. With `"stream": true` the answer comes as server-sent events:
    `event: delta` ({"text": sentence}) per sentence, then `event: done` with this endpoint's JSON."""
    token = body.session_id or (qa_session if body.session_cookie else None)
    filters = answers.to_filters(engine, body.filters)
    asked = await answer_in_pool(request, pool, lambda cancel: answers.ask(
        engine, tokens, body.question, token=token, cookie=body.session_cookie, filters=filters, cancel=cancel))
    out: AskResponse | StreamingResponse = event_stream(ask_events(asked.response)) if body.stream else asked.response
    if body.session_cookie:
        set_cookie(out if isinstance(out, StreamingResponse) else response, request, asked.token,
                   settings.session_ttl_seconds)
    return out


@router.get(
    "/v1/ask/stream", summary="Answer as server-sent events",
    responses={**ASK_ERRORS, 200: {"content": SSE_CONTENT, "description": "event: delta …, event: done"}},
    response_class=StreamingResponse, openapi_extra=ASK_INTENDED,
)
async def ask_stream(
    request: Request,
    engine: EngineDep,
    pool: PoolDep,
    tokens: TokensDep,
    settings: SettingsDep,
    # checked as POST /v1/ask checks them (AskRequest below); the schema says the same bounds
    question: Annotated[str, Query(description=QUESTION_DOC, json_schema_extra=TEXT_SCHEMA)],
    session_id: Annotated[str | None, Query(max_length=128, description="the session token of an earlier answer")] = None,
    session_cookie: Annotated[bool, Query(description=SESSION_COOKIE_DOC)] = False,
    doc_key: Annotated[list[DocKey], Query(description="restrict to these 文号 (repeatable)", max_length=50)] = [],  # noqa: B006
    kind: Annotated[list[ChunkKind], Query(description="restrict to these chunk kinds (repeatable)", max_length=20)] = [],  # noqa: B006
    date_from: Annotated[str | None, Query(description="YYYY-MM-DD", json_schema_extra={"format": "date"})] = None,
    date_to: Annotated[str | None, Query(description="YYYY-MM-DD", json_schema_extra={"format": "date"})] = None,
    qa_session: SessionCookie = None,
) -> StreamingResponse:
    """The same answer as POST /v1/ask with stream=true, for EventSource clients."""
    raw_filters = None
    if doc_key or kind or date_from or date_to:
        raw_filters = {"doc_keys": doc_key, "kinds": kind, "date_from": date_from, "date_to": date_to}
    try:
        body = AskRequest.model_validate({"question": question, "session_id": session_id, "filters": raw_filters,
                                          "session_cookie": session_cookie})
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from None
    token = body.session_id or (qa_session if body.session_cookie else None)
    filters = answers.to_filters(engine, body.filters)
    asked = await answer_in_pool(request, pool, lambda cancel: answers.ask(
        engine, tokens, body.question, token=token, cookie=body.session_cookie, filters=filters, cancel=cancel))
    out = event_stream(ask_events(asked.response))
    if body.session_cookie:
        set_cookie(out, request, asked.token, settings.session_ttl_seconds)
    return out
