"""Load test of the HTTP service: `make load` (or `python -m bench.load --help`).

Starts the server (uvicorn, service.app:create_app, rate limit lifted) on a free loopback port,
waits for /readyz, then runs N concurrent clients (default 32) for a fixed time (default 60 s)
against POST /v1/ask with varied questions — the gold questions plus follow-ups in sessions —
and prints throughput and latency percentiles. Exits 1 if any request failed.

Not part of the test suite.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold"
FALLBACK_QUESTIONS = [
    "6月12日哪些景区免费?", "市防指的防汛物资仓库要多大?", "龙游县2018年研发经费支出是多少?",
    "全球免费游衢州活动一共免费多少天?", "电动自行车登记需要哪些材料?", "农贸市场转型升级分几个阶段?",
    "最多跑一次改革到2017年底要覆盖多大比例的行政事项?", "地方志工作的主要任务是什么?",
    "扶贫健康保险的保障对象是谁?", "食品安全社会共治有哪些措施?", "火星基地的氧气配额是多少?", "???",
]
FOLLOW_UPS = ["那12月呢?", "县里呢?", "具体什么时候?", "由哪个部门负责?", "还有呢?"]


def load_questions() -> tuple[list[str], list[list[str]]]:
    """Single questions and dialogs (lists of turns) from the gold set, or a built-in list."""
    singles: list[str] = []
    dialogs: list[list[str]] = []
    try:
        for line in (GOLD / "questions.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                singles.append(json.loads(line)["question"])
        for line in (GOLD / "dialogs.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                dialogs.append([t["question"] for t in json.loads(line)["turns"]])
    except (OSError, ValueError, KeyError):
        pass
    if not singles:
        singles = list(FALLBACK_QUESTIONS)
    if not dialogs:
        dialogs = [[q, f] for q, f in zip(FALLBACK_QUESTIONS, FOLLOW_UPS, strict=False)]
    return singles, dialogs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_index() -> None:
    """The same step `make serve` runs: build the index when missing or stale."""
    from qa.cli import main as qa_main

    code = qa_main(["ingest", "--if-stale"])
    if code:
        raise SystemExit(f"qa ingest failed ({code})")


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ, QA_RATE_LIMIT_PER_MINUTE="1e9", QA_RATE_LIMIT_BURST="1000000")
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "30"]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, proc: subprocess.Popen | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            r = httpx.get(f"{base}/readyz", timeout=5)
            if r.status_code == 200:
                return
            last = r.text
            if "index_not_built" in last:
                raise SystemExit(f"server not ready: {last}")
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise SystemExit(f"server not ready after {timeout:.0f}s: {last}")


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


async def run_load(base: str, clients: int, duration: float, timeout: float, seed: int) -> dict:
    singles, dialogs = load_questions()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    found = Counter()
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def one(question: str, session_id: str | None) -> str | None:
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/ask", json={"question": question, "session_id": session_id})
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                errors.append(f"{type(exc).__name__}: {question}")
                return None
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[str(r.status_code)] += 1
            if r.status_code != 200:
                errors.append(f"{r.status_code}: {question}: {r.text[:200]}")
                return None
            body = r.json()
            found[body["found"]] += 1
            return body["session_id"]

        async def worker(n: int) -> None:
            rng = random.Random(seed + n)
            while time.monotonic() < deadline:
                if rng.random() < 0.25:  # a conversation: follow-ups in one session
                    sid = None
                    for turn in rng.choice(dialogs):
                        if time.monotonic() >= deadline:
                            break
                        sid = await one(turn, sid)
                else:
                    await one(rng.choice(singles), None)

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.monotonic() - started

    latencies.sort()
    return {
        "clients": clients, "duration_s": round(elapsed, 1), "requests": len(latencies) + sum(
            v for k, v in statuses.items() if not k.isdigit()),
        "errors": len(errors), "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1),
                       "p99": round(percentile(latencies, 99), 1), "max": round(latencies[-1], 1) if latencies else None,
                       "mean": round(statistics.fmean(latencies), 1) if latencies else None},
        "statuses": dict(statuses), "found": {str(k): v for k, v in found.items()}, "first_errors": errors[:10],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--url", help="use a running server instead of starting one (its rate limit applies)")
    ap.add_argument("--ready-timeout", type=float, default=600.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = ap.parse_args(argv)

    proc = None
    log_path = Path(tempfile.gettempdir()) / "gazette-qa-load-server.log"
    if args.url:
        base = args.url.rstrip("/")
    else:
        ensure_index()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(port, log_path)
    try:
        wait_ready(base, proc, args.ready_timeout)
        result = asyncio.run(run_load(base, args.clients, args.duration, args.timeout, args.seed))
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        lat = result["latency_ms"]
        print(f"{result['clients']} clients × {result['duration_s']} s against {base}/v1/ask")
        print(f"requests {result['requests']}  errors {result['errors']}  throughput {result['throughput_rps']} req/s")
        print(f"latency ms  p50 {lat['p50']}  p95 {lat['p95']}  p99 {lat['p99']}  max {lat['max']}  mean {lat['mean']}")
        print(f"statuses {result['statuses']}  found {result['found']}")
        if proc is not None:
            print(f"server log: {log_path}")
        for e in result["first_errors"]:
            print("  error:", e)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
