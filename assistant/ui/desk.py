"""The editor's desk (审稿台): check a draft written elsewhere against its facts.

Paste or upload the draft and its facts (or use the conversation's 素材), choose its role (guessed
from its headings and words), and get the same panels a drafted section gets (highlighted
flags, flag list, 素材 已用/未用, 审核, 对照, 版本 with in-place editing). Each checked text is
stored with the conversation as its own section ("desk-1", "desk-2", …), so edits make versions;
these sections are not part of the assembled report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import streamlit as st

from assistant.errors import AssistantError
from assistant.models import ROLE_LABELS, Fact, Role
from assistant.service import Assistant, role_guess
from assistant.sessions import DraftVersion
from assistant.ui.draft_view import render_draft
from assistant.ui.render import escape_md, role_label
from assistant.ui.state import Ctx

DESK_PREFIX = "desk-"
UPLOAD_TYPES = ["txt", "md", "docx", "pdf"]
FACTS_FROM_CONVERSATION = "本对话的素材"
FACTS_OWN = "另附素材"
# The role box: every role, 其他 read as "a whole report or a part of no one role".
ROLE_CHOICES = [r for r in Role if r is not Role.OTHER] + [Role.OTHER]
ROLE_NAMES = {**ROLE_LABELS, Role.OTHER: "整篇报告/其他（按稿中各部分标题）"}


def is_desk_key(section_key: str) -> bool:
    return section_key.startswith(DESK_PREFIX)


def desk_keys(ctx: Ctx, cid: int) -> list[str]:
    return [k for k in ctx.store.section_keys(cid) if is_desk_key(k)]


def check_and_save(
    ctx: Ctx, cid: int, text: str, facts: Sequence[Fact], role: Role | None = None
) -> DraftVersion:
    """Check a pasted text and keep it with the conversation as a new desk section."""
    ctx.assistant.check_text_limit(text, "要审核的文字")
    ctx.assistant.check_fact_limits(facts)
    draft = Assistant.check_text(text, list(facts), role)
    numbers = [
        int(k[len(DESK_PREFIX) :]) for k in desk_keys(ctx, cid) if k[len(DESK_PREFIX) :].isdigit()
    ]
    key = f"{DESK_PREFIX}{max(numbers, default=0) + 1}"
    return ctx.store.save_draft(cid, key, draft)


def _max_bytes(ctx: Ctx) -> int:
    return int(ctx.settings.max_file_mb * 1024 * 1024)


def _load_upload(ctx: Ctx, uploader_key: str, text_key: str) -> None:
    """An uploaded file's text goes into its text box (a bad file: the loader's Chinese error)."""
    upload = st.session_state.get(uploader_key)
    if upload is None:
        return
    try:
        st.session_state[text_key] = Assistant.read_document(
            upload.name, upload.getvalue(), _max_bytes(ctx)
        )
        st.session_state.pop(f"{uploader_key}_error", None)
    except AssistantError as exc:
        st.session_state[f"{uploader_key}_error"] = str(exc)


def _text_with_upload(ctx: Ctx, label: str, key: str, placeholder: str, height: int) -> str:
    st.text_area(label, key=key, height=height, placeholder=placeholder)
    up_key = f"{key}_file"
    st.file_uploader(
        f"或上传文件（{'、'.join('.' + t for t in UPLOAD_TYPES)}）",
        type=UPLOAD_TYPES,
        key=up_key,
        on_change=_load_upload,
        args=(ctx, up_key, key),
        max_upload_size=max(1, int(ctx.settings.max_file_mb)),
    )
    error = st.session_state.get(f"{up_key}_error")
    if error:
        st.error(error)
    return str(st.session_state.get(key) or "")


def _role_box(text: str) -> Role:
    """The role select, defaulting to the guess for the current text; the user's choice holds
    until the text changes."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    if st.session_state.get("desk_role_for") != digest:
        st.session_state["desk_role_for"] = digest
        guess, sure = role_guess(text) if text.strip() else (Role.OTHER, True)
        st.session_state["desk_role"] = guess if sure else Role.OTHER
        st.session_state["desk_role_unsure"] = not sure
    role: Role = st.selectbox(
        "稿件类型（已按标题和用词自动判断，可修改）",
        ROLE_CHOICES,
        key="desk_role",
        format_func=lambda r: ROLE_NAMES.get(r, str(r)),
    )
    if role is Role.OTHER and st.session_state.get("desk_role_unsure"):
        st.caption(
            "未判断部分类型：稿中没有表明部分的标题，从文字也看不准是成绩、问题还是打算，"
            "将不检查素材是否写错了部分；知道是哪一部分的话请在上面选定。"
        )
    return role


def _facts(ctx: Ctx, cid: int, from_chat: Sequence[Fact]) -> list[Fact]:
    own_label = f"{FACTS_FROM_CONVERSATION}（{len(from_chat)} 条）"
    source = st.radio(
        "核对依据",
        [FACTS_FROM_CONVERSATION, FACTS_OWN],
        key="desk_facts_source",
        index=0 if from_chat else 1,
        horizontal=True,
        format_func=lambda s: own_label if s == FACTS_FROM_CONVERSATION else s,
    )
    if source == FACTS_FROM_CONVERSATION:
        if from_chat:
            st.markdown("\n".join(f"- **{f.id}** {escape_md(f.text)}" for f in from_chat))
        else:
            st.caption("本对话还没有素材：请在“对话”页的“素材”框里填写，或选择“另附素材”。")
        return list(from_chat)
    text = _text_with_upload(
        ctx,
        "这篇稿子依据的素材（每行一条）",
        "desk_facts",
        "例如：\n全年召开理论学习中心组学习会议12次\n基层专职宣传干部仅有3名",
        180,
    )
    facts = Assistant.parse_facts(text) if text.strip() else []
    if facts:
        st.markdown("\n".join(f"- **{f.id}** {escape_md(f.text)}" for f in facts))
    return facts


def _label(ctx: Ctx, cid: int, key: str) -> str:
    # No version number here: the picker's labels are not refreshed by every rerun.
    versions = ctx.store.versions(cid, key)
    if not versions:
        return key
    first_line = versions[0].draft.text.strip().split("\n", 1)[0]
    short = first_line[:18] + ("…" if len(first_line) > 18 else "")
    return f"稿件{key[len(DESK_PREFIX) :]}：{short}（{role_label(versions[0].draft.role)}）"


def conversation_facts(ctx: Ctx, cid: int) -> list[Fact]:
    """The conversation's 素材 as the facts box holds them (unsaved typing included)."""
    text = st.session_state.get(f"facts_{cid}")
    if text is None:
        text = ctx.store.get_facts(cid)
    return Assistant.parse_facts(text) if text.strip() else []


def _check_clicked(ctx: Ctx, cid: int) -> None:
    """审核: check the pasted text against the chosen facts; the new record is shown first."""
    text = str(st.session_state.get("desk_text") or "")
    if st.session_state.get("desk_facts_source") == FACTS_OWN:
        own = str(st.session_state.get("desk_facts") or "")
        facts = Assistant.parse_facts(own) if own.strip() else []
    else:
        facts = conversation_facts(ctx, cid)
    role = st.session_state.get("desk_role")
    try:
        version = check_and_save(ctx, cid, text, facts, role if isinstance(role, Role) else None)
    except AssistantError as exc:
        st.session_state["desk_error"] = str(exc)
        return
    st.session_state.pop("desk_error", None)
    st.session_state["desk_pick"] = version.section_key


def render_desk(ctx: Ctx, cid: int) -> None:
    st.caption(
        "把别处写好的稿子（例如大模型的回答、下级单位的报告）贴进来，对照素材逐句核对："
        "数字、完成状态、名称、引用和没有素材依据的内容都会标出，修改后可重新审核。"
    )
    keys = desk_keys(ctx, cid)[::-1]  # newest first
    if keys:
        if st.session_state.get("desk_pick") not in keys:
            st.session_state["desk_pick"] = keys[0]
        pick = st.selectbox(
            "审稿记录", keys, key="desk_pick", format_func=lambda k: _label(ctx, cid, k)
        )
        versions = ctx.store.versions(cid, pick)
        if versions:
            # The newest version: an edit saved here shows at once with its new review.
            render_draft(ctx, versions[-1], in_chat=False)
    # The inputs open on an empty desk; once a text is checked its result comes first and the
    # inputs fold away under another label (a new label opens folded).
    label = "审核另一篇稿件" if keys else "待审稿件和素材"
    with st.expander(label, expanded=not keys):
        left, right = st.columns(2, gap="medium")
        with left:
            text = _text_with_upload(ctx, "待审稿件", "desk_text", "把要核对的稿子粘贴在这里", 260)
        with right:
            _facts(ctx, cid, conversation_facts(ctx, cid))
            _role_box(text)
            st.button(
                "审核", key="desk_check", type="primary", on_click=_check_clicked, args=(ctx, cid)
            )
        error = st.session_state.get("desk_error")
        if error:
            st.error(error)
