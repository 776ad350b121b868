"""The bounded answering pool: fast 503 when full, health independent of it, and cancelled work
(a client that disconnects) leaving its place at once. Real servers, real engine; the only
stand-in is the LLM endpoint in the test that says so."""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx
import pytest

from qa.cancel import Cancelled, CancelToken
from qa.llm import LLMConfig, LLMPhraser
from service.app import create_app
from service.pool import AnswerPool, PoolFull
from tests.llm_standin import serve_standin
from tests.service.conftest import EXAMPLE_QUESTION, assert_error, quiet_settings, run_server


def wait_until(cond: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def occupy(pool: AnswerPool, n: int = 1) -> threading.Event:
    """Take `n` of the pool's workers with jobs that wait for the returned gate."""
    gate = threading.Event()
    started = threading.Semaphore(0)

    def blocker(token: CancelToken) -> None:
        started.release()
        gate.wait(120)

    async def submit() -> None:
        for _ in range(n):
            pool.submit(blocker, CancelToken())

    asyncio.run(submit())
    for _ in range(n):
        assert started.acquire(timeout=60), "a blocking job never started"
    return gate


# ------------------------------------------------------------------ the pool alone
def test_pool_refuses_beyond_its_workers_and_queue_and_runs_the_rest():
    pool = AnswerPool(workers=1, queue_size=1)
    gate = occupy(pool)
    try:

        async def scenario() -> str:
            waiting = asyncio.ensure_future(pool.run(lambda token: "answered"))
            await asyncio.sleep(0)
            wait_until(lambda: pool.queued == 1, "the second job waits")
            with pytest.raises(PoolFull):
                pool.submit(lambda token: "never", CancelToken())
            gate.set()
            return await waiting

        assert asyncio.run(scenario()) == "answered"
        assert pool.counts["refused"] == 1
    finally:
        gate.set()
        pool.close()


def test_a_cancelled_job_leaves_the_queue_and_never_runs():
    pool = AnswerPool(workers=1, queue_size=4)
    gate = occupy(pool)
    ran = []
    try:

        async def scenario() -> None:
            job = pool.submit(lambda token: ran.append(1), CancelToken())
            assert pool.queued == 1
            job.cancel()
            assert pool.queued == 0 and job.future.cancelled()

        asyncio.run(scenario())
        gate.set()
        wait_until(lambda: pool.running == 0, "the blocker finished")
        assert ran == [] and pool.counts["cancelled"] == 1
    finally:
        gate.set()
        pool.close()


def test_a_running_job_is_told_to_stop():
    pool = AnswerPool(workers=1, queue_size=0)
    inside = threading.Event()

    def work(token: CancelToken) -> None:
        inside.set()
        while True:  # a stage loop: checks between stages
            token.check()
            time.sleep(0.01)

    async def scenario() -> None:
        job = pool.submit(work, CancelToken())
        await asyncio.to_thread(inside.wait, 60)
        job.cancel()
        assert job.token.cancelled

    try:
        asyncio.run(scenario())
        wait_until(lambda: pool.running == 0, "the running job stopped")
        assert pool.counts["cancelled"] == 1
    finally:
        pool.close()


def test_closing_cancels_the_waiting_jobs():
    pool = AnswerPool(workers=1, queue_size=2)
    gate = occupy(pool)

    async def scenario() -> None:
        waiting = asyncio.ensure_future(pool.run(lambda token: "never"))
        await asyncio.sleep(0)
        threading.Thread(target=pool.close).start()
        with pytest.raises(Cancelled):
            await waiting
        gate.set()

    try:
        asyncio.run(scenario())
    finally:
        gate.set()
        pool.close()


# ------------------------------------------------------------------ over HTTP
@pytest.fixture()
def small(engine) -> Iterator[tuple[str, AnswerPool]]:
    """A server over the shared engine with one answering thread and room for one waiting question."""
    app = create_app(quiet_settings(engine.settings, workers=1, queue_size=1), engine=engine)
    with run_server(app) as url:
        yield url, app.state.service.pool


def raw_request(base: str, method: str, path: str, body: dict | None = None) -> socket.socket:
    """Send a request on a plain socket (so the test decides when the client hangs up)."""
    host, port = base.removeprefix("http://").split(":")
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    sock = socket.create_connection((host, int(port)), timeout=60)
    sock.sendall(head.encode() + b"\r\n" + data)
    return sock


def read_response(sock: socket.socket) -> bytes:
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    sock.close()
    return out


def test_a_full_pool_gives_a_fast_503_and_health_stays_up(small):
    base, pool = small
    gate = occupy(pool)
    try:
        waiting = raw_request(base, "POST", "/v1/ask", {"question": EXAMPLE_QUESTION})
        wait_until(lambda: pool.queued == 1, "the request waits for the worker")
        with httpx.Client(base_url=base, timeout=60) as client:
            r = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION})
            assert_error(r, 503, "busy")
            assert int(r.headers["retry-after"]) >= 1
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 200
            assert_error(client.post("/v1/search", json={"query": "景区"}), 503, "busy")
        gate.set()
        reply = read_response(waiting)
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    finally:
        gate.set()


ASKS = {
    "json": ("POST", "/v1/ask", {"question": EXAMPLE_QUESTION}),
    "sse": ("POST", "/v1/ask", {"question": EXAMPLE_QUESTION, "stream": True}),
    "sse_get": ("GET", f"/v1/ask/stream?question={quote(EXAMPLE_QUESTION)}", None),
    "chat": ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": EXAMPLE_QUESTION}],
                                              "stream": True}),
}


@pytest.mark.parametrize("kind", list(ASKS))
def test_a_client_that_hangs_up_while_waiting_frees_its_place(small, kind):
    base, pool = small
    gate = occupy(pool)
    try:
        sock = raw_request(base, *ASKS[kind])
        wait_until(lambda: pool.queued == 1, "the request waits for the worker")
        sock.close()
        wait_until(lambda: pool.queued == 0, "the abandoned question leaves the queue")
        assert pool.counts["cancelled"] == 1
        gate.set()
        wait_until(lambda: pool.running == 0, "the blocker finished")
        assert pool.counts["done"] == 1  # only the blocker ran: the abandoned question was never answered
        with httpx.Client(base_url=base, timeout=60) as client:
            assert client.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).status_code == 200
    finally:
        gate.set()


def test_standin_llm_a_running_answer_stops_when_its_client_hangs_up(small, engine, monkeypatch):
    """The answer waits for the model (a local stand-in that takes 1.5 s) when the client leaves:
    the worker stops at the next stage instead of finishing, and its place is free again."""
    base, pool = small
    with serve_standin() as standin:
        standin.delay = 1.5
        standin.reply = "汛期为每年4月15日至10月15日[1]。"
        phraser = LLMPhraser(LLMConfig(base_url=standin.base_url, model="standin", timeout=10.0))
        monkeypatch.setattr(engine, "llm", phraser)
        try:
            sock = raw_request(base, "POST", "/v1/ask", {"question": "衢州汛期是哪段时间?", "stream": True})
            wait_until(lambda: standin.requests, "the answer reached the model")
            assert pool.running == 1
            sock.close()
            wait_until(lambda: pool.running == 0, "the worker let go of the abandoned answer")
            assert pool.counts == {"done": 0, "cancelled": 1, "refused": 0}
        finally:
            phraser.close()
