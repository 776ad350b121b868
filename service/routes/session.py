"""DELETE /v1/session: forget the conversation the pages keep in their cookie (开始新对话)."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response

from service.deps import StateDep
from service.routes import openapi_errors
from service.routes.ask import SessionCookie
from service.sessions import clear_cookie

router = APIRouter(tags=["ask"])


@router.delete("/v1/session", status_code=204, response_class=Response, responses=openapi_errors(429, 500),
               summary="Forget the conversation kept in the qa_session cookie")
def forget_session(state: StateDep, request: Request, qa_session: SessionCookie = None) -> Response:
    """Drops the conversation the cookie names (when it verifies) and clears the cookie. API clients
    that hold a token simply stop sending it; the conversation expires after its time-to-live."""
    session_id = state.tokens.verify(qa_session)
    if session_id and state.engine is not None:
        state.engine.sessions.drop(session_id)
    response = Response(status_code=204)
    clear_cookie(response, request)
    return response
