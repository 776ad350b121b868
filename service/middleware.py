"""Pure-ASGI middleware: request id + access log, error boundary, rate limit, body-size limit,
security headers on every HTML response.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through untouched and the request
id context variable reaches the route code.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from qa.personal import find as find_personal
from service.errors import error_payload, internal_error_body
from service.logs import get_logger, request_id_var

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 64 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
access_log = get_logger("access")
error_log = get_logger("errors")


async def send_json(send: Send, status: int, payload: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Echo or issue X-Request-ID, bind it for the logs, and write one access-log line per request
    (the path only: query strings may hold a question with personal data). An incoming id that holds
    personal data (a phone number…) is replaced, since ids are logged unmasked."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        # an id that carries personal data is not used: ids are logged as they are
        rid = incoming if _REQUEST_ID.match(incoming) and not find_personal(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        status = {"code": 0}
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode("latin-1")))
                if not any(h[0].lower() == b"x-content-type-options" for h in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info("request", extra={"fields": {
                "method": scope.get("method"), "path": scope.get("path"), "status": status["code"],
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client[0] if client else None,
            }})
            request_id_var.reset(token)


class ErrorBoundaryMiddleware:
    """Last line of defence: an exception that escaped every handler becomes a JSON 500 without a
    stack trace (the trace goes to the log). If the response had already started, it is closed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = {"v": False, "done": False}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["v"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                started["done"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            error_log.exception("unhandled error", extra={"fields": {"path": scope.get("path")}})
            if not started["v"]:
                body = internal_error_body()
                await send({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
            elif not started["done"]:
                try:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                except Exception:  # pragma: no cover - client already gone
                    pass


class TokenBucketLimiter:
    """Per-client token bucket: `burst` tokens, refilled at `per_minute`/60 tokens per second.
    Keeps at most `max_clients` buckets (least recently seen evicted)."""

    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, int(burst))
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        """Take one token. Returns 0.0 when allowed, else the seconds until a token is available."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


class RateLimitMiddleware:
    """429 + Retry-After for API paths (/v1/...) once a client's bucket is empty."""

    def __init__(self, app: ASGIApp, limiter: TokenBucketLimiter, prefix: str = "/v1/") -> None:
        self.app = app
        self.limiter = limiter
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(self.prefix) and scope.get("method") != "OPTIONS":
            client = scope.get("client")
            wait = self.limiter.take(client[0] if client else "unknown")
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await send_json(send, 429, error_payload(
                    "rate_limited",
                    f"请求过于频繁,请 {seconds} 秒后再试 / Too many requests; retry after {seconds} s"),
                    [(b"retry-after", str(seconds).encode())])
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 for request bodies over `limit` bytes, by Content-Length or by counting a chunked body."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def _too_large(self, send: Send) -> None:
        kb = self.limit // 1024
        await send_json(send, 413, error_payload(
            "body_too_large", f"请求体超过 {kb} KB,请缩短内容 / The request body exceeds {kb} KB; send less"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                if int(length) > self.limit:
                    await self._too_large(send)
                    return
            except ValueError:
                await send_json(send, 400, error_payload(
                    "bad_request", "Content-Length 无效 / Invalid Content-Length header"))
                return
        elif b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return
        # Read the body now (it is small), so an oversized chunked body is refused before any work.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = {"done": False}

        async def replay() -> Message:
            if not replayed["done"]:
                replayed["done"] = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# What any HTML the service sends may do: its own scripts, styles and API only, never be framed.
# Inline scripts (the API docs page has one) are allowed by their hash, computed per response.
CSP = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HTML_HEADERS = {"x-frame-options": "DENY", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff"}
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)


def content_security_policy(html: bytes) -> str:
    """The CSP for one HTML body: the base policy plus a sha256 source for each inline script."""
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
                     for m in _INLINE_SCRIPT.finditer(html))
    return CSP.format(hashes=hashes)


class SecurityHeadersMiddleware:
    """Every text/html response, whichever route or mount sent it (pages, /static/*.html, /docs),
    gets Content-Security-Policy with frame-ancestors 'none', X-Frame-Options DENY,
    Referrer-Policy and X-Content-Type-Options. HTML bodies are small: the body is held until
    complete so the policy can name its inline scripts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {"start": None, "body": []}

        async def release(body: bytes) -> None:
            start = held["start"]
            held["start"] = None
            names = {"content-security-policy", *HTML_HEADERS}
            headers = [h for h in start.get("headers", []) if h[0].decode("latin-1").lower() not in names]
            headers.append((b"content-security-policy", content_security_policy(body).encode("latin-1")))
            headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in HTML_HEADERS.items()]
            await send({**start, "headers": headers})

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                ctype = next((v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b"")
                if ctype.lower().startswith(b"text/html"):
                    held["start"] = message
                    return
            elif held["start"] is not None:
                if message["type"] == "http.response.body":
                    held["body"].append(message.get("body", b""))
                    if message.get("more_body", False):
                        return
                    body = b"".join(held["body"])
                    await release(body)
                    await send({"type": "http.response.body", "body": body})
                    return
                await release(b"")  # a file sent by path: no body to read, no inline script allowed
            await send(message)

        await self.app(scope, receive, send_secured)
