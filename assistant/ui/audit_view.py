"""The audit log in the sidebar (记录 tab) and the export hook that writes to it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import streamlit as st

from assistant.errors import AssistantError
from assistant.sessions import AUDIT_ACTIONS, AUDIT_SCOPES, AuditEntry, audit_csv
from assistant.ui.auth import can_edit_library
from assistant.ui.render import escape_md
from assistant.ui.state import Ctx

T = TypeVar("T")
SHOWN = 30  # entries listed in the sidebar; the CSV has all (up to the store's limit)


def logged_export(ctx: Ctx, cid: int, what: str, fmt: str, make: Callable[[], T]) -> Callable[[], T]:
    """A download's data callable that records the export when the user clicks (Streamlit
    runs it then, not at render time)."""

    def data() -> T:
        result = make()
        # The file still goes out: a failed log write must not block the user's download.
        with contextlib.suppress(AssistantError):
            ctx.store.record("export", what, fmt, cid=cid)
        return result

    return data


def _when(at: str) -> str:
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return at


def entry_line(e: AuditEntry, with_actor: bool) -> str:
    """One Markdown line of the list: when, (who), what, on what."""
    who = f"{escape_md(e.actor_name)} · " if with_actor else ""
    detail = f"（{escape_md(e.detail)}）" if e.detail else ""
    action = AUDIT_ACTIONS.get(e.action, e.action)
    return f"- {_when(e.at)} · {who}**{action}** {escape_md(e.target)}{detail}"


def render_audit(ctx: Ctx) -> None:
    scopes = ["workspace"]
    if ctx.store.admin or can_edit_library(ctx.user, ctx.settings):
        scopes.append("library")
    scope = st.radio(
        "查看",
        scopes,
        format_func=lambda s: "我的工作区" if s == "workspace" else AUDIT_SCOPES[s],
        horizontal=True,
        key="audit_scope",
    )
    everyone = False
    if ctx.store.admin and scope == "workspace" and not ctx.user.is_local:
        everyone = st.checkbox("所有用户（管理员）", key="audit_everyone")
    try:
        entries = ctx.store.audit_log(scope, everyone=everyone)
    except AssistantError as exc:
        st.error(str(exc))
        return
    if not entries:
        st.caption("还没有记录。起草、修改、导出、上传、删除都会记在这里。")
        return
    st.markdown("\n".join(entry_line(e, everyone or scope == "library") for e in entries[:SHOWN]))
    if len(entries) > SHOWN:
        st.caption(f"只列出最近 {SHOWN} 条，共 {len(entries)} 条；完整记录请下载 CSV。")
    st.download_button(
        "下载记录（CSV）",
        data=audit_csv(entries),
        file_name=f"操作记录_{'范文库' if scope == 'library' else '工作区'}.csv",
        mime="text/csv",
        key=f"audit_csv_{scope}_{int(everyone)}",
        on_click="ignore",
    )
