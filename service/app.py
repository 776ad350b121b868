"""The FastAPI application: a thin HTTP shell over `qa.engine.Engine`.

    create_app(settings=None, engine=None) -> FastAPI

The engine is built once at startup (lifespan) and warmed in a background thread, so /healthz
answers at once and /readyz says 503 until the index is loaded. Routes get it by dependency
(`service.deps.EngineDep`); nothing lives in module globals. Questions are answered on a bounded
pool of threads (`service.pool`), started and stopped with the app; /healthz and /readyz are
answered on the event loop and never wait for it.

Run: `uvicorn --factory service.app:create_app` or `python -m service.app` (see `serve`).
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from qa.config import Settings
from qa.engine import Engine
from qa.errors import IndexNotBuilt
from service.deps import ServiceState
from service.errors import install_error_handlers
from service.logs import configure_logging, get_logger
from service.middleware import (
    BodyLimitMiddleware,
    ErrorBoundaryMiddleware,
    RateLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    TokenBucketLimiter,
)
from service.routes import ask, chat, documents, health, pages, search, session
from service.routes.pages import STATIC_DIR
from service.sessions import SessionTokens

log = get_logger()

DESCRIPTION = """Cited question answering over the 衢州政报 gazette (政府公报).

* `POST /v1/ask` — answer + citations (JSON, or server-sent events with `stream: true`)
* `GET /v1/ask/stream` — the same as server-sent events
* `DELETE /v1/session` — forget the conversation kept in the pages' cookie
* `POST /v1/search` — ranked chunks with BM25/dense scores
* `GET /v1/documents`, `GET /v1/documents/{doc_key}` — the documents, outline, text, tables
* `POST /v1/chat/completions`, `GET /v1/models` — OpenAI-compatible

Follow-ups: send back the `session_id` token an answer returned (tokens are signed by the server;
one that does not verify starts a new conversation). The pages keep it in an HttpOnly cookie instead
(`session_cookie: true`).

Errors: `{"error": {"code": "...", "message": "中文 / English"}}`.
"""


def _warm(state: ServiceState) -> None:
    engine = state.engine
    assert engine is not None
    state.warming = True

    def rebuilding(problem: IndexNotBuilt) -> None:
        state.rebuilding = problem  # /readyz says what is wrong until the rebuilt index is loaded
        log.warning("index unusable; rebuilding it", extra={"fields": {"reason": problem.reason}})

    try:
        engine.warm_up(rebuild=engine.settings.index_autobuild, on_rebuild=rebuilding)
        log.info("engine ready", extra={"fields": {"documents": len(engine.documents())}})
    except BaseException as exc:  # noqa: BLE001 - kept for /readyz and logged
        state.warm_error = exc
        log.error("engine warm-up failed", exc_info=exc)
    finally:
        state.rebuilding = None
        state.warming = False


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ServiceState = app.state.service
    try:
        if state.engine is None:
            state.engine = Engine(state.settings)
    except Exception as exc:  # noqa: BLE001 - reported by /readyz
        state.warm_error = exc
        log.error("engine construction failed", exc_info=exc)
    thread = None
    if state.engine is not None and not state.engine.ready:
        thread = threading.Thread(target=_warm, args=(state,), name="engine-warm-up", daemon=True)
        thread.start()
    state.pool.start()
    yield
    await asyncio.to_thread(state.pool.close, 5.0)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5.0)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app. `engine`, when given, is used as is (warmed at startup unless already ready);
    otherwise `Engine(settings)` is built at startup."""
    settings = settings or (engine.settings if engine is not None else Settings())
    configure_logging()
    # FastAPIOffline serves the Swagger UI assets itself: the docs page must work with no CDN.
    app = FastAPIOffline(
        title="gazette-qa", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
        docs_url="/docs", redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.service = ServiceState(settings=settings, tokens=SessionTokens.from_settings(settings), engine=engine)
    install_error_handlers(app)
    for module in (health, ask, session, search, documents, chat, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Last added = outermost: CORS → request id/access log → error boundary → rate limit → body limit
    # → security headers on HTML.
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware, limiter=TokenBucketLimiter(settings.rate_limit_per_minute,
                                                                       settings.rate_limit_burst))
    app.add_middleware(ErrorBoundaryMiddleware)
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Content-Type", "Authorization", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    return app


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None) -> None:
    """Run the server with JSON logs. uvicorn's own access log stays off: it would print query
    strings (GET /v1/ask/stream?question=…) unmasked; the service's access log masks them."""
    import uvicorn

    settings = settings or Settings()
    configure_logging()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port, access_log=False,
                log_config=None, proxy_headers=False)


if __name__ == "__main__":  # pragma: no cover
    serve()
