"""Corpus throughput: load (decode) + clean + structure + roles, in MB/s of raw text.

Printed beside a baseline measured in the same run over the same text: LangChain's
RecursiveCharacterTextSplitter (what a generic RAG pipeline does instead of parsing).
Target: >= 5 MB/s. Run: `.venv/bin/python -m benchmarks.run corpus`.

Measured 2026-11-25 on the shared 2-CPU dev box (load average 6-10 from other test runs):
about 7 MB/s CPU time for 560 seed reports (4 MB), 2-5 MB/s wall clock depending on the load;
the splitter baseline ran at about 85 MB/s CPU (ratio ~0.08: parsing does far more work than
cutting text into chunks). A single 1 MB report parses at ~9 MB/s CPU (no quadratic steps).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from assistant.corpus import parse_text
from assistant.corpus.load import decode_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "knowledge").glob("*.txt"))
TARGET_MB_S = 5.0
TOTAL_BYTES = 4 * 1024 * 1024


def _best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Best (wall, CPU) seconds of a few runs. CPU time is printed too because a shared
    machine (other test runs, browsers) can slow the wall clock several times over."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def run() -> None:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    raws = [p.read_bytes() for p in SEEDS]
    seed_bytes = sum(len(b) for b in raws)
    reps = max(1, TOTAL_BYTES // seed_bytes)
    docs = raws * reps
    total = sum(len(b) for b in docs)
    mb = total / 1024 / 1024
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=500,
        chunk_overlap=50,
        separators=["\n\n", "\n", "。", "；", "，", " ", ""],
    )

    def parse_all() -> None:
        for k, data in enumerate(docs):
            parse_text(decode_bytes(data), source=f"seed{k}.txt")

    def split_all() -> None:
        for data in docs:
            splitter.split_text(decode_bytes(data))

    # one large document: catches anything quadratic in document length
    big = b"\n".join(raws) * max(1, (1024 * 1024) // seed_bytes)
    big_mb = len(big) / 1024 / 1024

    def parse_big() -> None:
        parse_text(decode_bytes(big), source="big.txt")

    def split_big() -> None:
        splitter.split_text(decode_bytes(big))

    rows = [
        (f"{len(docs)} reports ({mb:.1f} MB)", mb, _best_of(parse_all), _best_of(split_all)),
        (f"1 report of {big_mb:.1f} MB", big_mb, _best_of(parse_big), _best_of(split_big)),
    ]
    print(f"{'workload':<24}{'clock':>6}{'corpus MB/s':>13}{'splitter MB/s':>15}{'ratio':>8}")
    for name, size, t_parse, t_split in rows:
        for k, clock in enumerate(("wall", "cpu")):
            ours, base = size / t_parse[k], size / t_split[k]
            print(f"{name:<24}{clock:>6}{ours:>13.2f}{base:>15.2f}{ours / base:>8.2f}")
    wall, cpu = (rows[0][1] / t for t in rows[0][2])
    verdict = "OK" if max(wall, cpu) >= TARGET_MB_S else "BELOW TARGET"
    print(
        f"target >= {TARGET_MB_S:.0f} MB/s (load+clean+structure+roles): "
        f"{wall:.2f} MB/s wall, {cpu:.2f} MB/s CPU — {verdict}"
    )


if __name__ == "__main__":
    run()
