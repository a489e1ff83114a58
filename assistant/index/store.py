"""The section index: build, update and search (the façade the service calls).

The parts, each in its own module:

* ``records``: what is stored per section (record id, text to embed and tokenise, cache row);
* ``chroma``: the Chroma store, embedded in the data folder or a shared server (vectors,
  state and registry, payloads);
* ``cache``: the local SQLite sidecar of the committed sections and its in-memory ``View``;
* ``sync``: the write lock, the state (format, embedding, generation) and pulling what other
  processes committed;
* ``writer``: crash-safe batched writes;
* ``ranking``: pure ranking (RRF, shape bonus, the ``why``); ``lexical``: tokens and BM25.

Thread safety: one ``SectionIndex`` is shared by every thread of a process (the app's
sessions). Writes and the catch-up with other processes run under one lock; a search reads an
immutable ``View`` and, while this process is writing, keeps answering from the last one.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    IndexEmptyError,
    IndexUnavailableError,
    ReportNotFoundError,
)
from assistant.index import corrections, sync
from assistant.index.cache import ROLES, SidecarCache, View
from assistant.index.chroma import PREFIX, STATE_ID, ChromaBackend
from assistant.index.corrections import base_hash, version_key
from assistant.index.embeddings import Embedder, make_embedder
from assistant.index.lexical import tokenize
from assistant.index.ranking import Hit, bm25_ranks, explain, rank, vector_ranks
from assistant.index.records import collect_files, file_hash, first_sentence, record_text
from assistant.index.writer import PARALLEL_MIN, Writer
from assistant.models import (
    RELATED_ROLES,
    Exemplar,
    IndexResult,
    Report,
    ReportInfo,
    Role,
    WantedShape,
)

# Bump when records, payloads or the cache change shape: an index of another format is rebuilt.
# v4: no documents or metadata on section records; payload rows as lists.
INDEX_FORMAT = 4
CANDIDATES = 50  # per retriever, before fusion

Progress = Callable[[int, int, str], None]

# Re-exported for the evaluation and the bench.
__all__ = [
    "INDEX_FORMAT", "PREFIX", "STATE_ID", "SectionIndex", "collect_files", "file_hash",
    "first_sentence", "record_text",
]


class SectionIndex:
    """Build, update and search the section index (see the module docstring)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, lock_timeout: float = 60.0) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.lock_timeout = lock_timeout
        self.dir = settings.index_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        url = settings.chroma_url
        slug = hashlib.sha1(url.encode()).hexdigest()[:10] if url else "local"
        headers = settings.chroma_headers.get_secret_value() if settings.chroma_headers else None
        self.backend = ChromaBackend(url, self.dir / "chroma", headers)
        self.cache = SidecarCache(self.dir / f"sidecar-{slug}.sqlite3", INDEX_FORMAT)
        self._bm25_dir = self.dir / f"bm25-{slug}"
        self._gens = sync.Generations()
        self._view = View()
        self._mu = threading.RLock()  # writes and catch-up; searches read self._view
        self._notices: list[str] = []
        self._rebuilt = False
        self.timings: dict[str, float] = {}  # seconds per part of the last index_reports

    # ---- locking and keeping up ------------------------------------------------------
    @contextmanager
    def _lock(self) -> Iterator[None]:
        """This process's writers one at a time, then other processes' (file lock)."""
        with self._mu, sync.write_lock(self.dir / "write.lock", self.lock_timeout):
            yield

    def _ready(self) -> View:
        """The current view, after catching up with commits made elsewhere. While another
        thread of this process writes, searches answer from the last view instead of waiting."""
        if not self._mu.acquire(blocking=self._view.stamp is None):
            return self._view
        try:
            if self._view.stamp is not None and not self.backend.maybe_changed():
                return self._view
            state = self.backend.state()
            if state is None or self._reason(state) is not None:
                with self._lock():
                    self._ensure_current_locked()
                state = self.backend.state()
            self._sync(state)
            return self._view
        finally:
            self._mu.release()

    def _reason(self, state: dict[str, Any] | None) -> str | None:
        legacy = state is None and self.backend.has_legacy()
        return sync.rebuild_reason(state, legacy, INDEX_FORMAT, self.embedder.name)

    def _sync(self, state: dict[str, Any] | None = None) -> None:
        state = state or self.backend.state()
        gen = int(state["gen"]) if state else 0
        self._gens.observe(self.backend, gen)
        sync.pull(self.backend, self.cache, gen)
        self._load()

    def _load(self) -> None:
        """A new view if the cache moved since the last one."""
        gen = self.cache.gen()
        if self._view.stamp is not None and gen == self._view.gen:
            return  # every cache write stamps a new generation: nothing moved
        stamp = f"{gen}-{self.cache.count()}-{self.embedder.name}"
        if stamp != self._view.stamp:
            self._view = self.cache.view(stamp, self._bm25_dir)
        self._view.gen = gen

    def _ensure_current_locked(self) -> None:
        """Create the state on first use; rebuild an index of another format or embedding."""
        state = self.backend.state()
        reason = self._reason(state)
        if reason is None:
            if state is None:
                self.backend.put_state(sync.fresh_state(INDEX_FORMAT, self.embedder.name))
            return
        try:
            sources = [Path(m["abspath"]) for m in self.backend.registry().values() if m.get("abspath")]
        except Exception:  # a registry we cannot read: rebuild from the given paths only
            sources = []
        missing = [p for p in sources if not p.exists()]
        if self.settings.chroma_url and missing:
            # A shared server holds teammates' reports whose files are not on this machine:
            # wiping it here would lose them. Say what to do instead.
            raise IndexUnavailableError(
                self.settings.chroma_url,
                f"{reason}，而共享范文库中有 {len(missing)} 篇范文的原文件不在本机，不能在本机重建。"
                f"请使用与团队相同的设置（当前索引的向量模型："
                f"{(state or {}).get('embedding', '未知')}），或在持有全部原文件的机器上重建。",
            )
        kept = self.backend.corrections()  # users' corrections outlive a rebuild
        self.backend.wipe()
        self.cache.reset()
        shutil.rmtree(self._bm25_dir, ignore_errors=True)
        self._view = View()
        self.backend.put_state(sync.fresh_state(INDEX_FORMAT, self.embedder.name))
        for report_id, fixes in kept.items():
            self.backend.put_corrections(report_id, fixes)
        self._gens.conn_gen = 0
        existing = [p for p in sources if p.exists()]
        res = IndexResult()
        if existing:
            self._update_locked(existing, prune=False, progress=None, res=res)
        self._rebuilt = True
        self._notices.append(
            f"{reason}：已清空并按当前版本重建索引，不混用新旧向量"
            f"（重新导入 {len(res.added)} 篇，{len(sources) - len(existing)} 篇原文件已不存在）。"
        )

    # ---- writing -----------------------------------------------------------------------
    def update(self, paths: list[Path], prune: bool = False, progress: Progress | None = None) -> IndexResult:
        """Index new and changed files under ``paths``; ``prune`` drops reports whose file is gone."""
        res = IndexResult()
        with self._lock():
            self._ensure_current_locked()
            self._sync()
            self._update_locked([Path(p) for p in paths], prune, progress, res)
            res.messages[:0] = self._notices
            res.rebuilt = self._rebuilt
            self._notices, self._rebuilt = [], False
        res.n_sections = self.count()
        return res

    def index_reports(self, reports: Sequence[tuple[Report, str]]) -> IndexResult:
        """Index already-parsed reports (``(report, content hash)``): the bench and tests use it."""
        res = IndexResult()
        with self._lock():
            self._ensure_current_locked()
            self._sync()
            registry = self.backend.registry()
            state = self._begin_write()
            total = sum(len(r.sections) for r, _ in reports)
            writer = self._writer(state, registry, res, parallel=total >= PARALLEL_MIN)
            try:
                for report, fhash in reports:
                    prev = registry.get(report.id)
                    if prev and prev.get("hash") == fhash:
                        res.skipped.append(report.id)
                        continue
                    writer.add(report, fhash, str(Path(report.source).resolve()), prev is not None)
                writer.finish()
            finally:
                writer.close()
            sync.end_write(self.backend, state)
            t0 = time.perf_counter()
            self._load()
            self.timings = {**writer.timings, "view_and_bm25": time.perf_counter() - t0}
        res.n_sections = self.count()
        return res

    def _writer(
        self, state: dict[str, Any], registry: dict[str, dict[str, Any]], res: IndexResult, parallel: bool
    ) -> Writer:
        return Writer(self.backend, self.cache, self.embedder, self._gens, state, registry, res, parallel)

    def _begin_write(self) -> dict[str, Any]:
        state = self.backend.state() or sync.fresh_state(INDEX_FORMAT, self.embedder.name)
        return sync.begin_write(self.backend, state)

    def _parse(self, path: Path) -> Report:
        from assistant.corpus import parse_file

        return parse_file(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))

    def _update_locked(self, paths: list[Path], prune: bool, progress: Progress | None, res: IndexResult) -> None:
        from assistant.corpus import apply_role_corrections

        files, missing = collect_files(paths)
        res.failed.extend(missing)
        registry = self.backend.registry()
        user_roles = self.backend.corrections()
        by_path = {m.get("abspath"): r for r, m in registry.items()}
        claimed = {r: str(m.get("abspath", "")) for r, m in registry.items()}
        state = self._begin_write()
        writer = self._writer(state, registry, res, parallel=len(files) * 10 >= PARALLEL_MIN)
        total = len(files)
        try:
            for i, f in enumerate(files, 1):
                if progress:
                    progress(i, total, f.name)
                abspath = str(f.resolve())
                try:
                    fhash = file_hash(f)
                except OSError as exc:
                    res.failed.append((str(f), f"文件“{f.name}”无法读取：{exc.strerror or exc}"))
                    continue
                known = registry.get(by_path.get(abspath, ""), None)
                if known and base_hash(known.get("hash")) == fhash:
                    res.skipped.append(str(known["report"]))
                    continue
                try:
                    report = self._parse(f)
                except AssistantError as exc:  # FileRejectedError and friends: Chinese message
                    res.failed.append((str(f), str(exc)))
                    continue
                except Exception as exc:  # a parser bug must not stop the other files
                    res.failed.append((str(f), f"文件“{f.name}”无法导入：解析出错（{type(exc).__name__}: {exc}）"))
                    continue
                owner = claimed.get(report.id)
                if owner and owner != abspath and Path(owner).exists():
                    # Same file name in another folder: both stay, the newcomer gets a suffix.
                    report.id = f"{report.id}-{hashlib.sha1(abspath.encode()).hexdigest()[:6]}"
                claimed[report.id] = abspath
                prev = registry.get(report.id)
                if prev and base_hash(prev.get("hash")) == fhash:
                    res.skipped.append(report.id)
                    continue
                # a user's role corrections hold for the file's new version too
                fixes = user_roles.get(report.id)
                if fixes and apply_role_corrections(report, fixes):
                    writer.add(report, version_key(fhash, fixes), abspath, prev is not None)
                    continue
                writer.add(report, fhash, abspath, prev is not None)
            writer.finish()
        finally:
            writer.close()
        if prune:
            for rid, m in sorted(self.backend.registry().items()):
                if m.get("abspath") and not Path(str(m["abspath"])).exists():
                    self._remove_locked(rid, state)
                    res.removed.append(rid)
        sync.end_write(self.backend, state)
        self._load()

    def remove(self, report_id: str) -> None:
        """Delete one report from the index (ReportNotFoundError if it is not there)."""
        with self._lock():
            self._ensure_current_locked()
            self._sync()
            if report_id not in self.backend.registry():
                raise ReportNotFoundError(report_id)
            state = self._begin_write()
            self._remove_locked(report_id, state)
            sync.end_write(self.backend, state)
            self._load()

    def _remove_locked(self, report_id: str, state: dict[str, Any]) -> None:
        sections = self.cache.section_ids(report_id)
        gen = self._gens.bump(state)
        self.backend.put_state(state)
        self.backend.unregister(report_id)  # the commit of the removal
        self.backend.delete_sections([rid for rid, _ in sections], sorted({r for _, r in sections}))
        self.backend.delete_payloads(report_id)
        self.cache.write([{"report": report_id, "deleted": True}], [], gen)

    def correct_role(self, report_id: str, section_id: str, role: Role) -> dict[str, Any]:
        """Set one section's role by hand (see ``corrections``): stored, applied at once."""
        with self._lock():
            self._ensure_current_locked()
            self._sync()
            state = self._begin_write()
            try:
                return corrections.correct(
                    self.backend, self.cache, self._gens, state, report_id, section_id, role
                )
            finally:
                sync.end_write(self.backend, state)
                self._load()

    # ---- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return len(self._ready().rids)

    def reports(self) -> list[ReportInfo]:
        self._ready()
        return self.cache.reports()

    def report_outline(self, report_id: str) -> list[dict[str, Any]]:
        self._ready()
        outline = self.cache.outline(report_id)
        if not outline:
            raise ReportNotFoundError(report_id)
        return outline

    def search(
        self,
        role: Role,
        topic: str,
        shape: WantedShape | None = None,
        k: int = 5,
        exclude_reports: tuple[str, ...] = (),
        *,
        role_filter: bool = True,
    ) -> list[Exemplar]:
        """Sections of ``role`` (then related roles) ranked by BM25+vector RRF and shape.

        ``role_filter=False`` ranks every section regardless of role (the evaluation's ablation).
        """
        view = self._ready()
        if not view.rids:
            raise IndexEmptyError()
        qtok = tokenize(topic)
        qvec = self.embedder.embed_query(topic)
        excl = view.excluded(exclude_reports)
        bm25_all = view.lex.scores(qtok)
        hits = self._rank(view, qvec, bm25_all, [role] if role_filter else ROLES, excl, k, shape)
        match = {h.row: "exact" if ROLES[view.roles[h.row]] == role else "other" for h in hits}
        if role_filter and len(hits) < k and RELATED_ROLES.get(role):
            more = self._rank(view, qvec, bm25_all, list(RELATED_ROLES[role]), excl, k - len(hits), shape)
            hits += more
            match.update({h.row: "related" for h in more})
        return self._exemplars(view, hits, match, qtok, shape)

    def _rank(
        self,
        view: View,
        qvec: np.ndarray,
        bm25_all: np.ndarray,
        roles: Sequence[Role],
        excl: np.ndarray,
        n: int,
        shape: WantedShape | None,
    ) -> list[Hit]:
        role_mask = view.role_mask(roles)
        mask = role_mask & ~excl
        if not mask.any():
            return []
        m = max(CANDIDATES, 4 * n)
        bm_rank = bm25_ranks(bm25_all, mask, m)
        # One HNSW query per role collection, asking for enough to survive the exclusions.
        cand: list[tuple[float, int]] = []
        n_excl = int((role_mask & excl).sum())
        for role in roles if qvec.any() else ():  # an empty topic has no direction
            total = view.role_counts.get(role, 0)
            if not total:
                continue
            for dist, rid in self.backend.nearest(role, qvec, min(total + 8, m + n_excl + 8)):
                row = view.row_of.get(rid)
                if row is not None and mask[row]:
                    cand.append((dist, row))
        vec_rank, vec_sim = vector_ranks(cand, m)
        fallback = np.flatnonzero(mask)[:n].tolist()
        return rank(bm_rank, vec_rank, vec_sim, view.shapes, shape, n, fallback)

    def _exemplars(
        self, view: View, hits: Sequence[Hit], match: dict[int, str], qtok: list[str], shape: WantedShape | None
    ) -> list[Exemplar]:
        cached = self.cache.exemplars([view.rids[h.row] for h in hits])
        idf = {t: view.lex.idf(t) for t in qtok}
        out: list[Exemplar] = []
        for h in hits:
            got = cached.get(view.rids[h.row])
            if got is None:  # replaced by a write since the view was taken
                continue
            ex, tokens = got
            ex.score = round(h.score, 4)
            ex.why = explain(
                match.get(h.row, "exact"), ex.role.label, qtok, tokens, idf, view.shapes[h.row], shape, h.parts
            )
            out.append(ex)
        return out

    def close(self) -> None:
        self.cache.close()
