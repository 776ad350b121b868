"""HTTP API through a real uvicorn server over the real engine: contract, bad input, sessions,
streaming, documents, health, request ids, logs."""
from __future__ import annotations

import json
import re
import urllib.parse

import httpx
import pytest

from tests.service.conftest import EXAMPLE_QUESTION, FREE_TOUR_KEY, assert_error, sse_events

ASK_FIELDS = {"answer", "found", "kind", "citations", "related", "session_id", "session_tag", "continued",
              "rewritten_question", "timing_ms"}
CITATION_FIELDS = {"doc_number", "doc_key", "title", "section", "quote", "chunk_id", "line_start", "line_end", "status"}
HIT_FIELDS = {"chunk_id", "doc_number", "doc_key", "title", "section", "kind", "text", "score", "scores", "ranks",
              "line_start", "line_end", "status"}


def check_citation(c: dict) -> None:
    assert set(c) == CITATION_FIELDS
    for key in ("doc_number", "doc_key", "title", "quote", "chunk_id"):
        assert isinstance(c[key], str) and c[key], key
    assert isinstance(c["section"], str)
    assert isinstance(c["line_start"], int) and isinstance(c["line_end"], int)
    assert 1 <= c["line_start"] <= c["line_end"]


def check_ask(body: dict) -> None:
    assert set(body) == ASK_FIELDS
    assert isinstance(body["answer"], str) and body["answer"]
    assert isinstance(body["found"], bool)
    assert isinstance(body["kind"], str) and body["kind"]
    assert body["session_id"] is None or (isinstance(body["session_id"], str) and "." in body["session_id"])
    assert re.fullmatch(r"[0-9a-f]{12}", body["session_tag"]) and isinstance(body["continued"], bool)
    assert isinstance(body["rewritten_question"], str)
    assert all(isinstance(v, (int, float)) for v in body["timing_ms"].values())
    for c in body["citations"] + body["related"]:
        check_citation(c)
    if body["found"]:
        assert body["citations"], "a found answer cites its source"


# --- health ------------------------------------------------------------------------------------------

def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_when_warm(client, documents):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "documents": len(documents)}


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/documents", "/v1/documents/{doc_key}",
                 "/v1/chat/completions", "/v1/models", "/healthz", "/readyz"):
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_docs_page_needs_no_cdn(client):
    """This machine (and many operators' networks) reach no CDN: the docs assets come from the app."""
    import re

    html = client.get("/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


# --- ask ---------------------------------------------------------------------------------------------

def test_ask_contract(client):
    r = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    check_ask(body)
    assert body["found"] is True
    assert FREE_TOUR_KEY in {c["doc_key"] for c in body["citations"]}
    for c in body["citations"]:
        assert " / ".join(c["section"].split(" / ")) == c["section"]


def test_citations_resolve_to_documents(client):
    body = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).json()
    for c in body["citations"]:
        doc = client.get(f"/v1/documents/{urllib.parse.quote(c['doc_key'])}")
        assert doc.status_code == 200
        d = doc.json()
        assert d["number"] == c["doc_number"] and d["title"] == c["title"]
        assert d["line_start"] <= c["line_start"] <= c["line_end"] <= d["line_end"]


def test_ask_with_filters(client):
    r = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "filters": {"doc_keys": ["衢政办发[2017]29号"]}})
    assert r.status_code == 200, r.text
    body = r.json()
    check_ask(body)
    assert all(c["doc_key"] == FREE_TOUR_KEY for c in body["citations"])


def test_session_follow_up_keeps_the_session(client):
    first = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).json()
    token = first["session_id"]
    assert not first["continued"]
    second = client.post("/v1/ask", json={"question": "那12月呢?", "session_id": token})
    assert second.status_code == 200, second.text
    body = second.json()
    check_ask(body)
    assert body["session_id"] == token and body["continued"] and body["session_tag"] == first["session_tag"]
    assert "12月" in body["rewritten_question"] and "景区" in body["rewritten_question"]
    third = client.post("/v1/ask", json={"question": "那5月呢?", "session_id": token}).json()
    assert third["session_id"] == token and third["continued"]


def test_unknown_session_gets_a_new_one(client):
    r = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "session_id": "no-such-session"})
    assert r.status_code == 200
    sid = r.json()["session_id"]
    assert sid and sid != "no-such-session" and not r.json()["continued"]
    r2 = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "session_id": None})
    assert r2.status_code == 200 and r2.json()["session_id"] not in ("", sid)


def _not_owned(token: str) -> list[str]:
    from service.sessions import SessionTokens

    session_id, mac = token.split(".")
    return [
        session_id,  # the bare id (what logs used to show)
        f"{session_id}.{mac[:-2]}{'AA' if not mac.endswith('AA') else 'BB'}",  # a forged signature
        SessionTokens(b"another server's secret, 32 byte").sign(session_id),  # signed with another secret
        f"{session_id}.",
    ]


def test_a_session_id_alone_does_not_hand_over_the_conversation(client):
    """Only the signed token continues a conversation; anything else starts a new one and gets none
    of the earlier words back."""
    first = client.post("/v1/ask", json={"question": "我电话13905701234,6月12日哪些景区免费?"}).json()
    for other in _not_owned(first["session_id"]):
        for r in (client.post("/v1/ask", json={"question": "那12月呢?", "session_id": other}),
                  client.get("/v1/ask/stream", params={"question": "那12月呢?", "session_id": other})):
            body = json.loads(sse_events(r.text)[-1][1]) if r.headers["content-type"].startswith("text/event-stream") else r.json()
            assert r.status_code == 200 and not body["continued"], other
            assert body["session_tag"] != first["session_tag"] and body["session_id"] != first["session_id"]
            assert body["rewritten_question"] == "那12月呢?", "no earlier words for a client that owns no session"
        chat = client.post("/v1/chat/completions", json={
            "messages": [{"role": "user", "content": "那12月呢?"}], "session_id": other}).json()
        assert chat["session_id"] != first["session_id"]


def test_stored_turns_hold_no_identifiers(client, engine):
    """What the session store keeps is the matching form: the phone number is gone, the topic stays."""
    first = client.post("/v1/ask", json={"question": "我叫王芳,电话13905701234,6月12日哪些景区免费?"}).json()
    session = engine.sessions.get_or_create(first["session_id"].split(".")[0])
    stored = [t.question for t in session.turns]
    assert stored and all("13905701234" not in q and "王芳" not in q for q in stored), stored
    follow = client.post("/v1/ask", json={"question": "那12月呢?", "session_id": first["session_id"]}).json()
    assert follow["continued"] and follow["rewritten_question"] == "12月哪些景区免费?"


def test_pages_keep_the_session_in_an_httponly_cookie(client):
    r = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "session_cookie": True})
    assert r.status_code == 200 and r.json()["session_id"] is None, "the token is not readable by page scripts"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("qa_session=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/v1/" in cookie
    token = client.cookies["qa_session"]
    follow = client.post("/v1/ask", json={"question": "那12月呢?", "session_cookie": True}).json()
    assert follow["continued"] and "景区" in follow["rewritten_question"]
    streamed = _check_stream(client.get("/v1/ask/stream", params={"question": "那5月呢?", "session_cookie": "true"}))
    assert streamed["continued"] and streamed["session_id"] is None
    # without session_cookie the cookie is not read: an API client with a cookie jar starts afresh
    plain = client.post("/v1/ask", json={"question": "那12月呢?"}).json()
    assert not plain["continued"] and plain["rewritten_question"] == "那12月呢?"
    # 开始新对话: the server forgets the conversation and clears the cookie
    gone = client.delete("/v1/session")
    assert gone.status_code == 204 and "qa_session" not in client.cookies
    with httpx.Client(base_url=str(client.base_url), timeout=60, cookies={"qa_session": token}) as old:
        replay = old.post("/v1/ask", json={"question": "那12月呢?", "session_cookie": True}).json()
    assert not replay["continued"] and replay["rewritten_question"] == "那12月呢?", "a forgotten session stays gone"


def test_a_forged_cookie_starts_a_new_session(client):
    first = client.post("/v1/ask", json={"question": EXAMPLE_QUESTION}).json()
    for other in _not_owned(first["session_id"]):
        with httpx.Client(base_url=str(client.base_url), timeout=60, cookies={"qa_session": other}) as c:
            body = c.post("/v1/ask", json={"question": "那12月呢?", "session_cookie": True}).json()
            assert not body["continued"] and body["rewritten_question"] == "那12月呢?"


@pytest.mark.parametrize("question", ["???", "?!。。。", "😀😀😀", "……", "🙂?", "!!!🎉", "・・・"])
def test_punctuation_or_emoji_only_is_not_found(client, question):
    r = client.post("/v1/ask", json={"question": question})
    assert r.status_code == 200, r.text
    body = r.json()
    check_ask(body)
    assert body["found"] is False
    assert body["citations"] == []


def test_out_of_scope_question_is_not_found(client):
    body = client.post("/v1/ask", json={"question": "火星基地的氧气配额是多少?"}).json()
    check_ask(body)
    assert body["found"] is False
    assert "本期公报未作规定" in body["answer"]


def test_control_characters_are_stripped(client):
    r = client.post("/v1/ask", json={"question": "6月12日\x00哪些\x07景区\u202e免费\x1b?"})
    assert r.status_code == 200, r.text
    body = r.json()
    check_ask(body)
    assert not re.search(r"[\x00-\x1f\x7f\u202a-\u202e]", body["rewritten_question"])


def test_question_of_exactly_500_characters_is_accepted(client):
    r = client.post("/v1/ask", json={"question": "景区" * 250})
    assert r.status_code == 200, r.text


# --- bad input: every case is a 4xx with a JSON message, never a 5xx ---------------------------------

@pytest.mark.parametrize("payload, code, mentions", [
    ({"question": ""}, "question_empty", "question"),
    ({"question": "   \t\n  "}, "question_empty", "question"),
    ({"question": "\x00\x01\x02"}, "question_empty", "question"),
    ({"question": "\u200b\u200e"}, "question_empty", "question"),
    ({"question": "问" * 501}, "question_too_long", "500"),
    ({"question": 42}, "invalid_type", "question"),
    ({"question": None}, "invalid_type", "question"),
    ({"question": ["a"]}, "invalid_type", "question"),
    ({"question": {"text": "a"}}, "invalid_type", "question"),
    ({"question": True}, "invalid_type", "question"),
    ({}, "missing_field", "question"),
    ({"question": "景区", "foo": 1}, "unknown_field", "foo"),
    ({"question": "景区", "stream": "yes"}, "invalid_type", "stream"),
    ({"question": "景区", "session_id": 7}, "invalid_type", "session_id"),
    ({"question": "景区", "session_id": "s" * 129}, "invalid_session_id", "128"),
    ({"question": "景区", "filters": {"doc_keys": ["衢政办发〔2099〕1号"]}}, "unknown_doc_key", "衢政办发〔2099〕1号"),
    ({"question": "景区", "filters": {"doc_keys": "衢政办发〔2017〕29号"}}, "invalid_type", "filters.doc_keys"),
    ({"question": "景区", "filters": {"kinds": ["poem"]}}, "invalid_value", "article"),
    ({"question": "景区", "filters": {"date_from": "2017-13-45"}}, "invalid_date", "YYYY-MM-DD"),
    ({"question": "景区", "filters": {"date_from": 20170101}}, "invalid_type", "filters.date_from"),
    ({"question": "景区", "filters": {"date_from": "2017-07-01", "date_to": "2017-06-01"}}, "invalid_date_range", "date_to"),
    ({"question": "景区", "filters": {"colour": "red"}}, "unknown_field", "colour"),
    ({"question": "景区", "filters": "all"}, "invalid_type", "filters"),
])
def test_ask_rejects_bad_input(client, payload, code, mentions):
    err = assert_error(client.post("/v1/ask", json=payload), 422, code)
    assert mentions in err["message"], err


def test_too_long_question_message_says_the_limit(client):
    err = assert_error(client.post("/v1/ask", json={"question": "问" * 600}), 422, "question_too_long")
    assert "500" in err["message"] and "600" in err["message"]


@pytest.mark.parametrize("content, headers, status, code", [
    (b'{"question": ', {"content-type": "application/json"}, 400, "invalid_json"),
    (b"not json at all", {"content-type": "application/json"}, 400, "invalid_json"),
    (b'{"question": "\xff\xfe"}', {"content-type": "application/json"}, 400, "invalid_json"),
    (b'["question"]', {"content-type": "application/json"}, 400, "invalid_body"),
    (b'"just a string"', {"content-type": "application/json"}, 400, "invalid_body"),
    (b"null", {"content-type": "application/json"}, (400, 422), None),
    (b'{"question": "a"}', {"content-type": "text/plain"}, 400, "invalid_body"),
    (b"", {"content-type": "application/json"}, 400, "missing_body"),
])
def test_ask_rejects_malformed_bodies(client, content, headers, status, code):
    assert_error(client.post("/v1/ask", content=content, headers=headers), status, code)


def test_body_over_64kb_is_refused(client):
    big = json.dumps({"question": "景" * 40_000}).encode()
    assert len(big) > 64 * 1024
    assert_error(client.post("/v1/ask", content=big, headers={"content-type": "application/json"}), 413, "body_too_large")


def test_chunked_body_over_64kb_is_refused(client):
    def chunks():
        yield b'{"question": "'
        for _ in range(70):
            yield b"a" * 1024
        yield b'"}'

    r = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert_error(r, 413, "body_too_large")


def test_wrong_method_and_unknown_path(client):
    assert_error(client.get("/v1/ask"), 405, "method_not_allowed")
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")


# --- streaming ---------------------------------------------------------------------------------------

def _check_stream(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    names = [e for e, _ in events]
    assert names[-1] == "done" and names.count("done") == 1
    assert set(names[:-1]) == {"delta"}, names
    done = json.loads(events[-1][1])
    check_ask(done)
    deltas = [json.loads(d)["text"] for e, d in events if e == "delta"]
    assert "".join(deltas) == done["answer"]
    return done


def test_post_ask_stream(client):
    done = _check_stream(client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "stream": True}))
    assert done["found"] and done["citations"]


def test_get_ask_stream_and_follow_up(client):
    done = _check_stream(client.get("/v1/ask/stream", params={"question": EXAMPLE_QUESTION}))
    follow = _check_stream(client.get("/v1/ask/stream", params={"question": "那12月呢?", "session_id": done["session_id"]}))
    assert follow["session_id"] == done["session_id"] and follow["continued"]


def test_get_ask_stream_with_filters(client):
    done = _check_stream(client.get("/v1/ask/stream", params={"question": EXAMPLE_QUESTION, "doc_key": "衢政办发[2017]29号"}))
    assert all(c["doc_key"] == FREE_TOUR_KEY for c in done["citations"])


def test_stream_sends_deltas_sentence_by_sentence(client):
    events = sse_events(client.post("/v1/ask", json={"question": EXAMPLE_QUESTION, "stream": True}).text)
    deltas = [json.loads(d)["text"] for e, d in events if e == "delta"]
    answer = json.loads(events[-1][1])["answer"]
    if re.search(r"[。;!?]\s*\S", answer):
        assert len(deltas) > 1


@pytest.mark.parametrize("params, code", [
    ({"question": ""}, "question_empty"),
    ({"question": "  "}, "question_empty"),
    ({"question": "\u200b"}, "question_empty"),
    ({"question": "问" * 501}, "question_too_long"),
    ({"question": "问" * 499 + "\x00\x00"}, "question_too_long"),
    ({}, "missing_field"),
    ({"question": "景区", "kind": "poem"}, "invalid_value"),
    ({"question": "景区", "doc_key": "nope"}, "unknown_doc_key"),
    ({"question": "景区", "date_from": "yesterday"}, "invalid_date"),
])
def test_get_ask_stream_rejects_bad_input(client, params, code):
    assert_error(client.get("/v1/ask/stream", params=params), 422, code)


def test_get_and_post_state_the_same_question_bounds(client):
    spec = client.get("/openapi.json").json()
    post = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    get = next(p for p in spec["paths"]["/v1/ask/stream"]["get"]["parameters"] if p["name"] == "question")["schema"]
    bounds = ("minLength", "maxLength", "pattern")
    assert {k: get[k] for k in bounds} == {k: post[k] for k in bounds} and post["maxLength"] == 500
    assert_error(client.get("/v1/ask/stream", params={"question": "问" * 500 + "a"}), 422, "question_too_long")
    assert client.get("/v1/ask/stream", params={"question": "问" * 500}).status_code == 200


def test_intended_rejections_are_written_in_the_openapi_text(client):
    """The exemptions of the schemathesis run are the ones the document states, in its own words."""
    from service.errors import CUSTOM_ERROR_CODES

    spec = client.get("/openapi.json").json()
    declared = {(path, method): op["x-intended-rejections"] for path, item in spec["paths"].items()
                for method, op in item.items() if "x-intended-rejections" in op}
    assert set(declared) == {("/v1/ask", "post"), ("/v1/ask/stream", "get"), ("/v1/search", "post"),
                             ("/v1/chat/completions", "post")}
    for (path, method), codes in declared.items():
        description = spec["paths"][path][method]["responses"]["422"]["description"]
        for code, why in codes.items():
            assert f"`{code}`: {why}" in description
            assert code in CUSTOM_ERROR_CODES | {"unknown_doc_key"}, code


# --- search ------------------------------------------------------------------------------------------

def test_search_contract(client):
    r = client.post("/v1/search", json={"query": "防汛物资仓库 面积", "top_k": 5})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 5
    for h in hits:
        assert set(h) == HIT_FIELDS
        assert isinstance(h["score"], float)
        assert all(v is None or isinstance(v, (int, float)) for v in h["scores"].values())
        assert all(v is None or isinstance(v, int) for v in h["ranks"].values())
        assert h["text"] and h["doc_key"] and h["chunk_id"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_search_modes(client, mode):
    r = client.post("/v1/search", json={"query": "免费景区", "mode": mode, "top_k": 3})
    assert r.status_code == 200, r.text
    assert len(r.json()["hits"]) <= 3


def test_search_filters(client):
    r = client.post("/v1/search", json={"query": "免费时间", "filters": {"doc_keys": ["衢政办发[2017]29号"]}})
    hits = r.json()["hits"]
    assert hits and all(h["doc_key"] == FREE_TOUR_KEY for h in hits)
    r = client.post("/v1/search", json={"query": "研发经费", "filters": {"kinds": ["table_row", "table"]}})
    hits = r.json()["hits"]
    assert all(h["kind"] in ("table_row", "table") for h in hits)


def test_search_punctuation_only_has_no_hits(client):
    r = client.post("/v1/search", json={"query": "?!。"})
    assert r.status_code == 200 and r.json() == {"hits": []}


@pytest.mark.parametrize("payload, code", [
    ({"query": "景区", "top_k": 0}, "out_of_range"),
    ({"query": "景区", "top_k": 51}, "out_of_range"),
    ({"query": "景区", "top_k": -3}, "out_of_range"),
    ({"query": "景区", "top_k": "10"}, "invalid_type"),
    ({"query": "景区", "top_k": 10.5}, "invalid_type"),
    ({"query": "景区", "top_k": True}, "invalid_type"),
    ({"query": "景区", "mode": "fuzzy"}, "invalid_value"),
    ({"query": "景区", "filters": {"kinds": ["chapter"]}}, "invalid_value"),
    ({"query": "景区", "filters": {"doc_keys": ["衢政办发〔2017〕99号"]}}, "unknown_doc_key"),
    ({"query": ""}, "query_empty"),
    ({"query": "x" * 501}, "query_too_long"),
    ({"query": 3}, "invalid_type"),
    ({"q": "景区"}, "missing_field"),
])
def test_search_rejects_bad_input(client, payload, code):
    err = assert_error(client.post("/v1/search", json=payload), 422, code)
    if code == "out_of_range":
        assert "1" in err["message"] and "50" in err["message"]
    if code == "invalid_value" and "mode" in payload:
        assert "hybrid" in err["message"] and "bm25" in err["message"]


# --- documents ---------------------------------------------------------------------------------------

def test_documents_list(client, documents):
    body = client.get("/v1/documents").json()
    listed = body["documents"]
    assert {d["key"] for d in listed} == set(documents)
    for d in listed:
        assert d["number"] and d["title"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"])
        assert all(isinstance(d[k], int) and d[k] >= 0 for k in ("units", "tables", "lists"))
    assert "article" in body["kinds"] and body["modes"] == ["hybrid", "bm25", "dense"]
    assert any(d["tables"] > 0 for d in listed)


@pytest.mark.parametrize("spelling", [
    "衢政办发〔2017〕29号",
    "衢政办发[2017]29号",
    urllib.parse.quote("衢政办发〔2017〕29号"),
    urllib.parse.quote("衢政办发[2017]29号"),
])
def test_document_detail_accepts_spellings(client, spelling):
    r = client.get(f"/v1/documents/{spelling}")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["key"] == FREE_TOUR_KEY
    assert "全球免费游衢州" in d["title"]
    sections = {u["section"] for u in d["outline"]}
    assert any("免费时间" in s for s in sections), sections
    for u in d["outline"]:
        assert u["section"] == " / ".join(u["path"]) and u["text"]


def test_document_tables_come_as_rows(client):
    listed = client.get("/v1/documents").json()["documents"]
    with_tables = next(d for d in listed if d["tables"])
    d = client.get(f"/v1/documents/{urllib.parse.quote(with_tables['key'])}").json()
    assert len(d["tables"]) == with_tables["tables"]
    table = d["tables"][0]
    assert table["rows"] and all(len(r["cells"]) == len(table["columns"]) for r in table["rows"])


@pytest.mark.parametrize("key", ["衢政办发〔2099〕1号", "nothing", "%20", "衢政办发[2017]"])
def test_unknown_document_is_404(client, key):
    err = assert_error(client.get(f"/v1/documents/{key}"), 404, ("unknown_document", "not_found"))
    if err["code"] == "unknown_document":
        assert "/v1/documents" in err["message"]


# --- request ids, CORS default, logs ------------------------------------------------------------------

def test_request_id_is_echoed_or_issued(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    issued = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", issued)
    bad = client.get("/healthz", headers={"X-Request-ID": "has spaces and <tags>"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", bad)
    err = client.post("/v1/ask", json={"question": ""}, headers={"X-Request-ID": "req-err-1"})
    assert err.headers["x-request-id"] == "req-err-1"


def test_no_cors_unless_configured(client):
    r = client.options("/v1/ask", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    r = client.get("/v1/models", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


SECRETS = {  # every format qa.personal knows, as a resident might type it in front of a question
    "mobile": "13812345678", "full-width mobile": "１３９０５７０１２３４", "grouped mobile": "139 0570 5678",
    "ID (18)": "11010119900307123X", "ID (15)": "330802900101123", "landline": "0570-8888888",
    "bank card": "6222 0212 3456 7890", "e-mail": "zhang.san@example.com", "name": "王芳",
}


def test_logs_are_json_with_request_id_and_masked_personal_data(client, service_logs):
    question = ("我叫王芳,我的手机13812345678,另一个１３９０５７０１２３４,还有139 0570 5678,身份证11010119900307123X,"
                "老身份证330802900101123,座机0570-8888888,卡号6222 0212 3456 7890,邮箱zhang.san@example.com,"
                "6月12日哪些景区免费?")
    r = client.post("/v1/ask", json={"question": question}, headers={"X-Request-ID": "log-test-1"})
    assert r.status_code == 200
    token = r.json()["session_id"]
    client.post("/v1/ask", json={"question": "那12月呢?", "session_id": token}, headers={"X-Request-ID": "log-test-3"})
    client.get("/v1/ask/stream", params={"question": "联系 13900001111 景区"}, headers={"X-Request-ID": "log-test-2"})
    records = service_logs.records()
    mine = [rec for rec in records if rec.get("request_id") in ("log-test-1", "log-test-2", "log-test-3")]
    assert any(rec["msg"] == "ask" for rec in mine) and any(rec["msg"] == "request" for rec in mine)
    ask_rec = next(rec for rec in mine if rec["msg"] == "ask" and rec["request_id"] == "log-test-1")
    for placeholder in ("[姓名]", "[手机号]", "[身份证号]", "[电话]", "[银行卡号]", "[邮箱]"):
        assert placeholder in ask_rec["question"], (placeholder, ask_rec["question"])
    text = "\n".join(service_logs.lines)
    for kind, secret in {**SECRETS, "stream question": "13900001111"}.items():
        assert secret not in text, kind
    # sessions are logged by a short one-way tag, never by id or token
    session_id = token.split(".")[0]
    assert session_id not in text and token not in text
    assert {rec["session"] for rec in mine if rec["msg"] == "ask" and rec["request_id"] != "log-test-2"} == {
        r.json()["session_tag"]}
    access = next(rec for rec in mine if rec["msg"] == "request" and rec["request_id"] == "log-test-2")
    assert access["path"] == "/v1/ask/stream" and access["status"] == 200 and "duration_ms" in access


# --- dates and status (issue 12) ----------------------------------------------------------------------

def test_documents_carry_dates_and_status(client):
    listed = {d["key"]: d for d in client.get("/v1/documents").json()["documents"]}
    flood = listed["衢政发〔2017〕14号"]
    assert (flood["issued"], flood["effective"], flood["status"]) == ("2017-04-10", "2017-05-10", "in_force")
    assert "2017年5月10日起施行" in flood["status_label"]
    plan = listed["衢政办发〔2017〕16号"]
    assert plan["expires"] == "2019-12-31"  # the (2017—2019年) of its title
    assert all(d["status"] in ("in_force", "not_yet", "expired", "repealed", "unknown") for d in listed.values())


def test_search_in_force_on_a_day(client):
    def docs(day: str) -> set[str]:
        body = {"query": "汛期 防汛防台", "top_k": 20, "mode": "bm25", "filters": {"in_force_on": day}}
        r = client.post("/v1/search", json=body)
        assert r.status_code == 200, r.text
        return {h["doc_key"] for h in r.json()["hits"]}

    assert "衢政发〔2017〕14号" not in docs("2017-05-01")  # effective from 2017-05-10
    assert "衢政发〔2017〕14号" in docs("2017-06-01")
    hit = client.post("/v1/search", json={"query": "汛期", "top_k": 1, "mode": "bm25"}).json()["hits"][0]
    assert hit["status"]


def test_citations_carry_a_dated_status(client):
    body = client.post("/v1/ask", json={"question": "防汛防台管理工作暂行办法什么时候开始施行?"}).json()
    assert body["found"] and body["citations"]
    assert all(c["status"] for c in body["citations"])
    assert any("2017年5月10日起施行" in c["status"] for c in body["citations"])


def test_a_request_id_carrying_personal_data_is_replaced(client, service_logs):
    r = client.get("/healthz", headers={"X-Request-ID": "req-13812345678"})
    assert r.headers["x-request-id"] != "req-13812345678"
    assert "13812345678" not in "\n".join(service_logs.lines)
