"""HTTP routes, one module per area; `openapi_errors` documents the shared error shape."""
from __future__ import annotations

from service.schemas import ErrorResponse

_DESCRIPTIONS = {
    400: "invalid JSON or body / JSON 无效",
    404: "unknown document or model / 未找到",
    413: "body over 64 KB / 请求体过大",
    422: "invalid field value / 字段取值无效",
    429: "rate limited (see Retry-After) / 请求过于频繁",
    500: "internal error / 内部错误",
    503: "engine not ready, or busy: every answering thread taken and the queue full (see Retry-After) / 服务未就绪或繁忙",
}


def openapi_errors(*codes: int) -> dict:
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


API_ERRORS = openapi_errors(400, 413, 422, 429, 500, 503)

# OpenAPI extension listing the error codes an operation answers a *schema-valid* request with, on
# purpose: rules a JSON Schema cannot state (a 文号 that is not in this gazette, dates out of order).
# The same list is written into the 422 description; the API tests exempt exactly these.
INTENDED_REJECTIONS = "x-intended-rejections"


def intended_rejections(**codes: str) -> tuple[dict, dict]:
    """(responses, openapi_extra) for an operation that rejects some schema-valid requests on purpose."""
    text = "; ".join(f"`{code}`: {why}" for code, why in codes.items())
    responses = {**API_ERRORS, 422: {"model": ErrorResponse, "description": (
        f"{_DESCRIPTIONS[422]}. Also, on purpose, for requests the schema alone cannot rule out: {text}")}}
    return responses, {INTENDED_REJECTIONS: dict(codes)}


UNKNOWN_DOC_KEY = "a 文号 in filters that is not a document of this gazette (see GET /v1/documents)"
DATES_OUT_OF_ORDER = "filters.date_from later than filters.date_to"
def _json_data(schema: dict) -> dict:
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": schema}


# One server-sent event (OpenAPI < 3.2: `schema` describes each event of the stream).
ASK_SSE_CONTENT = {"text/event-stream": {"schema": {
    "description": "`event: delta` (one sentence of the answer) …, then one `event: done` (the whole AskResponse)",
    "oneOf": [
        {"type": "object", "required": ["event", "data"], "properties": {
            "event": {"const": "delta"},
            "data": _json_data({"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}),
        }},
        {"type": "object", "required": ["event", "data"], "properties": {
            "event": {"const": "done"},
            "data": _json_data({"$ref": "#/components/schemas/AskResponse"}),
        }},
    ],
}}}
CHAT_SSE_CONTENT = {"text/event-stream": {"schema": {
    "description": "`data: {chat.completion.chunk}` …, then `data: [DONE]`",
    "type": "object", "required": ["data"], "properties": {"data": {"type": "string"}},
}}}
SSE_CONTENT = ASK_SSE_CONTENT
