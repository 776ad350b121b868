"""The answering pool: a fixed number of worker threads and a bounded queue in front of them.

Answering is CPU work; run on the event loop it would stall every other request, and run on
the server's general thread pool (40 threads that come and go) one costly client could occupy
all of it while /healthz waited behind. Here a question waits in a queue of `queue_size` for
one of `workers` threads; when both are full the request is refused at once (503 with
Retry-After) instead of waiting without bound. /healthz and /readyz never touch the pool.

`answer_in_pool` also watches the request: when its client disconnects, the question is taken
out of the queue, or, if it is already being answered, its CancelToken is cancelled and the
answering stops at its next stage (qa.cancel); either way its place is free again.
"""
from __future__ import annotations

import asyncio
import contextvars
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.types import Receive

from qa.cancel import Cancelled, CancelToken

T = TypeVar("T")

__all__ = ["AnswerPool", "PoolFull", "answer_in_pool"]


class PoolFull(Exception):
    """Every worker is busy and the queue is full; the service answers 503 with Retry-After."""


@dataclass(eq=False)
class Job(Generic[T]):
    fn: Callable[[CancelToken], T]
    token: CancelToken
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    pool: AnswerPool = field(repr=False)
    context: contextvars.Context = field(default_factory=contextvars.copy_context, repr=False)  # the request id

    def cancel(self) -> None:
        """Stop this job: out of the queue if it waits, its token cancelled if it runs."""
        self.token.cancel()
        self.pool._withdraw(self)
        if not self.future.done():
            self.future.cancel()


class AnswerPool:
    """`workers` threads (started on first use, or by `start()`) and at most `queue_size` waiting jobs."""

    def __init__(self, workers: int, queue_size: int, name: str = "answer") -> None:
        if workers < 1 or queue_size < 0:
            raise ValueError("an answering pool needs at least one worker and a queue size of at least 0")
        self.workers = workers
        self.queue_size = queue_size
        self.name = name
        self._cond = threading.Condition()
        self._waiting: deque[Job[Any]] = deque()
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._closing = False
        self.counts = {"done": 0, "cancelled": 0, "refused": 0}

    # -- state, for tests and operators --
    @property
    def running(self) -> int:
        return self._running

    @property
    def queued(self) -> int:
        return len(self._waiting)

    # -- life cycle --
    def start(self) -> None:
        with self._cond:
            self._closing = False
            self._threads = [t for t in self._threads if t.is_alive()]
            for n in range(len(self._threads), self.workers):
                t = threading.Thread(target=self._work, name=f"{self.name}-{n + 1}", daemon=True)
                t.start()
                self._threads.append(t)

    def close(self, timeout: float = 5.0) -> None:
        """Cancel the waiting jobs, let running ones finish (up to `timeout`), stop the threads."""
        with self._cond:
            self._closing = True
            waiting, self._waiting = list(self._waiting), deque()
            self._cond.notify_all()
        for job in waiting:
            job.token.cancel()
            _settle(job, None, Cancelled("the service is shutting down"))
        for t in self._threads:
            t.join(timeout)

    # -- submitting --
    def submit(self, fn: Callable[[CancelToken], T], token: CancelToken) -> Job[T]:
        """Queue `fn(token)`; raises PoolFull at once when the workers and the queue are all taken."""
        if not self._threads:
            self.start()
        loop = asyncio.get_running_loop()
        job = Job(fn, token, loop.create_future(), loop, self)
        with self._cond:
            if self._closing:
                raise PoolFull("the service is shutting down")
            if self._running + len(self._waiting) >= self.workers + self.queue_size:
                self.counts["refused"] += 1
                raise PoolFull(f"{self._running} questions being answered and {len(self._waiting)} waiting")
            self._waiting.append(job)
            self._cond.notify()
        return job

    async def run(self, fn: Callable[[CancelToken], T], token: CancelToken | None = None) -> T:
        """Submit and wait; if the waiting task is cancelled, the job is cancelled too."""
        job = self.submit(fn, token or CancelToken())
        try:
            return await job.future
        except asyncio.CancelledError:
            job.cancel()
            raise

    # -- internals --
    def _withdraw(self, job: Job[Any]) -> None:
        with self._cond:
            try:
                self._waiting.remove(job)
            except ValueError:
                return  # already taken by a worker: its token stops it
            self.counts["cancelled"] += 1

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                job = self._waiting.popleft()
                self._running += 1
            result, error = None, None
            try:
                job.token.check()
                result = job.context.run(job.fn, job.token)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                error = exc
            finally:
                with self._cond:
                    self._running -= 1
                    self.counts["cancelled" if isinstance(error, Cancelled) else "done"] += 1
            _settle(job, result, error)


def _settle(job: Job[Any], result: Any, error: BaseException | None) -> None:
    def done() -> None:
        if job.future.done():
            return  # its request gave up waiting
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    try:
        job.loop.call_soon_threadsafe(done)
    except RuntimeError:
        pass  # the event loop is closed: nobody is waiting any more


async def _client_gone(receive: Receive) -> None:
    """Return when the client disconnects (the request body has been read by then)."""
    try:
        while (await receive())["type"] != "http.disconnect":
            pass
    except Exception:  # noqa: BLE001 - a server that cannot tell: the work runs to its end
        await asyncio.Event().wait()


async def answer_in_pool(request: Request, pool: AnswerPool, fn: Callable[[CancelToken], T]) -> T:
    """`fn(token)` on the pool, cancelled when the client disconnects first (raises Cancelled)."""
    job = pool.submit(fn, CancelToken())
    gone = asyncio.ensure_future(_client_gone(request.receive))
    try:
        await asyncio.wait({job.future, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        job.cancel()
        raise
    finally:
        gone.cancel()
    if not job.future.done():
        job.cancel()
        raise Cancelled("the client disconnected before its answer was ready")
    return job.future.result()
