"""Service fixtures: the app over the real, warmed `engine` (from tests/conftest.py), served by a real
uvicorn server on a free loopback port in a background thread."""
from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from qa.config import Settings
from service.app import create_app
from service.logs import JsonFormatter

EXAMPLE_QUESTION = "6月12日哪些景区免费?"
FREE_TOUR_KEY = "衢政办发〔2017〕29号"


@contextlib.contextmanager
def run_server(app, ready_path: str | None = "/readyz", timeout: float = 120.0) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1:<free port>; yield the base URL; stop on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", access_log=False, log_config=None, log_level="warning",
                            timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        if ready_path:
            while httpx.get(base + ready_path, timeout=10).status_code != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{ready_path} never became 200")
                time.sleep(0.1)
        yield base
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def quiet_settings(settings: Settings, **update) -> Settings:
    """The engine's settings with the rate limit out of the way (tests send thousands of requests)."""
    return settings.model_copy(update={"rate_limit_per_minute": 1e9, "rate_limit_burst": 1_000_000, **update})


@pytest.fixture(scope="session")
def service_app(engine):
    return create_app(quiet_settings(engine.settings), engine=engine)


@pytest.fixture(scope="session")
def base_url(service_app) -> Iterator[str]:
    with run_server(service_app) as url:
        yield url


@pytest.fixture()
def client(base_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
def documents(engine) -> dict:
    return {d.key: d for d in engine.documents()}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture()
def service_logs() -> Iterator[_Collect]:
    """JSON lines the service logger writes while the test runs (formatted as in production)."""
    handler = _Collect()
    logger = logging.getLogger("service")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def assert_error(response: httpx.Response, status: int | tuple[int, ...], code: str | tuple[str, ...] | None = None) -> dict:
    """A clear JSON error: {"error": {"code", "message"}} with a bilingual message; never a 5xx."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and " / " in err["message"], err["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), "message has a Chinese part"
    assert any(ch.isascii() and ch.isalpha() for ch in err["message"]), "message has an English part"
    assert "Traceback" not in response.text
    if code is not None:
        codes = (code,) if isinstance(code, str) else code
        assert err["code"] in codes, err
    return err


def sse_events(text: str) -> list[tuple[str, str]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        events.append((name, "\n".join(data)))
    return events
