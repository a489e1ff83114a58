"""The local cache of the committed sections (SQLite sidecar) and its in-memory view.

The sidecar holds what a search returns (subtree texts, outlines, shapes, tokens) for the
reports committed in Chroma, stamped with the generation it reflects. It is only a cache: a
file of another format or a broken file is dropped and pulled again.

One connection is shared by every thread of the process (``check_same_thread=False``), each
use under the cache's lock, so Streamlit sessions (each rerun is a new thread) call the index
directly. ``View`` is an immutable snapshot (row arrays, shapes, BM25) that searches read
without any lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.lexical import Lexical
from assistant.index.ranking import ShapeInfo
from assistant.index.records import ROW_COLS
from assistant.models import Exemplar, ReportInfo, Role

ROLES = list(Role)
ROLE_CODE = {r: i for i, r in enumerate(ROLES)}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, hash TEXT, title TEXT, source TEXT, abspath TEXT, year INTEGER,
    n_sections INTEGER, seq INTEGER);
CREATE TABLE IF NOT EXISTS sections (
    rid TEXT PRIMARY KEY, report TEXT, ord INTEGER, section_id TEXT, role TEXT, level INTEGER,
    heading TEXT, path_json TEXT, heading_style TEXT, child_style TEXT, point_style TEXT,
    n_points INTEGER, n_children INTEGER, body TEXT, subtree TEXT, outline TEXT, tokens TEXT);
CREATE INDEX IF NOT EXISTS sections_report ON sections(report);
"""
_ORDER = " FROM sections s JOIN reports r ON r.id = s.report ORDER BY r.seq, r.id, s.ord"


@dataclass
class View:
    """The searchable snapshot of the cache: row i of every array is the i-th section in
    document order (reports by commit order)."""

    stamp: str | None = None
    gen: int | None = None  # the cache generation it was checked against
    rids: list[str] = field(default_factory=list)
    row_of: dict[str, int] = field(default_factory=dict)
    roles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    reports: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    report_pos: dict[str, int] = field(default_factory=dict)
    shapes: list[ShapeInfo] = field(default_factory=list)
    role_counts: dict[Role, int] = field(default_factory=dict)
    lex: Lexical = field(default_factory=lambda: Lexical([]))
    _masks: dict[tuple[Role, ...], np.ndarray] = field(default_factory=dict)

    def role_mask(self, roles: Sequence[Role]) -> np.ndarray:
        key = tuple(roles)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.isin(self.roles, [ROLE_CODE[r] for r in roles])
            self._masks[key] = mask  # a lost race only computes it twice
        return mask

    def excluded(self, report_ids: Sequence[str]) -> np.ndarray:
        pos = [self.report_pos[r] for r in report_ids if r in self.report_pos]
        return np.isin(self.reports, pos) if pos else np.zeros(len(self.rids), bool)


class SidecarCache:
    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version
        self._mu = threading.RLock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError:
            current = -1
        if current not in (0, self.version):
            # Only a cache of Chroma: a stale format or a broken file is dropped and pulled again.
            db.close()
            self.path.unlink(missing_ok=True)
            return self._open()
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a crash loses no committed cache
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version={self.version}")
        return db

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        with self._mu:
            yield self._db

    def reset(self) -> None:
        with self._mu:
            self._db.close()
            self.path.unlink(missing_ok=True)
            self._db = self._open()

    def close(self) -> None:
        with self._mu:
            self._db.close()

    # ---- generation and contents -------------------------------------------------------
    def gen(self) -> int:
        with self._conn() as db:
            row = db.execute("SELECT value FROM meta WHERE key='gen'").fetchone()
        return int(row[0]) if row else -1

    def count(self) -> int:
        with self._conn() as db:
            return int(db.execute("SELECT COUNT(*) FROM sections").fetchone()[0])

    def hashes(self) -> dict[str, str]:
        with self._conn() as db:
            return {r: h for r, h in db.execute("SELECT id, hash FROM reports")}

    def section_ids(self, report_id: str) -> list[tuple[str, Role]]:
        """``(record id, role)`` of one report's cached sections."""
        with self._conn() as db:
            rows = db.execute("SELECT rid, role FROM sections WHERE report=?", (report_id,)).fetchall()
        return [(str(r), Role(role)) for r, role in rows]

    def write(self, reports: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], gen: int | None) -> None:
        """Replace the given reports (registry entries, or ``{"report", "deleted": True}``) and
        their section rows, and stamp the generation, in one transaction."""
        with self._conn() as db:
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
                    f"INSERT OR REPLACE INTO sections ({', '.join(ROW_COLS)})"
                    f" VALUES ({', '.join('?' * len(ROW_COLS))})",
                    [tuple(row[c] for c in ROW_COLS) for row in rows],
                )
                if gen is not None:
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('gen', ?)", (str(gen),))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    # ---- reading -------------------------------------------------------------------------
    def reports(self) -> list[ReportInfo]:
        with self._conn() as db:
            rows = db.execute(
                "SELECT id, title, source, year, n_sections, hash FROM reports ORDER BY seq, id"
            ).fetchall()
        return [
            ReportInfo(r[0], r[1], r[2], None if r[3] is None or r[3] < 0 else int(r[3]), r[4], r[5])
            for r in rows
        ]

    def outline(self, report_id: str) -> list[dict[str, Any]]:
        with self._conn() as db:
            rows = db.execute("SELECT outline FROM sections WHERE report=? ORDER BY ord", (report_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def exemplars(self, rids: Sequence[str]) -> dict[str, tuple[Exemplar, list[str]]]:
        """The cached sections as Exemplars (score and why still empty) with their tokens."""
        if not rids:
            return {}
        with self._conn() as db:
            rows = db.execute(
                "SELECT s.rid, s.report, r.title, r.source, s.section_id, s.heading, s.path_json,"
                " s.role, s.level, s.n_points, s.n_children, s.heading_style, s.point_style,"
                " s.subtree, s.body, s.tokens FROM sections s JOIN reports r ON r.id = s.report"
                f" WHERE s.rid IN ({','.join('?' * len(rids))})",
                tuple(rids),
            ).fetchall()
        return {
            r[0]: (
                Exemplar(
                    report=r[1], title=r[2], source=r[3], section_id=r[4], heading=r[5],
                    path=json.loads(r[6]), role=Role(r[7]), level=r[8], n_points=r[9],
                    n_children=r[10], heading_style=r[11], point_style=r[12], score=0.0, why={},
                    text=r[13], body=r[14],
                ),
                r[15].split(),
            )
            for r in rows
        }

    def view(self, stamp: str, bm25_dir: Path) -> View:
        """A fresh snapshot; the BM25 is loaded from ``bm25_dir`` when its stamp matches, else
        rebuilt from the stored tokens (the tokenizer never runs here) and saved."""
        with self._conn() as db:
            rows = db.execute(
                "SELECT s.rid, s.report, s.role, s.level, s.heading_style, s.child_style,"
                " s.point_style, s.n_points, s.n_children" + _ORDER
            ).fetchall()
        v = View(stamp=stamp)
        v.rids = [r[0] for r in rows]
        v.row_of = {rid: i for i, rid in enumerate(v.rids)}
        rep_idx = [v.report_pos.setdefault(r[1], len(v.report_pos)) for r in rows]
        v.reports = np.asarray(rep_idx, dtype=np.int32)
        v.roles = np.asarray([ROLE_CODE.get(Role(r[2]), 0) for r in rows], dtype=np.int16)
        v.shapes = [ShapeInfo(r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
        codes, counts = np.unique(v.roles, return_counts=True)
        v.role_counts = {ROLES[int(c)]: int(n) for c, n in zip(codes, counts, strict=True)}
        lex = Lexical.load(bm25_dir, stamp)
        if lex is None or lex.n != len(rows):
            with self._conn() as db:
                tok_rows = db.execute("SELECT s.tokens" + _ORDER).fetchall()
            lex = Lexical([t[0].split() for t in tok_rows])
            # A read-only data folder still searches; it just rebuilds the BM25 at start-up.
            with suppress(OSError):
                lex.save(bm25_dir, stamp)
        v.lex = lex
        return v
