"""The real app in a real browser: `streamlit run app.py` driven by Playwright and Chromium.

Chromium comes from Debian (`make sysdeps` installs it; without it the test fails and says so).
Screenshots land in ROOT/test-output/ (gitignored) and in tmp_path.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.appserver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FACTS,
    app_env,
    free_port,
    start_streamlit,
    stop,
)
from tests.conftest import ROOT, require_tool

pytestmark = pytest.mark.slow

OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_tool(CHROMIUM)


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"streamlit exited: {err[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not come up")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = start_streamlit(
        ROOT / "app.py", port, app_env(tmp_path / "data"), tmp_path, stderr=subprocess.PIPE
    )
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@contextlib.contextmanager
def app_page(pw: Any, chromium: str, server: str) -> Iterator[Any]:
    """A Chromium page on the app, once the chat input is there (the first start indexes
    knowledge/ before the page is ready)."""
    browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(server)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=90_000)
        yield page
    finally:
        browser.close()


def test_draft_in_the_browser(chromium: str, server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw, app_page(pw, chromium, server) as page:
        chat = page.get_by_test_id("stChatInputTextArea")

        facts = page.get_by_label("本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）")
        facts.fill(FACTS)
        facts.press("Control+Enter")
        expect(page.get_by_text("F3", exact=True).first).to_be_visible(timeout=30_000)

        chat.fill("帮我写存在问题部分")
        chat.press("Enter")
        draft = page.locator(".draft-text").first
        expect(draft).to_contain_text("基层专职宣传干部仅有3名", timeout=30_000)
        expect(draft).to_contain_text("〔F2〕")

        # The exemplar panel is the first tab beside the draft.
        expect(page.get_by_text("起草时参照的范文段落").first).to_be_visible()
        expect(page.get_by_text("选用理由", exact=False).first).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "browser.png"))
        page.screenshot(path=str(tmp_path / "browser.png"))

        page.get_by_role("tab", name="素材").last.click()
        expect(page.get_by_text("已用").first).to_be_visible()
        page.screenshot(path=str(OUTPUT / "browser-facts.png"))
    assert (tmp_path / "browser.png").stat().st_size > 10_000
    shutil.copy(tmp_path / "browser.png", OUTPUT / "browser.png")


def test_facts_typed_in_the_chat_give_a_draft_citing_them(
    chromium: str, server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    request = (
        "根据以下情况帮我写存在问题部分：理论学习形式单一，以集中读文件为主；"
        "基层专职宣传干部仅有3名；全年仅开展形势研判2次；下一步将组建网络评论员队伍"
    )
    with sync_playwright() as pw, app_page(pw, chromium, server) as page:
        chat = page.get_by_test_id("stChatInputTextArea")
        chat.fill(request)
        chat.press("Enter")
        draft = page.locator(".draft-text").first
        expect(draft).to_contain_text("基层专职宣传干部仅有3名", timeout=30_000)
        for fid in ("〔F1〕", "〔F2〕", "〔F3〕"):
            expect(draft).to_contain_text(fid)
        # the plan is not a problem: it is named, not written in
        expect(draft).not_to_contain_text("〔F4〕")
        expect(page.get_by_text("F4 适合“下步打算”", exact=False).first).to_be_visible()
        expect(page.get_by_text("已把 4 条情况加入素材", exact=False).first).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "browser-chat-facts.png"), full_page=True)
        page.screenshot(path=str(tmp_path / "chat-facts.png"))
    assert (tmp_path / "chat-facts.png").stat().st_size > 10_000
