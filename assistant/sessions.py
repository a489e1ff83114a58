"""SQLite store of conversations, their facts, messages and draft versions.

One short connection per call (no shared connection), so the store is safe under Streamlit's
rerun threads; every write is its own transaction, so a crash loses at most the write in flight
(in practice: the answer being streamed, which is saved only when complete). WAL mode lets the
UI read while another call writes.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import SessionNotFoundError, SessionStoreError
from assistant.models import Draft

DEFAULT_TITLE = "新对话"
MESSAGE_ROLES = ("user", "assistant")
MESSAGE_KINDS = ("text", "draft", "error", "notice")
# Setting keys that look like credentials: refused by set_setting, so a key cannot end up on
# disk by accident; set_secret is the explicit opt-in.
_SECRET_WORDS = frozenset({"key", "apikey", "secret", "token", "password", "passwd"})


def _looks_secret(key: str) -> bool:
    return any(w in _SECRET_WORDS for w in re.split(r"[^a-z0-9]+", key.lower()))


# Migration i (1-based) brings the schema from version i-1 to i. Append, never edit. Each is a
# list of single statements run with execute() inside the migrating transaction (executescript
# would commit first), so a failed or concurrent start never leaves a half-built schema.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            facts TEXT NOT NULL DEFAULT '',
            report_title TEXT
        )""",
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            section_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            draft_json TEXT NOT NULL,
            instruction TEXT,
            accepted INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            UNIQUE (conversation_id, section_key, version)
        )""",
        # At most one accepted version per section, enforced by the database itself.
        """CREATE UNIQUE INDEX drafts_one_accepted ON drafts(conversation_id, section_key)
            WHERE accepted = 1""",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'text',
            draft_version_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
            created TEXT NOT NULL
        )""",
        "CREATE INDEX messages_by_conversation ON messages(conversation_id, id)",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # Per-conversation data of the UI (e.g. the outline being drafted), deleted with it.
        """CREATE TABLE conversation_meta (
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (conversation_id, key)
        )""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class Conversation:
    id: int
    title: str
    created: str
    updated: str


@dataclass
class Message:
    id: int
    conversation_id: int
    role: str  # "user" | "assistant"
    content: str
    created: str
    draft_version_id: int | None
    kind: str  # "text" | "draft" | "error" | "notice"


@dataclass
class DraftVersion:
    id: int
    conversation_id: int
    section_key: str
    version: int  # 1, 2, … per (conversation, section_key)
    draft: Draft
    instruction: str | None
    accepted: bool
    created: str


_SQLITE_REASONS = (
    ("not a database", "文件已损坏或不是数据库文件"),
    ("malformed", "文件已损坏"),
    ("locked", "正被其他程序占用，请稍后再试"),
    ("busy", "正被其他程序占用，请稍后再试"),
    ("readonly", "文件只读，无法写入"),
    ("unable to open", "无法打开文件（请检查文件夹是否存在、是否有权限）"),
    ("disk i/o", "磁盘读写出错"),
    ("full", "磁盘空间不足"),
)


def _explain(error: sqlite3.Error) -> str:
    """A Chinese reason for a SQLite error, with the original text for support."""
    text = str(error)
    for needle, reason in _SQLITE_REASONS:
        if needle in text.lower():
            return f"{reason}（{text}）"
    return text


def _now() -> str:
    # Microseconds keep "newest updated first" stable for writes within the same second.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _json_default(obj: Any) -> Any:
    """Encode values that drafts may carry in ``Exemplar.why`` (numpy scalars, tuples, sets)."""
    if hasattr(obj, "item"):  # numpy scalar
        return obj.item()
    if hasattr(obj, "tolist"):  # numpy array
        return obj.tolist()
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=str)
    return str(obj)


class SessionStore:
    """Conversations, facts, messages, draft versions and small preferences in one SQLite file."""

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SessionStoreError(self.path, f"无法创建文件夹（{e.strerror or e}）") from e
        self._migrate()

    # -- plumbing -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise SessionStoreError(self.path, _explain(e)) from e
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            # In WAL mode NORMAL still survives any crash of the app (only a power cut may drop
            # the last commits, never corrupt the file) and saves an fsync per write.
            db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as e:
            db.close()
            raise SessionStoreError(self.path, _explain(e)) from e
        return db

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            yield db
        except sqlite3.DatabaseError as e:
            raise SessionStoreError(self.path, _explain(e)) from e
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed on success, rolled back on any exception."""
        db = self._connect()
        try:
            # IMMEDIATE takes the write lock up front, so "next version number" reads and the
            # insert that uses it cannot interleave with another writer.
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()
        except sqlite3.DatabaseError as e:
            raise SessionStoreError(self.path, _explain(e)) from e
        finally:
            db.close()

    def _migrate(self) -> None:
        db = self._connect()
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                db.rollback()
                raise SessionStoreError(
                    self.path, f"数据库版本（{current}）比本程序（{SCHEMA_VERSION}）新，请升级程序"
                )
            for statements in MIGRATIONS[current:]:
                for sql in statements:
                    db.execute(sql)
            if row is None:
                db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            else:
                db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
            db.commit()
        except sqlite3.DatabaseError as e:
            raise SessionStoreError(self.path, _explain(e)) from e
        finally:
            db.close()

    def schema_version(self) -> int:
        with self._read() as db:
            return int(db.execute("SELECT version FROM schema_version").fetchone()[0])

    @staticmethod
    def _require(db: sqlite3.Connection, cid: int) -> sqlite3.Row:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM conversations WHERE id = ?", (cid,)
        ).fetchone()
        if row is None:
            raise SessionNotFoundError("这个对话")
        return row

    @staticmethod
    def _touch(db: sqlite3.Connection, cid: int) -> None:
        db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (_now(), cid))

    @staticmethod
    def _conversation(row: sqlite3.Row) -> Conversation:
        return Conversation(row["id"], row["title"], row["created"], row["updated"])

    @staticmethod
    def _message(row: sqlite3.Row) -> Message:
        return Message(
            id=row["id"],
            conversation_id=row["conversation_id"],
            role=row["role"],
            content=row["content"],
            created=row["created"],
            draft_version_id=row["draft_version_id"],
            kind=row["kind"],
        )

    @staticmethod
    def _version(row: sqlite3.Row) -> DraftVersion:
        return DraftVersion(
            id=row["id"],
            conversation_id=row["conversation_id"],
            section_key=row["section_key"],
            version=row["version"],
            draft=Draft.from_dict(json.loads(row["draft_json"])),
            instruction=row["instruction"],
            accepted=bool(row["accepted"]),
            created=row["created"],
        )

    # -- conversations --------------------------------------------------------------------

    def create_conversation(self, title: str = DEFAULT_TITLE) -> Conversation:
        now = _now()
        title = title.strip() or DEFAULT_TITLE
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                (title, now, now),
            )
            cid = int(cur.lastrowid or 0)
        return Conversation(cid, title, now, now)

    def list_conversations(self) -> list[Conversation]:
        """Newest activity first."""
        with self._read() as db:
            rows = db.execute("SELECT * FROM conversations ORDER BY updated DESC, id DESC")
            return [self._conversation(r) for r in rows]

    def get_conversation(self, cid: int) -> Conversation:
        with self._read() as db:
            return self._conversation(self._require(db, cid))

    def rename_conversation(self, cid: int, title: str) -> None:
        title = title.strip() or DEFAULT_TITLE
        with self._write() as db:
            self._require(db, cid)
            db.execute(
                "UPDATE conversations SET title = ?, updated = ? WHERE id = ?", (title, _now(), cid)
            )

    def delete_conversation(self, cid: int) -> None:
        """Delete a conversation with its messages, facts and drafts. Absent ids are ignored,
        so a double click or a rerun that repeats the call does no harm."""
        with self._write() as db:
            # Explicit deletes as well as ON DELETE CASCADE: messages point at drafts.
            db.execute("DELETE FROM messages WHERE conversation_id = ?", (cid,))
            db.execute("DELETE FROM conversation_meta WHERE conversation_id = ?", (cid,))
            db.execute("DELETE FROM drafts WHERE conversation_id = ?", (cid,))
            db.execute("DELETE FROM conversations WHERE id = ?", (cid,))

    # -- facts and report title -----------------------------------------------------------

    def get_facts(self, cid: int) -> str:
        with self._read() as db:
            return str(self._require(db, cid)["facts"])

    def set_facts(self, cid: int, text: str) -> None:
        with self._write() as db:
            if str(self._require(db, cid)["facts"]) == text:
                return  # reruns re-submit the same text; don't reorder the conversation list
            db.execute(
                "UPDATE conversations SET facts = ?, updated = ? WHERE id = ?", (text, _now(), cid)
            )

    def report_title(self, cid: int) -> str | None:
        with self._read() as db:
            value = self._require(db, cid)["report_title"]
            return str(value) if value else None

    def set_report_title(self, cid: int, title: str | None) -> None:
        value = (title or "").strip() or None
        with self._write() as db:
            self._require(db, cid)
            db.execute("UPDATE conversations SET report_title = ? WHERE id = ?", (value, cid))

    def get_meta(self, cid: int, key: str, default: str | None = None) -> str | None:
        """A value the UI keeps with one conversation (e.g. its outline as JSON)."""
        with self._read() as db:
            self._require(db, cid)
            row = db.execute(
                "SELECT value FROM conversation_meta WHERE conversation_id = ? AND key = ?",
                (cid, key),
            ).fetchone()
            return str(row[0]) if row else default

    def set_meta(self, cid: int, key: str, value: str | None) -> None:
        """Store (None: remove) a per-conversation value; deleted with the conversation."""
        with self._write() as db:
            self._require(db, cid)
            if value is None:
                db.execute(
                    "DELETE FROM conversation_meta WHERE conversation_id = ? AND key = ?",
                    (cid, key),
                )
            else:
                db.execute(
                    "INSERT INTO conversation_meta (conversation_id, key, value) VALUES (?, ?, ?)"
                    " ON CONFLICT(conversation_id, key) DO UPDATE SET value = excluded.value",
                    (cid, key, value),
                )

    # -- messages -------------------------------------------------------------------------

    def add_message(
        self,
        cid: int,
        role: str,
        content: str,
        kind: str = "text",
        draft_version_id: int | None = None,
    ) -> Message:
        if role not in MESSAGE_ROLES:
            raise ValueError(f"role must be one of {MESSAGE_ROLES}, got {role!r}")
        if kind not in MESSAGE_KINDS:
            raise ValueError(f"kind must be one of {MESSAGE_KINDS}, got {kind!r}")
        now = _now()
        with self._write() as db:
            self._require(db, cid)
            if draft_version_id is not None:
                row = db.execute(
                    "SELECT conversation_id FROM drafts WHERE id = ?", (draft_version_id,)
                ).fetchone()
                if row is None or row[0] != cid:
                    raise SessionNotFoundError("这一版草稿")
            cur = db.execute(
                "INSERT INTO messages (conversation_id, role, content, kind, draft_version_id,"
                " created) VALUES (?, ?, ?, ?, ?, ?)",
                (cid, role, content, kind, draft_version_id, now),
            )
            self._touch(db, cid)
            mid = int(cur.lastrowid or 0)
        return Message(mid, cid, role, content, now, draft_version_id, kind)

    def messages(self, cid: int) -> list[Message]:
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (cid,)
            )
            return [self._message(r) for r in rows]

    # -- drafts and versions --------------------------------------------------------------

    def save_draft(
        self, cid: int, section_key: str, draft: Draft, instruction: str | None = None
    ) -> DraftVersion:
        """Store a new version of the section (numbered 1, 2, … per section_key)."""
        payload = json.dumps(draft.to_dict(), ensure_ascii=False, default=_json_default)
        now = _now()
        with self._write() as db:
            self._require(db, cid)
            row = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM drafts"
                " WHERE conversation_id = ? AND section_key = ?",
                (cid, section_key),
            ).fetchone()
            version = int(row[0]) + 1
            cur = db.execute(
                "INSERT INTO drafts (conversation_id, section_key, version, draft_json,"
                " instruction, accepted, created) VALUES (?, ?, ?, ?, ?, 0, ?)",
                (cid, section_key, version, payload, instruction, now),
            )
            self._touch(db, cid)
            vid = int(cur.lastrowid or 0)
        # Hand back what a later read returns (a decoded copy), not the caller's object.
        return DraftVersion(
            vid, cid, section_key, version, Draft.from_dict(json.loads(payload)),
            instruction, False, now,
        )  # fmt: skip

    def versions(self, cid: int, section_key: str) -> list[DraftVersion]:
        """All versions of a section, oldest first."""
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                "SELECT * FROM drafts WHERE conversation_id = ? AND section_key = ?"
                " ORDER BY version",
                (cid, section_key),
            )
            return [self._version(r) for r in rows]

    def get_version(self, version_id: int) -> DraftVersion:
        with self._read() as db:
            row = db.execute("SELECT * FROM drafts WHERE id = ?", (version_id,)).fetchone()
            if row is None:
                raise SessionNotFoundError("这一版草稿")
            return self._version(row)

    def accept_version(self, version_id: int) -> None:
        """Mark this version as the accepted one of its section; any other loses the mark."""
        with self._write() as db:
            row = db.execute(
                "SELECT conversation_id, section_key FROM drafts WHERE id = ?", (version_id,)
            ).fetchone()
            if row is None:
                raise SessionNotFoundError("这一版草稿")
            cid, key = row[0], row[1]
            db.execute(
                "UPDATE drafts SET accepted = 0"
                " WHERE conversation_id = ? AND section_key = ? AND accepted = 1",
                (cid, key),
            )
            db.execute("UPDATE drafts SET accepted = 1 WHERE id = ?", (version_id,))
            self._touch(db, cid)

    def accepted_version(self, cid: int, section_key: str) -> DraftVersion | None:
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM drafts WHERE conversation_id = ? AND section_key = ?"
                " AND accepted = 1",
                (cid, section_key),
            ).fetchone()
            return self._version(row) if row else None

    def current_version(self, cid: int, section_key: str) -> DraftVersion | None:
        """The version to show or export: the accepted one, else the newest."""
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM drafts WHERE conversation_id = ? AND section_key = ?"
                " ORDER BY accepted DESC, version DESC LIMIT 1",
                (cid, section_key),
            ).fetchone()
            return self._version(row) if row else None

    def section_keys(self, cid: int) -> list[str]:
        """Keys of the drafted sections, in the order they were first drafted."""
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                "SELECT section_key FROM drafts WHERE conversation_id = ?"
                " GROUP BY section_key ORDER BY MIN(id)",
                (cid,),
            )
            return [str(r[0]) for r in rows]

    # -- preferences ----------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        """Store a small preference (engine, base URL, model); None removes it. Credentials are
        refused here: they go through ``set_secret`` only when the user opts in."""
        if _looks_secret(key):
            raise ValueError(f"{key!r} looks like a credential; use set_secret(remember_key=True)")
        with self._write() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def set_secret(self, key: str, value: str, *, remember_key: bool) -> None:
        """Write a credential to disk, only when the user explicitly chose so. ``remember_key``
        has no default so the opt-in is visible at every call; False (or an empty value) writes
        nothing and removes any stored copy."""
        if not remember_key or not value:
            self.forget_secret(key)
            return
        with self._write() as db:
            db.execute(
                "INSERT INTO secrets (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        self._restrict_permissions()

    def get_secret(self, key: str) -> str | None:
        with self._read() as db:
            row = db.execute("SELECT value FROM secrets WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row else None

    def forget_secret(self, key: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM secrets WHERE key = ?", (key,))

    def _restrict_permissions(self) -> None:
        # The file now holds a credential: readable by its owner only (best effort on POSIX).
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            try:
                if p.exists():
                    os.chmod(p, 0o600)
            except OSError:
                pass
