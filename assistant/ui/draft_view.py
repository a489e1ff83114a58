"""One draft message: the highlighted draft with its flags, and beside it the exemplars, the
facts (已用/未用), the review, the editor's compare view and the section's version history."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import streamlit as st

from assistant.errors import AssistantError
from assistant.flag_marks import (
    FlagId,
    carry_marks,
    dump_marks,
    flag_id,
    load_marks,
    markable,
    marked_flags,
    marks_key,
    remaining,
)
from assistant.models import Draft, Flag, Review
from assistant.service import EDITED_ENGINE, PASTED_ENGINE, Assistant
from assistant.sessions import DraftVersion, SessionStore
from assistant.ui.audit_view import logged_export
from assistant.ui.render import (
    ENGINE_LABELS,
    diff_html,
    escape_md,
    export_warning,
    facts_markdown,
    file_name,
    flag_label,
    flag_legend_html,
    flag_lines,
    gaps_only,
    highlight_html,
    role_label,
    split_heading,
    strip_markers,
    used_facts,
    verdict_long,
    verdict_short,
    why_plain,
    why_text,
)
from assistant.ui.state import Ctx

if TYPE_CHECKING:  # python-docx is imported only when a file is downloaded
    from assistant.export import ExportSection

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def section_export(draft: Draft) -> ExportSection:
    from assistant.export import ExportSection

    heading, body = split_heading(draft.text)
    return ExportSection(heading=strip_markers(heading) if heading else role_label(draft.role),
                         level=1, text=body)  # fmt: skip


def section_file(draft: Draft, title: str, kind: str) -> bytes | str:
    """The section alone as .docx bytes or Markdown text (built when the user downloads)."""
    from assistant.export import to_docx, to_markdown

    sections = [section_export(draft)]
    return to_docx(title, sections) if kind == "docx" else to_markdown(title, sections)


EDIT_INSTRUCTION = "手动修改"


def version_marks(store: SessionStore, version: DraftVersion) -> set[FlagId]:
    """The flags of this version the editor marked as checked. A version never marked takes
    the marks of the one before it (an edit keeps what was checked on the same text)."""
    marks: set[FlagId] = set()
    for v in store.versions(version.conversation_id, version.section_key):
        if v.version > version.version:
            break
        raw = store.get_meta(v.conversation_id, marks_key(v.section_key, v.version))
        marks = load_marks(raw) if raw is not None else carry_marks(marks, v.draft.review.flags)
    return marks


def open_review(store: SessionStore, version: DraftVersion) -> tuple[Review, int]:
    """The version's review with only the flags not marked as checked, and how many are."""
    marks = version_marks(store, version)
    review = version.draft.review
    return remaining(review, marks), len(marked_flags(review.flags, marks))


def _set_mark(ctx: Ctx, version: DraftVersion, fid: FlagId, checked: bool) -> None:
    marks = version_marks(ctx.store, version)
    marks = marks | {fid} if checked else marks - {fid}
    ctx.store.set_meta(
        version.conversation_id, marks_key(version.section_key, version.version), dump_marks(marks)
    )


def render_draft(ctx: Ctx, version: DraftVersion, in_chat: bool = True) -> None:
    """``in_chat``: a saved edit is also posted to the conversation as a new message (the
    editor's desk shows the newest version of its text instead)."""
    d = version.draft
    shown, marked = open_review(ctx.store, version)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        bits = [
            f"**{role_label(d.role)}**",
            f"第{version.version}版",
            ENGINE_LABELS.get(d.engine, d.engine),
            verdict_short(shown, marked),
        ]
        if version.accepted:
            bits.append(":green-badge[已采用]")
        st.markdown(" · ".join(bits))
        if version.instruction:
            st.caption(f"修改要求：{version.instruction}")
        if d.notice:
            st.warning(d.notice)
        if d.review.verdict == "unverified":
            # Say why beside the badge: a text that was not checked must not look checked.
            st.info("未能审核：" + ("".join(d.review.notes) or "请人工核对。"))
        # a flag marked as checked is no longer highlighted; it stays listed in 审核
        st.markdown(highlight_html(d.text, shown.flags), unsafe_allow_html=True)
        _flag_list(shown.flags, marked)
        _editor(ctx, version, in_chat)
    with right:
        t_ex, t_facts, t_review, t_cmp, t_ver = st.tabs(["范文", "素材", "审核", "对照", "版本"])
        with t_ex:
            _exemplars(d)
        with t_facts:
            _facts(d)
        with t_review:
            _review(ctx, version, shown, marked)
        with t_cmp:
            _compare(d)
        with t_ver:
            _versions(ctx, version, shown)


def _save_edit(ctx: Ctx, version: DraftVersion, in_chat: bool) -> None:
    """Save the edited text as a new version of the section, checked again at once."""
    text = st.session_state.get(f"edit_{version.id}", "")
    notice_key = f"edit_notice_{version.id}"
    if text.strip() == version.draft.text.strip():
        st.session_state[notice_key] = ("info", "内容没有变化，没有生成新版本。")
        return
    try:
        ctx.assistant.check_text_limit(text, "修改后的文字")
        edited = Assistant.edit_draft(version.draft, text)
        saved = ctx.store.save_draft(
            version.conversation_id, version.section_key, edited, instruction=EDIT_INSTRUCTION
        )
        if in_chat:
            ctx.store.add_message(
                version.conversation_id, "assistant", edited.text, kind="draft",
                draft_version_id=saved.id,
            )  # fmt: skip
    except AssistantError as exc:
        st.session_state[notice_key] = ("error", str(exc))


def _editor(ctx: Ctx, version: DraftVersion, in_chat: bool) -> None:
    """Edit the text in place; 保存 makes a new version and re-runs the check."""
    notice = st.session_state.pop(f"edit_notice_{version.id}", None)
    with st.expander("修改文字", expanded=notice is not None):
        st.text_area(
            "直接在这里修改，保存后生成新版本并重新审核",
            value=version.draft.text,
            key=f"edit_{version.id}",
            height=min(120 + len(version.draft.text) // 3, 480),
        )
        st.button(
            "保存",
            key=f"save_{version.id}",
            type="primary",
            on_click=_save_edit,
            args=(ctx, version, in_chat),
        )
        if notice is not None:
            kind, message = notice
            (st.error if kind == "error" else st.info)(message)


def _flag_list(flags: list[Flag], marked: int) -> None:
    if marked:
        st.caption(f"另有 {marked} 处已由您核实（见“审核”）。")
    if not flags:
        return
    st.markdown(flag_legend_html(f.kind for f in flags), unsafe_allow_html=True)
    st.markdown(flag_lines(flags))


def _exemplars(d: Draft) -> None:
    if not d.exemplars and d.engine in (PASTED_ENGINE, EDITED_ENGINE):
        st.info("这篇稿子不是按范文起草的，没有参照范文。")
        return
    if not d.exemplars:
        st.info("没有检索到可参照的范文段落。")
        return
    st.caption("起草时参照的范文段落（按相关度排列）")
    for i, e in enumerate(d.exemplars, 1):
        where = " › ".join([*e.path, e.heading]) or "（开头）"
        st.markdown(
            f"**{i}. 《{escape_md(e.title)}》**  \n{escape_md(where)} · `{role_label(e.role)}`"
            f" · 得分 {e.score:.2f}"
        )
        st.caption("选用理由：" + why_plain(e))
        why = why_text(e.why)
        if why:
            with st.expander("详情（检索得分）"):
                st.caption(why)
        with st.expander("查看范文原文"):
            st.markdown(
                f'<div style="white-space:pre-wrap;font-size:.9em">{html.escape(e.text)}</div>',
                unsafe_allow_html=True,
            )


def _facts(d: Draft) -> None:
    if not d.facts:
        st.info("这一稿没有使用素材。")
        return
    used = used_facts(d)
    st.caption(f"共 {len(d.facts)} 条素材，已用 {len(used)} 条。")
    st.markdown(facts_markdown(d.facts, used))


def _review(ctx: Ctx, version: DraftVersion, shown: Review, marked: int) -> None:
    r = version.draft.review
    verdict = verdict_long(shown, marked)
    if r.verdict == "pass":
        st.success(verdict)
    elif r.verdict == "flagged" and shown.flags and not gaps_only(shown):
        st.warning(verdict)
    else:
        st.info(verdict)
    for note in r.notes:
        st.caption(note)
    open_ids = {flag_id(f) for f in shown.flags}
    for i, f in enumerate(r.flags):
        extra = []
        if f.fact:
            extra.append(f"素材 {f.fact}")
        if f.exemplar:
            extra.append(f"范文 {f.exemplar}")
        tail = f"（{'，'.join(extra)}）" if extra else ""
        line = f"**{flag_label(f.kind)}**：“{escape_md(f.text)}”{tail}  \n  {escape_md(f.reason)}"
        checked = markable(f) and flag_id(f) not in open_ids
        if not markable(f):
            st.markdown(f"- {line}")
            continue
        text_col, button_col = st.columns([4, 1], vertical_alignment="center")
        if checked:
            grey = f"{flag_label(f.kind)}：“{escape_md(f.text)}”{tail}"
            text_col.markdown(f"- :gray[{grey}] :gray-badge[已核实]  \n  :gray[{escape_md(f.reason)}]")
        else:
            text_col.markdown(f"- {line}")
        button_col.button(
            "撤销" if checked else "标为已核实",
            key=f"{'unmark' if checked else 'mark'}_{version.id}_{i}",
            help="撤销“已核实”，重新算作待核实" if checked else "您已核对这一处，确认无误",
            on_click=_set_mark,
            args=(ctx, version, flag_id(f), not checked),
        )
    if r.unused_facts:
        st.caption("未使用的素材：" + "、".join(r.unused_facts))


def _compare(d: Draft) -> None:
    """Each sentence next to the facts it rests on, with the flags that fall inside it."""
    facts = {f.id: f.text for f in d.facts}
    rows: list[str] = []
    for s in d.review.sentences:
        if not s.text.strip():
            continue
        support = (
            "<br>".join(
                f"<b>{html.escape(fid)}</b> {html.escape(facts.get(fid, ''))}" for fid in s.facts
            )
            or '<span style="color:#868e96">（无对应素材）</span>'
        )
        inside = [f for f in d.review.flags if f.start < s.end and f.end > s.start]
        flags = "".join(
            f'<div style="color:#c92a2a;font-size:.85em">！{html.escape(flag_label(f.kind))}：'
            f"{html.escape(f.reason)}</div>"
            for f in inside
        )
        rows.append(f"<tr><td>{html.escape(s.text)}{flags}</td><td>{support}</td></tr>")
    if not rows:
        st.info("审核没有给出逐句对照。")
        return
    st.markdown(
        '<table class="compare"><thead><tr><th>草稿句子</th><th>依据的素材</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>",
        unsafe_allow_html=True,
    )


def _accept(ctx: Ctx, version_id: int) -> None:
    ctx.store.accept_version(version_id)


def _versions(ctx: Ctx, version: DraftVersion, shown: Review) -> None:
    all_versions = ctx.store.versions(version.conversation_id, version.section_key)
    by_no = {v.version: v for v in all_versions}
    lines = []
    for v in all_versions:
        what = v.instruction or ("原稿（粘贴或上传）" if v.draft.engine == PASTED_ENGINE else "起草")
        flags = "，".join(
            x
            for x in (
                ":green-badge[已采用]" if v.accepted else "",
                "（本条）" if v.id == version.id else "",
            )
            if x
        )
        lines.append(f"- 第{v.version}版：{escape_md(what)} {flags}")
    st.markdown("\n".join(lines))
    st.button(
        "采用此版本" if not version.accepted else "已采用此版本",
        key=f"accept_{version.id}",
        disabled=version.accepted,
        on_click=_accept,
        args=(ctx, version.id),
    )
    if len(all_versions) > 1:
        numbers = [v.version for v in all_versions]
        this = numbers.index(version.version)
        a_default = this - 1 if this > 0 else 0
        b_default = this if this > 0 else min(1, len(numbers) - 1)
        c1, c2 = st.columns(2)
        a = c1.selectbox("比较", numbers, index=a_default, key=f"diff_a_{version.id}",
                         format_func=lambda n: f"第{n}版")  # fmt: skip
        b = c2.selectbox("与", numbers, index=b_default, key=f"diff_b_{version.id}",
                         format_func=lambda n: f"第{n}版")  # fmt: skip
        old, new = by_no[a].draft.text, by_no[b].draft.text
        if old == new:
            st.caption("两个版本内容相同。")
        else:
            st.caption(f"第{a}版 → 第{b}版：删去的文字划线标红，新增的文字标绿。")
            st.markdown(diff_html(old, new), unsafe_allow_html=True)
    title = role_label(version.draft.role)
    warning = export_warning([shown])  # flags marked as checked are not counted
    if warning:
        st.warning(warning)
    c1, c2 = st.columns(2)
    c1.download_button(
        "下载本节 Word",
        data=logged_export(
            ctx, version.conversation_id, f"{title} 第{version.version}版", "docx",
            lambda: section_file(version.draft, title, "docx"),
        ),
        file_name=file_name(f"{title}_第{version.version}版", "docx"),
        mime=DOCX_MIME,
        key=f"dl_docx_{version.id}",
        on_click="ignore",
    )
    c2.download_button(
        "下载本节 Markdown",
        data=logged_export(
            ctx, version.conversation_id, f"{title} 第{version.version}版", "md",
            lambda: section_file(version.draft, title, "md"),
        ),
        file_name=file_name(f"{title}_第{version.version}版", "md"),
        mime="text/markdown",
        key=f"dl_md_{version.id}",
        on_click="ignore",
    )
