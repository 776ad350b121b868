"""OpenAI-compatible chat completions and model list, so the official `openai` client works with
base_url pointed at this server. Citations appear in the text as [n] with a sources list appended,
and as an extra `citations` field."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from qa.cite import MARKER
from qa.engine import MAX_QUESTION
from service import answers
from service.deps import EngineDep, PoolDep, TokensDep
from service.pool import answer_in_pool
from service.errors import APIError
from service.routes import (
    CHAT_SSE_CONTENT,
    DATES_OUT_OF_ORDER,
    UNKNOWN_DOC_KEY,
    intended_rejections,
    openapi_errors,
)
from service.schemas import (
    MODEL_ID,
    AskResponse,
    ChatChoice,
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChatMessageOut,
    ModelCard,
    ModelList,
    Usage,
)
from service.sse import SSE_HEADERS, sse_event, streamed
from service.text import split_sentences

router = APIRouter(tags=["openai"])
_CREATED = int(time.time())
QUOTE_CHARS = 120
CHAT_ERRORS, CHAT_INTENDED = intended_rejections(
    invalid_messages="the last message is not the user's (role user)",
    question_empty="the last user message holds no text (only whitespace, control characters or non-text parts)",
    question_too_long=f"the last user message is longer than {MAX_QUESTION} characters (earlier ones may be longer)",
    unknown_doc_key=UNKNOWN_DOC_KEY, invalid_date_range=DATES_OUT_OF_ORDER)


def render_answer(resp: AskResponse) -> str:
    """The answer with [n] markers and a numbered sources list (quotes shortened; full ones are in
    the `citations` field)."""
    text = resp.answer.strip()
    if not resp.citations:
        if resp.related:
            text += "\n\n相关条文 / Related:\n" + "\n".join(
                f"- 《{c.title}》({c.doc_number}) {c.section}" for c in resp.related)
        return text
    if not MARKER.search(text):
        text += "".join(f"[{i}]" for i in range(1, len(resp.citations) + 1))
    lines = [text, "", "来源 / Sources:"]
    for i, c in enumerate(resp.citations, 1):
        quote = c.quote if len(c.quote) <= QUOTE_CHARS else c.quote[:QUOTE_CHARS] + "…"
        lines.append(f"[{i}] 《{c.title}》({c.doc_number}) {c.section}:“{quote}”")
    return "\n".join(lines)


def _usage(prompt: str, completion: str) -> Usage:
    return Usage(prompt_tokens=len(prompt), completion_tokens=len(completion), total_tokens=len(prompt) + len(completion))


@router.post(
    "/v1/chat/completions", response_model=ChatCompletionResponse, summary="OpenAI-compatible chat completion",
    responses={**CHAT_ERRORS, 200: {"content": CHAT_SSE_CONTENT, "description": "JSON, or chat.completion.chunk SSE when stream=true"}},
    openapi_extra=CHAT_INTENDED,
)
async def chat_completions(body: ChatCompletionRequest, request: Request, engine: EngineDep, pool: PoolDep,
                           tokens: TokensDep) -> ChatCompletionResponse | StreamingResponse:
    """The last user message is the question; earlier user messages are its history (follow-ups are
    resolved against them). Sampling parameters are accepted and ignored."""
    question, history = body.question_and_history()
    filters = answers.to_filters(engine, body.filters)
    resp = (await answer_in_pool(request, pool, lambda cancel: answers.ask(
        engine, tokens, question, token=body.session_id, history=history, filters=filters, cancel=cancel))).response
    content = render_answer(resp)
    cid = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    usage = _usage(question + "".join(history), content)
    if not body.stream:
        return ChatCompletionResponse(
            id=cid, created=created, model=MODEL_ID,
            choices=[ChatChoice(index=0, message=ChatMessageOut(content=content))],
            usage=usage, citations=resp.citations, found=resp.found, session_id=resp.session_id)
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return StreamingResponse(streamed(_chunks(cid, created, content, resp, usage if include_usage else None)),
                             media_type="text/event-stream; charset=utf-8", headers=SSE_HEADERS)


def _chunks(cid: str, created: int, content: str, resp: AskResponse, usage: Usage | None) -> Iterator[bytes]:
    def chunk(delta: dict, finish: str | None = None, **extra) -> bytes:
        payload = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return sse_event(json.dumps(payload, ensure_ascii=False))

    yield chunk({"role": "assistant", "content": ""})
    for piece in split_sentences(content):
        yield chunk({"content": piece})
    yield chunk({}, "stop", citations=[c.model_dump() for c in resp.citations], found=resp.found,
                session_id=resp.session_id)
    if usage is not None:
        yield sse_event(json.dumps({"id": cid, "object": "chat.completion.chunk", "created": created,
                                    "model": MODEL_ID, "choices": [], "usage": usage.model_dump()}))
    yield sse_event("[DONE]")


@router.get("/v1/models", response_model=ModelList, responses=openapi_errors(429, 500), summary="OpenAI-compatible model list")
async def list_models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID, created=_CREATED, owned_by="gazette-qa")])


@router.get("/v1/models/{model_id}", response_model=ModelCard, responses=openapi_errors(404, 429, 500),
            summary="OpenAI-compatible model lookup")
async def get_model(model_id: str) -> ModelCard:
    if model_id != MODEL_ID:
        raise APIError(404, "model_not_found", f"没有该模型:{model_id},可用:{MODEL_ID} / "
                                               f"No model '{model_id}'; available: {MODEL_ID}")
    return ModelCard(id=MODEL_ID, created=_CREATED, owned_by="gazette-qa")
