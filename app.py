"""Streamlit entry (`make run`): sidebar (conversations, 范文库, settings) and the chat.

All logic lives in assistant/ (service, intent, sessions, export); assistant/ui/ holds the
Streamlit components. Started from any working directory: paths come from Settings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from assistant.ui.state import Ctx

# `streamlit run app.py` puts the script's folder on sys.path, but be explicit for other runners.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

CHAT_PLACEHOLDER = "输入要求，例如：帮我写存在问题部分"
MAIN_TABS = ["对话", "审稿台"]


def main() -> None:
    # A material icon, not the emoji 📝: checking an emoji loads Streamlit's emoji table,
    # ~0.4 s of every cold start before the chat input could be sent.
    st.set_page_config(page_title="公文报告起草助手", page_icon=":material/edit_note:", layout="wide")
    from assistant.ui import signin

    # With sign-in configured nothing else is shown (nor loaded) before the user signs in.
    if signin.sign_in_configured() and not signin.signed_in():
        signin.render_sign_in_page()
        return
    # The chat input is pinned to the bottom wherever it is created: create it before the
    # first run imports the service and the index, so the page is usable at once.
    prompt = st.chat_input(CHAT_PLACEHOLDER, key="chat")
    if "assistant.ui.state" not in sys.modules:
        # First run of the process: the imports below hold the GIL for a while; a short pause
        # lets the server thread send the page so far (~0.4 s earlier on screen, see
        # benchmarks/app.py). Later runs have the modules loaded and skip this.
        time.sleep(0.05)

    from assistant.errors import AssistantError
    from assistant.ui import state
    from assistant.ui.chat import render_main
    from assistant.ui.render import page_css
    from assistant.ui.sidebar import current_conversation, render_sidebar

    try:
        ctx = state.get_ctx()
        st.markdown(page_css(ctx.settings.max_file_mb), unsafe_allow_html=True)
        ensure_corpus(ctx)
        cid = current_conversation(ctx)
        if prompt:  # a chat request is answered in the chat, whichever tab was open
            st.session_state["main_tab"] = MAIN_TABS[0]
        # Only the open tab runs (on_change="rerun"): the desk costs nothing while chatting.
        tab_chat, tab_desk = st.tabs(MAIN_TABS, key="main_tab", on_change="rerun")
        # Main area first: the chat is usable before the sidebar loads the library.
        if tab_chat.open is not False:
            with tab_chat:
                render_main(ctx, cid, prompt)
        if tab_desk.open:
            from assistant.ui.desk import render_desk

            with tab_desk:
                render_desk(ctx, cid)
        render_sidebar(ctx, cid)
        # After the first page is on screen, not competing with it.
        state.warm_up(ctx.assistant)
    except AssistantError as exc:
        st.error(str(exc))


def ensure_corpus(ctx: Ctx) -> None:
    """Index knowledge/ on the very first start (progress bar); later runs skip this check."""
    from assistant.ui import state

    if st.session_state.get("_corpus_checked"):
        return
    if ctx.store.get_app_setting(state.SEEDED_KEY) is None:
        if not state.reports(ctx):
            bar = st.progress(0.0, text="首次启动：正在为范文库建立索引…")

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(
                    min(done / max(total, 1), 1.0), text=f"正在建立索引（{done}/{total}）：{name}"
                )

            result = ctx.assistant.build_index(progress=progress)
            bar.empty()
            for path, err in result.failed:
                st.error(f"{path}：{err}")
            state.library_changed()
        ctx.store.set_app_setting(state.SEEDED_KEY, "1")
    st.session_state["_corpus_checked"] = True


main()
