"""Load on one app process: many users drafting at once, and a newcomer arriving while one user
runs a heavy request. Real `streamlit run` on 127.0.0.1, Chromium pages driven by Playwright
(each page is its own Streamlit session, with its own new conversation), each figure beside
the single-user figure measured in the same run. Bounded: USERS pages, one request each.

1. Enter -> draft on screen, p50/p95 over USERS users pressing Enter together (target p95
   <= 2 s), beside one user alone (median of REPEATS).
2. A newcomer's wait for the chat input and for the usable page (facts box) while another user
   drafts a whole report (逐节起草全文) over the largest fact set the limits allow (target
   <= 3 s), beside the same newcomer on an idle server.

Run: ``.venv/bin/python -m benchmarks.run load`` (part of ``make bench``). The machine is shared:
read the ratios and the load average printed with them.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.appserver import (
    CHROMIUM_ARGS,
    FACTS,
    ROOT,
    app_env,
    free_port,
    start_streamlit,
    stop,
)

USERS = 20
REPEATS = 3
P95_TARGET_S = 2.0
NEWCOMER_TARGET_S = 3.0
FACTS_LABEL = "本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）"
# Pages of one site share renderer processes: 20 tabs stay within the shared machine's memory.
BROWSER_ARGS = [*CHROMIUM_ARGS, "--renderer-process-limit=4"]


def _heavy_facts(settings: Any) -> str:
    """As many facts as the limits allow, each near the per-fact length limit."""
    kinds = ["开展理论宣讲{i}场，覆盖党员群众{n}人次", "存在问题{i}：部分单位学习形式单一，{n}名干部参学不足",
             "下一步将组建第{i}支网络评论员队伍，计划培训{n}人"]
    lines = []
    for i in range(settings.max_facts):
        base = kinds[i % 3].format(i=i + 1, n=(i + 1) * 7)
        lines.append((base + "，") * max(1, (settings.max_fact_chars - 20) // (len(base) + 1)))
    return "\n".join(line.rstrip("，")[: settings.max_fact_chars] for line in lines)


async def _ready_page(browser: Any, url: str, facts: str) -> Any:
    """A page in its own new conversation with the facts filled in."""
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(300_000)  # a shared, loaded machine: slow, but not broken
    await page.goto(url)
    await page.get_by_text("素材（", exact=False).first.wait_for(timeout=180_000)
    # Pages are set up one after another: the latest conversation is empty only if no page has
    # used it yet; else this page starts its own.
    if not await page.get_by_text("素材（还没有填写）").count():
        await page.get_by_role("button", name="＋ 新对话").click(timeout=300_000)
        await page.get_by_text("素材（还没有填写）").wait_for(timeout=300_000)
    box = page.get_by_label(FACTS_LABEL)
    while await box.count() != 1:  # the previous conversation's box leaves when the run ends
        await asyncio.sleep(0.1)
    await box.fill(facts)
    await box.press("Control+Enter")
    await page.get_by_text("F3", exact=True).first.wait_for(timeout=300_000)
    return page


async def _draft_time(page: Any, request: str = "帮我写存在问题部分") -> float:
    chat = page.get_by_test_id("stChatInputTextArea")
    await chat.fill(request)
    t0 = time.perf_counter()
    await chat.press("Enter")
    await page.locator(".draft-text").first.wait_for(timeout=300_000)
    return time.perf_counter() - t0


async def _newcomer(browser: Any, url: str) -> tuple[float, float]:
    """(chat input on screen, facts box on screen) in seconds after opening the page."""
    page = await browser.new_page()
    page.set_default_timeout(300_000)
    t0 = time.perf_counter()
    await page.goto(url)
    await page.get_by_test_id("stChatInputTextArea").wait_for(timeout=300_000)
    t_input = time.perf_counter() - t0
    await page.get_by_text("素材", exact=False).first.wait_for(timeout=300_000)
    t_page = time.perf_counter() - t0
    await page.close()
    return t_input, t_page


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _measure(chromium: str, url: str, heavy: str) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        try:
            warm = await _ready_page(browser, url, FACTS)
            await _draft_time(warm)  # first draft of the process: index and tokenizer loaded
            await warm.close()
            single = []
            for _ in range(REPEATS):
                page = await _ready_page(browser, url, FACTS)
                single.append(await _draft_time(page))
                await page.close()
            out["single"] = statistics.median(single)

            pages = [await _ready_page(browser, url, FACTS) for _ in range(USERS)]
            out["load_before"] = os.getloadavg()[0]
            many = await asyncio.gather(*(_draft_time(p) for p in pages))
            out["many"] = list(many)
            for p in pages:
                await p.close()

            idle = [await _newcomer(browser, url) for _ in range(REPEATS)]
            out["idle"] = (statistics.median(i[0] for i in idle), statistics.median(i[1] for i in idle))
            heavy_page = await _ready_page(browser, url, heavy)
            chat = heavy_page.get_by_test_id("stChatInputTextArea")
            await chat.fill("逐节起草全文")
            t0 = time.perf_counter()
            await chat.press("Enter")
            await asyncio.sleep(0.3)  # the heavy request is under way
            busy = []
            for _ in range(REPEATS):
                busy.append(await _newcomer(browser, url))
            out["busy"] = (statistics.median(b[0] for b in busy), statistics.median(b[1] for b in busy))
            out["busy_max"] = max(b[1] for b in busy)
            await heavy_page.locator(".draft-text").first.wait_for(timeout=600_000)
            out["heavy_first"] = time.perf_counter() - t0
            await heavy_page.close()
        finally:
            await browser.close()
    return out


def run() -> None:
    from benchmarks.app import find_chromium, indexed_data

    chromium = find_chromium()
    if chromium is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = indexed_data(work / "data")
        port = free_port()
        proc = start_streamlit(ROOT / "app.py", port, app_env(settings.data_dir), work)
        try:
            out = asyncio.run(_measure(chromium, f"http://127.0.0.1:{port}", _heavy_facts(settings)))
        finally:
            stop(proc)

    many, single = out["many"], out["single"]
    p50, p95 = statistics.median(many), _p95(many)
    (idle_in, idle_page), (busy_in, busy_page) = out["idle"], out["busy"]
    print(f"one app process, {USERS} users; load average {out['load_before']:.1f} "
          f"(1 min, {os.cpu_count()} cores, shared machine)")
    print(f"{'measure':52} {'value':>8} {'baseline':>9} {'ratio':>6} {'target':>7}")
    print(f"{'Enter → draft on screen, p95 of ' + str(USERS) + ' users at once':52} {p95:7.2f}s "
          f"{single:8.2f}s {p95 / single:5.1f}× {'≤2s':>7}  {'OK' if p95 <= P95_TARGET_S else 'MISSED'}")
    print(f"{'Enter → draft on screen, p50 of ' + str(USERS) + ' users at once':52} {p50:7.2f}s "
          f"{single:8.2f}s {p50 / single:5.1f}×")
    print(f"{'  (baseline: one user alone, median of ' + str(REPEATS) + ')':52}")
    print(f"{'newcomer: chat input on screen, during a heavy request':52} {busy_in:7.2f}s "
          f"{idle_in:8.2f}s {busy_in / idle_in:5.1f}× {'≤3s':>7}  "
          f"{'OK' if busy_in <= NEWCOMER_TARGET_S else 'MISSED'}")
    print(f"{'newcomer: facts box on screen, during a heavy request':52} {busy_page:7.2f}s "
          f"{idle_page:8.2f}s {busy_page / idle_page:5.1f}×  (max {out['busy_max']:.2f}s)")
    print(f"{'  (baseline: the same newcomer on an idle server, median of ' + str(REPEATS) + ')':52}")
    print(f"heavy request: 逐节起草全文 over {settings.max_facts} facts of ≤{settings.max_fact_chars} "
          f"characters, first section on screen after {out['heavy_first']:.1f}s")


if __name__ == "__main__":
    run()
