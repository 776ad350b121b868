"""Load test of the HTTP service: `make load` (or `python -m bench.load --help`).

Starts the server (uvicorn, service.app:create_app, rate limit lifted) on a free loopback port,
waits for /readyz, then runs three scenarios (`--scenarios` picks some):

1. load: N concurrent clients (default 32) for a fixed time (default 60 s) against POST /v1/ask
   with varied questions — the gold questions plus follow-ups in sessions — and prints
   throughput and latency percentiles (target: 0 errors).
2. interference: 4 normal clients alone, then the same 4 with one adversarial client sending
   bench.adversarial questions at the default rate limit (2/s, open loop): the normal clients'
   p95 before and with it, and the ratio (target ≤ 2×); /healthz latency while it runs.
3. disconnect: rounds of 100 clients that send POST /v1/ask (half with stream: true) and hang up
   after 50 ms; the server's thread count and RSS after each round (targets: threads back to the
   baseline within 10 s after each round, RSS growth < 10 % from round 1 to round 3).

Exits 1 if any request of the load scenario failed. Not part of the test suite.
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
    env = dict(os.environ, QA_RATE_LIMIT_PER_MINUTE="1e9", QA_RATE_LIMIT_BURST="1000000",
               QA_QUERY_CACHE="0")  # the same questions come round again: time their encoding
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


def ms_summary(values: list[float]) -> dict:
    values = sorted(values)
    return {"n": len(values), "p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1),
            "max": round(values[-1], 1) if values else None}


async def probe_health(client: httpx.AsyncClient, stop: asyncio.Event, out: list[float], every: float = 0.2) -> None:
    """/healthz latencies, one probe every `every` seconds until `stop` (a probe that fails counts as 30 s)."""
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            await client.get("/healthz")
            out.append((time.perf_counter() - t0) * 1000)
        except httpx.HTTPError:
            out.append(30_000.0)
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def run_interference(base: str, clients: int, duration: float, rate: float, timeout: float, seed: int) -> dict:
    """Normal clients' latency alone, then with one adversarial client sending at `rate` per second."""
    from bench.adversarial import adversarial_questions

    singles, _ = load_questions()
    # the long ones (400-500 characters, every family): each costs the most its family can
    adversarial = [q for _, q in adversarial_questions(seed) if len(q) >= 400]
    random.Random(seed).shuffle(adversarial)
    limits = httpx.Limits(max_connections=clients + 64, max_keepalive_connections=clients + 64)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def normal_phase(with_adversary: bool) -> dict:
            latencies: list[float] = []
            health: list[float] = []
            adv_status: Counter[str] = Counter()
            adv_latency: list[float] = []
            errors = 0
            deadline = time.monotonic() + duration
            stop = asyncio.Event()

            async def worker(n: int) -> None:
                nonlocal errors
                rng = random.Random(seed + n)
                while time.monotonic() < deadline:
                    t0 = time.perf_counter()
                    try:
                        r = await client.post("/v1/ask", json={"question": rng.choice(singles)})
                        ok = r.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if ok:
                        latencies.append((time.perf_counter() - t0) * 1000)
                    else:
                        errors += 1

            async def one_adversarial(q: str) -> None:
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/ask", json={"question": q})
                    adv_status[str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    adv_status[type(exc).__name__] += 1
                adv_latency.append((time.perf_counter() - t0) * 1000)

            async def adversary() -> None:
                # open loop: one request every 1/rate seconds whether or not earlier ones are answered
                tasks = []
                i = 0
                while time.monotonic() < deadline:
                    tasks.append(asyncio.create_task(one_adversarial(adversarial[i % len(adversarial)])))
                    i += 1
                    await asyncio.sleep(1 / rate)
                await asyncio.gather(*tasks)

            prober = asyncio.create_task(probe_health(client, stop, health))
            jobs = [worker(i) for i in range(clients)] + ([adversary()] if with_adversary else [])
            await asyncio.gather(*jobs)
            stop.set()
            await prober
            out = {"normal_ms": ms_summary(latencies), "normal_errors": errors, "healthz_ms": ms_summary(health)}
            if with_adversary:
                out["adversarial"] = {"sent": sum(adv_status.values()), "statuses": dict(adv_status),
                                      "ms": ms_summary(adv_latency)}
            return out

        alone = await normal_phase(False)
        together = await normal_phase(True)
    ratio = together["normal_ms"]["p95"] / alone["normal_ms"]["p95"] if alone["normal_ms"]["p95"] else float("nan")
    return {"clients": clients, "duration_s": duration, "rate_per_s": rate, "alone": alone, "with_adversary": together,
            "p95_ratio": round(ratio, 2)}


def proc_stats(pid: int) -> tuple[int, float]:
    """(threads, RSS MiB) of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024


async def hang_up(host: str, port: int, question: str, stream: bool, after: float) -> None:
    """Send POST /v1/ask and close the connection `after` seconds later, whatever has come back."""
    body = json.dumps({"question": question, "stream": stream}, ensure_ascii=False).encode("utf-8")
    head = (f"POST /v1/ask HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("ascii")
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return
    try:
        writer.write(head + body)
        await writer.drain()
        await asyncio.sleep(after)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass


async def watch_threads(pid: int, baseline: int, window: float) -> tuple[int, float | None, int]:
    """Sample the thread count for `window` seconds: (peak, seconds after which it stayed at or below
    `baseline` to the end of the window — None if it was above at the end —, count at the end)."""
    started = time.monotonic()
    peak, back, threads = 0, 0.0, 0
    while (waited := time.monotonic() - started) < window:
        threads, _ = proc_stats(pid)
        peak = max(peak, threads)
        if threads > baseline:
            back = None
        elif back is None:
            back = round(waited, 1)
        await asyncio.sleep(0.1)
    return peak, back, threads


async def until_idle(client: httpx.AsyncClient, question: str, limit: float = 900.0) -> float:
    """Seconds until a normal ask is answered within 2 s: work an earlier scenario left behind
    (requests whose clients gave up) must drain before a baseline means anything."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        t0 = time.perf_counter()
        try:
            r = await client.post("/v1/ask", json={"question": question}, timeout=limit)
            if r.status_code == 200 and time.perf_counter() - t0 < 2.0:
                break
        except httpx.HTTPError:
            pass
        await asyncio.sleep(1.0)
    return round(time.monotonic() - started, 1)


async def run_disconnects(base: str, pid: int | None, clients: int, rounds: int, after: float, seed: int,
                          window: float = 20.0) -> dict:
    """`rounds` rounds of `clients` early disconnects; threads (watched for `window` seconds from the
    start of the round) and RSS after each."""
    singles, _ = load_questions()
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    out: dict = {"clients": clients, "rounds": [], "hang_up_after_s": after}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        out["idle_after_s"] = await until_idle(client, singles[0])
        # every lazy part of the server started before the baseline is read: concurrent requests,
        # so that each answering thread has run the encoder (OpenMP starts a team per calling thread)
        for _ in range(3):
            await asyncio.gather(*(client.post("/v1/ask", json={"question": q}) for q in singles[:8]),
                                 return_exceptions=True)
        if pid is not None:
            await asyncio.sleep(12)  # threads an earlier scenario left to idle out (anyio keeps them 10 s)
            out["baseline_threads"], out["baseline_rss_mib"] = proc_stats(pid)
        for n in range(1, rounds + 1):
            health: list[float] = []
            stop = asyncio.Event()
            prober = asyncio.create_task(probe_health(client, stop, health, every=0.1))
            watcher = asyncio.create_task(watch_threads(pid, out["baseline_threads"], window)) if pid else None
            await asyncio.gather(*(hang_up(host, int(port), rng.choice(singles), i % 2 == 0, after)
                                   for i in range(clients)))
            entry: dict = {"round": n}
            # how long the abandoned work keeps the server busy after its clients have gone
            entry["busy_after_round_s"] = await until_idle(client, singles[0])
            if watcher is not None:
                peak, back, threads = await watcher
                entry.update({"peak_threads": peak, "threads_back_after_s": back, "threads": threads,
                              "rss_mib": round(proc_stats(pid)[1], 1)})
            stop.set()
            await prober
            entry["healthz_ms"] = ms_summary(health)
            out["rounds"].append(entry)
    if pid is not None and out["rounds"]:
        first, last = out["rounds"][0]["rss_mib"], out["rounds"][-1]["rss_mib"]
        out["rss_growth_pct"] = round(100 * (last - first) / first, 1)
        out["rss_growth_from_baseline_pct"] = round(100 * (last - out["baseline_rss_mib"]) / out["baseline_rss_mib"], 1)
    return out


def print_load(result: dict, base: str) -> None:
    lat = result["latency_ms"]
    print(f"\n== load: {result['clients']} clients × {result['duration_s']} s against {base}/v1/ask ==")
    print(f"requests {result['requests']}  errors {result['errors']} (target 0)  throughput {result['throughput_rps']} req/s")
    print(f"latency ms  p50 {lat['p50']}  p95 {lat['p95']}  p99 {lat['p99']}  max {lat['max']}  mean {lat['mean']}")
    print(f"statuses {result['statuses']}  found {result['found']}")
    for e in result["first_errors"]:
        print("  error:", e)


def print_interference(r: dict) -> None:
    a, w = r["alone"], r["with_adversary"]
    print(f"\n== interference: {r['clients']} normal clients, {r['duration_s']:.0f} s alone then {r['duration_s']:.0f} s "
          f"with one adversarial client at {r['rate_per_s']}/s ==")
    print(f"normal clients alone          p50 {a['normal_ms']['p50']} ms  p95 {a['normal_ms']['p95']} ms  "
          f"({a['normal_ms']['n']} requests, {a['normal_errors']} errors)   /healthz p95 {a['healthz_ms']['p95']} ms")
    print(f"with the adversarial client   p50 {w['normal_ms']['p50']} ms  p95 {w['normal_ms']['p95']} ms  "
          f"({w['normal_ms']['n']} requests, {w['normal_errors']} errors)   /healthz p95 {w['healthz_ms']['p95']} ms "
          f"max {w['healthz_ms']['max']} ms")
    adv = w["adversarial"]
    print(f"adversarial client: {adv['sent']} sent, statuses {adv['statuses']}, p50 {adv['ms']['p50']} ms, "
          f"max {adv['ms']['max']} ms")
    print(f"normal p95 with ÷ alone: {r['p95_ratio']}  (target ≤ 2)")


def print_disconnects(r: dict) -> None:
    print(f"\n== disconnect: {len(r['rounds'])} rounds of {r['clients']} clients hanging up after "
          f"{r['hang_up_after_s'] * 1000:.0f} ms (half of them stream: true) ==")
    print(f"server idle (a normal ask answered within 2 s) {r['idle_after_s']} s after the previous scenario")
    if "baseline_threads" in r:
        print(f"baseline: {r['baseline_threads']} threads, RSS {r['baseline_rss_mib']:.0f} MiB")
    for e in r["rounds"]:
        parts = [f"round {e['round']}:"]
        if "threads" in e:
            back = f"back to baseline after {e['threads_back_after_s']} s" if e["threads_back_after_s"] is not None \
                else "NOT back to baseline within 20 s"
            parts.append(f"peak {e['peak_threads']} threads, {back} ({e['threads']}), RSS {e['rss_mib']:.0f} MiB;")
        parts.append(f"busy with abandoned work for {e['busy_after_round_s']} s; /healthz meanwhile "
                     f"p95 {e['healthz_ms']['p95']} ms max {e['healthz_ms']['max']} ms")
        print("  " + " ".join(parts))
    if "rss_growth_pct" in r:
        print(f"RSS growth round 1 → {len(r['rounds'])}: {r['rss_growth_pct']} %  (target < 10 %; from the baseline "
              f"{r['rss_growth_from_baseline_pct']} %); "
              "threads back within 10 s after every round (target): "
              + ("yes" if all(e["threads_back_after_s"] is not None and e["threads_back_after_s"] <= 10
                             for e in r["rounds"]) else "no"))


SCENARIOS = ("load", "interference", "disconnect")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--normal-clients", type=int, default=4, help="normal clients in the interference scenario")
    ap.add_argument("--interference-duration", type=float, default=30.0, help="seconds per interference phase")
    ap.add_argument("--adversarial-rate", type=float, default=2.0, help="adversarial requests per second "
                    "(default: the default rate limit, 120/min)")
    ap.add_argument("--disconnect-clients", type=int, default=100)
    ap.add_argument("--disconnect-rounds", type=int, default=3)
    ap.add_argument("--hang-up-after", type=float, default=0.05, help="seconds before a disconnecting client hangs up")
    ap.add_argument("--url", help="use a running server instead of starting one (its rate limit applies)")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for thread and RSS figures")
    ap.add_argument("--ready-timeout", type=float, default=600.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = ap.parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        ap.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")

    proc = None
    pid = args.pid
    log_path = Path(tempfile.gettempdir()) / "gazette-qa-load-server.log"
    if args.url:
        base = args.url.rstrip("/")
    else:
        ensure_index()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(port, log_path)
        pid = proc.pid
    results: dict = {}
    try:
        wait_ready(base, proc, args.ready_timeout)
        if "load" in scenarios:
            results["load"] = asyncio.run(run_load(base, args.clients, args.duration, args.timeout, args.seed))
            if not args.json:
                print_load(results["load"], base)
        if "interference" in scenarios:
            results["interference"] = asyncio.run(run_interference(
                base, args.normal_clients, args.interference_duration, args.adversarial_rate, args.timeout, args.seed))
            if not args.json:
                print_interference(results["interference"])
        if "disconnect" in scenarios:
            results["disconnect"] = asyncio.run(run_disconnects(
                base, pid, args.disconnect_clients, args.disconnect_rounds, args.hang_up_after, args.seed))
            if not args.json:
                print_disconnects(results["disconnect"])
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    elif proc is not None:
        print(f"\nserver log: {log_path}")
    return 1 if results.get("load", {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
