"""The conversation store: what a user expects to find again after restarting the app.

The store's suite runs against the embedded SQLite file and a real PostgreSQL server (marked
slow: it starts the server once per session)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from assistant.config import Settings
from assistant.errors import SessionNotFoundError, SessionStoreError
from assistant.models import (
    Draft,
    Exemplar,
    Fact,
    Flag,
    Quantity,
    Review,
    Role,
    SentenceSupport,
    Shape,
    WantedShape,
)
from assistant.sessions import SessionStore, database_url
from tests.conftest import ROOT
from tests.postgres import Backend


def make_draft(text: str = "一是理论学习形式单一〔F1〕；二是宣传干部仅有3名〔F2〕。") -> Draft:
    facts = [
        Fact(
            "F1",
            "理论学习以集中读文件为主",
            quantities=[],
            titles=["《学习纲要》"],
            status="done",
        ),
        Fact(
            "F2",
            "基层专职宣传干部仅有3名",
            quantities=[Quantity("3名", 3.0, "名", "", 8, 10)],
            status="none",
        ),
        Fact("F3", "2025年拟新建12个宣讲点", [Quantity("2025年", 2025.0, "年", "", 0, 5, "year")]),
    ]
    exemplar = Exemplar(
        report="000_abc",
        title="2023年意识形态工作总结",
        source="knowledge/000_abc.txt",
        section_id="2",
        heading="二、存在问题",
        path=["二、存在问题"],
        role=Role.PROBLEMS,
        level=1,
        n_points=3,
        n_children=0,
        heading_style="一、",
        point_style="一是",
        score=0.8125,
        why={"role": "problems", "shared_terms": ["学习", "宣传"], "parts": {"bm25": 0.4}},
        text="二、存在问题\n一是学习不够深入……",
        body="一是学习不够深入……",
    )
    review = Review(
        verdict="flagged",
        flags=[Flag("unsupported_number", "3名", 20, 22, "素材中没有这个数字。", fact="F2")],
        unused_facts=["F3"],
        sentences=[SentenceSupport("一是理论学习形式单一〔F1〕；", 0, 14, ["F1"])],
        notes=["离线审校"],
    )
    return Draft(
        role=Role.PROBLEMS,
        text=text,
        engine="offline",
        exemplars=[exemplar],
        facts=facts,
        review=review,
        notice="模型接口不可用（连接被拒绝），已改用离线起草。",
    )


@pytest.fixture
def store(backend: Backend) -> SessionStore:
    return backend.open()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The SQLite file, for the tests of what only a file can do (WAL, corruption, kill -9)."""
    return tmp_path / "data" / "sessions.sqlite3"


def test_default_path_comes_from_settings(tmp_path: Path) -> None:
    store = SessionStore(Settings().sessions_path)
    store.create_conversation()
    assert (tmp_path / "data" / "sessions.sqlite3").is_file()


def test_everything_survives_a_restart(store: SessionStore, backend: Backend) -> None:
    c = store.create_conversation("宣传部年度总结")
    store.set_facts(c.id, "理论学习以集中读文件为主\n基层专职宣传干部仅有3名")
    store.set_report_title(c.id, "2025年意识形态工作总结")
    store.add_message(c.id, "user", "帮我写存在问题部分")
    v1 = store.save_draft(c.id, "problems", make_draft(), instruction=None)
    store.add_message(c.id, "assistant", v1.draft.text, kind="draft", draft_version_id=v1.id)
    v2 = store.save_draft(c.id, "problems", make_draft("压缩后的稿子〔F1〕"), "压缩到300字")
    store.accept_version(v2.id)
    store.set_setting("engine", "llm")
    store.set_setting("model", "gpt-4o-mini")

    reopened = backend.open()  # a restart of the app
    [conv] = reopened.list_conversations()
    assert (conv.id, conv.title) == (c.id, "宣传部年度总结")
    assert reopened.get_facts(c.id) == "理论学习以集中读文件为主\n基层专职宣传干部仅有3名"
    assert reopened.report_title(c.id) == "2025年意识形态工作总结"
    msgs = reopened.messages(c.id)
    assert [(m.role, m.kind) for m in msgs] == [("user", "text"), ("assistant", "draft")]
    assert msgs[1].draft_version_id == v1.id
    assert reopened.get_version(msgs[1].draft_version_id).draft.text == make_draft().text
    versions = reopened.versions(c.id, "problems")
    assert [(v.version, v.instruction, v.accepted) for v in versions] == [
        (1, None, False),
        (2, "压缩到300字", True),
    ]
    assert reopened.section_keys(c.id) == ["problems"]
    assert reopened.get_setting("engine") == "llm"
    assert reopened.get_setting("model") == "gpt-4o-mini"
    assert reopened.get_setting("missing", "默认") == "默认"


def test_draft_round_trips_with_exemplars_facts_review_and_notice(store: SessionStore) -> None:
    c = store.create_conversation()
    draft = make_draft()
    saved = store.save_draft(c.id, "1:problems", draft)
    loaded = store.get_version(saved.id).draft
    assert loaded == draft
    assert loaded.exemplars[0].role is Role.PROBLEMS
    assert loaded.facts[1].quantities[0].value == 3.0
    assert loaded.facts[2].quantities[0].kind == "year"
    assert loaded.review.flags[0].fact == "F2"
    assert loaded.notice == draft.notice
    assert saved.draft == draft


def test_draft_with_numpy_like_values_in_why_is_saved(store: SessionStore) -> None:
    np = pytest.importorskip("numpy")
    c = store.create_conversation()
    draft = make_draft()
    draft.exemplars[0].why = {"score": np.float32(0.5), "terms": ("学习",), "ids": {"a"}}
    saved = store.save_draft(c.id, "problems", draft)
    why = store.get_version(saved.id).draft.exemplars[0].why
    assert why == {"score": 0.5, "terms": ["学习"], "ids": ["a"]}


def test_list_is_newest_activity_first(store: SessionStore) -> None:
    a = store.create_conversation("甲")
    store.create_conversation("乙")
    assert [c.title for c in store.list_conversations()] == ["乙", "甲"]
    store.add_message(a.id, "user", "你好")
    assert [c.title for c in store.list_conversations()] == ["甲", "乙"]


def test_rename_and_blank_title(store: SessionStore) -> None:
    c = store.create_conversation()
    assert c.title == "新对话"
    store.rename_conversation(c.id, "  存在问题初稿 ")
    assert store.get_conversation(c.id).title == "存在问题初稿"
    store.rename_conversation(c.id, "   ")
    assert store.get_conversation(c.id).title == "新对话"


def test_empty_conversations_are_the_ones_with_nothing_in_them(store: SessionStore) -> None:
    """What the UI reuses for 新对话 and leaves out of the list: anything in it keeps it."""
    ids = [store.create_conversation().id for _ in range(6)]
    store.set_facts(ids[1], "宣传干部仅有3名")
    store.add_message(ids[2], "user", "帮我写存在问题部分")
    store.set_meta(ids[3], "plan", "{}")
    store.set_report_title(ids[4], "2025年工作总结")
    store.rename_conversation(ids[5], "甲单位")
    mine = store.empty_conversation_ids()
    assert mine == {ids[0]}
    other = store.for_user("oidc:someone-else")
    assert other.empty_conversation_ids() == set()  # never another user's
    store.set_facts(ids[1], "")  # emptied again: reusable again
    assert store.empty_conversation_ids() == {ids[0], ids[1]}


def test_delete_cascades_and_leaves_others(store: SessionStore, backend: Backend) -> None:
    keep = store.create_conversation("保留")
    gone = store.create_conversation("删除")
    for c in (keep, gone):
        store.set_facts(c.id, "素材")
        v = store.save_draft(c.id, "problems", make_draft())
        store.add_message(c.id, "assistant", "稿", kind="draft", draft_version_id=v.id)
    gone_version = store.versions(gone.id, "problems")[0].id

    store.delete_conversation(gone.id)
    store.delete_conversation(gone.id)  # a repeated click is harmless

    reopened = backend.open()
    assert [c.title for c in reopened.list_conversations()] == ["保留"]
    with pytest.raises(SessionNotFoundError):
        reopened.get_conversation(gone.id)
    with pytest.raises(SessionNotFoundError):
        reopened.get_facts(gone.id)
    with pytest.raises(SessionNotFoundError):
        reopened.get_version(gone_version)
    for table in ("messages", "drafts", "conversation_meta"):
        n = backend.count(f"SELECT COUNT(*) FROM {table} WHERE conversation_id = :c", c=gone.id)
        assert n == 0, table
    assert len(reopened.messages(keep.id)) == 1
    assert len(reopened.versions(keep.id, "problems")) == 1
    assert reopened.get_facts(keep.id) == "素材"


def test_versions_are_numbered_per_section_and_conversation(store: SessionStore) -> None:
    a = store.create_conversation()
    b = store.create_conversation()
    for key in ("problems", "1:achievements", "problems", "problems", "1:achievements"):
        store.save_draft(a.id, key, make_draft())
    store.save_draft(b.id, "problems", make_draft())
    assert [v.version for v in store.versions(a.id, "problems")] == [1, 2, 3]
    assert [v.version for v in store.versions(a.id, "1:achievements")] == [1, 2]
    assert [v.version for v in store.versions(b.id, "problems")] == [1]
    assert store.section_keys(a.id) == ["problems", "1:achievements"]
    assert store.versions(a.id, "plans") == []


def test_concurrent_saves_get_distinct_version_numbers(store: SessionStore) -> None:
    c = store.create_conversation()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                store.save_draft(c.id, "problems", make_draft())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [v.version for v in store.versions(c.id, "problems")] == list(range(1, 21))


def test_accept_keeps_exactly_one_per_section(store: SessionStore) -> None:
    c = store.create_conversation()
    p = [store.save_draft(c.id, "problems", make_draft(f"第{i}稿")) for i in range(1, 4)]
    other = store.save_draft(c.id, "plans", make_draft("打算"))
    store.accept_version(other.id)
    assert store.current_version(c.id, "problems").version == 3  # type: ignore[union-attr]

    store.accept_version(p[0].id)
    store.accept_version(p[1].id)
    store.accept_version(p[1].id)  # accepting again changes nothing
    accepted = [v.version for v in store.versions(c.id, "problems") if v.accepted]
    assert accepted == [2]
    assert store.accepted_version(c.id, "problems").id == p[1].id  # type: ignore[union-attr]
    assert store.current_version(c.id, "problems").id == p[1].id  # type: ignore[union-attr]
    assert store.get_version(other.id).accepted  # another section keeps its own mark
    with pytest.raises(SessionNotFoundError):
        store.accept_version(9999)


def test_crash_during_streaming_loses_only_the_answer(backend: Backend) -> None:
    store = backend.open()
    c = store.create_conversation()
    store.add_message(c.id, "user", "帮我写存在问题部分")
    store.add_message(c.id, "assistant", "好的，草稿如下。")
    store.add_message(c.id, "user", "第二点再具体些")

    def stream_answer() -> None:
        chunks = []
        for i, chunk in enumerate(["一是", "理论学习", "形式单一"]):
            chunks.append(chunk)
            if i == 1:
                raise RuntimeError("进程被终止")
        store.add_message(c.id, "assistant", "".join(chunks))  # never reached

    with pytest.raises(RuntimeError):
        stream_answer()

    msgs = backend.open().messages(c.id)
    assert [(m.role, m.content) for m in msgs] == [
        ("user", "帮我写存在问题部分"),
        ("assistant", "好的，草稿如下。"),
        ("user", "第二点再具体些"),
    ]


def test_failed_write_is_rolled_back(store: SessionStore) -> None:
    c = store.create_conversation()
    store.add_message(c.id, "user", "你好")
    # A message pointing at a draft of another conversation is refused as a whole.
    other = store.create_conversation()
    v = store.save_draft(other.id, "problems", make_draft())
    with pytest.raises(SessionNotFoundError):
        store.add_message(c.id, "assistant", "稿", kind="draft", draft_version_id=v.id)
    assert [m.content for m in store.messages(c.id)] == ["你好"]


@pytest.mark.parametrize(
    ("role", "kind"),
    [("system", "text"), ("user", "html"), ("", "text")],
)
def test_bad_message_role_or_kind_is_refused(store: SessionStore, role: str, kind: str) -> None:
    c = store.create_conversation()
    with pytest.raises(ValueError):
        store.add_message(c.id, role, "x", kind=kind)
    assert store.messages(c.id) == []


def test_unknown_conversation_raises_chinese_error(store: SessionStore) -> None:
    with pytest.raises(SessionNotFoundError, match="没有找到"):
        store.get_conversation(42)
    with pytest.raises(SessionNotFoundError):
        store.add_message(42, "user", "x")
    with pytest.raises(SessionNotFoundError):
        store.save_draft(42, "problems", make_draft())


def test_rerun_with_same_facts_does_not_reorder(store: SessionStore) -> None:
    a = store.create_conversation("甲")
    store.set_facts(a.id, "素材一")
    b = store.create_conversation("乙")
    store.set_facts(a.id, "素材一")  # a Streamlit rerun re-submits the unchanged box
    assert [c.id for c in store.list_conversations()] == [b.id, a.id]
    store.set_facts(a.id, "素材一\n素材二")
    assert [c.id for c in store.list_conversations()] == [a.id, b.id]


def test_api_key_is_not_stored_without_opt_in(store: SessionStore, backend: Backend) -> None:
    with pytest.raises(ValueError):
        store.set_setting("openai_api_key", "sk-test-123")
    store.set_secret("openai_api_key", "sk-test-123", remember_key=False)
    assert store.get_secret("openai_api_key") is None
    assert backend.count("SELECT COUNT(*) FROM user_secrets") == 0

    store.set_secret("openai_api_key", "sk-test-123", remember_key=True)
    assert backend.open().get_secret("openai_api_key") == "sk-test-123"
    # on disk only encrypted with the server secret
    assert backend.count("SELECT COUNT(*) FROM user_secrets WHERE value LIKE '%sk-test%'") == 0
    store.set_secret("openai_api_key", "sk-test-123", remember_key=False)  # user unticks
    assert backend.open().get_secret("openai_api_key") is None


def test_remembered_key_is_not_in_the_file_in_clear(db_path: Path) -> None:
    store = SessionStore(db_path)
    store.set_secret("openai_api_key", "sk-test-123", remember_key=True)
    assert store.get_secret("openai_api_key") == "sk-test-123"
    assert b"sk-test-123" not in _all_bytes(db_path)
    assert (db_path.parent / "secret.key").stat().st_mode & 0o777 == 0o600


def _all_bytes(db_path: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)
    )


def test_setting_none_removes_it(store: SessionStore) -> None:
    store.set_setting("base_url", "http://localhost:8000/v1")
    store.set_setting("base_url", None)
    assert store.get_setting("base_url") is None


def test_schema_is_at_alembic_head_and_wal(db_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from assistant.sessions import _alembic_config

    store = SessionStore(db_path)
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert store.schema_version() == head
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused_not_overwritten(store: SessionStore, backend: Backend) -> None:
    store.create_conversation("新版本程序写的对话")
    engine = sa.create_engine(database_url(backend.target))
    with engine.begin() as db:
        db.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SessionStoreError, match="数据库版本（9999）比本程序新，请升级"):
        backend.open()
    assert backend.count("SELECT COUNT(*) FROM conversations") == 1


def test_corrupt_file_gives_chinese_error(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SessionStoreError, match="无法使用：文件已损坏"):
        SessionStore(db_path)


@pytest.mark.parametrize(
    "obj",
    [
        Quantity("1.2万人次", 12000.0, "人次", "", 3, 9),
        Quantity("2025年", 2025.0, "年", "", 0, 5, "year"),
        Fact(
            "F1", "开展宣讲20余场次", [Quantity("20余场次", 20.0, "场次", "余", 4, 9)], [], "done"
        ),
        Flag("status_shift", "已新建", 0, 3, "素材说的是“拟新建”。", fact="F3"),
        SentenceSupport("一是学习。", 0, 5, ["F1", "F2"]),
        make_draft().review,
        make_draft().exemplars[0],
        make_draft(),
        Shape(1, "一、", "一是", 2, 3, 400, 1, True),
        WantedShape("（一）", None, 3),
    ],
    ids=lambda o: type(o).__name__,
)
def test_models_round_trip_through_dicts(obj: Any) -> None:
    cls = type(obj)
    d = obj.to_dict() if hasattr(obj, "to_dict") else asdict(obj)
    assert cls.from_dict(json.loads(json.dumps(d, ensure_ascii=False))) == obj


def test_draft_from_older_data_tolerates_unknown_role_and_missing_review() -> None:
    d = make_draft().to_dict()
    d["role"] = "retired_role"
    del d["review"], d["notice"]
    draft = Draft.from_dict(d)
    assert draft.role is Role.OTHER
    assert draft.review.verdict == "unverified" and draft.notice is None


def test_killed_process_mid_write_keeps_everything_committed(db_path: Path) -> None:
    """A hard kill (no exception handling, no cleanup) while an answer is being written."""
    script = f"""
import os
from pathlib import Path
from assistant.sessions import SessionStore, messages
store = SessionStore(Path({str(db_path)!r}))
c = store.create_conversation("被中断的对话")
store.add_message(c.id, "user", "帮我写存在问题部分")
with store._write() as db:  # the answer's transaction is open when the process dies
    db.execute(messages.insert().values(conversation_id=c.id, role="assistant",
               content="写到一半", kind="text", created="now"))
    os._exit(9)
"""
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 9, r.stderr
    store = SessionStore(db_path)
    [conv] = store.list_conversations()
    assert conv.title == "被中断的对话"
    assert [(m.role, m.content) for m in store.messages(conv.id)] == [
        ("user", "帮我写存在问题部分")
    ]
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"




def test_simultaneous_first_start_builds_schema_once(backend: Backend) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            backend.open().create_conversation()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(backend.open().list_conversations()) == 6


def test_conversation_meta_is_deleted_with_the_conversation(store: SessionStore) -> None:
    a = store.create_conversation()
    b = store.create_conversation()
    store.set_meta(a.id, "outline", '[{"role": "problems"}]')
    store.set_meta(b.id, "outline", "[]")
    assert store.get_meta(a.id, "outline") == '[{"role": "problems"}]'
    assert store.get_meta(a.id, "missing", "无") == "无"
    store.delete_conversation(a.id)
    with pytest.raises(SessionNotFoundError):
        store.get_meta(a.id, "outline")
    assert store.get_meta(b.id, "outline") == "[]"
    store.set_meta(b.id, "outline", None)
    assert store.get_meta(b.id, "outline") is None


@pytest.mark.parametrize(
    ("key", "refused"),
    [
        ("openai_api_key", True),
        ("api-key", True),
        ("apikey", True),
        ("auth_token", True),
        ("password", True),
        ("keep_citations", False),
        ("outline:3", False),
        ("base_url", False),
        ("llm_model", False),
    ],
)
def test_credential_like_setting_names_are_refused(
    store: SessionStore, key: str, refused: bool
) -> None:
    if refused:
        with pytest.raises(ValueError):
            store.set_setting(key, "x")
        assert store.get_setting(key) is None
    else:
        store.set_setting(key, "x")
        assert store.get_setting(key) == "x"
