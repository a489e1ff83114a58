"""Load on one app process: many users drafting at once, and a newcomer arriving while one user
runs a heavy request. Real `streamlit run` on 127.0.0.1; each figure beside the single-user
figure measured in the same run. Bounded: USERS users, one request each.

1. Enter -> draft on screen, p50/p95 over USERS users pressing Enter together (target p95
   <= 2 s), beside one user alone (median of REPEATS).
2. A newcomer's wait for the chat input and for the usable page (facts box) while another user
   drafts a whole report (逐节起草全文) over the largest fact set the limits allow (target
   <= 3 s), beside the same newcomer on an idle server.

Who the users are. The simulated users of phase 1 are light clients (benchmarks/stclient.py):
each is a Streamlit session spoken to over the app's own websocket protocol, as a browser tab
speaks it, so the server does all it does for a tab (runs the script, keeps widget state,
reruns fragments, sends every element). They do not lay out or paint. Twenty headless Chromium
pages on this 2-core machine pushed the load average to 22 by themselves: the figure then
measured the browsers, not the app, while in production each user's browser runs on their own
machine. One real Chromium page drafts among them, as the check that the draft really renders
in a browser under that load (its time is printed too). The newcomer of phase 2 is a Chromium
page: "chat input on screen" is a browser's figure, and one page costs little.

Reliable on a loaded machine: every set-up and wait has its own time-out; a user whose set-up
fails is retried once and then left out (the run says how many took part), a draft that never
shows is reported with what its page showed instead; each phase prints its figures as soon as
they are measured; the app server and the browser are stopped whatever happens (also on
Ctrl+C or SIGTERM).

Run: ``.venv/bin/python -m benchmarks.load --users 5`` (default 20; or ``BENCH_USERS=5 python
-m benchmarks.run load``; part of ``make bench``). The machine is shared: read the ratios and
the load average printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

from benchmarks.stclient import StreamlitClient
from tests.appserver import (
    CHROMIUM_ARGS,
    FACTS,
    ROOT,
    app_env,
    bench_setup,
    served,
)

USERS = 20
REPEATS = 3
P95_TARGET_S = 2.0
NEWCOMER_TARGET_S = 3.0
SETUP_TIMEOUT_S = 120.0  # one user's page ready (own conversation, facts in)
DRAFT_TIMEOUT_S = 240.0  # Enter -> draft on screen, per user
HEAVY_TIMEOUT_S = 900.0  # the whole heavy report
REQUEST = "帮我写存在问题部分"
DRAFT_MARK = 'class="draft-text"'  # the reviewed draft view (assistant/ui/render.py)
FACTS_LABEL = "本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）"
BROWSER_ARGS = [*CHROMIUM_ARGS, "--renderer-process-limit=2"]


def say(text: str) -> None:
    print(text, flush=True)


def _heavy_facts(settings: Any) -> str:
    """As many facts as the limits allow, each near the per-fact length limit."""
    kinds = ["开展理论宣讲{i}场，覆盖党员群众{n}人次", "存在问题{i}：部分单位学习形式单一，{n}名干部参学不足",
             "下一步将组建第{i}支网络评论员队伍，计划培训{n}人"]  # fmt: skip
    lines = []
    for i in range(settings.max_facts):
        base = kinds[i % 3].format(i=i + 1, n=(i + 1) * 7)
        lines.append((base + "，") * max(1, (settings.max_fact_chars - 20) // (len(base) + 1)))
    return "\n".join(line.rstrip("，")[: settings.max_fact_chars] for line in lines)


# ---- light users ------------------------------------------------------------------------------


async def _setup(client: StreamlitClient, facts: str) -> None:
    """The client's page in its own new conversation with the facts in the facts box."""
    await client.run()
    await client.wait(lambda: client.runs_finished >= 1 and "new_conv" in client.widgets, 60)
    await client.run(new_conv=True)
    await client.wait_text("素材（还没有填写）", SETUP_TIMEOUT_S)
    await client.wait(lambda: any(k.startswith("facts_") for k in client.widgets), SETUP_TIMEOUT_S)
    box = next(k for k in client.widgets if k.startswith("facts_"))
    await client.run(**{box: facts})
    await client.wait_text("**F3**", SETUP_TIMEOUT_S)


@contextlib.asynccontextmanager
async def _light_users(port: int, n: int, facts: str) -> AsyncIterator[list[StreamlitClient]]:
    """Up to ``n`` ready users (a set-up that fails is retried once, then left out)."""
    async with contextlib.AsyncExitStack() as stack:
        ready: list[StreamlitClient] = []
        for i in range(n):
            for attempt in (1, 2):
                client = StreamlitClient(port)
                try:
                    await stack.enter_async_context(client)
                    await asyncio.wait_for(_setup(client, facts), SETUP_TIMEOUT_S + 60)
                    ready.append(client)
                    break
                except Exception as exc:
                    say(f"  user {i + 1}: set-up failed (attempt {attempt}): {exc}"[:300])
        yield ready


async def _light_draft(client: StreamlitClient, request: str = REQUEST) -> float:
    runs = client.runs_finished
    t0 = time.perf_counter()
    await client.run(chat=("chat", request))
    await client.wait_text(DRAFT_MARK, DRAFT_TIMEOUT_S)
    took = time.perf_counter() - t0
    # The run goes on after the draft is on screen (sidebar, export box): wait for its end,
    # so the next user alone does not share the server with this run's tail.
    await client.wait(lambda: client.runs_finished > runs, DRAFT_TIMEOUT_S)
    return took


# ---- a real browser ---------------------------------------------------------------------------


async def _browser_page(browser: Any, url: str, facts: str) -> Any:
    """A Chromium page in its own new conversation with the facts filled in."""
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(SETUP_TIMEOUT_S * 1000)
    await page.goto(url)
    await page.get_by_role("button", name="＋ 新对话").click()
    await page.get_by_text("素材（还没有填写）").wait_for()
    box = page.get_by_label(FACTS_LABEL)
    while await box.count() != 1:  # the previous conversation's box leaves when the run ends
        await asyncio.sleep(0.1)
    await box.fill(facts)
    await box.press("Control+Enter")
    await page.get_by_text("F3", exact=True).first.wait_for()
    return page


async def _browser_draft(page: Any) -> float:
    chat = page.get_by_test_id("stChatInputTextArea")
    await chat.fill(REQUEST)
    t0 = time.perf_counter()
    await chat.press("Enter")
    await page.locator(".draft-text").first.wait_for(timeout=DRAFT_TIMEOUT_S * 1000)
    return time.perf_counter() - t0


async def _newcomer(browser: Any, url: str) -> tuple[float, float]:
    """(chat input on screen, facts box on screen) in seconds after opening the page."""
    page = await browser.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=SETUP_TIMEOUT_S * 1000)
        await page.get_by_test_id("stChatInputTextArea").wait_for(timeout=SETUP_TIMEOUT_S * 1000)
        t_input = time.perf_counter() - t0
        await page.get_by_text("素材（", exact=False).first.wait_for(timeout=SETUP_TIMEOUT_S * 1000)
        return t_input, time.perf_counter() - t0
    finally:
        await page.close()


# ---- the phases -------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _outcome(result: float | BaseException) -> str:
    return f"{result:.2f}s" if isinstance(result, float) else f"未完成（{result}）"[:300]


async def _phase_many(port: int, url: str, browser: Any, users: int) -> None:
    async with _light_users(port, REPEATS + 1, FACTS) as alone:
        if not alone:
            say("phase 1: no user could be set up; skipped")
            return
        await _light_draft(alone[0])  # first draft of the process: index and tokenizer loaded
        single = [await _light_draft(c) for c in alone[1:]] or [await _light_draft(alone[0])]
    base = statistics.median(single)
    say(f"one user alone: Enter → draft on screen {base:.2f}s (median of {len(single)})")

    async with _light_users(port, users - 1, FACTS) as clients:
        page = None
        try:
            page = await _browser_page(browser, url, FACTS)
        except Exception as exc:
            say(f"  browser page: set-up failed: {exc}"[:300])
        load = os.getloadavg()[0]
        waits = [_light_draft(c) for c in clients] + ([_browser_draft(page)] if page else [])
        results = await asyncio.gather(*waits, return_exceptions=True)
    done = [r for r in results if isinstance(r, float)]
    failed = [(i, r) for i, r in enumerate(results) if not isinstance(r, float)]
    say(f"{len(results)} users pressed Enter together ({len(clients)} light clients"
        f"{' + 1 Chromium page' if page else ''}); load average before: {load:.1f} "
        f"(1 min, {os.cpu_count()} cores, shared machine)")  # fmt: skip
    if done:
        p50, p95 = statistics.median(done), _p95(done)
        say(f"{'Enter → draft on screen, p95':40} {p95:7.2f}s  beside one user {base:.2f}s "
            f"({p95 / base:.1f}×)  target ≤{P95_TARGET_S:.0f}s "
            f"{'OK' if p95 <= P95_TARGET_S and not failed else 'MISSED'}")  # fmt: skip
        say(f"{'Enter → draft on screen, p50':40} {p50:7.2f}s  ({p50 / base:.1f}×)")
    if page is not None:
        say(f"  the Chromium page among them: {_outcome(results[-1])}")
    for i, err in failed:
        who = "Chromium page" if page is not None and i == len(results) - 1 else f"user {i + 1}"
        say(f"  {who}: {_outcome(err)}")
    if page is not None:
        await page.close()


async def _phase_newcomer(port: int, url: str, browser: Any, heavy: str, settings: Any) -> None:
    idle = [await _newcomer(browser, url) for _ in range(REPEATS)]
    idle_in, idle_page = (statistics.median(i[k] for i in idle) for k in (0, 1))
    say(f"newcomer on an idle server: chat input {idle_in:.2f}s, facts box {idle_page:.2f}s "
        f"(median of {REPEATS})")  # fmt: skip
    async with _light_users(port, 1, heavy) as heavy_user:
        if not heavy_user:
            say("phase 2: the heavy user could not be set up; skipped")
            return
        t0 = time.perf_counter()
        await heavy_user[0].run(chat=("chat", "逐节起草全文"))
        await asyncio.sleep(0.5)  # the heavy request is under way
        busy = [await _newcomer(browser, url) for _ in range(REPEATS)]
        busy_in, busy_page = (statistics.median(b[k] for b in busy) for k in (0, 1))
        say(f"{'newcomer: chat input, during a heavy request':46} {busy_in:7.2f}s  beside idle "
            f"{idle_in:.2f}s ({busy_in / idle_in:.1f}×)  target ≤{NEWCOMER_TARGET_S:.0f}s "
            f"{'OK' if busy_in <= NEWCOMER_TARGET_S else 'MISSED'}")  # fmt: skip
        say(f"{'newcomer: facts box, during a heavy request':46} {busy_page:7.2f}s  beside idle "
            f"{idle_page:.2f}s ({busy_page / idle_page:.1f}×)  max {max(b[1] for b in busy):.2f}s")
        try:
            await heavy_user[0].wait_text(DRAFT_MARK, HEAVY_TIMEOUT_S)
            took = f"on screen after {time.perf_counter() - t0:.1f}s"
        except TimeoutError as exc:
            took = f"未完成（{exc}）"
        say(f"heavy request: 逐节起草全文 over {settings.max_facts} facts of "
            f"≤{settings.max_fact_chars} characters (one job), {took}")  # fmt: skip


async def _measure(chromium: str, port: int, url: str, users: int, settings: Any) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        try:
            for name, phase in (
                ("phase 1", _phase_many(port, url, browser, users)),
                ("phase 2", _phase_newcomer(port, url, browser, _heavy_facts(settings), settings)),
            ):
                say(f"-- {name} --")
                try:
                    await phase
                except Exception as exc:  # a phase that breaks does not lose the others
                    say(f"{name} failed: {type(exc).__name__}: {exc}"[:400])
        finally:
            await browser.close()


def run(users: int | None = None) -> None:
    users = users or int(os.environ.get("BENCH_USERS") or USERS)

    def stop_on_signal(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds: the server and the browser are stopped

    old = signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        with contextlib.ExitStack() as stack:
            chromium, work, settings = stack.enter_context(bench_setup())
            app = ROOT / "app.py"
            port, url = stack.enter_context(served(app, app_env(settings.data_dir), work))
            say(f"one app process on {url}, {users} users")
            asyncio.run(_measure(chromium, port, url, users, settings))
    finally:
        signal.signal(signal.SIGTERM, old)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="负载测试：一个应用进程上多名用户同时起草")
    parser.add_argument("--users", type=int, default=None, help=f"同时起草的用户数（默认 {USERS}）")
    args = parser.parse_args(argv)
    run(args.users)
    return 0


if __name__ == "__main__":
    sys.exit(main())
