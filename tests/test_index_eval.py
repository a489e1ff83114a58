"""Retrieval evaluation and the speed bench, on the real seeds (small sizes: figures, not timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.evaluation.retrieval import evaluate_retrieval, format_retrieval, load_reports
from benchmarks.index_bench import format_bench, run_bench, synthetic_reports


@pytest.fixture(scope="module")
def retrieval() -> dict[str, object]:
    return evaluate_retrieval(Settings(), embeddings=["hash"])


def test_eval_runs_leave_one_out_over_every_level1_section(retrieval: dict) -> None:  # type: ignore[type-arg]
    reports = [r for r, _ in load_reports(Settings(), None)]
    n_level1 = sum(1 for r in reports for s in r.sections if s.level == 1)
    assert retrieval["corpus"]["queries"] == n_level1
    run = retrieval["runs"][0]
    for q in run["queries"]:
        # the query's own report never comes back
        assert all(not hit.startswith(q["report"] + ":") for hit in q["ours"] + q["baseline"])


def test_structural_retrieval_beats_the_plain_recipe(retrieval: dict) -> None:  # type: ignore[type-arg]
    run = retrieval["runs"][0]
    ours, base = run["ours"], run["baseline"]
    assert ours["precision_at_3"] >= retrieval["target_precision_at_3"]
    assert ours["precision_at_3"] > base["precision_at_3"]
    assert ours["mrr"] >= base["mrr"]
    assert run["gap_precision_at_3"] == pytest.approx(ours["precision_at_3"] - base["precision_at_3"], abs=1e-3)
    text = format_retrieval(retrieval)
    assert "LangChain 基线" in text and "差距" in text


def test_synthetic_corpus_recombines_the_seeds() -> None:
    seeds = [r for r, _ in load_reports(Settings(), None)]
    syn = synthetic_reports(seeds, 120)
    assert sum(len(r.sections) for r in syn) >= 120
    assert len({r.id for r in syn}) == len(syn)
    seed_texts = {r.text for r in seeds}
    assert all(r.text not in seed_texts for r in syn)  # perturbed, not copied
    assert {s.role for r in syn for s in r.sections} >= {s.role for s in seeds[0].sections}


def test_bench_reports_ours_beside_both_baselines() -> None:
    res = run_bench(Settings(), sizes=[60], queries=5)
    row = res["rows"][0]
    assert row["sections"] >= 60
    for key in ("ours", "brute_force", "langchain"):
        assert row[key]["p95_ms"] >= row[key]["p50_ms"] > 0
        assert row[key]["sections_per_s"] > 0
    assert row["ours"]["rss_mb"] > 0
    assert res["met"] is None  # targets are judged at 100k sections only
    assert "LangChain 基线" in format_bench(res)


def test_eval_on_a_folder_without_reports_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.errors import EvalCorpusError
    from assistant.evaluation.retrieval import evaluate_retrieval

    (tmp_path / "only.txt").write_text("一、工作情况\n召开会议3次。\n", encoding="utf-8")
    with pytest.raises(EvalCorpusError, match="至少两篇范文"):
        evaluate_retrieval(Settings(), paths=[tmp_path])
