"""Sidebar: conversations, the sample library (范文库) and the model settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.errors import AssistantError
from assistant.models import Role
from assistant.sessions import DEFAULT_TITLE
from assistant.ui import state
from assistant.ui.auth import LOCAL_MODE_LABEL, can_edit_library
from assistant.ui.jobs import Cancelled, Job
from assistant.ui.render import escape_md, outline_markdown, section_heading, short_title
from assistant.ui.signin import render_sign_out
from assistant.ui.state import ENGINE_CHOICES, SECRET_KEY, Ctx
from assistant.ui.uploads import FileProgress, UploadOutcome, ingest_uploads


def current_conversation(ctx: Ctx) -> int:
    """The open conversation: the one chosen in this session, else this user's most recent
    one, else an empty one (the store lists only the current user's conversations)."""
    cid = st.session_state.get("cid")
    convs = ctx.store.list_conversations()
    if cid is not None and any(c.id == cid for c in convs):
        return int(cid)
    cid = convs[0].id if convs else _empty_conversation(ctx)
    st.session_state["cid"] = cid
    return int(cid)


def _empty_conversation(ctx: Ctx) -> int:
    """This user's empty conversation if there is one (reused: "新对话" and first visits do
    not pile up empty entries), else a new one."""
    empty = ctx.store.empty_conversation_ids()
    return max(empty) if empty else ctx.store.create_conversation(DEFAULT_TITLE).id


def render_sidebar(ctx: Ctx, cid: int) -> None:
    with st.sidebar:
        st.markdown("### 公文报告起草助手")
        if ctx.user.is_local:
            st.caption(f"{LOCAL_MODE_LABEL}（未配置登录，所有数据保存在本机）")
        else:
            who = ctx.user.name
            if ctx.user.email and ctx.user.email != who:
                who = f"{who}（{ctx.user.email}）"
            st.caption(f"已登录：{escape_md(who)}")
            render_sign_out()
        # on_change="rerun" tells us which tab is open, so the library (which loads the index)
        # is only built when someone looks at it: the first page comes up without it.
        tab_conv, tab_lib, tab_set, tab_log = st.tabs(
            ["对话", "范文库", "设置", "记录"], key="side_tab", on_change="rerun"
        )
        with tab_conv:
            _conversations(ctx, cid)
        if tab_lib.open is not False:
            with tab_lib:
                _library(ctx)
        with tab_set:
            _settings(ctx)
        if tab_log.open is not False:
            with tab_log:
                from assistant.ui.audit_view import render_audit

                render_audit(ctx)


# ---- conversations -----------------------------------------------------------------------


def _open(cid: int) -> None:
    st.session_state["cid"] = cid


def _new_conversation(ctx: Ctx) -> None:
    st.session_state["cid"] = _empty_conversation(ctx)


def _conversations(ctx: Ctx, cid: int) -> None:
    st.button(
        "＋ 新对话",
        key="new_conv",
        on_click=_new_conversation,
        args=(ctx,),
        use_container_width=True,
    )
    empty = ctx.store.empty_conversation_ids() - {cid}  # listed only while open
    for conv in ctx.store.list_conversations():
        if conv.id in empty:
            continue
        st.button(
            short_title(conv.title),
            key=f"conv_{conv.id}",
            help=escape_md(conv.title),
            on_click=_open,
            args=(conv.id,),
            type="primary" if conv.id == cid else "secondary",
            use_container_width=True,
        )
    with st.expander("重命名或删除当前对话"):
        title = ctx.store.get_conversation(cid).title
        new_title = st.text_input("对话名称", value=title, key=f"rename_{cid}")
        if st.button("保存名称", key=f"rename_btn_{cid}") and new_title.strip():
            ctx.store.rename_conversation(cid, new_title)
            st.rerun()
        sure = st.checkbox("确认删除（对话中的素材和草稿将一并删除）", key=f"del_ok_{cid}")
        if st.button("删除此对话", key=f"del_conv_{cid}", disabled=not sure):
            ctx.store.delete_conversation(cid)
            st.session_state.pop("cid", None)
            st.rerun()


# ---- library -------------------------------------------------------------------------------


def _library(ctx: Ctx) -> None:
    reports = state.reports(ctx)
    editor = can_edit_library(ctx.user, ctx.settings)
    st.caption(f"共 {len(reports)} 篇范文。列提纲时可以说“按第1篇范文的结构列个提纲”。")
    for i, rep in enumerate(reports, 1):
        label = f"{i}. {rep.title}"
        with st.expander(label):
            st.caption(f"{rep.n_sections} 个段落 · 文件：{Path(rep.source).name}")
            try:
                tree = state.outline(ctx, rep)
            except AssistantError as exc:
                st.error(str(exc))
                tree = []
            if tree:
                st.markdown(outline_markdown(tree))
                if st.toggle("类型依据与更正", key=f"roles_on_{rep.id}"):
                    _role_editor(ctx, rep.id, rep.title, tree, editor)
            if editor and st.button("删除此范文", key=f"del_rep_{rep.id}"):
                try:
                    ctx.assistant.remove_report(rep.id)
                except AssistantError as exc:
                    st.error(str(exc))
                else:
                    ctx.store.record_library("delete", f"《{rep.title}》", Path(rep.source).name)
                    _drop_uploaded_file(ctx, rep.source)
                    state.library_changed()
                    st.session_state["upload_results"] = []
                    st.rerun()
    if not editor:
        st.caption("范文库由大家共用：只有范文库编辑或管理员可以上传、删除范文。")
        return
    st.markdown("**上传范文**")
    _uploads(ctx)


def _role_editor(
    ctx: Ctx, report_id: str, title: str, tree: list[dict[str, Any]], editor: bool
) -> None:
    """Each section's role with its confidence and reasons, and (for library editors) a select
    to correct it. A saved correction is stored with the index and used by the next search."""
    if not editor:
        for s in tree:
            heading = escape_md(section_heading(s))
            st.caption(
                f"{heading} · {Role(str(s.get('role', 'other'))).label} · "
                f"把握 {float(s.get('role_confidence', 1.0)):.0%} · {escape_md(str(s.get('role_evidence') or '—'))}"
            )
        return
    roles = list(Role)
    with st.form(key=f"roles_form_{report_id}", border=False):
        chosen: dict[str, Role] = {}
        for s in tree:
            sid = str(s["id"])
            heading = section_heading(s)
            current = Role(str(s.get("role", "other")))
            conf = float(s.get("role_confidence", 1.0))
            chosen[sid] = st.selectbox(
                f"{sid} {heading[:24]}",
                roles,
                index=roles.index(current),
                format_func=lambda r: r.label,
                key=f"role_{report_id}_{sid}",
            )
            st.caption(f"把握 {conf:.0%} · {escape_md(str(s.get('role_evidence') or '—'))}")
        if st.form_submit_button("保存类型更正"):
            changes = [(sid, r) for sid, r in chosen.items() if r is not Role(str(_by_id(tree, sid)["role"]))]
            try:
                for sid, r in changes:
                    ctx.assistant.correct_role(report_id, sid, r)
                    heading = section_heading(_by_id(tree, sid))
                    ctx.store.record_library("role", f"《{title}》", f"段落 {sid} {heading}：改为{r.label}")
            except AssistantError as exc:
                st.error(str(exc))
                return
            state.library_changed()
            # children that followed a corrected parent show their new role after the rerun
            for key in [k for k in st.session_state if str(k).startswith(f"role_{report_id}_")]:
                del st.session_state[key]
            st.session_state["role_saved"] = f"已保存 {len(changes)} 处类型更正，检索立即按新类型进行。"
            st.rerun()
    saved = st.session_state.pop("role_saved", None)
    if saved:
        st.success(saved)


def _by_id(tree: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    return next(s for s in tree if str(s["id"]) == sid)


def _drop_uploaded_file(ctx: Ctx, source: str) -> None:
    """A deleted report that came in through the uploader leaves the uploads folder too."""
    path = Path(source)
    try:
        if path.resolve().parent == ctx.upload_dir.resolve():
            path.unlink(missing_ok=True)
    except OSError:
        pass


# The job slot of the library's uploads (conversation ids start at 1): one upload at a time
# per user, which goes on when the tab closes and can be cancelled.
UPLOAD_JOB = 0


def _uploads(ctx: Ctx) -> None:
    n = st.session_state.setdefault("uploader_n", 0)
    for outcome in st.session_state.get("upload_results", []):
        if outcome.ok:
            st.success(outcome.message)
        else:
            st.error(outcome.message)
        for w in outcome.warnings:
            st.warning(w)
    running = state.jobs().running(ctx.user.id, UPLOAD_JOB)
    if running is not None:  # sent before a reload or from another tab
        _upload_progress(ctx, running)
        return
    files = st.file_uploader(
        "支持 .txt .md .docx .pdf，可多选",
        type=["txt", "md", "docx", "pdf"],
        accept_multiple_files=True,
        key=f"uploader_{n}",
        max_upload_size=max(1, int(ctx.settings.max_file_mb)),
    )
    if not files:
        return
    uploads = [_Saved(f.name, f.getvalue()) for f in files]  # the bytes, not the widget's
    st.session_state["uploader_n"] = n + 1  # a fresh, empty uploader
    job = state.jobs().submit(ctx.user.id, UPLOAD_JOB, f"正在导入 {len(uploads)} 个文件",
                              _upload_work(ctx, uploads))  # fmt: skip
    bar = st.progress(0.0, text=job.label)
    cancel = st.empty()
    cancel.button("取消导入", key=f"cancel_upload_{n}", on_click=_cancel_upload, args=(ctx,))
    while not job.done:  # this run waits; if it is stopped the job goes on
        bar.progress(job.fraction, text=f"{job.label}{job.progress}（{job.status}）")
        time.sleep(0.1)
    _upload_finished(job)


@dataclass
class _Saved:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def _upload_work(ctx: Ctx, uploads: list[_Saved]) -> Callable[[Job], list[UploadOutcome]]:
    def work(job: Job) -> list[UploadOutcome]:
        def progress_for(name: str) -> FileProgress:
            def update(frac: float, text: str) -> None:
                job.fraction = min(max(frac, 0.0), 1.0)
                job.progress = f"：{text}"

            return update

        outcomes = ingest_uploads(ctx.assistant, uploads, ctx.upload_dir, progress_for, job.check)
        for outcome in outcomes:
            if outcome.ok:
                ctx.store.record_library("upload", outcome.name, "、".join(outcome.report_ids))
        return outcomes

    return work


def _cancel_upload(ctx: Ctx) -> None:
    state.jobs().cancel(ctx.user.id, UPLOAD_JOB)


def _upload_finished(job: Job) -> None:
    """The outcome above the uploader, the library lists again, the page again."""
    assert job.future is not None
    try:
        outcomes = job.future.result()
    except Cancelled:
        outcomes = [UploadOutcome("", False, "已取消导入：范文库保持原样，没有保存任何文件。")]
    except AssistantError as exc:
        outcomes = [UploadOutcome("", False, str(exc))]
    st.session_state["upload_results"] = outcomes
    state.library_changed()
    st.rerun()


def _upload_progress(ctx: Ctx, job: Job) -> None:
    @st.fragment(run_every=0.5)
    def progress() -> None:
        if job.done:
            _upload_finished(job)
        st.progress(job.fraction, text=f"{job.label}{job.progress}（{job.status}，关闭页面也会继续）")
        st.button("取消导入", key="cancel_upload_pending", on_click=_cancel_upload, args=(ctx,))

    progress()


# ---- settings ------------------------------------------------------------------------------


def _save_pref(ctx: Ctx, key: str, widget: str) -> None:
    value = st.session_state.get(widget)
    ctx.store.set_setting(key, str(value) if value else None)


def _settings(ctx: Ctx) -> None:
    state.init_model_prefs(ctx)
    st.radio(
        "起草方式",
        options=list(ENGINE_CHOICES),
        format_func=lambda k: ENGINE_CHOICES[k],
        key="ui_engine",
        on_change=_save_pref,
        args=(ctx, "engine", "ui_engine"),
    )
    if st.session_state.get("ui_engine") == "llm":
        st.text_input(
            "接口地址（Base URL）",
            key="ui_base_url",
            placeholder="例如 https://api.deepseek.com/v1 或 http://localhost:11434/v1",
            on_change=_save_pref,
            args=(ctx, "base_url", "ui_base_url"),
        )
        st.text_input(
            "模型名称", key="ui_model", on_change=_save_pref, args=(ctx, "llm_model", "ui_model")
        )
        stored = ctx.store.get_secret(SECRET_KEY)
        st.text_input(
            "API 密钥",
            key="ui_key",
            type="password",
            placeholder="已保存（不显示）" if stored else "只保存在本次会话的内存中",
        )
        remember = st.checkbox(
            "记住密钥（加密保存，只供您本人使用）", value=bool(stored), key="ui_remember"
        )
        typed = (st.session_state.get("ui_key") or "").strip()
        if remember and typed and typed != stored:
            ctx.store.set_secret(SECRET_KEY, typed, remember_key=True)
            st.caption("密钥已加密保存。")
        elif not remember and stored:
            ctx.store.forget_secret(SECRET_KEY)
            st.caption("已删除保存的密钥。")
        if not state.effective_settings(ctx).llm_configured:
            st.caption("还没有填写接口地址或密钥：起草时会自动改用离线起草。")
        if st.button("测试连接", key="test_conn"):
            with st.spinner("正在连接模型接口…"):
                try:
                    reply = ctx.assistant.test_connection(state.effective_settings(ctx))
                except AssistantError as exc:
                    st.error(str(exc))
                else:
                    st.success(f"连接成功：{escape_md(reply)}")
    else:
        st.caption("离线起草不需要模型和网络：按范文的结构组织您的素材，不编造内容。")
