"""The real app in a real browser: `streamlit run app.py` driven by Playwright and Chromium.

Chromium comes from Debian (`make sysdeps` installs it; without it the test fails and says so).
Screenshots land in ROOT/test-output/ (gitignored) and in tmp_path.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
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
    wait_healthy,
)
from tests.conftest import ROOT, require_tool

pytestmark = pytest.mark.slow

OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_tool(CHROMIUM)


@contextlib.contextmanager
def running_app(cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """`streamlit run app.py` started in ``cwd`` (where it reads .streamlit/), its URL."""
    port = free_port()
    proc = start_streamlit(ROOT / "app.py", port, env, cwd, stderr=subprocess.PIPE)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running_app(tmp_path, app_env(tmp_path / "data")) as url:
        yield url


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
        expect(page.get_by_text("F4 看起来属于“下步打算”", exact=False).first).to_be_visible()
        expect(page.get_by_text("已把 4 条情况加入素材", exact=False).first).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "browser-chat-facts.png"), full_page=True)
        page.screenshot(path=str(tmp_path / "chat-facts.png"))
    assert (tmp_path / "chat-facts.png").stat().st_size > 10_000


DESK_FACTS = (
    "理论学习形式单一，以集中读文件为主\n"
    "基层专职宣传干部仅有3名，力量薄弱\n"
    "全年仅开展意识形态形势研判2次，研判不够深入"
)
# Written the way a model answers: a wrong number (5名 for 3名) and a whole point no fact gives.
DESK_DRAFT = (
    "二、存在的主要问题\n"
    "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。"
    "一是理论学习形式单一，以集中读文件为主；二是基层专职宣传干部仅有5名，力量薄弱；"
    "三是全年仅开展意识形态形势研判2次，研判不够深入；四是新闻发言人制度落实不到位，重大舆情回应迟缓。"
)


def test_editors_desk_in_the_browser(chromium: str, server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as pw, app_page(pw, chromium, server) as page:
        page.set_viewport_size({"width": 1500, "height": 1300})
        page.get_by_role("tab", name="审稿台").click()
        draft_box = page.get_by_label("待审稿件")
        draft_box.fill(DESK_DRAFT)
        draft_box.press("Control+Enter")
        page.get_by_text("另附素材").click()
        facts_box = page.get_by_label("这篇稿子依据的素材（每行一条）")
        facts_box.fill(DESK_FACTS)
        facts_box.press("Control+Enter")
        expect(page.get_by_text("F3", exact=True).first).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="审核", exact=True).click()

        draft = page.locator(".draft-text").first
        expect(draft).to_contain_text("二、存在的主要问题", timeout=30_000)
        wrong = draft.locator("mark.flag-changed_number")
        expect(wrong).to_have_text("5名")
        expect(wrong).to_have_attribute("title", re.compile("数字与素材不一致.*3名"))
        invented = draft.locator("mark", has_text="新闻发言人")
        expect(invented).to_have_count(1)
        expect(invented).to_have_attribute("title", re.compile("素材"))
        wrong.hover()  # the reason shows on hover
        draft.scroll_into_view_if_needed()
        page.screenshot(path=str(OUTPUT / "desk-flagged.png"))

        page.get_by_text("修改文字").first.click()
        editor = page.get_by_label("直接在这里修改，保存后生成新版本并重新审核")
        editor.fill(DESK_DRAFT.replace("仅有5名", "仅有3名"))
        editor.press("Control+Enter")
        page.get_by_role("button", name="保存").click()

        expect(page.get_by_text("第2版").first).to_be_visible(timeout=30_000)
        draft = page.locator(".draft-text").first
        expect(draft).to_contain_text("仅有3名")
        expect(draft.locator("mark.flag-changed_number")).to_have_count(0)
        expect(draft.locator("mark", has_text="新闻发言人")).to_have_count(1)  # still open
        draft.scroll_into_view_if_needed()
        page.screenshot(path=str(OUTPUT / "desk-edited.png"))

        page.get_by_role("tab", name="版本").last.click()
        expect(page.get_by_text("第2版：手动修改").first).to_be_visible()
        # the edit in the diff (a unified diff or marked-up text): 5 out, 3 in
        diff = page.locator("div.diff, [data-testid='stCode']").last
        expect(diff).to_contain_text(re.compile("5.*3名"))
        page.screenshot(path=str(OUTPUT / "desk-versions.png"))

        # the editor checks what is left and marks it: the badge says so, never 审核通过
        page.get_by_role("tab", name="审核").last.click()
        mark = page.get_by_role("button", name="标为已核实")
        for _ in range(10):
            if mark.count() == 0:
                break
            n = mark.count()
            mark.first.click()
            expect(mark).to_have_count(n - 1, timeout=30_000)
        expect(page.get_by_text("有待核实之处已由您逐条核实").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("审核通过")).to_have_count(0)
        expect(page.locator(".draft-text").first.locator("mark", has_text="新闻发言人")).to_have_count(0)
        page.screenshot(path=str(OUTPUT / "desk-checked.png"), full_page=True)
    assert (OUTPUT / "desk-edited.png").stat().st_size > 10_000


def test_uploaders_speak_chinese_and_the_page_follows_the_reply(
    chromium: str, server: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    def after(locator: Any) -> str:
        return str(locator.evaluate("e => getComputedStyle(e, '::after').content"))

    def size(locator: Any) -> str:
        return str(locator.evaluate("e => getComputedStyle(e).fontSize"))

    with sync_playwright() as pw, app_page(pw, chromium, server) as page:
        page.set_viewport_size({"width": 1400, "height": 800})
        page.get_by_role("tab", name="范文库").click()
        box = page.get_by_test_id("stFileUploaderDropzone").first
        box.wait_for(timeout=30_000)
        button = box.locator("button p").first
        assert after(button) == '"选择文件"' and size(button) == "0px"  # "Upload" hidden
        limit = page.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span").first
        assert "每个文件不超过 20 MB" in after(limit) and size(limit) == "0px"
        OUTPUT.mkdir(exist_ok=True)
        box.screenshot(path=str(OUTPUT / "uploader-zh.png"))

        # After a reply the newest message is in view, however long the page has grown.
        facts = page.get_by_label("本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）")
        facts.fill(FACTS)
        facts.press("Control+Enter")
        chat = page.get_by_test_id("stChatInputTextArea")
        for request in ("帮我写存在问题部分", "压缩到100字"):
            chat.fill(request)
            chat.press("Enter")
            expect(page.get_by_text("第2版" if "压缩" in request else "第1版").first).to_be_visible(
                timeout=30_000
            )
        newest = page.get_by_test_id("stChatMessage").last

        def newest_starts_in_view() -> bool:
            # the reply is read from its start: its top on screen, not only its tail
            box = page.get_by_test_id("stChatMessage").last.bounding_box()
            return box is not None and -2 <= box["y"] < 400

        expect(newest).to_contain_text("第2版")
        wait_until(newest_starts_in_view, 5)
        # the user scrolls up to read the first draft … (again if a rerun still finishing on a
        # loaded machine brought the page back to the reply)
        def scrolled_up() -> bool:
            page.locator(".stMain").evaluate("e => e.scrollTo(0, 0)")
            page.wait_for_timeout(300)
            box = page.get_by_test_id("stChatMessage").last.bounding_box()
            return box is not None and box["y"] > 800

        wait_until(scrolled_up, 15)
        chat.fill("帮我写存在问题部分")  # … and the next reply brings the page to it again
        chat.press("Enter")
        expect(page.get_by_text("第3版").first).to_be_visible(timeout=30_000)
        wait_until(newest_starts_in_view, 5)
        page.screenshot(path=str(OUTPUT / "browser-newest-reply.png"))


def wait_until(check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{check.__name__} still false after {seconds} s"
        time.sleep(0.1)
