"""Sign-in configuration without a provider: the sign-in page, the roles a provider's claim
gives, the providers read from the [auth] table. (The real provider: tests/test_signin.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.ui.auth import ADMIN, EDITOR, roles_from_claims
from assistant.ui.signin import providers
from tests.conftest import ROOT

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-cookie-secret-for-tests",
    "client_id": "report-assistant",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _app(user: dict[str, Any] | None, auth: dict[str, Any] | None) -> AppTest:
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = dict(user)
    at.run()
    assert not at.exception, at.exception
    return at


def test_with_sign_in_configured_a_visitor_sees_only_the_sign_in_page() -> None:
    at = _app(None, AUTH)
    assert [b.label for b in at.button] == ["登录"]
    assert any("请先登录" in m.value for m in at.markdown)
    assert not at.chat_input and not at.text_area  # no workspace, not even the local one
    assert "cid" not in at.session_state
    assert not any("本机单人使用" in c.value for c in at.sidebar.caption)


def test_a_signed_in_user_sees_their_name_and_sign_out() -> None:
    at = _app({"is_logged_in": True, "sub": "u-9", "email": "wang@unit.cn", "name": "王五"}, AUTH)
    captions = [c.value for c in at.sidebar.caption]
    assert "已登录：王五（wang@unit.cn）" in captions
    assert "退出登录" in [b.label for b in at.sidebar.button]
    assert at.chat_input


def test_without_sign_in_the_app_is_local_and_says_so() -> None:
    at = _app(None, None)
    assert any("本机单人使用" in c.value for c in at.sidebar.caption)
    assert "退出登录" not in [b.label for b in at.sidebar.button]
    assert at.chat_input


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({}, []),
        ({"redirect_uri": "x", "cookie_secret": "y"}, []),  # shared keys only: no provider
        (AUTH, [None]),
        ({"redirect_uri": "x", "keycloak": {"client_id": "a"}}, ["keycloak"]),
        ({"redirect_uri": "x", "sso": {"client_id": "a"}, "azure": {"client_id": "b"}},
         ["sso", "azure"]),
    ],
)
def test_providers(section: dict[str, Any], expected: list[str | None]) -> None:
    assert providers(section) == expected


@pytest.mark.parametrize(
    ("claim", "env", "claims", "expected"),
    [
        ("", {}, {"roles": ["admin"]}, ()),  # no claim configured: the provider gives no role
        ("roles", {}, {"roles": ["admin"]}, (ADMIN,)),
        ("roles", {}, {"roles": ["Editor", "staff"]}, (EDITOR,)),
        ("groups", {}, {"groups": "staff, editor admin"}, (ADMIN, EDITOR)),
        ("groups", {}, {"roles": ["admin"]}, ()),  # another claim than configured
        ("groups", {}, {"groups": 3}, ()),
        ("groups", {"editor_claim_values": "/范文库编辑"}, {"groups": ["/范文库编辑"]}, (EDITOR,)),
        ("groups", {"editor_claim_values": "/范文库编辑"}, {"groups": ["editor"]}, ()),
    ],
)
def test_roles_from_claims(
    claim: str, env: dict[str, str], claims: dict[str, Any], expected: tuple[str, ...]
) -> None:
    settings = Settings(roles_claim=claim, **env)  # type: ignore[arg-type]
    assert roles_from_claims(claims, settings) == expected
