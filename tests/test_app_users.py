"""Two signed-in users in the app at once (two AppTest sessions against one process, as two
browsers against one server): private workspaces, the 范文库 editor role, the audit view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
SECRET_FACT = "甲单位内部：干部张三因违规发帖被诫勉谈话"
ALICE = {"is_logged_in": True, "sub": "alice-1", "email": "alice@unit.cn", "name": "张三"}
BOB = {"is_logged_in": True, "sub": "bob-2", "email": "bob@unit.cn", "name": "李四"}


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import streamlit as st

    monkeypatch.setenv("ASSISTANT_LIBRARY_EDITORS", "alice@unit.cn")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _browser(user: dict[str, object] | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        at.user = dict(user)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def _tab(at: AppTest, name: str) -> None:
    at.session_state["side_tab"] = name
    at.run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_second_user_never_lands_in_the_first_users_workspace(
    database: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database == "postgresql":  # the team set-up: conversations in a shared server
        monkeypatch.setenv("ASSISTANT_DATABASE_URL", request.getfixturevalue("postgresql_url"))
    alice = _browser(ALICE)
    alice.text_area[0].input(SECRET_FACT + "\n宣传干部仅有3名").run()
    alice.chat_input[0].set_value("帮我写存在问题部分").run()
    assert not alice.exception, alice.exception
    alice_cid = alice.session_state["cid"]
    assert any(SECRET_FACT[:8] in m.value for m in alice.markdown)
    # Alice switches her drafting engine and remembers a key
    alice.radio(key="ui_engine").set_value("llm").run()
    alice.text_input(key="ui_key").input("sk-alice-secret").run()
    alice.checkbox(key="ui_remember").check().run()
    assert "已登录：张三" in _texts(alice)

    bob = _browser(BOB)  # first visit
    assert bob.session_state["cid"] != alice_cid
    assert bob.text_area[0].value == ""
    texts = _texts(bob)
    assert SECRET_FACT not in texts and "帮我写存在问题部分" not in texts
    assert f"conv_{alice_cid}" not in [str(b.key) for b in bob.sidebar.button]
    assert "已登录：李四" in texts
    # Bob's settings are his own: still offline, no stored key offered to him
    assert bob.radio(key="ui_engine").value == "offline"
    bob.radio(key="ui_engine").set_value("llm").run()
    assert bob.text_input(key="ui_key").placeholder == "只保存在本次会话的内存中"
    assert not bob.checkbox(key="ui_remember").value

    # a forged conversation id (e.g. a stale session value) does not open Alice's
    bob.session_state["cid"] = alice_cid
    bob.run()
    assert not bob.exception, bob.exception
    assert bob.session_state["cid"] != alice_cid
    assert SECRET_FACT not in _texts(bob)

    # Alice still has everything, engine included
    alice.run()
    assert alice.session_state["cid"] == alice_cid
    assert alice.radio(key="ui_engine").value == "llm"
    assert SECRET_FACT in alice.text_area[0].value
    if database == "postgresql":
        assert not Settings().sessions_path.exists()  # nothing went to the local file


def test_library_changes_need_the_editor_role_and_are_logged() -> None:
    bob = _browser(BOB)
    _tab(bob, "范文库")
    assert not bob.sidebar.get("file_uploader")
    assert not [b for b in bob.sidebar.button if str(b.key).startswith("del_rep_")]
    assert any("只有范文库编辑或管理员" in c.value for c in bob.sidebar.caption)

    alice = _browser(ALICE)  # an editor by ASSISTANT_LIBRARY_EDITORS
    _tab(alice, "范文库")
    delete = [b for b in alice.sidebar.button if str(b.key).startswith("del_rep_")]
    assert delete and alice.sidebar.get("file_uploader")
    title = next(e.label for e in alice.sidebar.expander if e.label.startswith("1. "))
    delete[0].click().run()
    assert not alice.exception, alice.exception

    _tab(alice, "记录")
    alice.radio(key="audit_scope").set_value("library").run()
    log = _texts(alice)
    assert "张三" in log and "**删除**" in log and title.split(". ", 1)[1][:10] in log
    # Bob (no role) sees only his own workspace's log: nothing of Alice's deletion
    _tab(bob, "记录")
    assert list(bob.radio(key="audit_scope").options) == ["我的工作区"]
    assert "**删除**" not in _texts(bob) and "还没有记录" in _texts(bob)


def test_local_mode_says_so_and_logs_the_drafts() -> None:
    at = _browser(None)  # no sign-in configured
    assert "本机单人使用" in _texts(at)
    at.text_area[0].input("宣传干部仅有3名").run()
    at.chat_input[0].set_value("帮我写存在问题部分").run()
    _tab(at, "记录")
    assert "**起草**" in _texts(at)
    assert [b.label for b in at.sidebar.get("download_button")] == ["下载记录（CSV）"]


def test_sign_in_without_a_user_id_is_refused_with_a_reason() -> None:
    at = _browser({"is_logged_in": True, "name": "无标识"})
    assert any("没有提供用户标识" in e.value for e in at.error)
    assert not at.text_area  # no workspace is opened for an unknown user


def test_admin_sees_everyones_log_and_others_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ADMINS", "boss@unit.cn")
    alice = _browser(ALICE)
    alice.text_area[0].input("宣传干部仅有3名").run()
    alice.chat_input[0].set_value("帮我写存在问题部分").run()
    _tab(alice, "记录")
    assert not [c for c in alice.sidebar.checkbox if c.key == "audit_everyone"]  # not an admin

    boss = _browser({"is_logged_in": True, "sub": "boss", "email": "boss@unit.cn", "name": "王五"})
    _tab(boss, "记录")
    assert "**起草**" not in _texts(boss)  # the admin's own workspace is empty
    boss.checkbox(key="audit_everyone").check().run()
    assert "张三 · **起草**" in _texts(boss)
