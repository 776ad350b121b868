"""Server-sent events: the answer sentence by sentence, then the whole response.

The answer is computed before the stream starts (on the answering pool, cancelled if the client
leaves meanwhile); its events are then sent from the event loop as an async iterator, so that
Starlette stops the stream as soon as the client disconnects and no thread is held for it.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator

from fastapi.responses import StreamingResponse

from service.schemas import AskResponse
from service.text import split_sentences

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse_event(data: str, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return (head + "".join(f"data: {line}\n" for line in data.split("\n")) + "\n").encode("utf-8")


def ask_events(resp: AskResponse) -> Iterator[bytes]:
    """`event: delta` {"text": …} per sentence, then `event: done` with the full AskResponse JSON."""
    for piece in split_sentences(resp.answer):
        yield sse_event(json.dumps({"text": piece}, ensure_ascii=False), "delta")
    yield sse_event(resp.model_dump_json(), "done")


async def streamed(events: Iterable[bytes]) -> AsyncIterator[bytes]:
    """Precomputed events as an async iterator (a sync one would be sent from a worker thread)."""
    for event in events:
        yield event


def event_stream(events: Iterable[bytes]) -> StreamingResponse:
    return StreamingResponse(streamed(events), media_type="text/event-stream; charset=utf-8", headers=SSE_HEADERS)
