"""POST /v1/ask (JSON or SSE) and GET /v1/ask/stream (SSE)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from service import answers
from service.deps import EngineDep, PoolDep
from service.pool import answer_in_pool
from service.routes import API_ERRORS, SSE_CONTENT
from service.schemas import AskRequest, AskResponse, ChunkKind
from service.sse import ask_events, event_stream
from qa.engine import MAX_QUESTION as MAX_QUESTION_CHARS

router = APIRouter(tags=["ask"])


@router.post(
    "/v1/ask", response_model=AskResponse, summary="Answer a question with citations",
    responses={**API_ERRORS, 200: {"content": SSE_CONTENT, "description": "JSON, or SSE when stream=true"}},
)
async def ask(body: AskRequest, request: Request, engine: EngineDep, pool: PoolDep) -> AskResponse | StreamingResponse:
    """Answer from the gazette. Send the returned `session_id` with a follow-up to continue the
    conversation. With `"stream": true` the answer comes as server-sent events: `event: delta`
    ({"text": sentence}) per sentence, then `event: done` with this endpoint's JSON."""
    filters = answers.to_filters(engine, body.filters)
    resp = await answer_in_pool(request, pool, lambda cancel: answers.ask(
        engine, body.question, session_id=body.session_id, filters=filters, cancel=cancel))
    if body.stream:
        return event_stream(ask_events(resp))
    return resp


@router.get(
    "/v1/ask/stream", summary="Answer as server-sent events",
    responses={**API_ERRORS, 200: {"content": SSE_CONTENT, "description": "event: delta …, event: done"}},
    response_class=StreamingResponse,
)
async def ask_stream(
    request: Request,
    engine: EngineDep,
    pool: PoolDep,
    question: Annotated[str, Query(description=f"问题 / the question (at most {MAX_QUESTION_CHARS} characters)")],
    session_id: Annotated[str | None, Query(max_length=128)] = None,
    doc_key: Annotated[list[str], Query(description="restrict to these 文号 (repeatable)", max_length=50)] = [],  # noqa: B006
    kind: Annotated[list[ChunkKind], Query(description="restrict to these chunk kinds (repeatable)")] = [],  # noqa: B006
    date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
) -> StreamingResponse:
    """The same answer as POST /v1/ask with stream=true, for EventSource clients."""
    raw_filters = None
    if doc_key or kind or date_from or date_to:
        raw_filters = {"doc_keys": doc_key, "kinds": kind, "date_from": date_from, "date_to": date_to}
    try:
        body = AskRequest.model_validate({"question": question, "session_id": session_id, "filters": raw_filters})
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from None
    filters = answers.to_filters(engine, body.filters)
    resp = await answer_in_pool(request, pool, lambda cancel: answers.ask(
        engine, body.question, session_id=body.session_id, filters=filters, cancel=cancel))
    return event_stream(ask_events(resp))
