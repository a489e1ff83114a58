"""Drafts run as jobs of the process: per-user lookup, cancel, and in a real browser a request
(one section, or a whole report) that survives its tab closing, and a 取消 that leaves no draft."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.jobs import Cancelled, Job, JobRunner
from tests.appserver import CHROMIUM, CHROMIUM_ARGS, FACTS, app_env
from tests.conftest import require_tool
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_browser import running_app

DRAFT = "二、存在问题\n一是理论学习形式单一，以集中读文件为主〔F1〕。\n二是基层专职宣传干部仅有3名〔F2〕。"


def test_a_job_is_found_by_its_owner_only_and_stops_when_cancelled() -> None:
    runner = JobRunner(workers=2)
    go = threading.Event()
    steps: list[int] = []

    def work(job: Job) -> str:
        for i in range(100):
            go.wait(5)
            job.check()
            steps.append(i)
        return "done"

    job = runner.submit("oidc:alice", 7, "起草", work)
    assert runner.running("oidc:alice", 7) is job
    assert runner.running("oidc:bob", 7) is None  # another user never sees it
    assert not runner.cancel("oidc:bob", 7)
    assert runner.cancel("oidc:alice", 7)
    go.set()
    assert job.future is not None
    with pytest.raises(Cancelled):
        job.future.result(timeout=5)
    assert len(steps) < 100
    assert runner.running("oidc:alice", 7) is None  # finished jobs leave the registry


def test_cancel_frees_the_conversation_at_once_even_while_the_work_is_stuck() -> None:
    """A model that stalls keeps its call blocked; 取消 must not wait for it."""
    runner = JobRunner(workers=2)
    release = threading.Event()
    saved: list[str] = []

    def stuck(job: Job) -> str:
        release.wait(10)  # a call that has not returned
        job.check()
        saved.append("draft")
        return "draft"

    job = runner.submit("u", 1, "起草", stuck)
    assert runner.cancel("u", 1)
    assert runner.running("u", 1) is None  # free now, not when the call returns
    assert not runner.cancel("u", 1)  # nothing left to cancel: said once
    nxt = runner.submit("u", 1, "再起草", lambda job: "ok")
    assert nxt.future is not None and nxt.future.result(timeout=5) == "ok"
    release.set()
    assert job.future is not None
    with pytest.raises(Cancelled):
        job.future.result(timeout=5)
    assert saved == []  # the stuck call's answer, when it came, was thrown away


def test_jobs_beyond_the_workers_wait_their_turn() -> None:
    runner = JobRunner(workers=1)
    release = threading.Event()
    first = runner.submit("u", 1, "甲", lambda job: release.wait(5))
    second = runner.submit("u", 2, "乙", lambda job: "ok")
    assert second.status == "排队中"
    release.set()
    assert first.future is not None and second.future is not None
    assert second.future.result(timeout=5) == "ok" and first.future.result(timeout=5)


def _slow_model() -> FakeOpenAI:
    # The answer stalls after its first pieces: long enough to close a tab or press 取消.
    return FakeOpenAI([Reply(DRAFT, chunk_chars=4, pause_after=2, pause=6.0)])


def _env(tmp_path: Path, fake: FakeOpenAI) -> dict[str, str]:
    env = app_env(tmp_path / "data")
    env.update(
        ASSISTANT_ENGINE="llm",
        ASSISTANT_OPENAI_BASE_URL=fake.base_url,
        ASSISTANT_OPENAI_API_KEY="sk-test",
        ASSISTANT_TIMEOUT="30",
    )
    return env


@contextlib.contextmanager
def _app_and_browser(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """The app drafting with a slow model, and a Chromium to open it in."""
    from playwright.sync_api import sync_playwright

    with (
        _slow_model() as fake,
        running_app(tmp_path, _env(tmp_path, fake)) as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=require_tool(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser, url
        finally:
            browser.close()


def _ready(page: object) -> None:
    """The page after the first start has indexed knowledge/: the facts box is there."""
    page.get_by_text("素材（还没有填写）").wait_for(timeout=180_000)  # type: ignore[attr-defined]


def _send(page: object, text: str) -> None:
    chat = page.get_by_test_id("stChatInputTextArea")  # type: ignore[attr-defined]
    chat.fill(text)
    chat.press("Enter")


REPORT_FACTS = "全年开展理论宣讲12场；" + FACTS.replace("\n", "；") + "；下一步将组建网评员队伍"


def _sent(page: Any, url: str, request: str) -> Any:
    """``page`` on the app, ``request`` sent."""
    page.goto(url)
    _ready(page)
    _send(page, request)
    return page


def _closed_mid_job(browser: Any, url: str, request: str, running: str) -> Any:
    """Send ``request`` in a fresh tab, close the tab once ``running`` shows, open a new one."""
    first = _sent(browser.new_context().new_page(), url, request)
    first.get_by_text(running, exact=False).first.wait_for(timeout=120_000)
    first.context.close()  # the tab is gone while the model is still answering
    later = browser.new_context().new_page()
    later.goto(url)
    return later


@pytest.mark.slow
def test_a_request_survives_its_tab_closing(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with _app_and_browser(tmp_path) as (browser, url):
        request = "根据以下情况帮我写存在问题部分：" + FACTS.replace("\n", "；")
        later = _closed_mid_job(browser, url, request, "正在等待模型回复")
        draft = later.locator(".draft-text").first
        # Generous: the first draft of a fresh process on a loaded machine is slow; a page
        # that missed the answer would wait forever, not just long.
        expect(draft).to_contain_text("基层专职宣传干部仅有3名", timeout=240_000)
        expect(draft).to_contain_text("〔F2〕")


@pytest.mark.slow
def test_a_whole_report_goes_on_when_its_tab_closes(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with _app_and_browser(tmp_path) as (browser, url):
        request = "根据以下情况逐节起草全文：" + REPORT_FACTS
        later = _closed_mid_job(browser, url, request, "（第1/3节")
        # One job drafts every section; the reopened page follows it and shows them all.
        expect(later.locator(".draft-text")).to_have_count(3, timeout=300_000)
        expect(later.get_by_text("已取消", exact=False)).to_have_count(0)


@pytest.mark.slow
def test_cancelling_a_whole_report_keeps_the_sections_already_drafted(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with _app_and_browser(tmp_path) as (browser, url):
        page = _sent(browser.new_page(), url, "根据以下情况逐节起草全文：" + REPORT_FACTS)
        page.get_by_text("（第2/3节", exact=False).first.wait_for(timeout=180_000)
        page.get_by_role("button", name="取消").first.click()
        expect(page.get_by_text("已取消：已起草的", exact=False)).to_be_visible(timeout=60_000)
        page.wait_for_timeout(8_000)  # past the model's stall: nothing arrives later
        page.reload()
        expect(page.get_by_text("已取消：已起草的", exact=False)).to_be_visible(timeout=60_000)
        expect(page.locator(".draft-text")).to_have_count(1)


@pytest.mark.slow
def test_cancel_leaves_no_draft_and_says_so(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with _app_and_browser(tmp_path) as (browser, url):
        page = _sent(browser.new_page(), url, "根据以下情况帮我写存在问题部分：" + FACTS.replace("\n", "；"))
        page.get_by_role("button", name="取消").first.click(timeout=60_000)
        expect(page.get_by_text("已取消：这次要求没有生成草稿", exact=False)).to_be_visible(
            timeout=30_000
        )
        page.wait_for_timeout(8_000)  # past the model's stall: nothing arrives later
        page.reload()
        expect(page.get_by_text("已取消：这次要求没有生成草稿", exact=False)).to_be_visible(
            timeout=60_000
        )
        expect(page.locator(".draft-text")).to_have_count(0)


@pytest.mark.slow
def test_cancel_while_the_model_says_nothing_stops_at_once_and_loses_nothing(
    tmp_path: Path,
) -> None:
    """The model accepts the request and then stalls before its first word (the usual way a
    busy endpoint fails): 取消 stops the wait at once, in Chinese, and the request, the facts
    and the conversation stay; the next request is answered."""
    from playwright.sync_api import expect, sync_playwright

    stall = 120.0  # far beyond the wait below; the app's own timeout is 90 s
    with (
        FakeOpenAI([Reply(DRAFT, delay=stall), Reply(DRAFT)]) as fake,
        running_app(tmp_path, {**_env(tmp_path, fake), "ASSISTANT_TIMEOUT": "90"}) as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=require_tool(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            _ready(page)
            request = "根据以下情况帮我写存在问题部分：\n" + FACTS
            _send(page, request)
            expect(page.get_by_text("正在等待模型回复", exact=False).first).to_be_visible(
                timeout=60_000
            )
            deadline = time.monotonic() + 60  # the model has the request and says nothing
            while not fake.requests:
                assert time.monotonic() < deadline, "the request never reached the model"
                time.sleep(0.1)
            page.get_by_role("button", name="取消").first.click()
            expect(page.get_by_text("已取消：这次要求没有生成草稿", exact=False)).to_be_visible(
                timeout=10_000  # not when the model's 90 s are up
            )
            expect(page.get_by_text("正在等待模型回复", exact=False)).to_have_count(0)
            # nothing lost: the request as typed, line by line, and its facts in the 素材 box
            bubble = page.get_by_test_id("stChatMessage").filter(has_text="根据以下情况").first
            assert "：\n理论学习形式单一" in bubble.inner_text()
            expect(page.get_by_text("素材（3 条）")).to_be_visible()
            # the conversation is free: the next request is answered, from the same facts
            _send(page, "帮我写存在问题部分")
            draft = page.locator(".draft-text").first
            expect(draft).to_contain_text("基层专职宣传干部仅有3名", timeout=60_000)
            page.reload()
            expect(page.get_by_text("已取消：这次要求没有生成草稿", exact=False)).to_be_visible(
                timeout=60_000
            )
            expect(page.locator(".draft-text")).to_have_count(1)
        finally:
            browser.close()
