"""What routes get by dependency: the engine (once warm), the settings, the session tokens and the
answering pool. Nothing module-global: all live on `app.state.service`, set by create_app and the
lifespan. The dependencies are coroutines so that FastAPI runs them on the event loop: a sync
dependency would wait for a thread of the server's pool, and /healthz must never wait for anything."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from qa.config import Settings
from qa.engine import Engine
from qa.errors import IndexNotBuilt, QAError
from service.errors import APIError, index_not_built_message, without_paths
from service.sessions import SessionTokens
from service.pool import AnswerPool


@dataclass
class ServiceState:
    settings: Settings
    tokens: SessionTokens
    engine: Engine | None = None
    warm_error: BaseException | None = None
    warming: bool = False
    rebuilding: IndexNotBuilt | None = None  # what was wrong with the index while warm-up rebuilds it
    pool: AnswerPool = field(init=False)

    def __post_init__(self) -> None:
        self.pool = AnswerPool(self.settings.workers, self.settings.queue_size)


async def get_state(request: Request) -> ServiceState:
    return request.app.state.service


async def get_settings(request: Request) -> Settings:
    return request.app.state.service.settings


async def get_pool(request: Request) -> AnswerPool:
    return request.app.state.service.pool


async def get_tokens(request: Request) -> SessionTokens:
    return request.app.state.service.tokens


def not_ready_error(state: ServiceState) -> APIError:
    if state.rebuilding is not None:
        return APIError(503, "index_rebuilding",
                        f"索引不可用,正在重建,请稍候再试 / The index is being rebuilt ({state.rebuilding.reason}); "
                        f"retry shortly", {"Retry-After": "10"})
    if state.warm_error is not None:
        if isinstance(state.warm_error, IndexNotBuilt):
            return APIError(503, "index_not_built", index_not_built_message(state.warm_error), {"Retry-After": "30"})
        if isinstance(state.warm_error, QAError):  # the corpus or the data folder: say what, never where
            reason = getattr(state.warm_error, "reason", None) or without_paths(str(state.warm_error))
            return APIError(503, "engine_failed", f"检索引擎启动失败 / The engine failed to start: {reason}",
                            {"Retry-After": "30"})
        return APIError(503, "engine_failed",
                        f"检索引擎启动失败,请查看服务日志 / The engine failed to start; see the service log "
                        f"({type(state.warm_error).__name__})", {"Retry-After": "30"})
    return APIError(503, "warming_up", "服务正在加载索引,请稍候再试 / The service is loading its index; retry shortly",
                    {"Retry-After": "2"})


async def get_engine(request: Request) -> Engine:
    state: ServiceState = request.app.state.service
    engine = state.engine
    if engine is None or not engine.ready:
        raise not_ready_error(state)
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StateDep = Annotated[ServiceState, Depends(get_state)]
TokensDep = Annotated[SessionTokens, Depends(get_tokens)]
PoolDep = Annotated[AnswerPool, Depends(get_pool)]
