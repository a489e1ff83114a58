"""Index speed and retrieval quality, each beside its baselines measured in the same run.

* quality: `assistant eval retrieval` (leave-one-report-out role precision@3 and MRR of the
  structural search vs. the plain LangChain recipe: 500-character chunks + similarity_search);
* speed: `assistant bench` at 1k, 10k and 100k synthetic sections (indexing sections/s, query
  p50/p95, memory) vs. exact numpy cosine over the same vectors and the plain LangChain recipe.

Run: `.venv/bin/python -m benchmarks.run index` (part of `make bench`). The 100k step takes
several minutes (Chroma's own write path is the slow part). Figures: README, "Retrieval and
embeddings".
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.evaluation.retrieval import evaluate_retrieval, format_retrieval
from benchmarks.index_bench import format_bench, run_bench

SIZES = [1_000, 10_000, 100_000]


def run() -> None:
    settings = Settings()
    print(format_retrieval(evaluate_retrieval(settings)), flush=True)
    print(flush=True)
    print(format_bench(run_bench(settings, sizes=SIZES, queries=200)), flush=True)


if __name__ == "__main__":
    run()
