"""Liveness (no engine needed) and readiness (503 until the engine is warm), both answered on the
event loop: they never wait for a thread, so a busy answering pool cannot make them slow."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import StateDep, not_ready_error
from service.errors import error_response
from service.routes import openapi_errors
from service.schemas import HealthResponse, ReadyResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse, summary="Process is up")
async def healthz() -> HealthResponse:
    return HealthResponse()


@router.get("/readyz", response_model=ReadyResponse, responses=openapi_errors(500, 503), summary="Engine is warm")
async def readyz(state: StateDep) -> ReadyResponse | JSONResponse:
    engine = state.engine
    if engine is None or not engine.ready:
        err = not_ready_error(state)
        return error_response(err.status, err.code, err.message, err.headers)
    return ReadyResponse(documents=len(engine.documents()))
