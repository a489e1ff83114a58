"""Main area: the facts box, the chat history, requests (draft / revise / outline / draft all),
and the export of the assembled report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from assistant.draft.allocate import allocate_facts
from assistant.errors import AssistantError, NoFactsError
from assistant.intent import Intent, match_report, parse_request
from assistant.models import Fact, Role, WantedShape
from assistant.service import DraftStream
from assistant.sessions import DEFAULT_TITLE, DraftVersion, Message
from assistant.ui import state
from assistant.ui.draft_view import DOCX_MIME, render_draft
from assistant.ui.render import escape_md, file_name, role_label, split_heading, strip_markers
from assistant.ui.state import Ctx

if TYPE_CHECKING:  # python-docx is imported only when a file is downloaded
    from assistant.export import ExportSection

# Order of sections in an assembled report when no outline was chosen.
ROLE_ORDER = [
    Role.PREAMBLE, Role.PRINCIPLES, Role.ACHIEVEMENTS, Role.TASKS, Role.PROBLEMS, Role.CAUSES,
    Role.PLANS, Role.REQUIREMENTS, Role.CLOSING, Role.OTHER,
]  # fmt: skip
DEFAULT_PLAN = [Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS]
SKIPPED_IN_DRAFT_ALL = (Role.PREAMBLE, Role.CLOSING, Role.OTHER)
FACTS_PLACEHOLDER = (
    "每行一条，例如：\n"
    "理论学习形式单一，以集中读文件为主\n"
    "基层专职宣传干部仅有3名，力量薄弱\n"
    "全年召开理论学习中心组学习会议12次"
)


def render_main(ctx: Ctx, cid: int, prompt: str | None) -> None:
    """The conversation; ``prompt`` is what the (already created) chat input submitted."""
    conv = ctx.store.get_conversation(cid)
    title = st.empty()
    title.markdown(f"#### {escape_md(conv.title)}")
    facts = _facts_box(ctx, cid)
    messages = ctx.store.messages(cid)
    hint = st.empty()
    if not messages:
        hint.info(
            "先在上面的“素材”框里写下本单位的情况（每行一条），再在下方输入要求，"
            "例如“帮我写存在问题部分”“按（一）（二）格式写工作情况”。说“你能做什么”查看全部用法。"
        )
    for msg in messages:
        _render_message(ctx, msg)
    if prompt:
        hint.empty()
        handle_request(ctx, cid, prompt, facts)
        title.markdown(f"#### {escape_md(ctx.store.get_conversation(cid).title)}")
    # Below the chat, so a section drafted in this run is already included.
    _export_box(ctx, cid)


# ---- facts -----------------------------------------------------------------------------------


def _save_facts(ctx: Ctx, cid: int) -> None:
    ctx.store.set_facts(cid, st.session_state.get(f"facts_{cid}", ""))


def _facts_box(ctx: Ctx, cid: int) -> list[Fact]:
    key = f"facts_{cid}"
    if key not in st.session_state:
        st.session_state[key] = ctx.store.get_facts(cid)
    text = st.session_state[key]
    facts = ctx.assistant.parse_facts(text) if text.strip() else []
    label = f"素材（{len(facts)} 条）" if facts else "素材（还没有填写）"
    with st.expander(label, expanded=not facts or not ctx.store.messages(cid)):
        st.text_area(
            "本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）",
            key=key,
            height=160,
            placeholder=FACTS_PLACEHOLDER,
            on_change=_save_facts,
            args=(ctx, cid),
        )
        if facts:
            st.markdown(
                "\n".join(f"- **{f.id}** {escape_md(f.text)}" for f in facts),
            )
    return facts


# ---- history -----------------------------------------------------------------------------------


def _render_message(ctx: Ctx, msg: Message) -> None:
    with st.chat_message(msg.role):
        if msg.kind == "draft" and msg.draft_version_id is not None:
            try:
                version = ctx.store.get_version(msg.draft_version_id)
            except AssistantError:
                st.markdown(escape_md(msg.content))
                return
            render_draft(ctx, version)
        elif msg.kind == "error":
            st.error(msg.content)
        elif msg.kind == "notice":
            st.warning(msg.content)
        elif msg.role == "user":
            st.markdown(escape_md(msg.content))
        else:
            st.markdown(msg.content)


# ---- requests ------------------------------------------------------------------------------------


def handle_request(ctx: Ctx, cid: int, text: str, facts: list[Fact]) -> None:
    """Save the request first, answer it (streaming), save the answer and show it in place.

    A crash while streaming loses only that answer: the request is already stored."""
    store = ctx.store
    store.add_message(cid, "user", text)
    if store.get_conversation(cid).title == DEFAULT_TITLE:
        store.rename_conversation(cid, text.strip()[:20])
    with st.chat_message("user"):
        st.markdown(escape_md(text))
    intent = parse_request(text)
    try:
        if intent.kind == "draft" and intent.role is not None:
            _draft(ctx, cid, intent.role, facts, intent.shape, section_key=str(intent.role))
        elif intent.kind == "revise":
            _revise(ctx, cid, intent, facts)
        elif intent.kind == "outline":
            _outline(ctx, cid, intent)
        elif intent.kind == "draft_all":
            if intent.report_hint or intent.report_index:
                _outline(ctx, cid, intent)
            _draft_all(ctx, cid, facts)
        else:
            _say(ctx, cid, intent.suggestion or "", kind="text")
    except AssistantError as exc:
        _say(ctx, cid, str(exc), kind="error")


def _say(ctx: Ctx, cid: int, text: str, kind: str = "text") -> None:
    _render_message(ctx, ctx.store.add_message(cid, "assistant", text, kind=kind))


def _stream_and_save(
    ctx: Ctx,
    cid: int,
    caption: str,
    stream: DraftStream,
    section_key: str,
    instruction: str | None = None,
    live: bool = True,
) -> DraftVersion:
    """Stream the text into a chat message, then store it and swap in the reviewed view.

    A model's answer is streamed as it comes. The offline draft is ready at once, so it goes
    straight to the reviewed view: streaming it would only replay it with a typing effect."""
    with st.chat_message("assistant"):
        note = st.empty()
        note.caption(caption)
        # write_stream straight into the placeholder: a stream written inside a container of
        # an st.empty() would survive the swap below as a stray copy.
        slot = st.empty()
        if live:
            slot.write_stream(stream)
        else:
            stream.run()
        note.empty()
        if stream.result is None:
            raise AssistantError("没有完成，请重试。")
        version = ctx.store.save_draft(cid, section_key, stream.result, instruction=instruction)
        ctx.store.add_message(
            cid, "assistant", stream.result.text, kind="draft", draft_version_id=version.id
        )
        with slot.container():
            render_draft(ctx, version)
    return version


def _draft(
    ctx: Ctx,
    cid: int,
    role: Role,
    facts: Sequence[Fact],
    shape: WantedShape | None,
    section_key: str,
) -> DraftVersion:
    if not facts:
        raise NoFactsError()
    cfg = state.effective_settings(ctx)
    stream = ctx.assistant.stream_draft(
        role, list(facts), engine=cfg.engine, shape=shape, settings=cfg
    )
    caption = f"正在起草“{role_label(role)}”，参照范文库中同类段落…"
    return _stream_and_save(ctx, cid, caption, stream, section_key, live=cfg.engine == "llm")


def _last_draft(ctx: Ctx, cid: int, role: Role | None) -> DraftVersion | None:
    for msg in reversed(ctx.store.messages(cid)):
        if msg.kind != "draft" or msg.draft_version_id is None:
            continue
        try:
            version = ctx.store.get_version(msg.draft_version_id)
        except AssistantError:
            continue
        if role is None or version.draft.role == role:
            return version
    return None


def _revise(ctx: Ctx, cid: int, intent: Intent, facts: Sequence[Fact]) -> None:
    base = _last_draft(ctx, cid, intent.role)
    if base is None:
        what = f"“{role_label(intent.role)}”的" if intent.role else ""
        _say(
            ctx,
            cid,
            f"还没有{what}草稿可以修改。请先让我起草一个部分，例如“帮我写存在问题部分”。",
            kind="notice",
        )
        return
    draft = base.draft
    if facts:  # revisions use the facts as they are now, edits included
        draft = dataclasses.replace(draft, facts=list(facts))
    cfg = state.effective_settings(ctx)
    instruction = intent.instruction or intent.text
    stream = ctx.assistant.stream_revision(draft, instruction, engine=cfg.engine, settings=cfg)
    caption = f"正在按“{instruction}”修改“{role_label(draft.role)}”第{base.version}版…"
    _stream_and_save(
        ctx,
        cid,
        caption,
        stream,
        base.section_key,
        instruction=instruction,
        live=cfg.engine == "llm",
    )


# ---- outline and whole report ---------------------------------------------------------------------


def _plan_key(cid: int) -> str:
    return f"outline:{cid}"


def _outline(ctx: Ctx, cid: int, intent: Intent) -> None:
    reports = state.reports(ctx)
    if not reports:
        _say(ctx, cid, "范文库是空的：请先在侧栏“范文库”里上传范文。", kind="notice")
        return
    report = match_report(intent, reports)
    if report is None and (intent.report_hint or intent.report_index):
        listing = "\n".join(f"{i}. {escape_md(r.title)}" for i, r in enumerate(reports, 1))
        _say(ctx, cid, f"没有找到您说的那篇范文。范文库里现有：\n\n{listing}", kind="notice")
        return
    if report is None:
        last = _last_draft(ctx, cid, None)
        ids = {r.id: r for r in reports}
        report = next(
            (ids[e.report] for e in (last.draft.exemplars if last else []) if e.report in ids),
            reports[0],
        )
    outline = ctx.assistant.report_outline(report.id)
    plan = [_plan_item(s, outline) for s in outline if int(s.get("level", 0)) <= 1]
    plan = [p for p in plan if p["role"] != str(Role.OTHER) or p["heading"]]
    ctx.store.set_setting(_plan_key(cid), json.dumps(plan, ensure_ascii=False))
    if not ctx.store.report_title(cid):
        ctx.store.set_report_title(cid, report.title)
    lines = [f"参照《{escape_md(report.title)}》的结构，提纲如下：", ""]
    for i, p in enumerate(plan, 1):
        heading = p["heading"] or "（开头）"
        form = []
        if p["n_children"]:
            form.append(f"{p['n_children']}个小标题")
        if p["n_points"]:
            form.append(f"{p['n_points']}点")
        tail = f"（{'，'.join(form)}）" if form else ""
        lines.append(f"{i}. {escape_md(heading)} `{role_label(p['role'])}`{tail}")
        for child in p["children"]:
            lines.append(f"    - {escape_md(child)}")
    lines += ["", "说“逐节起草全文”，我会按这个提纲用您的素材逐节起草。"]
    _say(ctx, cid, "\n".join(lines))


def _plan_item(s: dict[str, Any], outline: Sequence[dict[str, Any]]) -> dict[str, Any]:
    heading = str(s.get("heading") or "")
    children = [
        str(c.get("heading") or "")
        for c in outline
        if int(c.get("level", 0)) == 2 and heading and list(c.get("path") or [])[-1:] == [heading]
    ]
    return {
        "heading": heading,
        "role": str(s.get("role") or Role.OTHER),
        "n_children": int(s.get("n_children") or 0),
        "n_points": int(s.get("n_points") or 0),
        "point_style": s.get("point_style"),
        "children": children,
    }


def _plan_shape(item: dict[str, Any]) -> WantedShape | None:
    if item.get("n_children"):
        return WantedShape(heading_style="（一）")
    style = item.get("point_style")
    if item.get("n_points") and style and style != "none":
        return WantedShape(point_style=str(style))
    return None


def load_plan(ctx: Ctx, cid: int) -> list[dict[str, Any]] | None:
    raw = ctx.store.get_setting(_plan_key(cid))
    if not raw:
        return None
    try:
        plan = json.loads(raw)
    except ValueError:
        return None
    return plan if isinstance(plan, list) else None


def _role_of(item: dict[str, Any]) -> Role | None:
    try:
        return Role(item["role"])
    except (KeyError, ValueError):
        return None


def _draft_all(ctx: Ctx, cid: int, facts: Sequence[Fact]) -> None:
    if not facts:
        raise NoFactsError()
    plan = load_plan(ctx, cid)
    if plan is None:
        plan = [
            {"heading": "", "role": str(r), "n_children": 0, "n_points": 0} for r in DEFAULT_PLAN
        ]
        _say(
            ctx,
            cid,
            "还没有选定提纲，先按常见的“工作情况—存在问题—下步打算”三部分起草。"
            "也可以先说“按第1篇范文的结构列个提纲”。",
            kind="notice",
        )
    seen: dict[str, int] = {}
    skipped: list[str] = []
    empty: list[str] = []
    roles = [r for r in (_role_of(item) for item in plan) if r and r not in SKIPPED_IN_DRAFT_ALL]
    # Each section gets the facts that serve it (done -> 工作情况, shortcomings -> 存在问题,
    # plans -> 下步打算), never the whole list.
    shares = allocate_facts(roles, facts)
    drafted: set[Role] = set()
    for item in plan:
        role = _role_of(item)
        if role is None:
            continue
        if role in SKIPPED_IN_DRAFT_ALL:
            # The opening and closing summarise the whole report: written last, by the user.
            skipped.append(item.get("heading") or role_label(role))
            continue
        own = [] if role in drafted else shares.get(role, [])
        if not own:
            empty.append(item.get("heading") or role_label(role))
            continue
        drafted.add(role)
        seen[str(role)] = seen.get(str(role), 0) + 1
        key = str(role) if seen[str(role)] == 1 else f"{role}-{seen[str(role)]}"
        try:
            _draft(ctx, cid, role, own, _plan_shape(item), section_key=key)
        except AssistantError as exc:
            _say(ctx, cid, f"“{role_label(role)}”未能起草：{exc}", kind="error")
    if empty:
        _say(
            ctx,
            cid,
            f"{'、'.join(empty)}：素材里没有与之对应的内容，暂未起草。补充素材后可单独要求起草这一部分。",
            kind="notice",
        )
    homeless = shares.get(Role.OTHER, [])
    if homeless:
        ids = "、".join(f.id for f in homeless)
        _say(
            ctx,
            cid,
            f"素材{ids}在这个提纲里没有对应的部分（例如提纲没有“存在问题”），未写入草稿。",
            kind="notice",
        )
    if skipped:
        _say(
            ctx,
            cid,
            f"以上各部分已起草完毕。{'、'.join(skipped)}需要概括全文，请在各部分定稿后补写"
            "（也可以说“写个开头”）。",
            kind="notice",
        )


# ---- export ------------------------------------------------------------------------------------------


def assembled_sections(ctx: Ctx, cid: int) -> list[ExportSection]:
    """Each drafted section once (accepted version, else the newest), in the outline's order."""
    from assistant.export import ExportSection

    keys = ctx.store.section_keys(cid)
    plan = load_plan(ctx, cid) or []
    plan_roles = [str(p.get("role")) for p in plan]

    def order(key: str) -> tuple[int, int, str]:
        role = key.split("-")[0]
        if role in plan_roles:
            return (0, plan_roles.index(role), key)
        try:
            return (1, ROLE_ORDER.index(Role(role)), key)
        except ValueError:
            return (2, 0, key)

    out: list[ExportSection] = []
    for key in sorted(keys, key=order):
        version = ctx.store.current_version(cid, key)
        if version is None:
            continue
        heading, body = split_heading(version.draft.text)
        if version.draft.role in (Role.PREAMBLE, Role.CLOSING):
            out.append(ExportSection(heading="", level=1, text=version.draft.text))
        else:
            title = strip_markers(heading) if heading else role_label(version.draft.role)
            out.append(ExportSection(heading=title, level=1, text=body))
    return out


def report_file(ctx: Ctx, cid: int, title: str, keep: bool, kind: str) -> bytes | str:
    """The assembled report as .docx bytes or Markdown text (built when the user downloads)."""
    from assistant.export import to_docx, to_markdown

    sections = assembled_sections(ctx, cid)
    if kind == "docx":
        return to_docx(title, sections, keep_citations=keep)
    return to_markdown(title, sections, keep_citations=keep)


def _save_title(ctx: Ctx, cid: int) -> None:
    ctx.store.set_report_title(cid, st.session_state.get(f"report_title_{cid}", ""))


def _export_box(ctx: Ctx, cid: int) -> None:
    keys = ctx.store.section_keys(cid)
    if not keys:
        return
    with st.expander(f"导出全文（已起草 {len(keys)} 个部分）"):
        tkey = f"report_title_{cid}"
        if tkey not in st.session_state:
            st.session_state[tkey] = ctx.store.report_title(cid) or ""
        st.text_input("报告标题", key=tkey, on_change=_save_title, args=(ctx, cid),
                      placeholder="例如：2025年意识形态工作情况报告")  # fmt: skip
        keep = st.checkbox("保留素材引用标注〔F1〕", key=f"keep_cite_{cid}")
        st.caption("每个部分取“已采用”的版本，没有采用的取最新版本。")
        title = st.session_state.get(tkey) or ""
        name = title or "工作报告"
        c1, c2 = st.columns(2)
        c1.download_button(
            "下载全文 Word（.docx）",
            data=lambda: report_file(ctx, cid, title, keep, "docx"),
            file_name=file_name(name, "docx"),
            mime=DOCX_MIME,
            key=f"dl_all_docx_{cid}",
            on_click="ignore",
        )
        c2.download_button(
            "下载全文 Markdown（.md）",
            data=lambda: report_file(ctx, cid, title, keep, "md"),
            file_name=file_name(name, "md"),
            mime="text/markdown",
            key=f"dl_all_md_{cid}",
            on_click="ignore",
        )
