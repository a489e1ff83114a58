"""Drafting speed: an offline draft from request to reviewed result (retrieval, drafting, review)
with the index loaded, p50/p95 over repeated requests; target < 300 ms. Printed beside two
baselines measured in the same run: the bare section search of the same request, and a plain
LangChain pipeline (character chunks, in-memory similarity_search, string template).

Then a whole report of 4 sections (工作情况, 存在问题, 原因分析, 下步打算) through assistant/plan.py
from the mixed dev fact sets (allocation, 4 retrievals, 4 drafts with lead phrases, 4 reviews);
target <= 1.5 s, beside the earlier drafter (sample lead phrases) and 4 bare searches.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from assistant.config import Settings
from assistant.draft.allocate import allocate_facts
from assistant.draft.offline import draft_offline
from assistant.evaluation.drafting import EVAL_ROLES, load_fact_sets, load_mixed_sets
from assistant.models import Fact, Role
from assistant.plan import Plan, PlanItem
from assistant.service import Assistant
from assistant.text.facts import make_fact

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0
REPORT_TARGET_MS = 1500.0
ROUNDS = 10
REPORT_ROUNDS = 3
REPORT_ROLES = (Role.ACHIEVEMENTS, Role.PROBLEMS, Role.CAUSES, Role.PLANS)
REPORT_PLAN = Plan(
    items=[
        PlanItem(key=str(r), role=r, heading=f"{n}、{t}")
        for r, n, t in zip(
            REPORT_ROLES, "一二三四", ("工作开展情况", "存在的主要问题", "问题产生的原因", "下一步工作打算"), strict=True
        )
    ]
)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return statistics.median(s), p95


def _time(fn: Callable[[], object], rounds: int) -> list[float]:
    out: list[float] = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _plain_langchain(knowledge: Path) -> Callable[[str, str], str]:
    """Naive RAG as a user would write it with LangChain: chunk, embed, search, fill a template."""
    from langchain_core.vectorstores import InMemoryVectorStore
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.index.embeddings import HashEmbedder, LangChainEmbeddings

    splitter = RecursiveCharacterTextSplitter(chunk_size=400, chunk_overlap=40)
    from assistant.corpus.load import read_text_file

    # the corpus has GBK files too: read them as the indexer does
    texts = [read_text_file(p) for p in sorted(knowledge.glob("*.txt"))]
    store = InMemoryVectorStore(LangChainEmbeddings(HashEmbedder()))
    store.add_texts([c for t in texts for c in splitter.split_text(t)])

    def run(role: str, facts: str) -> str:
        docs = store.similarity_search(f"{role} {facts}", k=3)
        sample = "\n".join(d.page_content for d in docs)
        return f"参考范文：\n{sample}\n\n素材：\n{facts}\n\n请按范文结构写“{role}”。"

    return run


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", knowledge_dir=ROOT / "knowledge")
        app = Assistant(settings)
        t0 = time.perf_counter()
        app.build_index()
        print(f"index of the shipped corpus built in {(time.perf_counter() - t0):.1f} s")
        requests = [
            (role, app.parse_facts(text)) for text in load_fact_sets().values() for role in EVAL_ROLES
        ]
        for role, facts in requests:  # warm-up: jieba dictionary, index files, caches
            app.draft(role, facts, engine="offline")
        plain = _plain_langchain(settings.knowledge_dir)

        drafts: list[float] = []
        searches: list[float] = []
        naive: list[float] = []
        for role, facts in requests:
            topic = "\n".join(f.text for f in facts)
            drafts += _time(partial(app.draft, role, facts, engine="offline"), ROUNDS)
            searches += _time(partial(app.search, role, topic, k=3), ROUNDS)
            naive += _time(partial(plain, role.label, topic), ROUNDS)

        reports, earlier, report_searches = _report_timings(app)

    rows = [
        ("offline draft, request → reviewed result", drafts),
        ("baseline: bare section search (same request)", searches),
        ("baseline: plain LangChain similarity_search + template", naive),
    ]
    d50, d95 = _percentiles(drafts)
    print(f"{len(requests)} requests × {ROUNDS} rounds = {len(drafts)} drafts")
    print(f"{'':<58}{'p50 ms':>9}{'p95 ms':>9}{'× search p50':>14}")
    s50 = _percentiles(searches)[0]
    for label, samples in rows:
        p50, p95 = _percentiles(samples)
        print(f"{label:<58}{p50:>9.1f}{p95:>9.1f}{p50 / s50 if s50 else 0:>14.2f}")
    verdict = "PASS" if d95 < TARGET_MS else "FAIL"
    print(f"target: offline draft p95 < {TARGET_MS:.0f} ms -> {verdict} (p50 {d50:.1f} ms, p95 {d95:.1f} ms)")

    print(f"\nwhole report, 4 sections: {len(reports)} reports (mixed dev sets × {REPORT_ROUNDS} rounds)")
    print(f"{'':<58}{'p50 ms':>9}{'p95 ms':>9}{'× searches':>14}")
    r50s = _percentiles(report_searches)[0]
    for label, samples in (
        ("plan → 4 reviewed sections (lead phrases built)", reports),
        ("baseline: earlier drafter, same 4 sections (sample leads)", earlier),
        ("baseline: the 4 bare section searches", report_searches),
    ):
        p50, p95 = _percentiles(samples)
        print(f"{label:<58}{p50:>9.1f}{p95:>9.1f}{p50 / r50s if r50s else 0:>14.2f}")
    r50, r95 = _percentiles(reports)
    verdict = "PASS" if r95 <= REPORT_TARGET_MS else "FAIL"
    print(f"target: whole report p95 <= {REPORT_TARGET_MS:.0f} ms -> {verdict} (p50 {r50:.1f} ms, p95 {r95:.1f} ms)")


def _report_timings(app: Assistant) -> tuple[list[float], list[float], list[float]]:
    """Whole 4-section reports: ours through the plan, the earlier drafter, bare searches."""
    sets = [
        [make_fact(f"F{i}", f["text"]) for i, f in enumerate(fs["facts"], 1)] for fs in load_mixed_sets("dev")
    ]
    app.draft_report(REPORT_PLAN, sets[0], engine="offline")  # warm-up

    def earlier(facts: list[Fact]) -> None:
        shares = allocate_facts(REPORT_ROLES, facts)
        for role in REPORT_ROLES:
            if shares.get(role):
                exemplars = app.search(role, "\n".join(f.text for f in shares[role]), k=3)
                text = draft_offline(role, shares[role], exemplars, leads="sample")
                app.check(text, shares[role], exemplars)

    def searches(facts: list[Fact]) -> None:
        shares = allocate_facts(REPORT_ROLES, facts)
        for role in REPORT_ROLES:
            if shares.get(role):
                app.search(role, "\n".join(f.text for f in shares[role]), k=3)

    ours: list[float] = []
    old: list[float] = []
    bare: list[float] = []
    for facts in sets:
        ours += _time(partial(app.draft_report, REPORT_PLAN, facts, engine="offline"), REPORT_ROUNDS)
        old += _time(partial(earlier, facts), REPORT_ROUNDS)
        bare += _time(partial(searches, facts), REPORT_ROUNDS)
    return ours, old, bare


if __name__ == "__main__":
    run()
