"""A sessions.sqlite3 written by the store before SQLAlchemy/Alembic and workspaces opens with
everything in it, owned by the local user; a key it kept in clear is encrypted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.errors import SessionStoreError
from assistant.sessions import LOCAL_USER_ID, SessionStore
from tests.test_sessions import make_draft

# The schema of the pre-Alembic store, verbatim (assistant/sessions.py at 1ae17ed): migration i
# brought its schema_version from i-1 to i.
LEGACY_MIGRATIONS: list[tuple[str, ...]] = [
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


def write_legacy_file(path: Path, version: int = 2) -> None:
    """A file as the old store left it: schema_version ``version``, WAL mode, some data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = json.dumps(make_draft().to_dict(), ensure_ascii=False)
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statements in LEGACY_MIGRATIONS[:version]:
            for sql in statements:
                raw.execute(sql)
        raw.execute("INSERT INTO schema_version VALUES (?)", (version,))
        raw.execute(
            "INSERT INTO conversations (title, created, updated, facts, report_title)"
            " VALUES ('宣传部年度总结', '2026-01-01T00:00:00', '2026-01-02T00:00:00',"
            " '理论学习以集中读文件为主', '2025年意识形态工作总结')"
        )
        raw.execute(
            "INSERT INTO conversations (title, created, updated) VALUES"
            " ('较早的对话', '2025-12-01T00:00:00', '2025-12-01T00:00:00')"
        )
        raw.execute(
            "INSERT INTO drafts (conversation_id, section_key, version, draft_json, instruction,"
            " accepted, created) VALUES (1, 'problems', 1, ?, NULL, 0, '2026-01-01'),"
            " (1, 'problems', 2, ?, '压缩到300字', 1, '2026-01-02')",
            (draft, draft),
        )
        raw.execute(
            "INSERT INTO messages (conversation_id, role, content, kind, draft_version_id,"
            " created) VALUES (1, 'user', '帮我写存在问题部分', 'text', NULL, '2026-01-01'),"
            " (1, 'assistant', '草稿', 'draft', 1, '2026-01-01')"
        )
        raw.execute(
            "INSERT INTO settings (key, value) VALUES ('engine', 'llm'),"
            " ('base_url', 'http://127.0.0.1:9/v1'), ('corpus_seeded', '1'),"
            " ('plan:1', '[{\"role\": \"problems\"}]')"
        )
        raw.execute("INSERT INTO secrets (key, value) VALUES ('openai_api_key', 'sk-legacy-42')")
        if version >= 2:
            raw.execute(
                "INSERT INTO conversation_meta (conversation_id, key, value)"
                " VALUES (1, 'outline', '[]')"
            )


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("version", [1, 2])
def test_legacy_file_migrates_without_loss(tmp_path: Path, version: int) -> None:
    db = tmp_path / "data" / "sessions.sqlite3"
    write_legacy_file(db, version)
    assert b"sk-legacy-42" in _file_bytes(db)

    store = SessionStore(db)  # the local single user, as before
    assert store.owner == LOCAL_USER_ID
    convs = store.list_conversations()
    assert [c.title for c in convs] == ["宣传部年度总结", "较早的对话"]
    cid = convs[0].id
    assert store.get_facts(cid) == "理论学习以集中读文件为主"
    assert store.report_title(cid) == "2025年意识形态工作总结"
    msgs = store.messages(cid)
    assert [(m.role, m.kind, m.draft_version_id) for m in msgs] == [
        ("user", "text", None),
        ("assistant", "draft", 1),
    ]
    versions = store.versions(cid, "problems")
    assert [(v.version, v.instruction, v.accepted) for v in versions] == [
        (1, None, False),
        (2, "压缩到300字", True),
    ]
    assert versions[0].draft == make_draft()
    assert store.get_meta(cid, "outline") == ("[]" if version >= 2 else None)
    # preferences became the local user's; the install-wide flag stayed install-wide
    assert store.get_setting("engine") == "llm"
    assert store.get_setting("base_url") == "http://127.0.0.1:9/v1"
    assert store.get_setting("plan:1") == '[{"role": "problems"}]'
    assert store.get_app_setting("corpus_seeded") == "1"
    assert store.get_setting("corpus_seeded") is None
    # the key still works, but is no longer in the file in clear
    assert store.get_secret("openai_api_key") == "sk-legacy-42"
    assert b"sk-legacy-42" not in _file_bytes(db)

    # nothing of it is anyone else's
    other = store.for_user("oidc:someone")
    assert other.list_conversations() == []
    assert other.get_setting("engine") is None
    assert other.get_secret("openai_api_key") is None

    # the migrated file keeps working across restarts, new rows continue the numbering
    new = SessionStore(db).create_conversation("迁移后的新对话")
    assert new.id == 3
    assert SessionStore(db).list_conversations()[0].title == "迁移后的新对话"
    with sqlite3.connect(db) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "schema_version" not in tables and "alembic_version" in tables
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_legacy_file_of_a_newer_program_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "data" / "sessions.sqlite3"
    write_legacy_file(db)
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE schema_version SET version = 3")
    with pytest.raises(SessionStoreError, match="比本程序新"):
        SessionStore(db)
    with sqlite3.connect(db) as raw:  # untouched
        assert raw.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 2
