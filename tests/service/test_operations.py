"""Rate limit, CORS, readiness, the catch-all 500 and the small helpers, each on its own server."""
from __future__ import annotations

import sys
import threading
import time

import httpx
import pytest

from qa.config import REPO_ROOT
from qa.engine import Engine
from qa.errors import GazetteFormatError
from service.app import create_app
from service.middleware import TokenBucketLimiter
from service.text import clean_text, has_content, normalize_doc_key, split_sentences
from tests.service.conftest import EXAMPLE_QUESTION, assert_error, quiet_settings, run_server

# --- rate limit and CORS: a server with a tiny bucket and one allowed origin ---------------------------

ORIGIN = "http://gazette.example"


@pytest.fixture(scope="module")
def tiny_server(engine):
    settings = engine.settings.model_copy(update={
        "rate_limit_per_minute": 6.0, "rate_limit_burst": 3, "cors_origins": [ORIGIN]})
    app = create_app(settings, engine=engine)

    @app.get("/_test/boom", include_in_schema=False)
    def boom() -> None:  # a route that fails, to show the catch-all handler
        raise RuntimeError("secret internal detail 13812345678")

    @app.get("/_test/domain-error", include_in_schema=False)
    def domain_error() -> None:  # a domain error whose text names a server folder
        raise GazetteFormatError(f"{REPO_ROOT / 'data' / 'gazettes' / 'x.txt'} is empty")

    with run_server(app) as url:
        yield url


def test_rate_limit_gives_429_with_retry_after(tiny_server):
    with httpx.Client(base_url=tiny_server, timeout=30) as c:
        statuses = [c.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        r = c.post("/v1/ask", json={"question": EXAMPLE_QUESTION})
        err = assert_error(r, 429, "rate_limited")
        retry = int(r.headers["retry-after"])
        assert 1 <= retry <= 10 and str(retry) in err["message"]
        assert c.get("/healthz").status_code == 200, "health checks are not rate limited"
        assert c.get("/readyz").status_code == 200


def test_cors_when_configured(tiny_server):
    with httpx.Client(base_url=tiny_server, timeout=30) as c:
        pre = c.options("/v1/ask", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == ORIGIN
        other = c.options("/v1/ask", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
        assert other.headers.get("access-control-allow-origin") != "http://evil.example"


def test_unexpected_error_is_a_json_500_without_trace(tiny_server, service_logs):
    r = httpx.get(f"{tiny_server}/_test/boom", headers={"X-Request-ID": "boom-1"}, timeout=30)
    err = assert_error(r, 500, "internal_error")
    assert "secret" not in r.text and "RuntimeError" not in r.text
    assert r.headers["x-request-id"] == "boom-1"
    logged = [rec for rec in service_logs.records() if rec.get("request_id") == "boom-1" and rec["level"] == "ERROR"]
    assert logged and "RuntimeError" in logged[0]["exc"]
    assert "13812345678" not in "\n".join(service_logs.lines)
    assert err["message"]


def test_error_bodies_name_no_server_folder(tiny_server):
    r = httpx.get(f"{tiny_server}/_test/domain-error", timeout=30)
    err = assert_error(r, 422, "invalid_request")
    assert "is empty" in err["message"] and str(REPO_ROOT) not in r.text and sys.prefix not in r.text


# --- readiness ---------------------------------------------------------------------------------------

class StandInSlowEngine:
    """STAND-IN (not the engine): only to show /readyz and the 503 answers while warm-up runs."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.release = threading.Event()
        self._ready = False

    def warm_up(self, **_rebuild_options) -> None:
        self.release.wait(60)
        self._ready = True

    @property
    def ready(self) -> bool:
        return self._ready

    def documents(self):
        return []


def test_readyz_is_503_until_the_engine_is_warm(engine):
    stand_in = StandInSlowEngine(quiet_settings(engine.settings))
    app = create_app(stand_in.settings, engine=stand_in)  # type: ignore[arg-type]
    with run_server(app, ready_path=None) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert_error(r, 503, "warming_up")
        assert r.headers["retry-after"]
        assert_error(c.post("/v1/ask", json={"question": EXAMPLE_QUESTION}), 503, "warming_up")
        assert_error(c.get("/v1/documents"), 503, "warming_up")
        stand_in.release.set()
        deadline = time.monotonic() + 10
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_readyz_explains_a_missing_index_without_server_paths(tmp_path):
    from qa.config import Settings

    data_dir = tmp_path / "empty"
    settings = Settings(data_dir=data_dir, rate_limit_per_minute=1e9, rate_limit_burst=10**6, index_autobuild=False)
    app = create_app(settings, engine=Engine(settings))
    with run_server(app, ready_path=None) as url, httpx.Client(base_url=url, timeout=30) as c:
        deadline = time.monotonic() + 120
        while True:
            r = c.get("/readyz")
            if r.json()["error"]["code"] != "warming_up" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        err = assert_error(r, 503, "index_not_built")
        assert "no index has been built" in err["message"] and "run `qa ingest`, then restart" in err["message"]
        assert str(tmp_path) not in r.text and "/empty" not in r.text
        assert_error(c.post("/v1/ask", json={"question": EXAMPLE_QUESTION}), 503, "index_not_built")
        for body in (r.text,):  # the index folder's path is for the log, not for clients
            assert str(REPO_ROOT) not in body and sys.prefix not in body
        assert c.get("/healthz").status_code == 200
    assert not data_dir.exists(), "with index_autobuild off the service writes nothing"


class StandInBrokenEngine(StandInSlowEngine):
    """STAND-IN (not the engine): a warm-up that fails with a path in its message."""

    def warm_up(self) -> None:
        raise OSError(f"cannot read {self.settings.data_dir / 'index' / 'faiss.index'}")


def test_engine_failure_is_503_without_server_paths(engine, tmp_path):
    stand_in = StandInBrokenEngine(quiet_settings(engine.settings, data_dir=tmp_path / "var"))
    app = create_app(stand_in.settings, engine=stand_in)  # type: ignore[arg-type]
    with run_server(app, ready_path=None) as url, httpx.Client(base_url=url, timeout=30) as c:
        deadline = time.monotonic() + 10
        while (r := c.get("/readyz")).json()["error"]["code"] == "warming_up":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert_error(r, 503, "engine_failed")
        ask = c.post("/v1/ask", json={"question": EXAMPLE_QUESTION})
        assert_error(ask, 503, "engine_failed")
        for body in (r.text, ask.text):
            assert str(tmp_path) not in body and "faiss.index" not in body


# --- helpers -----------------------------------------------------------------------------------------

def test_token_bucket_refills():
    now = [0.0]
    bucket = TokenBucketLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0, "buckets are per client"
    now[0] = 1.0
    assert bucket.take("a") == 0
    assert TokenBucketLimiter(per_minute=0, burst=1).take("x") == 0, "0 disables the limit"


def test_clean_text_and_content():
    assert clean_text(" a\x00b\tc\u202e\ud800 d\n") == "ab c d"
    assert clean_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"
    assert not has_content("?!。😀……") and has_content("12月") and has_content("免费")


def test_normalize_doc_key_and_sentences():
    assert normalize_doc_key(" 衢政办发[2017]29号 ") == normalize_doc_key("衢政办发【2017】29号") == "衢政办发〔2017〕29号"
    text = "第一句。第二句;第三句!没有结尾"
    assert split_sentences(text) == ["第一句。", "第二句;", "第三句!", "没有结尾"]
    assert "".join(split_sentences("。。a。\nb")) == "。。a。\nb"
    assert split_sentences("") == []


def test_session_tokens_verify_only_their_own_signature():
    from pydantic import SecretStr

    from qa.config import Settings
    from qa.errors import InvalidSetting
    from service.sessions import SessionTokens, session_tag

    tokens = SessionTokens.from_settings(Settings(session_secret=SecretStr("s" * 32)))
    token = tokens.sign("abc123")
    assert tokens.verify(token) == "abc123"
    assert SessionTokens.from_settings(Settings(session_secret=SecretStr("s" * 32))).verify(token) == "abc123", \
        "the configured secret makes tokens survive a restart"
    for other in ("abc123", "abc123.", token + "x", token.replace("abc123", "abc124"), "", None, "a.b.c",
                  SessionTokens(b"t" * 32).sign("abc123"), SessionTokens.from_settings(Settings()).sign("abc123")):
        assert tokens.verify(other) is None, other
    assert SessionTokens.from_settings(Settings()).verify(SessionTokens.from_settings(Settings()).sign("x")) is None, \
        "without a configured secret each process draws its own"
    assert session_tag("abc123") == session_tag("abc123") and "abc123" not in session_tag("abc123")
    with pytest.raises(InvalidSetting, match="QA_SESSION_SECRET"):
        SessionTokens.from_settings(Settings(session_secret=SecretStr("short")))


def test_text_pattern_names_exactly_what_cleaning_drops():
    """The schema's "at least one visible character" class is the set clean_text drops or collapses
    (recomputed from this Python's Unicode tables; lone surrogates cannot be spelled in a pattern)."""
    import re
    import unicodedata

    from service.schemas import TEXT_PATTERN

    visible = re.compile(TEXT_PATTERN)
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if unicodedata.category(ch) == "Cs":
            continue
        assert bool(visible.fullmatch(ch)) == bool(clean_text(ch)), hex(code)
