"""Private workspaces, the audit log and encrypted keys, at the store level (SQLite and
PostgreSQL), and the role checks that decide who may change the shared 范文库."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.errors import AccessDeniedError, SessionNotFoundError
from assistant.sessions import LOCAL_USER_ID, SessionStore, audit_csv, csv_cell
from assistant.ui.auth import (
    ADMIN,
    EDITOR,
    LOCAL_USER,
    User,
    can_edit_library,
    is_admin,
    user_from_claims,
)
from tests.postgres import Backend
from tests.test_sessions import make_draft

ALICE = "oidc:alice"
BOB = "oidc:bob"


@pytest.fixture
def two(backend: Backend) -> tuple[SessionStore, SessionStore]:
    base = backend.open()
    return base.for_user(ALICE, "张三"), base.for_user(BOB, "李四")


def _alice_workspace(alice: SessionStore) -> tuple[int, int]:
    c = alice.create_conversation("甲单位年度总结")
    alice.set_facts(c.id, "甲单位内部：干部张三因违规发帖被诫勉谈话")
    alice.add_message(c.id, "user", "帮我写存在问题部分")
    v = alice.save_draft(c.id, "problems", make_draft())
    alice.add_message(c.id, "assistant", v.draft.text, kind="draft", draft_version_id=v.id)
    alice.set_meta(c.id, "outline", "[]")
    return c.id, v.id


# Every way of reaching a conversation or a version, each of which must refuse another owner.
ACCESS: list[tuple[str, Callable[[SessionStore, int, int], Any]]] = [
    ("get_conversation", lambda s, c, v: s.get_conversation(c)),
    ("get_facts", lambda s, c, v: s.get_facts(c)),
    ("set_facts", lambda s, c, v: s.set_facts(c, "李四改的")),
    ("messages", lambda s, c, v: s.messages(c)),
    ("add_message", lambda s, c, v: s.add_message(c, "user", "偷看")),
    ("rename", lambda s, c, v: s.rename_conversation(c, "改名")),
    ("delete", lambda s, c, v: s.delete_conversation(c)),
    ("report_title", lambda s, c, v: s.report_title(c)),
    ("set_report_title", lambda s, c, v: s.set_report_title(c, "标题")),
    ("get_meta", lambda s, c, v: s.get_meta(c, "outline")),
    ("set_meta", lambda s, c, v: s.set_meta(c, "plan", "{}")),
    ("save_draft", lambda s, c, v: s.save_draft(c, "problems", make_draft("李四的稿"))),
    ("versions", lambda s, c, v: s.versions(c, "problems")),
    ("get_version", lambda s, c, v: s.get_version(v)),
    ("accept_version", lambda s, c, v: s.accept_version(v)),
    ("current_version", lambda s, c, v: s.current_version(c, "problems")),
    ("accepted_version", lambda s, c, v: s.accepted_version(c, "problems")),
    ("section_keys", lambda s, c, v: s.section_keys(c)),
    ("record", lambda s, c, v: s.record("export", "全文", "docx", cid=c)),
]


@pytest.mark.parametrize(("name", "call"), ACCESS, ids=[a[0] for a in ACCESS])
def test_another_user_cannot_reach_a_conversation(
    two: tuple[SessionStore, SessionStore], name: str, call: Callable[..., Any]
) -> None:
    alice, bob = two
    cid, vid = _alice_workspace(alice)
    with pytest.raises(AccessDeniedError, match="无权访问"):
        call(bob, cid, vid)
    # and nothing of Alice's changed
    assert alice.get_conversation(cid).title == "甲单位年度总结"
    assert alice.get_facts(cid) == "甲单位内部：干部张三因违规发帖被诫勉谈话"
    assert alice.messages(cid)[0].content == "帮我写存在问题部分"
    assert [v.version for v in alice.versions(cid, "problems")] == [1]
    assert alice.get_meta(cid, "outline") == "[]"


def test_each_user_lists_and_opens_only_their_own(two: tuple[SessionStore, SessionStore]) -> None:
    alice, bob = two
    _alice_workspace(alice)
    assert bob.list_conversations() == []  # B's first visit: nothing of A's to land in
    mine = bob.create_conversation("乙单位")
    assert [c.title for c in bob.list_conversations()] == ["乙单位"]
    assert [c.title for c in alice.list_conversations()] == ["甲单位年度总结"]
    # version numbers are per conversation, not shared across users
    assert bob.save_draft(mine.id, "problems", make_draft()).version == 1
    # the local user (no sign-in) is a third owner
    assert alice.for_user(LOCAL_USER_ID).list_conversations() == []


def test_settings_and_keys_are_per_user(two: tuple[SessionStore, SessionStore]) -> None:
    alice, bob = two
    alice.set_setting("engine", "llm")
    alice.set_setting("base_url", "http://127.0.0.1:9/v1")
    alice.set_secret("openai_api_key", "sk-alice-only", remember_key=True)
    assert bob.get_setting("engine", "offline") == "offline"  # A's switch leaves B offline
    assert bob.get_setting("base_url") is None
    assert bob.get_secret("openai_api_key") is None
    bob.set_secret("openai_api_key", "sk-bob", remember_key=True)
    bob.forget_secret("openai_api_key")
    assert alice.get_secret("openai_api_key") == "sk-alice-only"
    # install-wide settings are shared
    alice.set_app_setting("corpus_seeded", "1")
    assert bob.get_app_setting("corpus_seeded") == "1"


def test_audit_log_records_who_did_what(
    two: tuple[SessionStore, SessionStore], backend: Backend
) -> None:
    alice, bob = two
    cid, vid = _alice_workspace(alice)
    alice.save_draft(cid, "problems", make_draft("压缩后〔F1〕"), instruction="压缩到100字")
    alice.accept_version(vid)
    alice.record("export", "《甲单位年度总结》全文", "docx", cid=cid)
    alice.rename_conversation(cid, "甲单位2025年总结")
    other = alice.create_conversation("草稿箱")
    alice.delete_conversation(other.id)
    bob_c = bob.create_conversation("乙单位")
    bob.save_draft(bob_c.id, "plans", make_draft())
    bob.record_library("upload", "新范文.docx", "042_new")

    log = alice.audit_log()
    assert [e.action for e in log] == ["delete", "rename", "export", "accept", "edit", "draft"]
    assert {e.actor for e in log} == {ALICE} and {e.actor_name for e in log} == {"张三"}
    assert "存在问题 第2版" in log[4].target and log[4].detail == "压缩到100字"
    assert "存在问题 第1版" in log[3].target
    assert log[5].detail == "离线起草"  # how the first version came about
    assert log[0].target == "《草稿箱》" and log[0].conversation_id == other.id
    assert log[1].detail == "原名：甲单位年度总结"
    # B sees only B's; the library log shows B's own upload to B
    assert [e.action for e in bob.audit_log()] == ["draft"]
    assert [(e.action, e.actor) for e in bob.audit_log("library")] == [("upload", BOB)]
    assert alice.audit_log("library") == []
    # only an admin sees everyone's
    with pytest.raises(AccessDeniedError):
        bob.audit_log(everyone=True)
    admin = backend.open().for_user("oidc:root", "管理员", admin=True)
    assert {e.actor for e in admin.audit_log(everyone=True)} == {ALICE, BOB}
    assert [e.target for e in admin.audit_log("library")] == ["新范文.docx"]
    assert admin.audit_log() == []  # the admin's own workspace is empty


def test_audit_csv_opens_with_chinese_columns(two: tuple[SessionStore, SessionStore]) -> None:
    alice, _ = two
    cid, _ = _alice_workspace(alice)
    alice.record("export", "《甲单位年度总结》全文", "md", cid=cid)
    data = audit_csv(alice.audit_log())
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "用户", "用户名", "范围", "动作", "对象", "说明", "对话"]
    assert rows[1][1:7] == [ALICE, "张三", "工作区", "导出", "《甲单位年度总结》全文", "md"]
    assert rows[2][4] == "起草" and rows[1][7] == str(cid)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("《2025年总结》", "《2025年总结》"),
        ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("a=b", "a=b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_never_run_as_formulas(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_conversation_title_in_the_csv_is_text(two: tuple[SessionStore, SessionStore]) -> None:
    alice, _ = two
    c = alice.create_conversation("临时")
    alice.rename_conversation(c.id, "=1+1")
    rows = list(csv.reader(io.StringIO(audit_csv(alice.audit_log()).decode("utf-8-sig"))))
    assert rows[1][4:6] == ["重命名", "《=1+1》"]
    alice.delete_conversation(c.id)
    alice.record("export", "=cmd|' /C calc'!A0", "docx")
    rows = list(csv.reader(io.StringIO(audit_csv(alice.audit_log()).decode("utf-8-sig"))))
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("action", ["", "drop_table", "查看"])
def test_unknown_audit_action_is_refused(backend: Backend, action: str) -> None:
    store = backend.open()
    with pytest.raises(ValueError):
        store.record(action, "x")
    with pytest.raises(ValueError):
        store.record_library(action, "x")
    assert store.audit_log() == []


def test_deleted_conversation_is_gone_for_its_owner_too(
    two: tuple[SessionStore, SessionStore],
) -> None:
    alice, bob = two
    cid, vid = _alice_workspace(alice)
    alice.delete_conversation(cid)
    alice.delete_conversation(cid)  # a repeated click is harmless
    bob.delete_conversation(cid)  # so is B's click on an id that no longer exists
    with pytest.raises(SessionNotFoundError):
        alice.get_version(vid)


def test_admin_hands_the_local_workspace_to_a_signed_in_user(backend: Backend) -> None:
    local = backend.open()  # data from the single-user days
    c = local.create_conversation("单机时的对话")
    local.save_draft(c.id, "problems", make_draft())
    local.set_setting("engine", "llm")
    local.set_setting("llm_model", "旧模型")
    local.set_secret("openai_api_key", "sk-local", remember_key=True)
    alice = local.for_user(ALICE, "张三")
    alice.set_setting("llm_model", "新模型")  # the receiver's own choice stays

    with pytest.raises(AccessDeniedError):
        alice.transfer_workspace(LOCAL_USER_ID, ALICE)
    admin = local.for_user("oidc:root", "管理员", admin=True)
    assert admin.transfer_workspace(LOCAL_USER_ID, ALICE) == 1

    assert [x.title for x in alice.list_conversations()] == ["单机时的对话"]
    assert [v.version for v in alice.versions(c.id, "problems")] == [1]
    assert (alice.get_setting("engine"), alice.get_setting("llm_model")) == ("llm", "新模型")
    assert alice.get_secret("openai_api_key") == "sk-local"
    assert [e.action for e in alice.audit_log()] == ["draft"]
    assert local.list_conversations() == [] and local.get_setting("engine") is None
    with pytest.raises(AccessDeniedError):
        local.get_conversation(c.id)
    assert admin.audit_log()[0].action == "transfer"


# ---- encryption of stored keys ---------------------------------------------------------------


def test_stored_key_is_unreadable_with_another_server_secret(backend: Backend, tmp_path: Path) -> None:
    first = SessionStore(backend.target, secret="server-secret-one")
    first.set_secret("openai_api_key", "sk-secret-77", remember_key=True)
    assert SessionStore(backend.target, secret="server-secret-one").get_secret(
        "openai_api_key"
    ) == "sk-secret-77"
    assert SessionStore(backend.target, secret="another").get_secret("openai_api_key") is None
    assert backend.count("SELECT COUNT(*) FROM user_secrets WHERE value LIKE '%sk-secret%'") == 0
    assert not (tmp_path / "data" / "secret.key").exists()  # a configured secret needs no file


def test_secret_from_settings_or_generated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    store = SessionStore.from_settings(settings)
    store.set_secret("openai_api_key", "sk-1", remember_key=True)
    key_file = settings.secret_key_path
    assert key_file.stat().st_mode & 0o777 == 0o600
    first_key = key_file.read_bytes()
    assert SessionStore.from_settings(Settings()).get_secret("openai_api_key") == "sk-1"
    assert key_file.read_bytes() == first_key  # generated once, reused

    monkeypatch.setenv("ASSISTANT_SECRET_KEY", "team-wide-secret")
    team = SessionStore.from_settings(Settings())
    assert team.get_secret("openai_api_key") is None  # sealed with the file's key, not this one
    team.set_secret("openai_api_key", "sk-2", remember_key=True)
    assert SessionStore.from_settings(Settings()).get_secret("openai_api_key") == "sk-2"


@pytest.mark.slow
def test_database_url_setting_selects_the_server(postgresql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", postgresql_url)
    store = SessionStore.from_settings(Settings())
    assert store.path is None and store.url.startswith("postgresql+psycopg://")
    store.create_conversation("共享数据库里的对话")
    assert not Settings().sessions_path.exists()  # no SQLite file was made
    assert [c.title for c in SessionStore(postgresql_url).list_conversations()] == [
        "共享数据库里的对话"
    ]


# ---- who may change the 范文库 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "admins", "editors", "edit", "admin"),
    [
        (LOCAL_USER, "", "", True, True),  # no sign-in: the one local user does everything
        (User("oidc:a1", "甲", "a@unit.cn"), "", "", False, False),
        (User("oidc:a1", "甲", "a@unit.cn"), "", "A@unit.cn", True, False),
        (User("oidc:a1", "甲", "a@unit.cn"), "a@unit.cn", "", True, True),
        (User("oidc:a1", "甲", "a@unit.cn"), "", "a1", True, False),  # by subject
        (User("oidc:a1", "甲", "a@unit.cn", (EDITOR,)), "", "", True, False),  # from a claim
        (User("oidc:a1", "甲", "a@unit.cn", (ADMIN,)), "", "", True, True),
        (User("oidc:a1", "甲", "a@unit.cn", ("reader",)), "b@unit.cn", "c@unit.cn", False, False),
        (User("oidc:a1", "甲", ""), "", "", False, False),  # no e-mail never matches ""
    ],
)
def test_library_editing_needs_editor_or_admin(
    user: User, admins: str, editors: str, edit: bool, admin: bool
) -> None:
    settings = Settings(admins=admins, library_editors=editors)
    assert can_edit_library(user, settings) is edit
    assert is_admin(user, settings) is admin


def test_role_lists_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ADMINS", "boss@unit.cn")
    monkeypatch.setenv("ASSISTANT_LIBRARY_EDITORS", " ed1@unit.cn , Ed2@Unit.cn ")
    s = Settings()
    assert s.admins == ["boss@unit.cn"] and s.library_editors == ["ed1@unit.cn", "ed2@unit.cn"]
    assert can_edit_library(User("oidc:x", "乙", "ed2@unit.cn"), s)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"sub": "u-1", "email": "a@unit.cn", "name": "张三"}, User("oidc:u-1", "张三", "a@unit.cn")),
        ({"email": "b@unit.cn"}, User("oidc:b@unit.cn", "b@unit.cn", "b@unit.cn")),
        ({"sub": "u-3", "preferred_username": "wang"}, User("oidc:u-3", "wang", "")),
        ({"name": "无标识"}, ValueError),
    ],
)
def test_user_from_claims(claims: dict[str, str], expected: User | type[Exception]) -> None:
    if isinstance(expected, User):
        assert user_from_claims(claims, Settings()) == expected
    else:
        with pytest.raises(expected):
            user_from_claims(claims, Settings())


def test_library_changes_from_the_command_line_are_logged(seeds: list[Path]) -> None:
    import pwd

    from assistant.cli import main

    assert main(["index", str(seeds[0])]) == 0
    admin = SessionStore.from_settings(Settings())  # the local user administers
    [upload] = admin.audit_log("library")
    who = pwd.getpwuid(os.getuid()).pw_name
    assert (upload.action, upload.actor, upload.actor_name) == ("upload", f"cli:{who}", f"命令行（{who}）")
    assert main(["remove", upload.target]) == 0
    assert [(e.action, e.target) for e in admin.audit_log("library")] == [
        ("delete", upload.target),
        ("upload", upload.target),
    ]
