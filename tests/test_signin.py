"""Sign-in through a real OpenID Connect provider: `oidc-provider-mock` served on 127.0.0.1 by
the test, the app under `streamlit run` with an [auth] secrets file, two users in two Chromium
contexts (two browsers: separate cookies)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, app_env, free_port
from tests.conftest import ROOT, require_tool
from tests.test_browser import running_app

pytestmark = pytest.mark.slow

OUTPUT = ROOT / "test-output"
SECRET_FACT = "甲单位内部：干部张三因违规发帖被诫勉谈话"
FACTS_LABEL = "本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）"


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[str]:
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=free_port()) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def write_secrets(folder: Path, issuer: str) -> None:
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-cookie-secret-0123456789abcdef"\n'
        'client_id = "report-assistant"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )


@pytest.fixture
def signed_server(tmp_path: Path, oidc_provider: str) -> Iterator[str]:
    write_secrets(tmp_path, oidc_provider)
    env = app_env(tmp_path / "data")
    env["ASSISTANT_ROLES_CLAIM"] = "groups"
    with running_app(tmp_path, env) as url:
        yield url


@contextlib.contextmanager
def browser(pw: Any) -> Iterator[Any]:
    b = pw.chromium.launch(executable_path=require_tool(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def sign_in(browser_: Any, server: str, subject: str) -> Any:
    """A new browser context (its own cookies) signed in as ``subject`` through the
    provider's own authorization form."""
    from playwright.sync_api import expect

    page = browser_.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(server)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # The first sign-in of a fresh server also indexes knowledge/ before the sidebar is built.
    expect(page.get_by_text("已登录：", exact=False)).to_be_visible(timeout=180_000)
    return page


def test_sign_in_page_then_private_workspaces(signed_server: str, oidc_provider: str) -> None:
    import httpx
    from playwright.sync_api import expect, sync_playwright

    # The provider's claims for each user (as an office SSO would send them).
    for sub, claims in {
        "alice": {"email": "alice@unit.cn", "name": "张三", "groups": ["editor"]},
        "bob": {"email": "bob@unit.cn", "name": "李四"},
    }.items():
        assert httpx.put(f"{oidc_provider}/users/{sub}", json=claims).status_code == 204

    with sync_playwright() as pw, browser(pw) as b:
        visitor = b.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        visitor.goto(signed_server)
        expect(visitor.get_by_role("button", name="登录")).to_be_visible(timeout=60_000)
        expect(visitor.get_by_text("请先登录", exact=False)).to_be_visible()
        # Nothing of the app before sign-in: no chat input, no sidebar with conversations.
        expect(visitor.get_by_test_id("stChatInputTextArea")).to_have_count(0)
        expect(visitor.get_by_text("本机单人使用")).to_have_count(0)
        OUTPUT.mkdir(exist_ok=True)
        visitor.screenshot(path=str(OUTPUT / "signin.png"))

        alice = sign_in(b, signed_server, "alice")
        expect(alice.get_by_text("已登录：张三（alice@unit.cn）")).to_be_visible()
        expect(alice.get_by_role("button", name="退出登录")).to_be_visible()
        expect(alice.get_by_text("本机单人使用")).to_have_count(0)
        # A's first visit: a new, empty conversation.
        expect(alice.get_by_text("素材（还没有填写）")).to_be_visible()
        facts = alice.get_by_label(FACTS_LABEL)
        facts.fill(SECRET_FACT + "\n宣传干部仅有3名，力量薄弱")
        facts.press("Control+Enter")
        expect(alice.get_by_text("F2", exact=True).first).to_be_visible(timeout=30_000)
        chat = alice.get_by_test_id("stChatInputTextArea")
        chat.fill("帮我写存在问题部分")
        chat.press("Enter")
        expect(alice.locator(".draft-text").first).to_contain_text("〔F", timeout=60_000)
        # A is a 范文库 editor through the provider's groups claim.
        alice.get_by_role("tab", name="范文库").click()
        expect(alice.get_by_text("上传范文", exact=True).first).to_be_visible(timeout=30_000)

        bob = sign_in(b, signed_server, "bob")
        expect(bob.get_by_text("已登录：李四（bob@unit.cn）")).to_be_visible()
        expect(bob.get_by_text("素材（还没有填写）")).to_be_visible()
        expect(bob.get_by_text(SECRET_FACT, exact=False)).to_have_count(0)
        expect(bob.locator(".draft-text")).to_have_count(0)
        bob.get_by_role("tab", name="范文库").click()
        expect(bob.get_by_text("只有范文库编辑或管理员可以上传", exact=False)).to_be_visible(
            timeout=30_000
        )
        expect(bob.get_by_text("上传范文", exact=True)).to_have_count(0)

        # Signing out brings the sign-in page back; A's work is there after signing in again.
        alice.get_by_role("button", name="退出登录").click()
        expect(alice.get_by_role("button", name="登录")).to_be_visible(timeout=30_000)
        again = sign_in(b, signed_server, "alice")
        expect(again.locator(".draft-text").first).to_contain_text("〔F", timeout=60_000)
        expect(again.get_by_text(SECRET_FACT, exact=False).first).to_be_attached()
