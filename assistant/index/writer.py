"""Writing reports into the index in batches, crash-safe.

A batch is written in this order: section vectors (ids carry the content hash, so a new
version sits beside the old one, invisible), payloads, then the commit (state + registry
entries in one Chroma call), then the old versions are deleted and the local cache updated.
A SIGKILL before the commit leaves the previous version searchable; the next writer sweeps the
leftovers (the state's dirty flag says a sweep is due).

Batches are staged one ahead: the tokenising of batch n+1 (worker processes for big jobs)
overlaps the Chroma writes of batch n.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


class Tokenizer:
    """Tokens of record texts: in worker processes when there are many."""

    def __init__(self, parallel: bool) -> None:
        self._pool: Any = None
        if parallel and (os.cpu_count() or 1) > 1:
            import multiprocessing as mp

            # fork, not spawn/forkserver: those re-run the __main__ script (the CLI, or
            # Streamlit's app) in every worker. The tokenizer is loaded before the fork so the
            # workers start warm.
            tokenize("")
            try:
                self._pool = mp.get_context("fork").Pool(min(os.cpu_count() or 2, 8))
            except (OSError, ValueError):
                self._pool = None

    def submit(self, texts: list[str]) -> Callable[[], list[str]]:
        if self._pool is None:
            return lambda: tokenize_joined(texts)
        chunks = [texts[i : i + 500] for i in range(0, len(texts), 500)]
        pending = self._pool.map_async(tokenize_joined, chunks, chunksize=1)
        return lambda: [t for part in pending.get() for t in part]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


@dataclass
class Staged:
    report: Report
    fhash: str
    abspath: str
    known: bool  # an older version of the report is committed


@dataclass
class Batch:
    staged: list[Staged]
    records: list[Record]
    per_report: list[list[Record]]
    entries: list[dict[str, Any]]
    tokens: Callable[[], list[str]] = field(repr=False)


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
        self.tok = Tokenizer(parallel)
        self.staged: list[Staged] = []
        self.n = 0
        self.pending: Batch | None = None

    def add(self, report: Report, fhash: str, abspath: str, known: bool) -> None:
        self.staged.append(Staged(report, fhash, abspath, known))
        self.n += len(report.sections)
        if self.n >= BATCH_SECTIONS:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self._flush()

    def close(self) -> None:
        self.tok.close()

    def _flush(self) -> None:
        prepared = self._prepare(self.staged) if self.staged else None
        self.staged, self.n = [], 0
        if self.pending is not None:
            self._store(self.pending)
        self.pending = prepared

    def _prepare(self, staged: list[Staged]) -> Batch:
        records: list[Record] = []
        per_report: list[list[Record]] = []
        entries: list[dict[str, Any]] = []
        seq = int(self.state.get("seq", 0))
        for st in staged:
            recs = build_records(st.report, st.fhash)
            records.extend(recs)
            per_report.append(recs)
            seq += 1
            entries.append(registry_entry(st.report, st.fhash, st.abspath, len(recs), seq))
        self.state["seq"] = seq
        return Batch(staged, records, per_report, entries, self.tok.submit([r.text for r in records]))

    def _store(self, b: Batch) -> None:
        records = b.records
        vectors = self.embedder.embed_documents([r.text for r in records])
        for r, t in zip(records, b.tokens(), strict=True):
            r.row["tokens"] = t
        by_role: dict[Role, list[int]] = {}
        for i, r in enumerate(records):
            by_role.setdefault(r.role, []).append(i)
        for role, idx in by_role.items():
            self.backend.add_sections(role, [records[i].rid for i in idx], vectors[idx])
        self.backend.add_payloads(
            [(e["report"], e["hash"], pack_payload([r.row for r in recs]))
             for e, recs in zip(b.entries, b.per_report, strict=True)]
        )
        # The old versions of updated reports, as the (synced) cache knows them.
        new_ids = {r.rid for r in records}
        old = [
            (rid, role)
            for st in b.staged if st.known
            for rid, role in self.cache.section_ids(st.report.id) if rid not in new_ids
        ]
        self._commit(b.entries)
        # Old versions: invisible since the commit, now deleted.
        if old:
            self.backend.delete_sections([rid for rid, _ in old], sorted({r for _, r in old}))
        for st in b.staged:
            if st.known:
                self.backend.delete_payloads(st.report.id, keep_hash=st.fhash)
        self.cache.write(b.entries, [r.row for r in records], int(self.state["gen"]))
        for st in b.staged:
            (self.res.updated if st.known else self.res.added).append(st.report.id)
        for e in b.entries:
            self.registry[e["report"]] = e

    def _commit(self, entries: list[dict[str, Any]]) -> None:
        """The commit point: state (new generation) and registry entries in one Chroma call."""
        self.gens.bump(self.state)
        self.backend.put_state(self.state, entries)
