"""The store of conversations, their facts, messages and draft versions, per user.

SQLAlchemy 2 Core over SQLite (one embedded file, the default) or PostgreSQL (a shared server for
several app processes, ``ASSISTANT_DATABASE_URL``). The schema is migrated with Alembic on open
(``upgrade head``, the scripts live in ``assistant/migrations`` so an installed project carries
them); a file written by the pre-Alembic store is taken over without loss.

Every row belongs to an owner (a user id). A store is bound to one user: ``SessionStore(path)``
is the local single user, ``store.for_user(id)`` another one; each method acts for the bound user
only and refuses another owner's rows with ``AccessDeniedError``. Every write is one transaction,
so a crash loses at most the write in flight (in practice: the answer being streamed, which is
saved only when complete). Stored API keys are encrypted with a server secret (Fernet).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from assistant.errors import AccessDeniedError, SessionNotFoundError, SessionStoreError
from assistant.models import Draft

DEFAULT_TITLE = "新对话"
MESSAGE_ROLES = ("user", "assistant")
MESSAGE_KINDS = ("text", "draft", "error", "notice")
# The owner of everything when nobody signs in (and of data written before workspaces existed).
LOCAL_USER_ID = "local"
# Setting keys that look like credentials: refused by set_setting, so a key cannot end up on
# disk by accident; set_secret is the explicit opt-in.
_SECRET_WORDS = frozenset({"key", "apikey", "secret", "token", "password", "passwd"})
# Serialises migrations of one database by processes sharing a PostgreSQL server.
_PG_MIGRATION_LOCK = 0x5E551045
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"

# Audit actions and their Chinese labels (the log's 动作 column).
AUDIT_ACTIONS = {
    "draft": "起草",
    "edit": "修改",
    "accept": "采用版本",
    "export": "导出",
    "rename": "重命名",
    "delete": "删除",
    "upload": "上传",
    "role": "更正段落类型",
    "transfer": "转移工作区",
}
AUDIT_SCOPES = {"workspace": "工作区", "library": "范文库"}
# How a first version came about (Draft.engine), for the log's 说明 column.
_ENGINE_NOTES = {"offline": "离线起草", "llm": "大模型起草", "pasted": "粘贴或上传的原稿"}


def _looks_secret(key: str) -> bool:
    return any(w in _SECRET_WORDS for w in re.split(r"[^a-z0-9]+", key.lower()))


# ---- the schema at head (queries only; the migrations build it) ----------------------------

metadata = sa.MetaData()

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("updated", sa.Text, nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("report_title", sa.Text),
)
drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Integer, nullable=False),
    sa.Column("section_key", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("draft_json", sa.Text, nullable=False),
    sa.Column("instruction", sa.Text),
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("created", sa.Text, nullable=False),
)
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Integer, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("draft_version_id", sa.Integer),
    sa.Column("created", sa.Text, nullable=False),
)
conversation_meta = sa.Table(
    "conversation_meta",
    metadata,
    sa.Column("conversation_id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
user_settings = sa.Table(
    "user_settings",
    metadata,
    sa.Column("owner", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
user_secrets = sa.Table(
    "user_secrets",
    metadata,
    sa.Column("owner", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("encrypted", sa.Integer, nullable=False),
)
app_settings = sa.Table(
    "app_settings",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("actor_name", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("owner", sa.Text),
    sa.Column("conversation_id", sa.Integer),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)


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


@dataclass
class AuditEntry:
    id: int
    at: str
    actor: str
    actor_name: str
    scope: str  # "workspace" | "library"
    owner: str | None  # the workspace's owner; None for the 范文库
    conversation_id: int | None
    action: str  # a key of AUDIT_ACTIONS
    target: str
    detail: str


_DB_REASONS = (
    ("not a database", "文件已损坏或不是数据库文件"),
    ("malformed", "文件已损坏"),
    ("locked", "正被其他程序占用，请稍后再试"),
    ("busy", "正被其他程序占用，请稍后再试"),
    ("readonly", "文件只读，无法写入"),
    ("unable to open", "无法打开文件（请检查文件夹是否存在、是否有权限）"),
    ("disk i/o", "磁盘读写出错"),
    ("password authentication failed", "数据库用户名或密码不正确"),
    ("connection refused", "无法连接数据库服务器（请检查地址和端口，服务器是否已启动）"),
    ("could not connect", "无法连接数据库服务器（请检查地址和端口，服务器是否已启动）"),
    ("does not exist", "数据库不存在（请先在服务器上创建）"),
    ("full", "磁盘空间不足"),
)


def _explain(error: BaseException) -> str:
    """A Chinese reason for a database error, with the original text for support."""
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip().splitlines()[0] if str(error) else ""
    for needle, reason in _DB_REASONS:
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


def database_url(target: Path | str) -> str:
    """A SQLAlchemy URL for a SQLite path or a server URL (``postgresql://`` means psycopg 3,
    the driver this project installs)."""
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text)}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


class _Shared:
    """What every user-bound view of one database shares: the engine and the cipher."""

    def __init__(self, target: Path | str, timeout: float, secret: str | bytes | None,
                 key_file: Path | None) -> None:  # fmt: skip
        self.url = sa.make_url(database_url(target))
        self.sqlite = self.url.get_backend_name() == "sqlite"
        self.path = Path(self.url.database or "") if self.sqlite else None
        self.where = str(self.path) if self.path else self.url.render_as_string(hide_password=True)
        self.secret = secret
        self.key_file = key_file or (self.path.parent / "secret.key" if self.path else None)
        self._fernet: Any = None
        self._fernet_lock = threading.Lock()
        # Errors of the database, wrapped into SessionStoreError (raw driver errors escape
        # SQLAlchemy's wrapping when they happen in connect events).
        self.errors: tuple[type[BaseException], ...] = (sa.exc.SQLAlchemyError, sqlite3.Error)
        if self.sqlite:
            # A small pool of connections (any thread may use a pooled one: each is used by one
            # call at a time), so a call does not pay for opening the file and its pragmas.
            self.engine: Engine = sa.create_engine(
                self.url,
                poolclass=QueuePool,
                pool_size=4,
                max_overflow=16,
                connect_args={"timeout": timeout, "check_same_thread": False},
            )
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            import psycopg

            self.errors += (psycopg.Error,)
            self.engine = sa.create_engine(
                self.url, pool_pre_ping=True, connect_args={"connect_timeout": int(timeout)}
            )

    def fernet(self) -> Any:
        """The cipher of stored keys, made on first use (a key file is created only then)."""
        with self._fernet_lock:
            if self._fernet is None:
                from assistant.crypto import fernet_for

                self._fernet = fernet_for(self.secret, self.key_file, self.where)
            return self._fernet


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take transactions over from pysqlite (which would not BEGIN before DDL), so "begin" below
    # decides between a plain and an IMMEDIATE transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL still survives any crash of the app (only a power cut may drop
        # the last commits, never corrupt the file) and saves an fsync per write.
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so "next version number" reads and the insert
    # that uses it cannot interleave with another writer (and two first starts cannot both
    # build the schema).
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class SessionStore:
    """Conversations, facts, messages, draft versions, preferences, keys and the audit log of
    one user, in a SQLite file or a PostgreSQL database shared with other users."""

    def __init__(
        self,
        target: Path | str,
        *,
        timeout: float = 10.0,
        secret: str | bytes | None = None,
        key_file: Path | None = None,
    ) -> None:
        """``target``: a SQLite file path or a database URL. ``secret`` encrypts stored keys;
        without it a key is generated once into ``key_file`` (default: beside the SQLite file)."""
        self._db = _Shared(target, timeout, secret, key_file)
        self.owner = LOCAL_USER_ID
        self.owner_name = "本机用户"
        self.admin = True  # the local single user administers its own machine
        if self._db.path is not None:
            try:
                self._db.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise SessionStoreError(self._db.path, f"无法创建文件夹（{e.strerror or e}）") from e
        self._migrate()

    @classmethod
    def from_settings(cls, settings: Any) -> SessionStore:
        """The store the settings describe: ``database_url`` if set, else the SQLite file;
        the key secret from ``secret_key``, else the data folder's key file."""
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        return cls(
            settings.database_url or settings.sessions_path,
            secret=secret,
            key_file=settings.secret_key_path,
        )

    def for_user(self, user_id: str, name: str | None = None, *, admin: bool = False) -> SessionStore:
        """The same database, acting for another user (shares the engine: cheap)."""
        if not user_id:
            raise ValueError("user_id must not be empty")
        view = copy.copy(self)
        view.owner = user_id
        view.owner_name = name or user_id
        view.admin = admin
        return view

    @property
    def path(self) -> Path | None:
        """The SQLite file (None for a database server)."""
        return self._db.path

    @property
    def url(self) -> str:
        return self._db.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close pooled connections (every view of this database)."""
        self._db.engine.dispose()

    # -- plumbing -------------------------------------------------------------------------

    def _error(self, e: BaseException) -> SessionStoreError:
        return SessionStoreError(self._db.where, _explain(e))

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._db.engine.connect() as db:
                yield db
                db.rollback()
        except self._db.errors as e:
            raise self._error(e) from e

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any exception."""
        try:
            with self._db.engine.connect() as db:
                db = db.execution_options(immediate=True)
                with db.begin():
                    yield db
        except self._db.errors as e:
            raise self._error(e) from e

    def _migrate(self) -> None:
        from alembic.runtime.migration import MigrationContext

        try:
            if self._db.sqlite:
                # Outside any transaction (SQLAlchemy would begin one); persistent in the file.
                raw = self._db.engine.raw_connection()
                try:
                    raw.cursor().execute("PRAGMA journal_mode = WAL")
                finally:
                    raw.close()
            with self._db.engine.connect() as db:
                db = db.execution_options(immediate=True)
                with db.begin():
                    if not self._db.sqlite:
                        db.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                    current = MigrationContext.configure(db).get_current_revision()
                    script = _script_directory()
                    if current != script.get_current_head():
                        self._check_not_newer(db, current, script)
                        _upgrade(db)
                    sealed = self._seal_plain_secrets(db)
            if sealed and self._db.sqlite:
                # Legacy keys were in the file in clear: rewrite it so no old page keeps them.
                raw = self._db.engine.raw_connection()
                try:
                    raw.cursor().execute("VACUUM")
                    # ... and the WAL's copy of the rewritten pages into it, now.
                    raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    raw.close()
        except SessionStoreError:
            raise
        except self._db.errors as e:
            raise self._error(e) from e

    def _check_not_newer(self, db: Connection, current: str | None, script: Any) -> None:
        newer = None
        if current is not None:
            try:
                script.get_revision(current)
            except Exception:
                newer = current
        elif sa.inspect(db).has_table("schema_version"):
            # The pre-Alembic store numbered its schema 1, 2; anything above is a newer program.
            row = db.execute(sa.text("SELECT version FROM schema_version")).first()
            if row is not None and int(row[0]) > 2:
                newer = str(row[0])
        if newer is not None:
            raise SessionStoreError(self._db.where, f"数据库版本（{newer}）比本程序新，请升级程序")

    def _seal_plain_secrets(self, db: Connection) -> int:
        """Encrypt keys that a pre-encryption store kept in clear (moved here by migration)."""
        rows = db.execute(sa.select(user_secrets).where(user_secrets.c.encrypted == 0)).all()
        for row in rows:
            token = self._db.fernet().encrypt(str(row.value).encode()).decode()
            db.execute(
                user_secrets.update()
                .where(user_secrets.c.owner == row.owner, user_secrets.c.key == row.key)
                .values(value=token, encrypted=1)
            )
        return len(rows)

    def schema_version(self) -> str:
        """The Alembic revision the database is at."""
        from alembic.runtime.migration import MigrationContext

        with self._read() as db:
            return str(MigrationContext.configure(db).get_current_revision())

    def _require(self, db: Connection, cid: int, *, lock: bool = False) -> Any:
        query = sa.select(conversations).where(conversations.c.id == cid)
        if lock:
            # Serialises writers of one conversation on PostgreSQL (SQLite: BEGIN IMMEDIATE).
            query = query.with_for_update()
        row = db.execute(query).first()
        if row is None:
            raise SessionNotFoundError("这个对话")
        if row.owner != self.owner:
            raise AccessDeniedError("这个对话")
        return row

    def _require_version(self, db: Connection, version_id: int, *, lock: bool = False) -> Any:
        row = db.execute(sa.select(drafts).where(drafts.c.id == version_id)).first()
        if row is None:
            raise SessionNotFoundError("这一版草稿")
        try:
            self._require(db, row.conversation_id, lock=lock)
        except AccessDeniedError:
            raise AccessDeniedError("这一版草稿") from None
        return row

    @staticmethod
    def _touch(db: Connection, cid: int) -> None:
        db.execute(conversations.update().where(conversations.c.id == cid).values(updated=_now()))

    def _log(self, db: Connection, action: str, target: str, detail: str = "", *,
             scope: str = "workspace", cid: int | None = None) -> None:  # fmt: skip
        db.execute(
            audit.insert().values(
                at=_now(),
                actor=self.owner,
                actor_name=self.owner_name,
                scope=scope,
                owner=self.owner if scope == "workspace" else None,
                conversation_id=cid,
                action=action,
                target=target,
                detail=detail,
            )
        )

    @staticmethod
    def _conversation(row: Any) -> Conversation:
        return Conversation(row.id, row.title, row.created, row.updated)

    @staticmethod
    def _message(row: Any) -> Message:
        return Message(
            id=row.id,
            conversation_id=row.conversation_id,
            role=row.role,
            content=row.content,
            created=row.created,
            draft_version_id=row.draft_version_id,
            kind=row.kind,
        )

    @staticmethod
    def _version(row: Any) -> DraftVersion:
        return DraftVersion(
            id=row.id,
            conversation_id=row.conversation_id,
            section_key=row.section_key,
            version=row.version,
            draft=Draft.from_dict(json.loads(row.draft_json)),
            instruction=row.instruction,
            accepted=bool(row.accepted),
            created=row.created,
        )

    # -- conversations --------------------------------------------------------------------

    def create_conversation(self, title: str = DEFAULT_TITLE) -> Conversation:
        now = _now()
        title = title.strip() or DEFAULT_TITLE
        with self._write() as db:
            cid = db.execute(
                conversations.insert()
                .values(owner=self.owner, title=title, created=now, updated=now, facts="")
                .returning(conversations.c.id)
            ).scalar_one()
        return Conversation(int(cid), title, now, now)

    def list_conversations(self) -> list[Conversation]:
        """This user's conversations, newest activity first."""
        with self._read() as db:
            rows = db.execute(
                sa.select(conversations)
                .where(conversations.c.owner == self.owner)
                .order_by(conversations.c.updated.desc(), conversations.c.id.desc())
            )
            return [self._conversation(r) for r in rows]

    def empty_conversation_ids(self) -> set[int]:
        """This user's conversations with nothing in them: the default title, no facts, no
        message, no draft and no stored value (outline, report title). The UI reuses such a
        conversation for "新对话" and does not list it, so empty ones never pile up."""
        c = conversations.c
        has = [
            sa.exists().where(t.c.conversation_id == c.id)
            for t in (messages, drafts, conversation_meta)
        ]
        with self._read() as db:
            rows = db.execute(
                sa.select(c.id).where(
                    c.owner == self.owner,
                    c.title == DEFAULT_TITLE,
                    c.facts == "",
                    c.report_title.is_(None),
                    *(sa.not_(e) for e in has),
                )
            )
            return {int(r.id) for r in rows}

    def get_conversation(self, cid: int) -> Conversation:
        with self._read() as db:
            return self._conversation(self._require(db, cid))

    def rename_conversation(self, cid: int, title: str) -> None:
        title = title.strip() or DEFAULT_TITLE
        with self._write() as db:
            old = self._require(db, cid, lock=True).title
            db.execute(
                conversations.update()
                .where(conversations.c.id == cid)
                .values(title=title, updated=_now())
            )
            if old not in (title, DEFAULT_TITLE):  # naming a new conversation is no event
                self._log(db, "rename", f"《{title}》", f"原名：{old}", cid=cid)

    def delete_conversation(self, cid: int) -> None:
        """Delete a conversation with its messages, facts and drafts. Absent ids are ignored,
        so a double click or a rerun that repeats the call does no harm; another user's
        conversation is refused."""
        with self._write() as db:
            try:
                row = self._require(db, cid, lock=True)
            except SessionNotFoundError:
                return
            # Explicit deletes as well as ON DELETE CASCADE: messages point at drafts.
            db.execute(messages.delete().where(messages.c.conversation_id == cid))
            db.execute(conversation_meta.delete().where(conversation_meta.c.conversation_id == cid))
            db.execute(drafts.delete().where(drafts.c.conversation_id == cid))
            db.execute(conversations.delete().where(conversations.c.id == cid))
            self._log(db, "delete", f"《{row.title}》", "对话及其素材、草稿", cid=cid)

    # -- facts and report title -----------------------------------------------------------

    def get_facts(self, cid: int) -> str:
        with self._read() as db:
            return str(self._require(db, cid).facts)

    def set_facts(self, cid: int, text: str) -> None:
        with self._write() as db:
            if str(self._require(db, cid, lock=True).facts) == text:
                return  # reruns re-submit the same text; don't reorder the conversation list
            db.execute(
                conversations.update()
                .where(conversations.c.id == cid)
                .values(facts=text, updated=_now())
            )

    def report_title(self, cid: int) -> str | None:
        with self._read() as db:
            value = self._require(db, cid).report_title
            return str(value) if value else None

    def set_report_title(self, cid: int, title: str | None) -> None:
        value = (title or "").strip() or None
        with self._write() as db:
            self._require(db, cid, lock=True)
            db.execute(
                conversations.update().where(conversations.c.id == cid).values(report_title=value)
            )

    def get_meta(self, cid: int, key: str, default: str | None = None) -> str | None:
        """A value the UI keeps with one conversation (e.g. its outline as JSON)."""
        with self._read() as db:
            self._require(db, cid)
            value = db.execute(
                sa.select(conversation_meta.c.value).where(
                    conversation_meta.c.conversation_id == cid, conversation_meta.c.key == key
                )
            ).scalar()
            return str(value) if value is not None else default

    def set_meta(self, cid: int, key: str, value: str | None) -> None:
        """Store (None: remove) a per-conversation value; deleted with the conversation."""
        with self._write() as db:
            self._require(db, cid, lock=True)
            where = (conversation_meta.c.conversation_id == cid, conversation_meta.c.key == key)
            db.execute(conversation_meta.delete().where(*where))
            if value is not None:
                db.execute(conversation_meta.insert().values(conversation_id=cid, key=key, value=value))

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
            self._require(db, cid, lock=True)
            if draft_version_id is not None:
                owner_cid = db.execute(
                    sa.select(drafts.c.conversation_id).where(drafts.c.id == draft_version_id)
                ).scalar()
                if owner_cid != cid:
                    raise SessionNotFoundError("这一版草稿")
            mid = db.execute(
                messages.insert()
                .values(
                    conversation_id=cid, role=role, content=content, kind=kind,
                    draft_version_id=draft_version_id, created=now,
                )
                .returning(messages.c.id)
            ).scalar_one()
            self._touch(db, cid)
        return Message(int(mid), cid, role, content, now, draft_version_id, kind)

    def messages(self, cid: int) -> list[Message]:
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                sa.select(messages).where(messages.c.conversation_id == cid).order_by(messages.c.id)
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
            conv = self._require(db, cid, lock=True)
            latest = db.execute(
                sa.select(sa.func.coalesce(sa.func.max(drafts.c.version), 0)).where(
                    drafts.c.conversation_id == cid, drafts.c.section_key == section_key
                )
            ).scalar_one()
            version = int(latest) + 1
            vid = db.execute(
                drafts.insert()
                .values(
                    conversation_id=cid, section_key=section_key, version=version,
                    draft_json=payload, instruction=instruction, accepted=0, created=now,
                )
                .returning(drafts.c.id)
            ).scalar_one()
            self._touch(db, cid)
            self._log(
                db, "draft" if version == 1 else "edit",
                f"《{conv.title}》{draft.role.label} 第{version}版",
                instruction or _ENGINE_NOTES.get(draft.engine, draft.engine), cid=cid,
            )  # fmt: skip
        # Hand back what a later read returns (a decoded copy), not the caller's object.
        return DraftVersion(
            int(vid), cid, section_key, version, Draft.from_dict(json.loads(payload)),
            instruction, False, now,
        )  # fmt: skip

    def versions(self, cid: int, section_key: str) -> list[DraftVersion]:
        """All versions of a section, oldest first."""
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                sa.select(drafts)
                .where(drafts.c.conversation_id == cid, drafts.c.section_key == section_key)
                .order_by(drafts.c.version)
            )
            return [self._version(r) for r in rows]

    def get_version(self, version_id: int) -> DraftVersion:
        with self._read() as db:
            return self._version(self._require_version(db, version_id))

    def accept_version(self, version_id: int) -> None:
        """Mark this version as the accepted one of its section; any other loses the mark."""
        with self._write() as db:
            row = self._require_version(db, version_id, lock=True)
            cid, key = row.conversation_id, row.section_key
            title = db.execute(
                sa.select(conversations.c.title).where(conversations.c.id == cid)
            ).scalar_one()
            db.execute(
                drafts.update()
                .where(
                    drafts.c.conversation_id == cid,
                    drafts.c.section_key == key,
                    drafts.c.accepted == 1,
                )
                .values(accepted=0)
            )
            db.execute(drafts.update().where(drafts.c.id == version_id).values(accepted=1))
            self._touch(db, cid)
            if not row.accepted:
                role = Draft.from_dict(json.loads(row.draft_json)).role
                self._log(db, "accept", f"《{title}》{role.label} 第{row.version}版", cid=cid)

    def _section_row(self, cid: int, section_key: str, order: tuple[Any, ...],
                     accepted_only: bool = False) -> DraftVersion | None:  # fmt: skip
        with self._read() as db:
            self._require(db, cid)
            query = sa.select(drafts).where(
                drafts.c.conversation_id == cid, drafts.c.section_key == section_key
            )
            if accepted_only:
                query = query.where(drafts.c.accepted == 1)
            row = db.execute(query.order_by(*order).limit(1)).first()
            return self._version(row) if row else None

    def accepted_version(self, cid: int, section_key: str) -> DraftVersion | None:
        return self._section_row(cid, section_key, (drafts.c.version.desc(),), accepted_only=True)

    def current_version(self, cid: int, section_key: str) -> DraftVersion | None:
        """The version to show or export: the accepted one, else the newest."""
        return self._section_row(
            cid, section_key, (drafts.c.accepted.desc(), drafts.c.version.desc())
        )

    def section_keys(self, cid: int) -> list[str]:
        """Keys of the drafted sections, in the order they were first drafted."""
        with self._read() as db:
            self._require(db, cid)
            rows = db.execute(
                sa.select(drafts.c.section_key)
                .where(drafts.c.conversation_id == cid)
                .group_by(drafts.c.section_key)
                .order_by(sa.func.min(drafts.c.id))
            )
            return [str(r[0]) for r in rows]

    # -- preferences (this user's) and app-wide settings ------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as db:
            value = db.execute(
                sa.select(user_settings.c.value).where(
                    user_settings.c.owner == self.owner, user_settings.c.key == key
                )
            ).scalar()
            return str(value) if value is not None else default

    def set_setting(self, key: str, value: str | None) -> None:
        """Store a small preference of this user (engine, base URL, model); None removes it.
        Credentials are refused here: they go through ``set_secret`` only when the user opts in."""
        if _looks_secret(key):
            raise ValueError(f"{key!r} looks like a credential; use set_secret(remember_key=True)")
        with self._write() as db:
            db.execute(
                user_settings.delete().where(
                    user_settings.c.owner == self.owner, user_settings.c.key == key
                )
            )
            if value is not None:
                db.execute(user_settings.insert().values(owner=self.owner, key=key, value=value))

    def get_app_setting(self, key: str, default: str | None = None) -> str | None:
        """A setting of the whole installation (e.g. whether knowledge/ was indexed once)."""
        with self._read() as db:
            value = db.execute(
                sa.select(app_settings.c.value).where(app_settings.c.key == key)
            ).scalar()
            return str(value) if value is not None else default

    def set_app_setting(self, key: str, value: str | None) -> None:
        if _looks_secret(key):
            raise ValueError(f"{key!r} looks like a credential")
        with self._write() as db:
            db.execute(app_settings.delete().where(app_settings.c.key == key))
            if value is not None:
                db.execute(app_settings.insert().values(key=key, value=value))

    # -- this user's credentials, encrypted -------------------------------------------------

    def set_secret(self, key: str, value: str, *, remember_key: bool) -> None:
        """Write a credential of this user, encrypted, only when the user explicitly chose so.
        ``remember_key`` has no default so the opt-in is visible at every call; False (or an
        empty value) writes nothing and removes any stored copy."""
        if not remember_key or not value:
            self.forget_secret(key)
            return
        token = self._db.fernet().encrypt(value.encode()).decode()
        with self._write() as db:
            where = (user_secrets.c.owner == self.owner, user_secrets.c.key == key)
            db.execute(user_secrets.delete().where(*where))
            db.execute(
                user_secrets.insert().values(owner=self.owner, key=key, value=token, encrypted=1)
            )
        self._restrict_permissions()

    def get_secret(self, key: str) -> str | None:
        """This user's stored credential in clear, or None (also when the server secret changed
        since it was stored: the user is asked for the key again)."""
        from cryptography.fernet import InvalidToken

        with self._read() as db:
            token = db.execute(
                sa.select(user_secrets.c.value).where(
                    user_secrets.c.owner == self.owner,
                    user_secrets.c.key == key,
                    user_secrets.c.encrypted == 1,
                )
            ).scalar()
        if token is None:
            return None
        try:
            return str(self._db.fernet().decrypt(str(token).encode()).decode())
        except InvalidToken:
            return None

    def forget_secret(self, key: str) -> None:
        with self._write() as db:
            db.execute(
                user_secrets.delete().where(
                    user_secrets.c.owner == self.owner, user_secrets.c.key == key
                )
            )

    def _restrict_permissions(self) -> None:
        # The file now holds an (encrypted) credential: readable by its owner only (best
        # effort on POSIX).
        if self._db.path is None:
            return
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self._db.path) + suffix)
            try:
                if p.exists():
                    os.chmod(p, 0o600)
            except OSError:
                pass

    # -- administration -------------------------------------------------------------------

    def transfer_workspace(self, from_owner: str, to_owner: str) -> int:
        """Give one user's workspace (conversations, preferences, remembered keys, log) to
        another, e.g. the local single user's data to its person once sign-in is configured.
        Admins only; the receiver's own preferences win over the giver's. Returns the number
        of conversations moved."""
        if not self.admin:
            raise AccessDeniedError("其他用户的工作区", "只有管理员可以转移")
        if not from_owner or not to_owner or from_owner == to_owner:
            raise ValueError("from_owner and to_owner must be two different users")
        with self._write() as db:
            moved = db.execute(
                conversations.update()
                .where(conversations.c.owner == from_owner)
                .values(owner=to_owner)
            ).rowcount
            for table in (user_settings, user_secrets):
                taken = sa.select(table.c.key).where(table.c.owner == to_owner)
                db.execute(
                    table.update()
                    .where(table.c.owner == from_owner, table.c.key.not_in(taken))
                    .values(owner=to_owner)
                )
                db.execute(table.delete().where(table.c.owner == from_owner))
            db.execute(
                audit.update()
                .where(audit.c.scope == "workspace", audit.c.owner == from_owner)
                .values(owner=to_owner)
            )
            self._log(db, "transfer", f"{from_owner} → {to_owner}", f"{moved} 个对话")
        return int(moved)

    # -- audit log ------------------------------------------------------------------------

    def record(self, action: str, target: str, detail: str = "", *, cid: int | None = None) -> None:
        """Log an action in this user's workspace (e.g. an export) that the store itself does
        not see."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"action must be one of {sorted(AUDIT_ACTIONS)}, got {action!r}")
        with self._write() as db:
            if cid is not None:
                self._require(db, cid)
            self._log(db, action, target, detail, cid=cid)

    def record_library(self, action: str, target: str, detail: str = "") -> None:
        """Log a change of the shared 范文库 (upload, role correction, delete) and who made it."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"action must be one of {sorted(AUDIT_ACTIONS)}, got {action!r}")
        with self._write() as db:
            self._log(db, action, target, detail, scope="library")

    def audit_log(self, scope: str = "workspace", *, everyone: bool = False,
                  limit: int | None = 500) -> list[AuditEntry]:  # fmt: skip
        """Newest first. ``workspace``: this user's own log (``everyone``: all users', admins
        only); ``library``: the 范文库's log, for admins; a user sees their own library changes."""
        if scope not in AUDIT_SCOPES:
            raise ValueError(f"scope must be one of {sorted(AUDIT_SCOPES)}, got {scope!r}")
        if everyone and not self.admin:
            raise AccessDeniedError("其他用户的操作记录", "只有管理员可以查看")
        query = sa.select(audit).where(audit.c.scope == scope)
        if not (everyone or (scope == "library" and self.admin)):
            query = query.where(audit.c.actor == self.owner if scope == "library"
                                else audit.c.owner == self.owner)  # fmt: skip
        query = query.order_by(audit.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read() as db:
            return [
                AuditEntry(
                    r.id, r.at, r.actor, r.actor_name, r.scope, r.owner, r.conversation_id,
                    r.action, r.target, r.detail,
                )
                for r in db.execute(query)
            ]


AUDIT_CSV_HEADER = ("时间", "用户", "用户名", "范围", "动作", "对象", "说明", "对话")


def csv_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text: user-chosen titles starting with = + - @ (or a
    tab/CR) would otherwise run as formulas when an admin opens the log (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(entries: list[AuditEntry]) -> bytes:
    """The log as CSV (UTF-8 with BOM, so Excel opens the Chinese text correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_CSV_HEADER)
    for e in entries:
        row = (
            e.at, e.actor, e.actor_name, AUDIT_SCOPES.get(e.scope, e.scope),
            AUDIT_ACTIONS.get(e.action, e.action), e.target, e.detail, e.conversation_id,
        )  # fmt: skip
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# ---- Alembic --------------------------------------------------------------------------------

_script_lock = threading.Lock()
_script: Any = None


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _script_directory() -> Any:
    global _script
    with _script_lock:
        if _script is None:
            from alembic.script import ScriptDirectory

            _script = ScriptDirectory.from_config(_alembic_config())
        return _script


def _upgrade(connection: Connection) -> None:
    """``alembic upgrade head`` inside the caller's transaction (holding the migration lock)."""
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")

