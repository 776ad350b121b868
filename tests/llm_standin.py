"""A LOCAL stand-in for an OpenAI-compatible chat server, for the tests of the optional LLM path
(tests/test_llm.py) and of cancelling an answer while it waits for the model (tests/service).

A tiny FastAPI app served by uvicorn in a thread on a free 127.0.0.1 port; each test sets the reply
it gives (text, status, raw body, delay). It is not a language model.
"""
from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response


@dataclass
class StandinState:
    reply: str = ""
    status: int = 200
    raw_body: str | None = None  # sent as-is instead of a chat completion (malformed JSON)
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)
    base_url: str = ""

    def reset(self) -> None:
        self.reply, self.status, self.raw_body, self.delay = "", 200, None, 0.0
        self.requests.clear()


def standin_app(state: StandinState) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        state.requests.append({"headers": dict(request.headers), "json": await request.json()})
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.raw_body is not None:
            return Response(state.raw_body, status_code=state.status, media_type="application/json")
        if state.status != 200:
            return JSONResponse({"error": {"message": "stand-in failure"}}, status_code=state.status)
        return {"id": "standin-1", "object": "chat.completion", "model": "standin",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": state.reply}}]}

    return app


@contextlib.contextmanager
def serve_standin() -> Iterator[StandinState]:
    """The stand-in on 127.0.0.1:<free port>; its state (base_url set) for the block."""
    import uvicorn

    state = StandinState()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(standin_app(state), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the stand-in server did not start"
            time.sleep(0.02)
        state.base_url = f"http://127.0.0.1:{port}/v1"
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
