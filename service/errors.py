"""One error shape for every 4xx/5xx: {"error": {"code": "...", "message": "中文 / English"}}.

Validation errors are rewritten into messages that say what to fix; domain errors from `qa.errors`
map onto status codes; anything unexpected becomes a JSON 500 without a stack trace (logged).
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.config import REPO_ROOT
from qa.cancel import Cancelled
from qa.errors import IndexNotBuilt, InvalidQuery, QAError, UnknownDocument
from service.logs import get_logger
from service.pool import PoolFull

log = get_logger("errors")

# Error types raised by our validators (service.schemas) with ready bilingual messages.
CUSTOM_ERROR_CODES = frozenset({
    "question_empty", "question_too_long", "invalid_date", "query_empty", "query_too_long", "invalid_date_range", "invalid_session_id", "invalid_doc_key",
    "invalid_messages", "unsupported_parameter",
})


class APIError(Exception):
    """Raised by routes and dependencies for an error answer with our JSON shape."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


# Where this server's files live: an error body never shows them (an exception's text may).
SERVER_ROOTS = tuple(sorted({str(p) for p in (REPO_ROOT, Path(sys.prefix), Path(sys.base_prefix),
                                              Path(tempfile.gettempdir()), Path.home())
                             if len(p.parts) >= 2}, key=len, reverse=True))


def without_server_paths(text: str) -> str:
    for root in SERVER_ROOTS:
        text = text.replace(root, "…")
    return text


def error_payload(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message = without_server_paths(message)
    if details:
        details = [{**d, "message": without_server_paths(d["message"])} for d in details]
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   details: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_payload(code, message, details), status_code=status, headers=headers)


CLIENT_CLOSED = 499
BUSY_RETRY_AFTER_S = 1
INTERNAL_MESSAGE = "服务内部错误,请稍后重试 / Internal server error; please retry later"


def internal_error_body() -> bytes:
    return json.dumps(error_payload("internal_error", INTERNAL_MESSAGE), ensure_ascii=False).encode("utf-8")


# --- validation errors -----------------------------------------------------------------------------

def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "filters", "kinds", 0) -> "filters.kinds[0]"; the source part is dropped."""
    out = ""
    loc = tuple(loc)
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_FIELD_HINTS = {
    "top_k": ("top_k 必须是 1 到 50 之间的整数", "top_k must be an integer from 1 to 50"),
    "stream": ("stream 必须是 true 或 false", "stream must be true or false"),
    "n": ("只支持 n=1", "only n=1 is supported"),
}


def _describe(err: dict[str, Any]) -> tuple[str, str]:
    """(code, bilingual message) for one pydantic error."""
    typ: str = err.get("type", "")
    field = _loc(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    name = field or "请求体"
    name_en = field or "the request body"
    last = field.rsplit(".", 1)[-1] if field else ""
    if typ in CUSTOM_ERROR_CODES:  # our own PydanticCustomError: the message is already bilingual
        msg = str(err.get("msg"))
        return typ, (f"{field}: {msg}" if field and not msg.startswith(last) else msg)
    if typ == "json_invalid":
        loc = err.get("loc", ())
        pos = loc[-1] if loc and isinstance(loc[-1], int) else "?"
        reason = ctx.get("error", "")
        return "invalid_json", (f"请求体不是合法的 JSON(第 {pos} 个字符处:{reason}) / "
                                f"The request body is not valid JSON ({reason} at character {pos}); send a JSON object")
    if typ == "missing":
        if not field:
            return "missing_body", "缺少请求体,请发送 JSON 对象 / The request body is missing; send a JSON object"
        return "missing_field", f"缺少必填字段 {field} / Missing required field '{field}'"
    if typ == "extra_forbidden":
        return "unknown_field", f"不支持的字段 {field},请删除 / Unknown field '{field}'; remove it"
    if typ in ("model_attributes_type", "model_type", "dict_type") and len(err.get("loc", ())) <= 1:
        return "invalid_body", ("请求体必须是 JSON 对象,并带 Content-Type: application/json / "
                                "The request body must be a JSON object sent with Content-Type: application/json")
    if last in _FIELD_HINTS and typ not in ("missing",):
        zh, en = _FIELD_HINTS[last]
        return "out_of_range" if "than" in typ else "invalid_type", f"{zh} / {en}"
    if typ == "literal_error" or typ == "enum":
        expected = ctx.get("expected", "")
        return "invalid_value", f"{name} 的取值无效,可选值:{expected} / Invalid value for '{name_en}'; expected one of {expected}"
    if typ in ("string_type", "string_sub_type"):
        return "invalid_type", f"{name} 必须是字符串 / '{name_en}' must be a string"
    if typ in ("int_type", "int_parsing", "int_from_float"):
        return "invalid_type", f"{name} 必须是整数 / '{name_en}' must be an integer"
    if typ in ("float_type", "float_parsing", "finite_number"):
        return "invalid_type", f"{name} 必须是数字 / '{name_en}' must be a number"
    if typ in ("bool_type", "bool_parsing"):
        return "invalid_type", f"{name} 必须是 true 或 false / '{name_en}' must be true or false"
    if typ in ("list_type", "tuple_type"):
        return "invalid_type", f"{name} 必须是数组 / '{name_en}' must be an array"
    if typ in ("model_type", "model_attributes_type", "dict_type"):
        return "invalid_type", f"{name} 必须是 JSON 对象或 null / '{name_en}' must be a JSON object or null"
    if typ.startswith("date") or typ.startswith("datetime"):
        return "invalid_date", f"{name} 必须是 YYYY-MM-DD 格式的日期 / '{name_en}' must be a date in YYYY-MM-DD form"
    if typ in ("too_long", "too_short"):
        lim = ctx.get("max_length") if typ == "too_long" else ctx.get("min_length")
        word = ("最多", "at most") if typ == "too_long" else ("至少", "at least")
        return "invalid_length", f"{name} {word[0]} {lim} 项 / '{name_en}' must have {word[1]} {lim} items"
    if typ in ("string_too_long", "string_too_short"):
        lim = ctx.get("max_length") if typ == "string_too_long" else ctx.get("min_length")
        word = ("最多", "at most") if typ == "string_too_long" else ("至少", "at least")
        return "invalid_length", f"{name} {word[0]} {lim} 个字符 / '{name_en}' must have {word[1]} {lim} characters"
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "out_of_range", f"{name} 超出允许范围 / '{name_en}' is out of range ({err.get('msg', '')})"
    return "invalid_value", f"{name} 的值无效 / Invalid value for '{name_en}': {err.get('msg', '')}"


def validation_response(errors: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> JSONResponse:
    described = [(_describe(e), _loc(e.get("loc", ()))) for e in errors] or [(("invalid_request", "请求无效 / Invalid request"), "")]
    (code, _), _ = described[0]
    seen: list[str] = []
    details = []
    for (c, msg), field in described[:10]:
        if msg not in seen:
            seen.append(msg)
        details.append({"field": field, "code": c, "message": msg})
    status = 400 if code in ("invalid_json", "missing_body", "invalid_body") else 422
    return error_response(status, code, "; ".join(seen), details=details if len(details) > 1 else None)


# --- handlers ----------------------------------------------------------------------------------------

_HTTP_CODES = {
    400: ("bad_request", "请求无效", "Bad request"),
    404: ("not_found", "找不到该地址", "Not found"),
    405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
    406: ("not_acceptable", "无法提供所请求的格式", "Not acceptable"),
    413: ("body_too_large", "请求体过大", "Request body too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported media type"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(exc.errors())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败", "Request failed"))
        if exc.status_code == 404:
            message = f"{zh}:{request.url.path} / {en}: {request.url.path}; see /docs for the API"
        elif exc.status_code == 405:
            message = f"{zh}:{request.method} {request.url.path} / {en}: {request.method} {request.url.path}"
        elif exc.status_code == 400 and "parsing the body" in str(exc.detail):
            code, message = "invalid_json", "请求体不是合法的 UTF-8 JSON / The request body is not valid UTF-8 JSON"
        else:
            message = f"{zh} / {en}: {exc.detail}"
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(InvalidQuery)
    async def _invalid_query(request: Request, exc: InvalidQuery) -> JSONResponse:
        return error_response(422, "invalid_query", f"请求无效 / Invalid request: {exc}")

    @app.exception_handler(UnknownDocument)
    async def _unknown_document(request: Request, exc: UnknownDocument) -> JSONResponse:
        return error_response(404, "unknown_document", unknown_document_message(str(exc)))

    @app.exception_handler(IndexNotBuilt)
    async def _index_not_built(request: Request, exc: IndexNotBuilt) -> JSONResponse:
        return error_response(503, "index_not_built", index_not_built_message(exc), {"Retry-After": "30"})

    @app.exception_handler(PoolFull)
    async def _busy(request: Request, exc: PoolFull) -> JSONResponse:
        err = busy_error()
        return error_response(err.status, err.code, err.message, err.headers)

    @app.exception_handler(Cancelled)
    async def _cancelled(request: Request, exc: Cancelled) -> JSONResponse:
        # the client has gone: nobody reads this; 499 (nginx's "client closed request") marks it in the access log
        return error_response(CLIENT_CLOSED, "client_closed_request",
                              "客户端已断开,回答已取消 / The client disconnected; the answer was cancelled")

    @app.exception_handler(QAError)
    async def _qa_error(request: Request, exc: QAError) -> JSONResponse:
        log.error("domain error", exc_info=exc)
        return error_response(422, "invalid_request",
                              f"请求无法处理 / The request cannot be processed: {without_paths(str(exc))}")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - boundary
        log.error("unhandled error", exc_info=exc)
        return _internal()


def _internal() -> JSONResponse:
    return error_response(500, "internal_error", INTERNAL_MESSAGE)


def busy_error() -> APIError:
    """Every answering thread busy and the queue full: a fast refusal the client can retry."""
    return APIError(503, "busy", f"服务繁忙,请 {BUSY_RETRY_AFTER_S} 秒后再试 / The service is busy; "
                                 f"retry after {BUSY_RETRY_AFTER_S} s", {"Retry-After": str(BUSY_RETRY_AFTER_S)})


def unknown_document_message(detail: str) -> str:
    return (f"未找到文号为“{detail}”的文件,可用文号见 GET /v1/documents / "
            f"No document with 文号 '{detail}'; see GET /v1/documents for valid keys")


def index_not_built_message(exc: Exception | str) -> str:
    reason = getattr(exc, "reason", None) or without_paths(str(exc))
    return (f"索引不可用,请运行 `qa ingest` 后重启服务 / The index cannot be used ({reason}); "
            f"run `qa ingest`, then restart the service")


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?!v1/)(?:[^\s/'\"`()]+/)+([^\s/'\"`()]*)")  # not the API's own /v1/…


def without_paths(text: str) -> str:
    """`text` with every absolute path cut to its last part: error bodies never show server paths."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "…", text)
