"""`assistant bench`: indexing throughput, query latency and memory of the section index at
N sections, beside two baselines measured in the same run:

* brute force: exact cosine in numpy over the same vectors (with the same role filter): the
  floor for exact search;
* the plain LangChain recipe: RecursiveCharacterTextSplitter (500 characters) + the same
  embedding + langchain-chroma (persistent) ``similarity_search``.

The corpus is synthetic: the seed reports recombined and perturbed (sentences swapped with
sentences of the same role from other seeds, sentence order shuffled, numbers and years
changed) and parsed by the real corpus parser, so records have real shapes and roles.
"""

from __future__ import annotations

import gc
import random
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from assistant.config import Settings
from assistant.evaluation.retrieval import load_reports, query_sentence
from assistant.index.embeddings import LangChainEmbeddings, make_embedder
from assistant.index.store import SectionIndex, record_text
from assistant.models import Report, Role

TARGETS = {"p95_ms": 20.0, "sections_per_s": 1000.0, "rss_mb": 1536.0, "at": 100_000}
_SENT = re.compile(r"[^。；！？]*[。；！？]?")


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the tokenising workers): on a
    shared machine the wall clock also counts other people's work."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve_queries(
    settings: Settings, data_dir: Path, queries: Sequence[tuple[Role, str]]
) -> dict[str, Any]:
    """Open the index in a new process, run the queries there, return its figures."""
    import json
    import subprocess
    import sys

    qfile = data_dir.parent / "queries.json"
    qfile.write_text(json.dumps([[str(r), q] for r, q in queries], ensure_ascii=False), encoding="utf-8")
    code = (
        "import sys; from benchmarks.index_bench import _query_main;"
        " _query_main(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    # The child gets the index folder and the embedding as arguments (explicit Settings fields
    # win over the environment, so a configured Chroma server is not used either).
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir), str(qfile), settings.embedding],
        capture_output=True, text=True, check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _query_main(data_dir: str, qfile: str, embedding: str = "hash") -> None:
    """Child side of ``_serve_queries``: prints one JSON line."""
    import json

    t0 = time.perf_counter()
    # Explicit fields win over the environment; the rest (e.g. an OpenAI key) still comes from it.
    cfg = Settings(data_dir=Path(data_dir), chroma_url=None, embedding=cast(Any, embedding))
    index = SectionIndex(cfg)
    index.count()
    startup = time.perf_counter() - t0
    queries = json.loads(Path(qfile).read_text(encoding="utf-8"))
    index.search(Role(queries[0][0]), queries[0][1], k=5)  # warm-up (jieba's dictionary)
    lat = []
    c0 = time.process_time()
    for role, q in queries:
        t = time.perf_counter()
        index.search(Role(role), q, k=5)
        lat.append((time.perf_counter() - t) * 1000)
    cpu_ms = (time.process_time() - c0) * 1000 / max(len(queries), 1)
    print(json.dumps({
        "cpu_ms_per_query": round(cpu_ms, 2),
        "startup_s": round(startup, 3),
        "p50_ms": _pct(lat, 50),
        "p95_ms": _pct(lat, 95),
        "rss_mb": round(_rss_mb(), 1),
    }))


def _pct(xs: Sequence[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(xs), q)), 2) if xs else 0.0


def synthetic_reports(seeds: Sequence[Report], n_sections: int, seed: int = 7) -> list[Report]:
    """Reports recombined from ``seeds`` until they hold at least ``n_sections`` sections."""
    from assistant.corpus import parse_text

    rng = random.Random(seed)
    pool: dict[Role, list[str]] = {}
    for r in seeds:
        for s in r.sections:
            pool.setdefault(s.role, []).extend(x for x in _SENT.findall(s.body) if len(x) > 8)
    out: list[Report] = []
    total = 0
    i = 0
    while total < n_sections:
        base = seeds[i % len(seeds)]
        heads = {s.heading for s in base.sections if s.heading} | {base.title}
        lines = []
        pos = 0
        for line in base.text.split("\n"):
            role = _role_at_offset(base, pos)
            pos += len(line) + 1
            if line.strip() in heads or not line.strip():
                lines.append(line)
                continue
            sents = [x for x in _SENT.findall(line) if x]
            sents = [
                rng.choice(pool[role]) if pool.get(role) and rng.random() < 0.3 else x for x in sents
            ]
            if len(sents) > 2 and rng.random() < 0.5:
                tail = sents[1:]
                rng.shuffle(tail)
                sents = [sents[0], *tail]
            lines.append("".join(sents))
        text = "\n".join(lines)
        text = re.sub(r"\d", lambda _m: str(rng.randint(0, 9)), text)
        rep = parse_text(text, f"synthetic/{i:06d}.txt", f"syn{i:06d}")
        out.append(rep)
        total += len(rep.sections)
        i += 1
    return out


def _role_at_offset(report: Report, pos: int) -> Role:
    best = None
    for s in report.sections:
        if s.span[0] <= pos < s.span[1] and (best is None or s.level >= best.level):
            best = s
    return best.role if best else Role.PREAMBLE


def _queries(reports: Sequence[Report], n: int, seed: int = 11) -> list[tuple[Role, str]]:
    rng = random.Random(seed)
    out: list[tuple[Role, str]] = []
    while len(out) < n:
        r = rng.choice(reports)
        s = rng.choice(r.sections)
        q = query_sentence(r, s)
        if q:
            out.append((s.role, q))
    return out


def _bench_one(settings: Settings, reports: list[Report], queries: list[tuple[Role, str]]) -> dict[str, Any]:
    import chromadb
    from chromadb.api.client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    n = sum(len(r.sections) for r in reports)
    embedder = make_embedder(settings)
    row: dict[str, Any] = {"sections": n, "reports": len(reports)}
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        cfg = settings.model_copy(update={"data_dir": Path(tmp) / "data", "chroma_url": None})
        index = SectionIndex(cfg, embedder=embedder)
        c0 = _cpu_s()
        t0 = time.perf_counter()
        index.index_reports([(r, f"bench-{r.id}") for r in reports])
        dt = time.perf_counter() - t0
        cpu = _cpu_s() - c0
        parts = {k: round(v, 2) for k, v in index.timings.items()}
        index.close()
        del index
        gc.collect()
        # Queries run in a fresh process: start-up, latency and memory are those of a process
        # that serves searches, not of this one (which also holds the synthetic corpus).
        served = _serve_queries(cfg, Path(tmp) / "data", queries)
        row["ours"] = {
            "sections_per_s": round(n / dt, 1),
            "index_s": round(dt, 2),
            "index_cpu_s": round(cpu, 2),
            "index_peak_rss_mb": round(_peak_rss_mb(), 1),
            "index_parts_s": parts,
            **served,
        }

        # brute force over the same vectors, same role filter (one matrix per role: its "index")
        texts = [record_text(r, s) for r in reports for s in r.sections]
        roles = np.asarray([str(s.role) for r in reports for s in r.sections])
        t0 = time.perf_counter()
        vecs = embedder.embed_documents(texts)
        by_role = {str(x): np.ascontiguousarray(vecs[roles == str(x)]) for x in Role}
        dt = time.perf_counter() - t0
        lat = []
        for role, q in queries:
            t = time.perf_counter()
            qv = embedder.embed_query(q)
            mat = by_role[str(role)]
            sims = mat @ qv
            kk = min(5, len(sims))
            top = np.argpartition(-sims, kk - 1)[:kk] if kk else np.zeros(0, dtype=np.int64)
            _ = top[np.argsort(-sims[top])].tolist()
            lat.append((time.perf_counter() - t) * 1000)
        row["brute_force"] = {
            "sections_per_s": round(n / dt, 1),
            "p50_ms": _pct(lat, 50),
            "p95_ms": _pct(lat, 95),
            "vectors_mb": round(vecs.nbytes / 2**20, 1),
        }
        del vecs, by_role
        gc.collect()

        # the plain LangChain recipe
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        docs = [Document(page_content=c, metadata={"report": r.id}) for r in reports for c in splitter.split_text(r.text)]
        store = Chroma(
            collection_name="bench-baseline",
            embedding_function=LangChainEmbeddings(embedder),
            persist_directory=str(Path(tmp) / "lc"),
            client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True,
                                           persist_directory=str(Path(tmp) / "lc")),
        )
        c0 = _cpu_s()
        t0 = time.perf_counter()
        for i in range(0, len(docs), 5000):
            store.add_documents(docs[i : i + 5000])
        dt = time.perf_counter() - t0
        cpu = _cpu_s() - c0
        lat = []
        for role, q in queries:
            t = time.perf_counter()
            store.similarity_search(f"{role.label} {q}", k=5)
            lat.append((time.perf_counter() - t) * 1000)
        row["langchain"] = {
            "sections_per_s": round(n / dt, 1),
            "chunks": len(docs),
            "chunks_per_s": round(len(docs) / dt, 1),
            "index_cpu_s": round(cpu, 2),
            "p50_ms": _pct(lat, 50),
            "p95_ms": _pct(lat, 95),
        }
        del store
        SharedSystemClient.clear_system_cache()
        _ = chromadb  # imported for the cache reset above
    gc.collect()
    return row


def run_bench(settings: Settings, sizes: list[int], queries: int = 200) -> dict[str, Any]:
    seeds = [r for r, _ in load_reports(settings, None)]
    t0 = time.perf_counter()
    corpus = synthetic_reports(seeds, max(sizes))
    gen_s = time.perf_counter() - t0
    rows = []
    for n in sorted(sizes):
        reports: list[Report] = []
        total = 0
        for r in corpus:
            if total >= n:
                break
            reports.append(r)
            total += len(r.sections)
        rows.append(_bench_one(settings, reports, _queries(reports, queries)))
    at = next((r for r in rows if r["sections"] >= TARGETS["at"]), None)
    met = None
    if at is not None:
        o = at["ours"]
        met = (
            o["p95_ms"] <= TARGETS["p95_ms"]
            and o["sections_per_s"] >= TARGETS["sections_per_s"]
            and o["rss_mb"] <= TARGETS["rss_mb"]
        )
    return {
        "embedding": make_embedder(settings).name,
        "queries": queries,
        "corpus_generation_s": round(gen_s, 1),
        "targets": TARGETS,
        "met": met,
        "rows": rows,
    }


def format_bench(res: dict[str, Any]) -> str:
    t = res["targets"]
    lines = [
        f"索引与检索速度（合成语料，向量模型 {res['embedding']}，每档 {res['queries']} 个查询）",
        f"目标（{t['at']:,} 段）：查询 p95 ≤ {t['p95_ms']:.0f} ms，建索引 ≥ {t['sections_per_s']:,.0f} 段/秒，"
        f"内存 ≤ {t['rss_mb']:,.0f} MB",
        "段/秒按墙钟计；段/CPU秒 只计本进程及其子进程的 CPU 时间（共享机器上更可比）。",
        "内存：本系统为只做检索的新进程的常驻内存；numpy 一栏为向量矩阵大小。",
        "",
        f"{'段落数':>9} {'方法':<16}{'段/秒':>9}{'段/CPU秒':>10}{'p50 ms':>9}{'p95 ms':>9}{'内存 MB':>9}{'启动 s':>8}",
    ]

    def per_cpu(n: int, cpu: float | None) -> str:
        return f"{n / cpu:>10,.0f}" if cpu else f"{'':>10}"

    for r in res["rows"]:
        o, b, lc = r["ours"], r["brute_force"], r["langchain"]
        n = r["sections"]
        lines.append(
            f"{n:>9,} {'本系统':<16}{o['sections_per_s']:>9,.0f}{per_cpu(n, o.get('index_cpu_s'))}"
            f"{o['p50_ms']:>9.1f}{o['p95_ms']:>9.1f}{o['rss_mb']:>9,.0f}{o['startup_s']:>8.2f}"
        )
        lines.append(
            f"{'':>9} {'numpy 暴力检索':<16}{b['sections_per_s']:>9,.0f}{'':>10}{b['p50_ms']:>9.1f}"
            f"{b['p95_ms']:>9.1f}{b['vectors_mb']:>9,.0f}{'':>8}"
        )
        lines.append(
            f"{'':>9} {'LangChain 基线':<16}{lc['sections_per_s']:>9,.0f}{per_cpu(n, lc.get('index_cpu_s'))}"
            f"{lc['p50_ms']:>9.1f}{lc['p95_ms']:>9.1f}{'':>9}{'':>8}"
        )
    lines += ["", "同一次运行中的比值（机器共享、负载不定，比值比绝对值可比）："]
    for r in res["rows"]:
        o, b, lc = r["ours"], r["brute_force"], r["langchain"]
        lines.append(
            f"  {r['sections']:>9,} 段：建索引速度 本系统/LangChain = {o['sections_per_s'] / lc['sections_per_s']:.2f}×"
            f"（每CPU秒 {_ratio(r['sections'], o.get('index_cpu_s'), lc.get('index_cpu_s'))}）；"
            f"查询 p95 本系统/numpy = {o['p95_ms'] / max(b['p95_ms'], 0.01):.1f}×，"
            f"本系统/LangChain = {o['p95_ms'] / max(lc['p95_ms'], 0.01):.1f}×"
        )
    big = res["rows"][-1]["ours"]
    if big.get("index_parts_s"):
        total = big["index_s"]
        names = {
            "chroma_vectors": "Chroma 写向量", "chroma_payloads": "Chroma 写载荷",
            "wait_workers": "准备记录（切分/分词/向量/打包，大批时在子进程）", "embed": "本进程算向量",
            "commit_and_cleanup": "提交与清理", "cache_write": "写本地缓存",
            "view_and_bm25": "建内存视图与 BM25",
        }
        lines += ["", f"本系统建索引耗时分布（{res['rows'][-1]['sections']:,} 段，共 {total:.1f} 秒，墙钟）："]
        for k, v in sorted(big["index_parts_s"].items(), key=lambda kv: -kv[1]):
            lines.append(f"  {names.get(k, k):<24}{v:>8.1f} 秒  {v / total:>5.0%}")
    if res["met"] is not None:
        lines += ["", "达标" if res["met"] else "未达标（见上表）"]
    return "\n".join(lines)


def _ratio(n: int, ours_cpu: float | None, base_cpu: float | None) -> str:
    return f"{base_cpu / ours_cpu:.2f}×" if ours_cpu and base_cpu else "—"
