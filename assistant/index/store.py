"""The section index: one Chroma record per section, a BM25 beside it, a local sidecar cache.

Layout (all under ``settings.index_dir`` unless a Chroma server is configured):

* Chroma (``chroma/``, or the server at ``settings.chroma_url``) is the source of truth. Section
  records live in one collection per role (``wr-sec-<role>``), so "role filter first" is a plain
  HNSW query; a filtered query over one big collection was 15x slower at 20k records. The
  ``wr-meta`` collection holds the state (format, embedding model, generation) and a registry
  entry per report (its content hash and source): writing a report's registry entry is the
  commit point of that report.
* The sidecar (SQLite) caches the committed records (texts, outlines, tokens, shapes) and the
  BM25 is persisted beside it, stamped with the generation it was built for. When the
  generation in Chroma moves (another process, or a teammate on the shared server), the
  sidecar pulls the changed reports from Chroma.

Crash safety: section records carry the content hash in their ids, so a new version is written
beside the old one and only becomes visible when the registry entry is committed; a SIGKILL
before that leaves the previous version searchable, and the leftovers are swept by the next
writer (the state's ``dirty`` flag says a sweep is due). Writers hold an fcntl lock.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    IndexBusyError,
    IndexEmptyError,
    IndexUnavailableError,
    ReportNotFoundError,
)
from assistant.index.embeddings import Embedder, make_embedder
from assistant.index.lexical import Lexical, tokenize, tokenize_joined
from assistant.index.search import (
    MAX_SCORE,
    ShapeInfo,
    compare_shape,
    order,
    rrf,
    score_parts,
    shape_bonus,
    shared_terms,
)
from assistant.models import (
    RELATED_ROLES,
    Exemplar,
    IndexResult,
    Report,
    ReportInfo,
    Role,
    Section,
    WantedShape,
)

# Bump when records or the sidecar change shape: an index of another format is rebuilt.
INDEX_FORMAT = 3
PREFIX = "wr"
META = f"{PREFIX}-meta"
STATE_ID = "__state__"
SUFFIXES = (".txt", ".md", ".docx", ".pdf")
ROLES = list(Role)
ROLE_CODE = {r: i for i, r in enumerate(ROLES)}
# Reports staged per Chroma write: big batches make HNSW inserts fast, and one batch is one commit.
BATCH_SECTIONS = 4000
THIN_BODY = 80  # a level-0/1 body shorter than this gets its children's openings in its record
CANDIDATES = 50  # per retriever, before fusion
PARALLEL_MIN = 4000  # sections: below this, worker start-up costs more than it saves
PAYLOAD = f"{PREFIX}-payload"

Progress = Callable[[int, int, str], None]


def _coll_name(role: Role) -> str:
    return f"{PREFIX}-sec-{role.value}"


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def first_sentence(text: str, limit: int = 80) -> str:
    """The first sentence of a body (up to 。！？；), at most ``limit`` characters."""
    text = text.strip()
    m = re.search(r"[。！？；!?;]", text)
    return (text[: m.end()] if m else text)[:limit]


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to index under ``paths`` (sorted), and (path, message) for paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if (
                    f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and f.name.lower() != "readme.md"
                    and not any(part.startswith(".") for part in rel)
                ):
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            missing.append((str(p), f"“{p}”不存在（既不是文件也不是文件夹）。"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


@dataclass
class _Record:
    rid: str
    role: Role
    text: str  # the record text: what the section is found by (Chroma document)
    meta: dict[str, Any]  # Chroma metadata: small, filterable fields
    side: dict[str, Any]  # sidecar row: texts, outline, shape (and tokens, once computed)


def record_text(report: Report, s: Section) -> str:
    """What a section is found by: heading path + heading + body (+ children's openings if thin)."""
    head = " > ".join([*s.path, s.heading]) if s.heading else report.title
    parts = [head, s.body]
    if s.level <= 1 and len(s.body) < THIN_BODY and s.children:
        for cid in s.children:
            try:
                child = report.section(cid)
            except KeyError:
                continue
            parts.append(f"{child.heading} {first_sentence(child.body)}")
    return "\n".join(p for p in parts if p)


def build_records(report: Report, fhash: str, abspath: str) -> list[_Record]:
    """The records of one report, without tokens (``tokenize_records`` fills them in bulk)."""
    records: list[_Record] = []
    for i, s in enumerate(report.sections):
        try:
            subtree = report.subtree_text(s.id)
        except (KeyError, IndexError):
            subtree = ""
        if not subtree:
            subtree = "\n".join(x for x in (s.heading, s.body) if x)
        child_style = "none"
        if s.children:
            with suppress(KeyError):
                child_style = report.section(s.children[0]).shape.heading_style
        rid = f"{report.id}|{fhash[:12]}|{s.id}"
        meta: dict[str, Any] = {
            "report": report.id,
            "source": report.source,
            "title": report.title,
            "year": report.year if report.year is not None else -1,
            "hash": fhash,
            "section_id": s.id,
            "heading": s.heading,
            "level": s.level,
            "role": str(s.role),
            "n_points": s.shape.n_points,
            "n_children": s.shape.n_children,
            "chars": s.shape.chars,
            "path": " > ".join(s.path),
            "heading_style": s.shape.heading_style,
            "point_style": s.shape.point_style,
        }
        side: dict[str, Any] = {
            "rid": rid,
            "report": report.id,
            "ord": i,
            "section_id": s.id,
            "role": str(s.role),
            "level": s.level,
            "heading": s.heading,
            "path_json": json.dumps(s.path, ensure_ascii=False),
            "heading_style": s.shape.heading_style,
            "child_style": child_style,
            "point_style": s.shape.point_style,
            "n_points": s.shape.n_points,
            "n_children": s.shape.n_children,
            "body": s.body,
            "subtree": subtree,
            "outline": json.dumps(s.outline_dict(), ensure_ascii=False),
            "tokens": "",
            "text": record_text(report, s),
        }
        records.append(_Record(rid, s.role, side["text"], meta, side))
    return records


class _Tokenizer:
    """jieba for record texts: in worker processes when there are many, so Chroma writes of one
    batch overlap the tokenising of the next."""

    def __init__(self, parallel: bool) -> None:
        self._pool: Any = None
        if parallel and (os.cpu_count() or 1) > 1:
            import multiprocessing as mp

            # fork, not spawn/forkserver: those re-run the __main__ script (the CLI, or Streamlit's
            # app) in every worker. The workers only run jieba (pure Python), and jieba is loaded
            # before the fork so they start warm.
            tokenize("")
            try:
                self._pool = mp.get_context("fork").Pool(min(os.cpu_count() or 2, 8))
            except (OSError, ValueError):
                self._pool = None

    def submit(self, texts: list[str]) -> Callable[[], list[str]]:
        if self._pool is None:
            return lambda: tokenize_joined(texts)
        chunks = [texts[i : i + 250] for i in range(0, len(texts), 250)]
        pending = self._pool.map_async(tokenize_joined, chunks, chunksize=1)
        return lambda: [t for part in pending.get() for t in part]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


@dataclass
class _Prepared:
    staged: list[tuple[Report, str, str, bool]]
    records: list[_Record]
    per_report: list[list[_Record]]
    entries: list[dict[str, Any]]
    tokens: Callable[[], list[str]]


def pack_payload(rows: Sequence[dict[str, Any]]) -> str:
    """A report's sidecar rows as one compact string (stored in Chroma for other clients)."""
    raw = json.dumps(list(rows), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack_payload(text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))
    return rows


_SIDECAR_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, hash TEXT, title TEXT, source TEXT, abspath TEXT, year INTEGER,
    n_sections INTEGER, seq INTEGER);
CREATE TABLE IF NOT EXISTS sections (
    rid TEXT PRIMARY KEY, report TEXT, ord INTEGER, section_id TEXT, role TEXT, level INTEGER,
    heading TEXT, path_json TEXT, heading_style TEXT, child_style TEXT, point_style TEXT,
    n_points INTEGER, n_children INTEGER, body TEXT, subtree TEXT, outline TEXT, tokens TEXT,
    text TEXT);
CREATE INDEX IF NOT EXISTS sections_report ON sections(report);
"""
_SIDE_COLS = (
    "rid", "report", "ord", "section_id", "role", "level", "heading", "path_json", "heading_style",
    "child_style", "point_style", "n_points", "n_children", "body", "subtree", "outline", "tokens",
    "text",
)


class SectionIndex:
    """Build, update and search the section index (see the module docstring)."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, lock_timeout: float = 60.0
    ) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.lock_timeout = lock_timeout
        self.dir = settings.index_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        where = settings.chroma_url or "local"
        slug = "local" if not settings.chroma_url else hashlib.sha1(where.encode()).hexdigest()[:10]
        self._sidecar_path = self.dir / f"sidecar-{slug}.sqlite3"
        self._bm25_dir = self.dir / f"bm25-{slug}"
        # Connected on first use: a writer connects after taking the lock, so it never starts
        # from a view of the store that another writer is about to change.
        self._client_obj: Any = None
        self._db = self._open_sidecar()
        self._cols: dict[Role, Any] = {}
        self._meta: Any = None
        self._conn_gen: int | None = None  # generation this connection is known to reflect
        self._loaded_stamp: str | None = None
        self._notices: list[str] = []
        self._rebuilt = False
        # in-memory view of the sidecar, by row
        self._rids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._role_arr = np.zeros(0, dtype=np.int16)
        self._report_arr = np.zeros(0, dtype=np.int32)
        self._report_pos: dict[str, int] = {}
        self._shapes: list[ShapeInfo] = []
        self._mask_cache: dict[tuple[Role, ...], np.ndarray] = {}
        self._role_counts: dict[Role, int] = {}
        self._lex = Lexical([])

    # ---- plumbing ----------------------------------------------------------------
    @property
    def _client(self) -> Any:
        if self._client_obj is None:
            self._client_obj = self._connect()
        return self._client_obj

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False)
        url = self.settings.chroma_url
        try:
            if url:
                from urllib.parse import urlparse

                u = urlparse(url if "://" in url else f"http://{url}")
                ssl = u.scheme == "https"
                client = chromadb.HttpClient(
                    host=u.hostname or "localhost", port=u.port or (443 if ssl else 80), ssl=ssl, settings=cs
                )
                client.heartbeat()
                return client
            return chromadb.PersistentClient(path=str(self.dir / "chroma"), settings=cs)
        except Exception as exc:  # connection refused, bad folder, ...
            raise IndexUnavailableError(url or str(self.dir), f"{type(exc).__name__}: {exc}") from exc

    def _open_sidecar(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._sidecar_path, timeout=30, isolation_level=None)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError:
            db.close()
            self._sidecar_path.unlink(missing_ok=True)
            return self._open_sidecar()
        if version not in (0, INDEX_FORMAT):
            # The sidecar is only a cache of Chroma: a stale format is dropped and pulled again.
            db.close()
            self._sidecar_path.unlink(missing_ok=True)
            return self._open_sidecar()
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SIDECAR_SCHEMA)
        db.execute(f"PRAGMA user_version={INDEX_FORMAT}")
        return db

    def _col(self, role: Role) -> Any:
        col = self._cols.get(role)
        if col is None:
            col = self._client.get_or_create_collection(
                _coll_name(role), embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._cols[role] = col
        return col

    def _meta_col(self) -> Any:
        if self._meta is None:
            self._meta = self._client.get_or_create_collection(META, embedding_function=None)
        return self._meta

    def _collection_names(self) -> list[str]:
        return [getattr(c, "name", str(c)) for c in self._client.list_collections()]

    def _state(self) -> dict[str, Any] | None:
        if self._meta is None:
            try:
                self._meta = self._client.get_collection(META, embedding_function=None)
            except Exception:  # chromadb raises NotFoundError (1.x) or ValueError (older)
                return None
        got = self._meta.get(ids=[STATE_ID], include=["metadatas"])
        metas = got.get("metadatas") or []
        return dict(metas[0]) if metas and metas[0] is not None else None

    def _put_state(self, state: dict[str, Any], registry: Sequence[dict[str, Any]] = ()) -> None:
        """Write the state and registry entries in one Chroma call: this is the commit point."""
        ids = [STATE_ID] + [f"report:{r['report']}" for r in registry]
        metas = [state, *registry]
        self._meta_col().upsert(ids=ids, embeddings=[[1.0]] * len(ids), metadatas=metas)

    def _registry(self) -> dict[str, dict[str, Any]]:
        got = self._meta_col().get(where={"kind": "report"}, include=["metadatas"])
        return {str(m["report"]): dict(m) for m in (got.get("metadatas") or []) if m}

    @contextmanager
    def _lock(self) -> Iterator[None]:
        path = self.dir / "write.lock"
        with path.open("a+") as fh:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(f"已等待 {self.lock_timeout:.0f} 秒") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # ---- state: format, embedding model, rebuild -----------------------------------
    def _fresh_state(self) -> dict[str, Any]:
        return {"kind": "state", "format": INDEX_FORMAT, "embedding": self.embedder.name, "gen": 0, "dirty": 0}

    def _needs_rebuild(self, state: dict[str, Any] | None) -> str | None:
        """Chinese reason the stored index cannot be used as it is, or None."""
        if state is None:
            legacy = [n for n in self._collection_names() if n.startswith(PREFIX) and n != META]
            return "范文库由旧版本建立（缺少版本信息）" if legacy else None
        if int(state.get("format", 0)) != INDEX_FORMAT:
            return f"范文库由旧版本建立（格式 v{state.get('format')}，当前 v{INDEX_FORMAT}）"
        if state.get("embedding") != self.embedder.name:
            return f"向量模型已由“{state.get('embedding')}”改为“{self.embedder.name}”"
        return None

    def _ensure_current(self, state: dict[str, Any] | None = None) -> None:
        """Create the state on first use; rebuild an index of another format or embedding."""
        state = state or self._state()
        if state is not None and self._needs_rebuild(state) is None:
            return
        with self._lock():
            self._ensure_current_locked()

    def _ensure_current_locked(self) -> None:
        state = self._state()
        reason = self._needs_rebuild(state)
        if reason is None:
            if state is None:
                self._put_state(self._fresh_state())
            return
        sources: list[Path] = []
        try:
            sources = [Path(m["abspath"]) for m in self._registry().values() if m.get("abspath")]
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
        for name in self._collection_names():
            if name.startswith(PREFIX):
                self._client.delete_collection(name)
        self._cols.clear()
        self._meta = None
        self._db.close()
        self._sidecar_path.unlink(missing_ok=True)
        shutil.rmtree(self._bm25_dir, ignore_errors=True)
        self._db = self._open_sidecar()
        self._loaded_stamp = None
        self._put_state(self._fresh_state())
        self._conn_gen = 0
        existing = [p for p in sources if p.exists()]
        res = IndexResult()
        if existing:
            self._update_locked(existing, prune=False, progress=None, res=res)
        self._rebuilt = True
        self._notices.append(
            f"{reason}：已清空并按当前版本重建索引，不混用新旧向量"
            f"（重新导入 {len(res.added)} 篇，{len(sources) - len(existing)} 篇原文件已不存在）。"
        )

    # ---- sidecar <-> Chroma --------------------------------------------------------
    def _sidecar_gen(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='gen'").fetchone()
        return int(row[0]) if row else -1

    def _write_sidecar(
        self, reports: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], gen: int | None
    ) -> None:
        """Replace the given reports and their section rows (one transaction)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for r in reports:
                db.execute("DELETE FROM sections WHERE report=?", (r["report"],))
                if r.get("deleted"):
                    db.execute("DELETE FROM reports WHERE id=?", (r["report"],))
                    continue
                db.execute(
                    "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?)",
                    (r["report"], r["hash"], r["title"], r["source"], r.get("abspath", ""),
                     r.get("year", -1), r.get("n_sections", 0), r.get("seq", 0)),
                )
            db.executemany(
                f"INSERT OR REPLACE INTO sections ({', '.join(_SIDE_COLS)})"
                f" VALUES ({', '.join('?' * len(_SIDE_COLS))})",
                [tuple(row[c] for c in _SIDE_COLS) for row in rows],
            )
            if gen is not None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('gen', ?)", (str(gen),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _reconnect(self) -> None:
        if self.settings.chroma_url or self._client_obj is None:
            return  # a server always answers from its current state
        from chromadb.api.shared_system_client import SharedSystemClient

        # Drop only this folder's cached system (others holding it keep theirs).
        with suppress(Exception):
            SharedSystemClient._identifier_to_system.pop(str(self.dir / "chroma"), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.dir / "chroma"), None)
        self._client_obj = None
        self._cols.clear()
        self._meta = None

    def _payload_col(self) -> Any:
        return self._client.get_or_create_collection(PAYLOAD, embedding_function=None)

    def _sync(self, state: dict[str, Any] | None = None) -> None:
        """Pull reports committed in Chroma by someone else into the sidecar, then load it."""
        state = state or self._state()
        gen = int(state["gen"]) if state else 0
        if self._conn_gen is None:
            self._conn_gen = gen
        elif gen != self._conn_gen:
            # Another process wrote: an embedded Chroma keeps serving its in-memory HNSW from
            # before (records read fine, new vectors are missed), so open the store afresh.
            self._reconnect()
            self._conn_gen = gen
        if gen != self._sidecar_gen():
            registry = self._registry()
            mine = {r: h for r, h in self._db.execute("SELECT id, hash FROM reports")}
            gone = [{"report": r, "deleted": True} for r in mine if r not in registry]
            changed = [m for r, m in registry.items() if mine.get(r) != m["hash"]]
            rows: list[dict[str, Any]] = []
            ids = [f"{m['report']}|{m['hash']}" for m in changed]
            for i in range(0, len(ids), 200):
                got = self._payload_col().get(ids=ids[i : i + 200], include=["metadatas"])
                for m in got.get("metadatas") or []:
                    if m:
                        rows.extend(unpack_payload(str(m["payload"])))
            self._write_sidecar([*gone, *changed], rows, gen)
        self._load()

    def _load(self) -> None:
        """Load the in-memory view (arrays, shapes, BM25) of the sidecar if it moved."""
        gen = self._sidecar_gen()
        n = int(self._db.execute("SELECT COUNT(*) FROM sections").fetchone()[0])
        stamp = f"{gen}-{n}-{self.embedder.name}"
        if stamp == self._loaded_stamp:
            return
        rows = self._db.execute(
            "SELECT s.rid, s.report, s.role, s.level, s.heading_style, s.child_style, s.point_style,"
            " s.n_points, s.n_children FROM sections s JOIN reports r ON r.id = s.report"
            " ORDER BY r.seq, r.id, s.ord"
        ).fetchall()
        self._rids = [r[0] for r in rows]
        self._row_of = {rid: i for i, rid in enumerate(self._rids)}
        self._report_pos = {}
        rep_idx = []
        for r in rows:
            rep_idx.append(self._report_pos.setdefault(r[1], len(self._report_pos)))
        self._report_arr = np.asarray(rep_idx, dtype=np.int32)
        self._role_arr = np.asarray([ROLE_CODE.get(Role(r[2]), 0) for r in rows], dtype=np.int16)
        self._shapes = [ShapeInfo(r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
        self._mask_cache = {}
        codes, counts = np.unique(self._role_arr, return_counts=True)
        self._role_counts = {ROLES[int(c)]: int(n) for c, n in zip(codes, counts, strict=True)}
        lex = Lexical.load(self._bm25_dir, stamp)
        if lex is None or lex.n != len(rows):
            # Tokens are stored, so rebuilding the BM25 never runs jieba again.
            tok_rows = self._db.execute(
                "SELECT s.tokens FROM sections s JOIN reports r ON r.id = s.report"
                " ORDER BY r.seq, r.id, s.ord"
            ).fetchall()
            lex = Lexical([t[0].split() for t in tok_rows])
            # A read-only data folder still searches; it just rebuilds the BM25 at start-up.
            with suppress(OSError):
                lex.save(self._bm25_dir, stamp)
        self._lex = lex
        self._loaded_stamp = stamp

    def _ready(self) -> None:
        state = self._state()
        if state is None or self._needs_rebuild(state) is not None:
            self._ensure_current(state)
            state = self._state()
        self._sync(state)

    # ---- writing -------------------------------------------------------------------
    def update(
        self, paths: list[Path], prune: bool = False, progress: Progress | None = None
    ) -> IndexResult:
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

    def _begin_write(self) -> dict[str, Any]:
        state = self._state() or self._fresh_state()
        if int(state.get("dirty", 0)):
            self._sweep()
        state["dirty"] = 1
        self._put_state(state)
        return state

    def _end_write(self, state: dict[str, Any]) -> None:
        state["dirty"] = 0
        self._put_state(state)

    def _sweep(self) -> None:
        """Delete records no committed registry entry points at (left by a crash)."""
        current = {r: str(m["hash"]) for r, m in self._registry().items()}
        for name in self._collection_names():
            if name == PAYLOAD:
                col = self._payload_col()

                def stale(rid: str) -> bool:
                    report, _, h = rid.rpartition("|")
                    return current.get(report) != h

            elif name.startswith(f"{PREFIX}-sec-"):
                col = self._client.get_collection(name, embedding_function=None)

                def stale(rid: str) -> bool:
                    head, _, _sid = rid.rpartition("|")
                    report, _, h12 = head.rpartition("|")
                    return current.get(report, "")[:12] != h12

            else:
                continue
            ids = [rid for rid in col.get(include=[])["ids"] if stale(rid)]
            for i in range(0, len(ids), 5000):
                col.delete(ids=ids[i : i + 5000])

    def _update_locked(
        self, paths: list[Path], prune: bool, progress: Progress | None, res: IndexResult
    ) -> None:
        files, missing = collect_files(paths)
        res.failed.extend(missing)
        registry = self._registry()
        by_path = {m.get("abspath"): r for r, m in registry.items()}
        claimed = {r: str(m.get("abspath", "")) for r, m in registry.items()}
        state = self._begin_write()
        writer = _Writer(self, state, registry, res, parallel=len(files) * 10 >= PARALLEL_MIN)
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
                if known and known.get("hash") == fhash:
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
                if prev and prev.get("hash") == fhash:
                    res.skipped.append(report.id)
                    continue
                writer.add(report, fhash, abspath, prev is not None)
            writer.finish()
        finally:
            writer.close()
        if prune:
            for rid, m in sorted(self._registry().items()):
                if m.get("abspath") and not Path(str(m["abspath"])).exists():
                    self._remove_locked(rid, state)
                    res.removed.append(rid)
        self._end_write(state)
        self._load()

    def _parse(self, path: Path) -> Report:
        from assistant.corpus import parse_file

        return parse_file(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))

    def index_reports(self, reports: Sequence[tuple[Report, str]]) -> IndexResult:
        """Index already-parsed reports (``(report, content hash)``): the bench and tests use it."""
        res = IndexResult()
        with self._lock():
            self._ensure_current_locked()
            self._sync()
            registry = self._registry()
            state = self._begin_write()
            total = sum(len(r.sections) for r, _ in reports)
            writer = _Writer(self, state, registry, res, parallel=total >= PARALLEL_MIN)
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
            self._end_write(state)
            self._load()
        res.n_sections = self.count()
        return res

    def _prepare(
        self, staged: list[tuple[Report, str, str, bool]], state: dict[str, Any], tok: _Tokenizer
    ) -> _Prepared:
        records: list[_Record] = []
        per_report: list[list[_Record]] = []
        entries: list[dict[str, Any]] = []
        seq = int(state.get("seq", 0))
        for report, fhash, abspath, _ in staged:
            recs = build_records(report, fhash, abspath)
            records.extend(recs)
            per_report.append(recs)
            seq += 1
            entries.append(
                {
                    "kind": "report", "report": report.id, "hash": fhash, "title": report.title,
                    "source": report.source, "abspath": abspath,
                    "year": report.year if report.year is not None else -1,
                    "n_sections": len(recs), "seq": seq,
                }
            )
        state["seq"] = seq
        return _Prepared(staged, records, per_report, entries, tok.submit([r.text for r in records]))

    def _store(
        self, p: _Prepared, state: dict[str, Any], registry: dict[str, dict[str, Any]], res: IndexResult
    ) -> None:
        """Write one prepared batch: section records, payloads, then the commit, then cleanup."""
        records = p.records
        vectors = self.embedder.embed_documents([r.text for r in records])
        for r, t in zip(records, p.tokens(), strict=True):
            r.side["tokens"] = t
        by_role: dict[Role, list[int]] = {}
        for i, r in enumerate(records):
            by_role.setdefault(r.role, []).append(i)
        for role, idx in by_role.items():
            col = self._col(role)
            step = 5000
            for j in range(0, len(idx), step):
                part = idx[j : j + step]
                # add, not upsert (~10% faster): an id already present is the same report at
                # the same content hash, and leftovers of a killed run were swept beforehand.
                col.add(
                    ids=[records[i].rid for i in part],
                    embeddings=vectors[part],
                    metadatas=[records[i].meta for i in part],
                    documents=[records[i].text for i in part],
                )
        payload = self._payload_col()
        for j in range(0, len(p.entries), 500):
            part_e = p.entries[j : j + 500]
            payload.add(
                ids=[f"{e['report']}|{e['hash']}" for e in part_e],
                embeddings=[[1.0]] * len(part_e),
                metadatas=[
                    {"report": e["report"], "hash": e["hash"], "payload": pack_payload([r.side for r in recs])}
                    for e, recs in zip(part_e, p.per_report[j : j + 500], strict=True)
                ],
            )
        self._commit(state, p.entries)
        # Old versions of updated reports: invisible since the commit, now deleted.
        names = set(self._collection_names())
        for report, fhash, _, was_known in p.staged:
            if was_known:
                stale = {"$and": [{"report": report.id}, {"hash": {"$ne": fhash}}]}
                payload.delete(where=stale)
                for role in ROLES:
                    if _coll_name(role) in names:
                        self._col(role).delete(where=stale)
        self._write_sidecar(p.entries, [r.side for r in records], int(state["gen"]))
        for report, _, _, was_known in p.staged:
            (res.updated if was_known else res.added).append(report.id)
        for e in p.entries:
            registry[e["report"]] = e

    def _commit(self, state: dict[str, Any], entries: Sequence[dict[str, Any]]) -> None:
        state["gen"] = int(state.get("gen", 0)) + 1
        self._put_state(state, entries)
        self._conn_gen = int(state["gen"])  # our own write: this connection already sees it

    def remove(self, report_id: str) -> None:
        """Delete one report from the index (ReportNotFoundError if it is not there)."""
        with self._lock():
            self._ensure_current_locked()
            if report_id not in self._registry():
                raise ReportNotFoundError(report_id)
            state = self._begin_write()
            self._remove_locked(report_id, state)
            self._end_write(state)
            self._load()

    def _remove_locked(self, report_id: str, state: dict[str, Any]) -> None:
        state["gen"] = int(state.get("gen", 0)) + 1
        self._put_state(state)
        self._conn_gen = int(state["gen"])
        self._meta_col().delete(ids=[f"report:{report_id}"])
        for name in self._collection_names():
            if name.startswith(f"{PREFIX}-sec-") or name == PAYLOAD:
                self._client.get_collection(name, embedding_function=None).delete(
                    where={"report": report_id}
                )
        self._write_sidecar([{"report": report_id, "deleted": True}], [], int(state["gen"]))

    # ---- reading -------------------------------------------------------------------
    def count(self) -> int:
        self._ready()
        return len(self._rids)

    def reports(self) -> list[ReportInfo]:
        self._ready()
        rows = self._db.execute(
            "SELECT id, title, source, year, n_sections, hash FROM reports ORDER BY seq, id"
        ).fetchall()
        return [
            ReportInfo(r[0], r[1], r[2], None if r[3] is None or r[3] < 0 else int(r[3]), r[4], r[5])
            for r in rows
        ]

    def report_outline(self, report_id: str) -> list[dict[str, Any]]:
        self._ready()
        rows = self._db.execute(
            "SELECT outline FROM sections WHERE report=? ORDER BY ord", (report_id,)
        ).fetchall()
        if not rows:
            raise ReportNotFoundError(report_id)
        return [json.loads(r[0]) for r in rows]

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
        self._ready()
        if not self._rids:
            raise IndexEmptyError()
        qtok = tokenize(topic)
        qvec = self.embedder.embed_query(topic)
        excluded = [self._report_pos[r] for r in exclude_reports if r in self._report_pos]
        excl = np.isin(self._report_arr, excluded) if excluded else np.zeros(len(self._rids), bool)
        bm25_all = self._lex.scores(qtok)
        first = [role] if role_filter else ROLES
        hits = self._rank(qtok, qvec, bm25_all, first, excl, k, shape)
        match = {row: "exact" if self._role_arr[row] == ROLE_CODE[role] else "other" for row, *_ in hits}
        if role_filter and len(hits) < k and RELATED_ROLES.get(role):
            more = self._rank(qtok, qvec, bm25_all, list(RELATED_ROLES[role]), excl, k - len(hits), shape)
            hits += more
            match.update({row: "related" for row, *_ in more})
        return self._exemplars(hits, match, qtok, shape)

    def _rank(
        self,
        qtok: list[str],
        qvec: np.ndarray,
        bm25_all: np.ndarray,
        roles: Sequence[Role],
        excl: np.ndarray,
        n: int,
        shape: WantedShape | None,
    ) -> list[tuple[int, float, dict[str, Any]]]:
        role_mask = self._role_mask(roles)
        mask = role_mask & ~excl
        if not mask.any():
            return []
        m = max(CANDIDATES, 4 * n)
        # BM25 ranks among the eligible rows (only rows sharing a term are ranked).
        s = np.where(mask, bm25_all, 0.0)
        nz = np.flatnonzero(s > 0)
        if len(nz) > m:
            nz = nz[np.argpartition(-s[nz], m)[:m]]
        top = nz[np.lexsort((nz, -s[nz]))]  # score desc, then row: deterministic
        bm_rank = {int(r): i + 1 for i, r in enumerate(top)}
        # Vector ranks: one HNSW query per role collection, then merged by distance.
        cand: list[tuple[float, int]] = []
        n_excl = int((role_mask & excl).sum())
        for role in roles if qvec.any() else ():  # an empty topic has no direction
            col = self._col(role)
            total = self._role_counts.get(role, 0)
            if not total:
                continue
            got = col.query(
                query_embeddings=[qvec.tolist()],
                n_results=min(total + 8, m + n_excl + 8),
                include=["distances"],
            )
            for rid, dist in zip(got["ids"][0], (got.get("distances") or [[]])[0], strict=False):
                row = self._row_of.get(rid)
                if row is not None and mask[row]:
                    cand.append((float(dist), row))
        cand.sort()
        vec_rank = {row: i + 1 for i, (_, row) in enumerate(cand[:m])}
        vec_sim = {row: 1.0 - d for d, row in cand[:m]}
        fused = rrf({"bm25": bm_rank, "vector": vec_rank})
        if not fused:  # nothing matched either way: keep document order, still role-filtered
            fused = {int(r): 0.0 for r in np.flatnonzero(mask)[:n]}
        bonus = {row: shape_bonus(self._shapes[row], shape) for row in fused}
        out = []
        for row, total_score in order(fused, bonus)[:n]:
            parts = score_parts(
                bm_rank.get(row), vec_rank.get(row), fused[row], bonus[row], vec_sim.get(row)
            )
            out.append((row, total_score / MAX_SCORE, parts))
        return out

    def _role_mask(self, roles: Sequence[Role]) -> np.ndarray:
        key = tuple(roles)
        mask = self._mask_cache.get(key)
        if mask is None:
            mask = np.isin(self._role_arr, [ROLE_CODE[r] for r in roles])
            self._mask_cache[key] = mask
        return mask

    def _exemplars(
        self,
        hits: Sequence[tuple[int, float, dict[str, Any]]],
        match: dict[int, str],
        qtok: list[str],
        shape: WantedShape | None,
    ) -> list[Exemplar]:
        out: list[Exemplar] = []
        for row, score, parts in hits:
            rid = self._rids[row]
            r = self._db.execute(
                "SELECT s.report, r.title, r.source, s.section_id, s.heading, s.path_json, s.role,"
                " s.level, s.n_points, s.n_children, s.heading_style, s.point_style, s.subtree,"
                " s.body, s.tokens FROM sections s JOIN reports r ON r.id = s.report WHERE s.rid=?",
                (rid,),
            ).fetchone()
            if r is None:
                continue
            shp = self._shapes[row]
            terms = shared_terms(qtok, r[14].split(), {t: self._lex.idf(t) for t in qtok})
            role = Role(r[6])
            why = {
                "role_match": match.get(row, "exact"),
                "role": role.label,
                "shared_terms": terms,
                "shape": compare_shape(shp, shape),
                "score_parts": parts,
            }
            out.append(
                Exemplar(
                    report=r[0], title=r[1], source=r[2], section_id=r[3], heading=r[4],
                    path=json.loads(r[5]), role=role, level=r[7], n_points=r[8], n_children=r[9],
                    heading_style=r[10], point_style=r[11], score=round(score, 4), why=why,
                    text=r[12], body=r[13],
                )
            )
        return out

    def close(self) -> None:
        self._db.close()


class _Writer:
    """Stages reports into batches of about BATCH_SECTIONS and writes them, one batch behind, so
    the tokenising of batch n+1 (worker processes) overlaps the Chroma writes of batch n."""

    def __init__(
        self,
        index: SectionIndex,
        state: dict[str, Any],
        registry: dict[str, dict[str, Any]],
        res: IndexResult,
        parallel: bool,
    ) -> None:
        self.index, self.state, self.registry, self.res = index, state, registry, res
        self.tok = _Tokenizer(parallel)
        self.staged: list[tuple[Report, str, str, bool]] = []
        self.n = 0
        self.pending: _Prepared | None = None

    def add(self, report: Report, fhash: str, abspath: str, known: bool) -> None:
        self.staged.append((report, fhash, abspath, known))
        self.n += len(report.sections)
        if self.n >= BATCH_SECTIONS:
            self._flush()

    def _flush(self) -> None:
        prepared = self.index._prepare(self.staged, self.state, self.tok) if self.staged else None
        self.staged, self.n = [], 0
        if self.pending is not None:
            self.index._store(self.pending, self.state, self.registry, self.res)
        self.pending = prepared

    def finish(self) -> None:
        self._flush()
        self._flush()

    def close(self) -> None:
        self.tok.close()
