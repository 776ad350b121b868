"""The official `openai` client against /v1/chat/completions and /v1/models on the live server."""
from __future__ import annotations

import re

import httpx
import openai
import pytest

from tests.service.conftest import EXAMPLE_QUESTION, FREE_TOUR_KEY, assert_error, sse_events


@pytest.fixture()
def oai(base_url) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-needed", max_retries=0, timeout=60)


def _extra(obj, name):
    extra = getattr(obj, "model_extra", None) or {}
    return extra.get(name, getattr(obj, name, None))


def test_models_list(oai):
    ids = [m.id for m in oai.models.list()]
    assert ids == ["gazette-qa"]
    assert oai.models.retrieve("gazette-qa").id == "gazette-qa"
    with pytest.raises(openai.NotFoundError):
        oai.models.retrieve("gpt-4")


def test_chat_completion(oai):
    resp = oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": EXAMPLE_QUESTION}])
    assert resp.object == "chat.completion" and resp.model == "gazette-qa"
    assert len(resp.choices) == 1 and resp.choices[0].finish_reason == "stop"
    content = resp.choices[0].message.content
    assert resp.choices[0].message.role == "assistant"
    assert "[1]" in content and "来源" in content
    citations = _extra(resp, "citations")
    assert citations and FREE_TOUR_KEY in {c["doc_key"] for c in citations}
    for n, c in enumerate(citations, 1):
        assert f"[{n}] 《{c['title']}》({c['doc_number']}) {c['section']}" in content
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens


def test_chat_history_is_earlier_user_messages(oai):
    first = oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": EXAMPLE_QUESTION}])
    resp = oai.chat.completions.create(model="gazette-qa", messages=[
        {"role": "system", "content": "你是政务助手"},
        {"role": "user", "content": EXAMPLE_QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "那12月呢?"}]},
    ], temperature=0.2, max_tokens=300)
    assert resp.choices[0].message.content
    assert isinstance(_extra(resp, "session_id"), str)


def test_chat_streaming(oai):
    full = oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": EXAMPLE_QUESTION}])
    stream = oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": EXAMPLE_QUESTION}],
                                         stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    with_choices = [c for c in chunks if c.choices]
    assert with_choices[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert text == full.choices[0].message.content
    assert len([c for c in with_choices if c.choices[0].delta.content]) > 1, "sent in several deltas"
    last = with_choices[-1]
    assert last.choices[0].finish_reason == "stop"
    assert _extra(last, "citations")
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_chat_stream_ends_with_done(base_url):
    r = httpx.post(f"{base_url}/v1/chat/completions", json={
        "model": "gazette-qa", "stream": True, "messages": [{"role": "user", "content": EXAMPLE_QUESTION}]}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    assert events[-1][1] == "[DONE]"
    assert all(re.match(r"\{", d) for _, d in events[:-1])


def test_chat_not_found_answer(oai):
    resp = oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": "???"}])
    assert "本期公报未作规定" in resp.choices[0].message.content
    assert _extra(resp, "found") is False and _extra(resp, "citations") == []


@pytest.mark.parametrize("body, code", [
    ({"model": "gazette-qa", "messages": []}, "invalid_length"),
    ({"model": "gazette-qa", "messages": [{"role": "assistant", "content": "hi"}]}, "invalid_messages"),
    ({"model": "gazette-qa", "messages": [{"role": "user", "content": "  "}]}, "question_empty"),
    ({"model": "gazette-qa", "messages": [{"role": "user", "content": "问" * 501}]}, "question_too_long"),
    ({"model": "gazette-qa", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]}, "question_empty"),
    ({"model": "gazette-qa", "messages": [{"role": "wizard", "content": "hi"}]}, "invalid_value"),
    ({"model": "gazette-qa", "messages": [{"role": "user", "content": 5}]}, ("invalid_type", "invalid_value")),
    ({"model": "gazette-qa", "n": 2, "messages": [{"role": "user", "content": "景区"}]}, "out_of_range"),
    # ignored parameters are still typed as the schema says: no 0 for a boolean, no "1" for a number
    ({"model": "gazette-qa", "parallel_tool_calls": 0, "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "logprobs": 1, "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "store": "true", "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "temperature": "0.5", "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "max_tokens": 5.5, "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "user": 7, "messages": [{"role": "user", "content": "景区"}]}, "invalid_type"),
    ({"model": "gazette-qa", "messages": [{"role": "user", "content": "景区"}], "frobnicate": 1}, "unknown_field"),
    ({"messages": "hello"}, "invalid_type"),
])
def test_chat_bad_input(base_url, body, code):
    assert_error(httpx.post(f"{base_url}/v1/chat/completions", json=body, timeout=30), 422, code)


def test_openai_client_sees_error_message(oai):
    with pytest.raises(openai.UnprocessableEntityError) as info:
        oai.chat.completions.create(model="gazette-qa", messages=[{"role": "user", "content": ""}])
    assert "question" in str(info.value)
