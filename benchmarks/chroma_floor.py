"""The floor under our indexing speed: bare chromadb writes on this machine, no tokenising.

Records shaped like ours (512-d vectors, ~280-character documents, a few metadata keys), added
in batches by one writer and by two writers into two collections, with and without documents.
Our indexing rate (`benchmarks/index.py`) should be read against these numbers.
"""

from __future__ import annotations

import tempfile
import threading
import time

import numpy as np

N = 10_000
DIM = 512


def _rate(writers: int, with_documents: bool) -> float:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    with tempfile.TemporaryDirectory(prefix="chroma-floor-") as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        cols = [
            client.create_collection(
                f"floor-{w}", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
            for w in range(writers)
        ]
        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((N, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        doc = "意识形态工作责任制落实情况，召开理论学习中心组集中学习会议。" * 9

        def work(w: int) -> None:
            rows = list(range(w, N, writers))
            for i in range(0, len(rows), 1000):
                part = rows[i : i + 1000]
                cols[w].add(
                    ids=[f"r{j}" for j in part],
                    embeddings=vectors[part],
                    documents=[doc] * len(part) if with_documents else None,
                    metadatas=[{"role": "problems", "level": 1, "report": f"d{j // 10}"} for j in part],
                )

        t0 = time.perf_counter()
        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return N / (time.perf_counter() - t0)


def run() -> None:
    print(f"bare chromadb add, {N:,} records of {DIM}-d (records/s)")
    for writers, docs in ((1, True), (2, True), (1, False)):
        label = f"{writers} writer{'s' if writers > 1 else ''}, {'with' if docs else 'without'} documents"
        print(f"  {label:<32} {_rate(writers, docs):8.0f}")
