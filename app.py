"""Streamlit entry (`make run`): sidebar (conversations, 范文库, settings) and the chat.

All logic lives in assistant/ (service, intent, sessions, export); assistant/ui/ holds the
Streamlit components. Started from any working directory: paths come from Settings.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app.py` puts the script's folder on sys.path, but be explicit for other runners.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st

from assistant.errors import AssistantError
from assistant.ui import state
from assistant.ui.chat import render_main
from assistant.ui.render import PAGE_CSS
from assistant.ui.sidebar import current_conversation, render_sidebar


def ensure_corpus(ctx: state.Ctx) -> None:
    """Index knowledge/ on the very first start (progress bar); later runs skip this check."""
    if st.session_state.get("_corpus_checked"):
        return
    if ctx.store.get_setting(state.SEEDED_KEY) is None:
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
        ctx.store.set_setting(state.SEEDED_KEY, "1")
    st.session_state["_corpus_checked"] = True


def main() -> None:
    st.set_page_config(page_title="公文报告起草助手", page_icon="📝", layout="wide")
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    try:
        ctx = state.get_ctx()
        ensure_corpus(ctx)
        cid = current_conversation(ctx)
        # Main area first: the chat is usable before the sidebar loads the library.
        render_main(ctx, cid)
        render_sidebar(ctx, cid)
    except AssistantError as exc:
        st.error(str(exc))


main()
