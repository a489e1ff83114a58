"""Writing reports into the index in batches, crash-safe.

A batch is written in this order: section vectors (ids carry the content hash, so a new
version sits beside the old one, invisible), payloads, then the commit (state + registry
entries in one Chroma call), then the old versions are deleted and the local cache updated.
A SIGKILL before the commit leaves the previous version searchable; the next writer sweeps the
leftovers (the state's dirty flag says a sweep is due).

Batches are staged one ahead: for big jobs, worker processes build the records, tokens,
payloads and (with the local hashing embedding) vectors of batch n+1 while this process writes
batch n to Chroma (whose Rust core holds the GIL while it adds, so threads would not overlap).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.index.cache import SidecarCache
from assistant.index.chroma import ChromaBackend
from assistant.index.embeddings import Embedder
from assistant.index.lexical import tokenize, tokenize_joined
from assistant.index.records import Record, build_records, pack_payload, registry_entry
from assistant.index.sync import Generations
from assistant.models import IndexResult, Report, Role

# Sections staged per Chroma write: big batches make HNSW inserts fast; one batch is one commit.
BATCH_SECTIONS = 4000
PARALLEL_MIN = 4000  # sections: below this, worker start-up costs more than it saves


@dataclass
class Prepared:
    """A chunk of reports made ready for writing: records with tokens, one packed payload per
    report, and the vectors (None when the embedder must run in this process)."""

    records: list[Record]
    payloads: list[str]
    vectors: np.ndarray | None


_WORKER_EMBEDDER: Embedder | None = None  # set before the fork: the workers inherit it


def prepare(items: list[tuple[Report, str]], embed: bool) -> Prepared:
    """Records, tokens, payloads (and vectors) of ``(report, content hash)`` items. Runs in a
    worker process for big jobs: everything here is CPU work on plain data."""
    records: list[Record] = []
    payloads: list[str] = []
    for report, fhash in items:
        recs = build_records(report, fhash)
        for r, tokens in zip(recs, tokenize_joined([r.text for r in recs]), strict=True):
            r.row["tokens"] = tokens
        payloads.append(pack_payload([r.row for r in recs]))
        records.extend(recs)
    vectors = None
    if embed and _WORKER_EMBEDDER is not None:
        vectors = _WORKER_EMBEDDER.embed_documents([r.text for r in records])
        for r in records:
            r.text = ""  # not needed any more: nothing to send back
    return Prepared(records, payloads, vectors)


class Workers:
    """``prepare`` in worker processes when there is much to do, else in this process."""

    CHUNK = 500  # sections per task

    def __init__(self, embedder: Embedder, parallel: bool) -> None:
        global _WORKER_EMBEDDER
        self._pool: Any = None
        # Only a local, deterministic embedder runs in the workers (a network client stays here).
        self.embed_in_workers = bool(getattr(embedder, "parallel_safe", False))
        if parallel and (os.cpu_count() or 1) > 1:
            import multiprocessing as mp

            # fork, not spawn/forkserver: those re-run the __main__ script (the CLI, or
            # Streamlit's app) in every worker. The tokenizer is loaded before the fork so the
            # workers start warm.
            tokenize("")
            _WORKER_EMBEDDER = embedder if self.embed_in_workers else None
            try:
                self._pool = mp.get_context("fork").Pool(min(os.cpu_count() or 2, 8))
            except (OSError, ValueError):
                self._pool = None

    def submit(self, items: list[tuple[Report, str]]) -> Callable[[], Prepared]:
        if self._pool is None:
            return lambda: prepare(items, embed=False)
        chunks: list[list[tuple[Report, str]]] = [[]]
        n = 0
        for item in items:
            if n >= self.CHUNK:
                chunks.append([])
                n = 0
            chunks[-1].append(item)
            n += len(item[0].sections)
        pending = self._pool.starmap_async(prepare, [(c, self.embed_in_workers) for c in chunks], chunksize=1)

        def result() -> Prepared:
            parts: list[Prepared] = pending.get()
            vecs = [p.vectors for p in parts if p.vectors is not None]
            return Prepared(
                [r for p in parts for r in p.records],
                [x for p in parts for x in p.payloads],
                np.concatenate(vecs) if vecs and len(vecs) == len(parts) else None,
            )

        return result

    def close(self) -> None:
        global _WORKER_EMBEDDER
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        _WORKER_EMBEDDER = None


@dataclass
class Staged:
    report: Report
    fhash: str
    abspath: str
    known: bool  # an older version of the report is committed


@dataclass
class Batch:
    staged: list[Staged]
    entries: list[dict[str, Any]]
    prepared: Callable[[], Prepared] = field(repr=False)


class Writer:
    """Stages reports and writes them in batches (call ``finish`` at the end, ``close`` always)."""

    def __init__(
        self,
        backend: ChromaBackend,
        cache: SidecarCache,
        embedder: Embedder,
        gens: Generations,
        state: dict[str, Any],
        registry: dict[str, dict[str, Any]],
        res: IndexResult,
        parallel: bool,
    ) -> None:
        self.backend, self.cache, self.embedder, self.gens = backend, cache, embedder, gens
        self.state, self.registry, self.res = state, registry, res
        self.workers = Workers(embedder, parallel)
        self.staged: list[Staged] = []
        self.n = 0
        self.pending: Batch | None = None
        self.timings: dict[str, float] = {}  # seconds per part of the write (the bench prints them)

    def add(self, report: Report, fhash: str, abspath: str, known: bool) -> None:
        self.staged.append(Staged(report, fhash, abspath, known))
        self.n += len(report.sections)
        if self.n >= BATCH_SECTIONS:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self._flush()

    def close(self) -> None:
        self.workers.close()

    def _flush(self) -> None:
        prepared = self._prepare(self.staged) if self.staged else None
        self.staged, self.n = [], 0
        if self.pending is not None:
            self._store(self.pending)
        self.pending = prepared

    def _prepare(self, staged: list[Staged]) -> Batch:
        entries: list[dict[str, Any]] = []
        seq = int(self.state.get("seq", 0))
        for st in staged:
            seq += 1
            entries.append(registry_entry(st.report, st.fhash, st.abspath, len(st.report.sections), seq))
        self.state["seq"] = seq
        return Batch(staged, entries, self.workers.submit([(st.report, st.fhash) for st in staged]))

    @contextmanager
    def _timed(self, part: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[part] = self.timings.get(part, 0.0) + time.perf_counter() - t0

    def _store(self, b: Batch) -> None:
        with self._timed("wait_workers"):
            p = b.prepared()
        records = p.records
        vectors = p.vectors
        if vectors is None:
            with self._timed("embed"):
                vectors = self.embedder.embed_documents([r.text for r in records])
        by_role: dict[Role, list[int]] = {}
        for i, r in enumerate(records):
            by_role.setdefault(r.role, []).append(i)
        with self._timed("chroma_vectors"):
            for role, idx in by_role.items():
                self.backend.add_sections(role, [records[i].rid for i in idx], vectors[idx])
        with self._timed("chroma_payloads"):
            self.backend.add_payloads(
                [(e["report"], e["hash"], packed) for e, packed in zip(b.entries, p.payloads, strict=True)]
            )
        # The old versions of updated reports, as the (synced) cache knows them.
        new_ids = {r.rid for r in records}
        old = [
            (rid, role)
            for st in b.staged if st.known
            for rid, role in self.cache.section_ids(st.report.id) if rid not in new_ids
        ]
        with self._timed("commit_and_cleanup"):
            self._commit(b.entries)
            # Old versions: invisible since the commit, now deleted.
            if old:
                self.backend.delete_sections([rid for rid, _ in old], sorted({r for _, r in old}))
            for st in b.staged:
                if st.known:
                    self.backend.delete_payloads(st.report.id, keep_hash=st.fhash)
        with self._timed("cache_write"):
            self.cache.write(b.entries, [r.row for r in records], int(self.state["gen"]))
        for st in b.staged:
            (self.res.updated if st.known else self.res.added).append(st.report.id)
        for e in b.entries:
            self.registry[e["report"]] = e

    def _commit(self, entries: list[dict[str, Any]]) -> None:
        """The commit point: state (new generation) and registry entries in one Chroma call."""
        self.gens.bump(self.state)
        self.backend.put_state(self.state, entries)
