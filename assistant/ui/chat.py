"""Main area: the facts box, the chat history, requests (draft / revise / outline / draft all),
and the export of the assembled report."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from assistant.config import Settings
from assistant.errors import AssistantError, NoFactsError, NothingToAddError
from assistant.intent import Intent, match_report, parse_request
from assistant.models import Fact, Role, WantedShape
from assistant.service import DraftStream, role_guess
from assistant.sessions import DEFAULT_TITLE, DraftVersion, Message
from assistant.ui import state
from assistant.ui.audit_view import logged_export
from assistant.ui.draft_view import DOCX_MIME, open_review, render_draft
from assistant.ui.jobs import Cancelled, Job, Reported
from assistant.ui.page import scroll_to_newest
from assistant.ui.render import (
    DEFAULT_REPORT_TITLE,
    TITLE_CHARS,
    default_report_title,
    escape_md,
    export_warning,
    file_name,
    role_label,
    split_heading,
    strip_markers,
    undrafted_parts,
    user_text_md,
)
from assistant.ui.state import Ctx

if TYPE_CHECKING:  # python-docx is imported only when a file is downloaded
    from assistant.export import ExportSection

    # The planner and the fact allocation load the drafter (jieba, its tagger: seconds): they
    # are imported where a request needs them, never for the first page.
    from assistant.plan import Plan, PlanItem

PLAN_META_KEY = "plan"  # assistant.plan.META_KEY, known here without loading the planner
# The user's word on facts' kinds ("F5是问题"): JSON {fact text: role}, kept with the conversation.
KINDS_META_KEY = "fact_kinds"
CANCELLED_NOTICE = "已取消：这次要求没有生成草稿。可以重新发送要求。"
_log = logging.getLogger(__name__)
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
    # The facts box is filled after the request: facts typed in the chat join it in this run.
    facts_slot = st.container()
    key = _facts_key(cid)
    # A run that added facts from the chat and was cut short (取消, another click) never drew
    # the box: the browser's old, empty box would hide them. Show what the store holds.
    if key not in st.session_state or st.session_state.pop(_added_key(cid), False):
        st.session_state[key] = ctx.store.get_facts(cid)
    # The running job is looked up BEFORE the history is read: a job that saves its answer
    # between the two reads is still shown as pending and its progress reruns the page; read
    # the other way round the answer fell between them and the page waited for nothing.
    pending = state.jobs().running(ctx.user.id, cid)
    messages = ctx.store.messages(cid)
    hint = st.empty()
    if not messages:
        hint.info(  # an explicit icon: looking for one in the text loads the emoji table
            "可以把本单位的情况直接写在要求里，例如“根据以下情况帮我写存在问题部分：理论学习形式单一；"
            "基层专职宣传干部仅有3名”，也可以先写在上面的“素材”框里（每行一条）。"
            "说“你能做什么”查看全部用法。",
            icon=":material/lightbulb:",
        )
    for msg in messages:
        _render_message(ctx, msg)
    if prompt:
        hint.empty()
        handle_request(ctx, cid, prompt, _current_facts(ctx, cid))
        scroll_to_newest()
    elif pending is not None:
        _pending_job(ctx, cid, pending)
        title.markdown(f"#### {escape_md(ctx.store.get_conversation(cid).title)}")
    with facts_slot:
        _facts_box(ctx, cid)
    st.session_state.pop(_added_key(cid), None)  # the box was drawn with them
    # Below the chat, so a section drafted in this run is already included.
    _export_box(ctx, cid)


# ---- facts -----------------------------------------------------------------------------------


def _facts_key(cid: int) -> str:
    return f"facts_{cid}"


def _added_key(cid: int) -> str:
    return f"_facts_added_{cid}"


def _current_facts(ctx: Ctx, cid: int) -> list[Fact]:
    text = st.session_state.get(_facts_key(cid), "")
    return ctx.assistant.parse_facts(text) if text.strip() else []


def _save_facts(ctx: Ctx, cid: int) -> None:
    if st.session_state.get(_added_key(cid)):
        # The box was never drawn with the facts a cut-short run added from the chat: the
        # browser's value is the old one, and saving it would wipe them (render_main reloads).
        return
    ctx.store.set_facts(cid, st.session_state.get(_facts_key(cid), ""))


def _facts_box(ctx: Ctx, cid: int) -> list[Fact]:
    facts = _current_facts(ctx, cid)
    label = f"素材（{len(facts)} 条）" if facts else "素材（还没有填写）"
    with st.expander(label, expanded=not facts or not ctx.store.messages(cid)):
        st.text_area(
            "本单位的情况、数据和做法（每行一条，可直接粘贴一段文字）",
            key=_facts_key(cid),
            height=160,
            placeholder=FACTS_PLACEHOLDER,
            on_change=_save_facts,
            args=(ctx, cid),
        )
        try:  # over the limits: said at once, the text stays as typed
            ctx.assistant.check_fact_limits(facts)
        except AssistantError as exc:
            st.error(str(exc))
        if facts:
            shown = facts[: ctx.settings.max_facts]  # a huge paste is not rendered in full
            st.markdown(
                "\n".join(f"- **{f.id}** {escape_md(f.text)}" for f in shown),
            )
    return facts


def _take_facts(ctx: Ctx, cid: int, typed: str) -> list[Fact]:
    """Add the facts typed with a request to the conversation's 素材 (no repeats); returns the
    facts of the 素材 that the request carried (new or already there), numbered as in the box."""
    from assistant.draft.allocate import fact_ranges
    from assistant.text.facts import merge_facts, split_chat_facts
    from assistant.text.facts import norm_fact as norm

    key = _facts_key(cid)
    typed_facts = split_chat_facts(typed)
    merged, added, repeated = merge_facts(st.session_state.get(key, ""), typed_facts)
    if added:
        st.session_state[key] = merged
        st.session_state[_added_key(cid)] = True
        ctx.store.set_facts(cid, merged)
    facts = ctx.assistant.parse_facts(merged)
    wanted = [norm(t) for t in typed_facts]
    own = [f for f in facts if any(w and (w == norm(f.text) or w in norm(f.text)) for w in wanted)]
    new_ids = [f.id for f in facts if f.text in added]
    parts = []
    if new_ids:
        parts.append(f"已把 {len(new_ids)} 条情况加入素材（{fact_ranges(new_ids)}）")
    if repeated:
        parts.append(f"{len(repeated)} 条与已有素材相同，没有重复添加")
    if parts:
        _say(ctx, cid, "，".join(parts) + "。可以在上面的“素材”框里查看和修改。")
    return own


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
            st.markdown(user_text_md(msg.content))
        else:
            st.markdown(msg.content)


# ---- requests ------------------------------------------------------------------------------------


def _auto_title(ctx: Ctx, cid: int, text: str) -> str:
    """The request's first words as a title, numbered when another conversation has it."""
    base = text.strip().split("\n")[0][:TITLE_CHARS].strip() or DEFAULT_TITLE
    taken = {c.title for c in ctx.store.list_conversations() if c.id != cid}
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base}（{n}）"
    return title


_USES_FACTS = frozenset({"draft", "select_facts", "revise", "draft_all", "check"})


def handle_request(ctx: Ctx, cid: int, text: str, facts: list[Fact]) -> None:
    """Save the request first, answer it (streaming), save the answer and show it in place.

    A crash while streaming loses only that answer: the request is already stored."""
    store = ctx.store
    store.add_message(cid, "user", text)
    if store.get_conversation(cid).title == DEFAULT_TITLE:
        store.rename_conversation(cid, _auto_title(ctx, cid, text))
    with st.chat_message("user"):
        st.markdown(user_text_md(text))
    intent = parse_request(text)
    try:
        carried: list[Fact] | None = None
        if intent.kind == "check":  # facts given with a text to check serve that check only
            if intent.facts_text:
                facts = ctx.assistant.parse_facts(intent.facts_text)
        elif intent.facts_text:
            carried = _take_facts(ctx, cid, intent.facts_text)
            facts = _current_facts(ctx, cid)
        if intent.kind in _USES_FACTS:  # before any work on them (a huge paste stalls a server)
            ctx.assistant.check_fact_limits(facts)
            if state.jobs().running(ctx.user.id, cid) is not None:
                raise AssistantError("上一个要求还在处理中：请等它完成，或先点“取消”。")
        if intent.kind == "add_facts":
            _say(ctx, cid, "需要起草哪一部分？例如“写存在问题部分”“逐节起草全文”。")
        elif intent.kind == "draft" and intent.role is not None:
            _draft_request(ctx, cid, intent, carried if carried else facts, lean=bool(carried))
        elif intent.kind == "check":
            _check(ctx, cid, intent, facts)
        elif intent.kind == "set_kind":
            _set_kinds(ctx, cid, intent, facts)
        elif intent.kind == "select_facts":
            _redraft_with(ctx, cid, intent, facts)
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
    except (Cancelled, Reported):  # _cancel or the job has said so in the conversation
        st.rerun()
    except NothingToAddError as exc:  # not a failure: the draft already says all it can
        _say(ctx, cid, str(exc), kind="notice")
    except AssistantError as exc:
        _say(ctx, cid, str(exc), kind="error")


def _draft_request(
    ctx: Ctx, cid: int, intent: Intent, facts: Sequence[Fact], lean: bool = False
) -> None:
    """One section from the facts that fit its role; the choice is said before the draft.
    ``lean``: the facts came with the request, so they are the section's unless their words
    clearly say otherwise ("帮我写存在问题部分：档案室漏水3处" is a problem)."""
    from assistant.draft.allocate import select_facts, selection_note

    assert intent.role is not None
    if not facts:
        raise NoFactsError()
    sel = select_facts(
        intent.role,
        facts,
        only=intent.fact_only,
        add=intent.fact_add,
        drop=intent.fact_drop,
        lean=[f.id for f in facts] if lean else (),
        kinds=load_kinds(ctx, cid),
    )
    note = selection_note(sel)
    if not sel.used:
        _say(
            ctx,
            cid,
            f"{note}素材里没有适合“{role_label(intent.role)}”的内容，暂未起草。"
            "可以补充素材，或说“把F1也写进去”。",
            kind="notice",
        )
        return
    if len(sel.used) < len(facts) or sel.unclear or sel.forced or sel.leaned:
        _say(ctx, cid, note + "要调整可以说“把F5也写进去”“只用F1到F3”。")
    _draft(ctx, cid, intent.role, sel.used, intent.shape, section_key=str(intent.role))


def _check(ctx: Ctx, cid: int, intent: Intent, facts: Sequence[Fact]) -> None:
    """ "帮我核对这段稿子：…": the pasted text (else the last draft) checked on the editor's desk
    and shown here with the same panels as a draft; nothing is drafted."""
    from assistant.ui.desk import check_and_save

    text, role = intent.draft_text, None
    again = ""
    if not text:
        # "帮我核对这段稿子" alone: the last text again, against the facts it was checked with
        last = _last_draft(ctx, cid, None)
        if last is not None:
            text, role = last.draft.text, last.draft.role
            if last.draft.facts:
                facts = last.draft.facts
            again = f"没有贴新的文字，重新核对了上一段文字（对照它的{len(facts)}条素材）。"
    if not text:
        _say(ctx, cid, "请把要核对的文字贴在要求后面，例如“帮我核对这段稿子：……”。", kind="notice")
        return
    unsure = ""
    if role is None:
        role, sure = role_guess(text)
        if not sure:
            role = Role.OTHER
            unsure = (
                "未判断部分类型：稿中没有表明部分的标题，从文字也看不准是成绩、问题还是打算，"
                "所以没有检查素材是否写错了部分；可在“审稿台”选定部分类型后再核对。"
            )
    version = check_and_save(ctx, cid, text, facts, role)
    if facts:
        _say(
            ctx,
            cid,
            again
            + "已对照素材逐句核对这段文字（没有起草新稿），结果如下；在“审稿台”的审稿记录里也能打开它。"
            + unsure,
        )
    else:
        _say(
            ctx,
            cid,
            "素材是空的，这段文字未能审核：请在“素材”框里写下它依据的情况后再说“核对一下”，"
            "或在“审稿台”里另附素材。",
            kind="notice",
        )
    msg = ctx.store.add_message(
        cid, "assistant", version.draft.text, kind="draft", draft_version_id=version.id
    )
    _render_message(ctx, msg)


def _redraft_with(ctx: Ctx, cid: int, intent: Intent, facts: Sequence[Fact]) -> None:
    """ "把F5也写进去" / "只用F1到F3" / "不用F2": the last section again, with those facts."""
    from assistant.draft.allocate import fact_ranges, select_facts, selection_note

    base = _last_draft(ctx, cid, None)
    if base is None:
        _say(ctx, cid, "还没有草稿。请先说要写哪一部分，例如“只用F1到F3写存在问题”。", kind="notice")
        return
    known = {f.id for f in facts}
    missing = [i for i in (intent.fact_only or []) + intent.fact_add if i not in known]
    if missing:
        _say(ctx, cid, f"素材里没有{fact_ranges(missing)}（现有 {len(facts)} 条）。", kind="notice")
    # "把F4也写进去": the last draft's facts stay, only F4 is forced (the note names it alone)
    keep = None if intent.fact_only is not None else [f.id for f in base.draft.facts if f.id in known]
    sel = select_facts(
        base.draft.role, facts, only=intent.fact_only, add=intent.fact_add, drop=intent.fact_drop, keep=keep,
        kinds=load_kinds(ctx, cid),
    )  # fmt: skip
    if not sel.used:
        _say(ctx, cid, "这样就没有可用的素材了，草稿保持不变。", kind="notice")
        return
    _say(ctx, cid, selection_note(sel))
    _draft(ctx, cid, base.draft.role, sel.used, None, section_key=base.section_key)


def load_kinds(ctx: Ctx, cid: int) -> dict[str, Role]:
    """The user's word on facts' kinds in this conversation (fact text -> role)."""
    raw = ctx.store.get_meta(cid, KINDS_META_KEY)
    if not raw:
        return {}
    out: dict[str, Role] = {}
    for text, value in json.loads(raw).items():
        try:
            out[text] = Role(value)
        except ValueError:  # a role this version does not know: the rules decide
            continue
    return out


def _set_kinds(ctx: Ctx, cid: int, intent: Intent, facts: Sequence[Fact]) -> None:
    """ "F5是问题": the facts' kind as the user says, stored by their text so it sticks when
    other facts are renumbered or edited; a current draft it changes is offered a redraft."""
    from assistant.draft.allocate import SORTED_ROLES, fact_ranges, kind_label

    by_id = {f.id: f for f in facts}
    missing = [i for i in intent.fact_kinds if i not in by_id]
    if missing:
        _say(ctx, cid, f"素材里没有{fact_ranges(missing)}（现有 {len(facts)} 条），没有改动。", kind="notice")
        return
    kinds = load_kinds(ctx, cid)
    for fid, role in intent.fact_kinds.items():
        kinds[by_id[fid].text] = role
    ctx.store.set_meta(
        cid, KINDS_META_KEY, json.dumps({t: r.value for t, r in kinds.items()}, ensure_ascii=False)
    )
    said = []
    for role in dict.fromkeys(intent.fact_kinds.values()):
        ids = [i for i, r in intent.fact_kinds.items() if r is role]
        said.append(f"{fact_ranges(ids)} 已标为“{kind_label(role)}”的素材")
    answer = "好的，" + "，".join(said) + "，之后起草会按此分配。"
    last = _last_draft(ctx, cid, None)
    if last is not None and last.draft.role in SORTED_ROLES:
        role = last.draft.role
        cited = {f.text for f in last.draft.facts}
        changed = [by_id[i].text for i in intent.fact_kinds]
        if any((t in cited) != (kinds[t] is role) for t in changed):
            name = kind_label(role)
            answer += f"要按新的分配重写“{name}”吗？可以说“重写{name}”。"
    _say(ctx, cid, answer)


def _say(ctx: Ctx, cid: int, text: str, kind: str = "text") -> None:
    _render_message(ctx, ctx.store.add_message(cid, "assistant", text, kind=kind))


def _cancel(ctx: Ctx, cid: int) -> None:
    # Said at once, not when the job next gets a word from the model (a stalled model may
    # not send one for minutes): the conversation is free again, the job stops at its next
    # step and saves nothing more. The click reruns the script, which stops waiting.
    job = state.jobs().running(ctx.user.id, cid)
    if job is not None and state.jobs().cancel(ctx.user.id, cid):
        ctx.store.add_message(cid, "assistant", job.cancel_notice or CANCELLED_NOTICE, kind="notice")


def _job_work(
    ctx: Ctx, cid: int, work: Callable[[Job], DraftVersion | None]
) -> Callable[[Job], DraftVersion | None]:
    """``work`` as a job that says its own outcome in the conversation: a user whose tab was
    closed finds the answer or the error there when they come back (取消 is said by _cancel)."""
    store = ctx.store

    def job_work(job: Job) -> DraftVersion | None:
        try:
            return work(job)
        except (Cancelled, Reported):
            raise
        except NothingToAddError as exc:  # not a failure: the draft already says all it can
            store.add_message(cid, "assistant", str(exc), kind="notice")
            raise Reported() from exc
        except AssistantError as exc:
            store.add_message(cid, "assistant", str(exc), kind="error")
            raise Reported() from exc
        except Exception as exc:
            _log.exception("job failed")
            store.add_message(cid, "assistant", f"没有完成：程序出错（{type(exc).__name__}），请重试。",
                              kind="error")  # fmt: skip
            raise Reported() from exc

    return job_work


def _section_work(
    ctx: Ctx,
    cid: int,
    make_stream: Callable[[], DraftStream],
    section_key: str,
    instruction: str | None = None,
) -> Callable[[Job], DraftVersion]:
    """One section drafted in a job: retrieval, the (streamed) text, review, saved with the
    conversation. All of it runs in the job, so closing the tab right after Enter loses nothing."""
    store = ctx.store

    def work(job: Job) -> DraftVersion:
        stream = make_stream()
        for chunk in stream:  # a cancelled job stops here; _cancel has said so
            job.check()
            job.text += chunk
        job.check()
        if stream.result is None:
            raise AssistantError("没有完成，请重试。")
        version = store.save_draft(cid, section_key, stream.result, instruction=instruction)
        store.add_message(
            cid, "assistant", stream.result.text, kind="draft", draft_version_id=version.id
        )
        return version

    return work


def _run_job(
    ctx: Ctx,
    cid: int,
    caption: str,
    work: Callable[[Job], DraftVersion | None],
    live: bool,
    cancel_notice: str = "",
) -> DraftVersion | None:
    """Run ``work`` as a job of the process and show its progress with a 取消 button while
    this run waits for it; a section it drafted is shown in place. If this run is stopped
    (tab closed, page reloaded) the job goes on, and the next run of the page picks it up."""
    job = state.jobs().submit(ctx.user.id, cid, caption, _job_work(ctx, cid, work))
    job.cancel_notice = cancel_notice
    with st.chat_message("assistant"):
        note = st.empty()
        cancel = st.empty()
        cancel.button("取消", key=f"cancel_{cid}_{time.monotonic_ns()}",
                      on_click=_cancel, args=(ctx, cid))  # fmt: skip
        slot = st.empty()
        shown = ""
        while not job.done and not job.cancelled:  # cancelled (in another tab): stop waiting
            wait = "正在等待模型回复……" if live and not job.text else ""
            # Sent every round, not only when it changes: a sent element is where this run
            # notices a click (取消) at once (sent twice a second, a 取消 lost the chat's facts).
            note.caption(f"{caption}{job.progress}{wait}（{job.status}）")
            if live and job.text != shown:
                shown = job.text
                slot.markdown(shown)
            time.sleep(0.05)
        note.empty()
        cancel.empty()
        assert job.future is not None
        if job.cancelled:
            raise Cancelled()
        version: DraftVersion | None = job.future.result()  # Reported: said there
        if version is not None:
            with slot.container():
                render_draft(ctx, version)
    return version


def _pending_job(ctx: Ctx, cid: int, job: Job) -> None:
    """A job still running for this conversation (sent before a reload, from another tab, or
    from a run that was stopped): its progress and 取消, and the whole page again once it is
    over. Reruns while ``job`` itself is not over: a finished job never leaves the page
    waiting, even one that finished before this run got here."""

    @st.fragment(run_every=0.5)
    def progress() -> None:
        if job.done or state.jobs().running(ctx.user.id, cid) is not job:
            st.rerun()
        with st.chat_message("assistant"):
            st.caption(
                f"{job.label}{job.progress}（{job.status}，关闭页面也会继续，回来即可看到结果）"
            )
            if job.text:
                st.markdown(job.text)
            st.button("取消", key=f"cancel_pending_{cid}", on_click=_cancel, args=(ctx, cid))

    progress()


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
    make_stream = _section_stream(ctx, cid, cfg, role, facts, shape, section_key)
    caption = f"正在起草“{role_label(role)}”，参照范文库中同类段落。"
    work = _section_work(ctx, cid, make_stream, section_key)
    version = _run_job(ctx, cid, caption, work, live=cfg.engine == "llm")
    assert version is not None
    return version


def _section_stream(
    ctx: Ctx, cid: int, cfg: Settings, role: Role, facts: Sequence[Fact],
    shape: WantedShape | None, section_key: str,
) -> Callable[[], DraftStream]:  # fmt: skip
    """The draft of one section, made when called (in the job: retrieval is work too)."""

    def make() -> DraftStream:
        # A section of the conversation's outline keeps the outline's heading.
        plan = load_plan(ctx, cid)
        item = plan.item(section_key) if plan else None
        return ctx.assistant.stream_draft(
            role,
            list(facts),
            engine=cfg.engine,
            shape=shape or (item.shape() if item else None),
            settings=cfg,
            heading=item.heading if item and item.role == role else None,
        )

    return make


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
    from assistant.draft.allocate import select_facts

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
    if facts:  # revisions use the facts as they are now, edits included, of this section only
        cited = {f.id for f in draft.facts}
        fitting = {f.id for f in select_facts(draft.role, facts, kinds=load_kinds(ctx, cid)).used}
        draft = dataclasses.replace(draft, facts=[f for f in facts if f.id in cited | fitting])
    cfg = state.effective_settings(ctx)
    instruction = intent.instruction or intent.text
    caption = f"正在按“{instruction}”修改“{role_label(draft.role)}”第{base.version}版。"
    work = _section_work(
        ctx,
        cid,
        lambda: ctx.assistant.stream_revision(draft, instruction, engine=cfg.engine, settings=cfg),
        base.section_key,
        instruction=instruction,
    )
    _run_job(ctx, cid, caption, work, live=cfg.engine == "llm")


# ---- outline and whole report ---------------------------------------------------------------------


def load_plan(ctx: Ctx, cid: int) -> Plan | None:
    """The conversation's plan (kept with it, deleted with it)."""
    raw = ctx.store.get_meta(cid, PLAN_META_KEY)
    if not raw:  # most conversations: planning code not loaded at all
        return None
    from assistant.plan import Plan

    return Plan.from_json(raw)


def _save_plan(ctx: Ctx, cid: int, plan: Plan) -> None:
    ctx.store.set_meta(cid, PLAN_META_KEY, plan.to_json())


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
    from assistant.plan import plan_from_outline

    plan = plan_from_outline(ctx.assistant.report_outline(report.id), report.id, report.title)
    _save_plan(ctx, cid, plan)
    if not ctx.store.report_title(cid):
        ctx.store.set_report_title(cid, report.title)
    lines = [f"参照《{escape_md(report.title)}》的结构，提纲如下：", ""]
    for i, p in enumerate(plan.items, 1):
        lines.append(f"{i}. {escape_md(p.display_heading)} `{role_label(p.role)}`{p.form}")
        for child in p.children:
            lines.append(f"    - {escape_md(child)}")
    lines += ["", "说“逐节起草全文”，我会按这个提纲用您的素材逐节起草。"]
    _say(ctx, cid, "\n".join(lines))


REPORT_CANCELLED_NOTICE = "已取消：已起草的部分保留，其余部分没有起草。可以重新发送“逐节起草全文”。"


def _draft_all(ctx: Ctx, cid: int, facts: Sequence[Fact]) -> None:
    """Every section of the outline in ONE job (progress 第2/4节, one 取消): it goes on when
    the tab closes, and each section is saved as soon as it is drafted."""
    from assistant.plan import allocate, default_plan

    if not facts:
        raise NoFactsError()
    plan = load_plan(ctx, cid)
    if plan is None:
        plan = default_plan()
        _say(
            ctx,
            cid,
            "还没有选定提纲，先按常见的“工作情况—存在问题—下步打算”三部分起草。"
            "也可以先说“按第1篇范文的结构列个提纲”。",
            kind="notice",
        )
    # Each section gets the facts that serve it (done -> 工作情况, shortcomings -> 存在问题,
    # plans -> 下步打算), never the whole list.
    plan = allocate(plan, facts, load_kinds(ctx, cid))
    _save_plan(ctx, cid, plan)
    cfg = state.effective_settings(ctx)
    work = _report_work(ctx, cid, plan, list(facts), cfg)
    _run_job(ctx, cid, "正在逐节起草全文", work, live=cfg.engine == "llm",
             cancel_notice=REPORT_CANCELLED_NOTICE)  # fmt: skip
    st.rerun()  # the page again, with every section the job saved


def _report_work(
    ctx: Ctx, cid: int, plan: Plan, facts: list[Fact], cfg: Settings
) -> Callable[[Job], None]:
    from assistant.plan import draft_report

    store = ctx.store
    known = {f.id for f in facts}
    total = sum(1 for it in plan.items if it.drafted and any(i in known for i in it.fact_ids))

    def say(text: str, kind: str) -> None:
        store.add_message(cid, "assistant", text, kind=kind)

    def work(job: Job) -> None:
        done: list[str] = []

        def one(item: PlanItem, own: list[Fact]) -> DraftVersion:
            job.progress = f"（第{len(done) + 1}/{total}节：{_item_name(item)}）"
            job.text = ""
            make = _section_stream(ctx, cid, cfg, item.role, own, item.shape(), item.key)
            version = _section_work(ctx, cid, make, item.key)(job)
            done.append(_item_name(item))
            return version

        skipped: list[str] = []
        empty: list[str] = []
        for step in draft_report(plan, facts, one, on_error=AssistantError):
            name = _item_name(step.item)
            if step.status == "skipped":
                skipped.append(name)
            elif step.status == "empty":
                empty.append(name)
            elif step.status == "failed":
                say(f"“{name}”未能起草：{step.error}", "error")
        if empty:
            say(
                f"{'、'.join(empty)}：素材里没有与之对应的内容，暂未起草。"
                "补充素材后可单独要求起草这一部分。",
                "notice",
            )
        if plan.unplaced:
            ids = "、".join(plan.unplaced)
            say(f"素材{ids}在这个提纲里没有对应的部分（例如提纲没有“存在问题”），未写入草稿。", "notice")
        if skipped:
            say(
                f"以上各部分已起草完毕。{'、'.join(skipped)}需要概括全文，请在各部分定稿后补写"
                "（也可以说“写个开头”）。",
                "notice",
            )

    return work


def _item_name(item: PlanItem) -> str:
    return item.heading or item.sample_heading or role_label(item.role)


# ---- export ------------------------------------------------------------------------------------------


def report_keys(ctx: Ctx, cid: int) -> list[str]:
    """The sections of the report: texts checked on the editor's desk are not part of it."""
    from assistant.ui.desk import is_desk_key

    return [k for k in ctx.store.section_keys(cid) if not is_desk_key(k)]


def assembled_sections(ctx: Ctx, cid: int) -> list[ExportSection]:
    """Each drafted section once (accepted version, else the newest), in the outline's order."""
    from assistant.export import ExportSection
    from assistant.plan import assembly_order

    keys = assembly_order(load_plan(ctx, cid), report_keys(ctx, cid))
    out: list[ExportSection] = []
    for key in keys:
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
    keys = report_keys(ctx, cid)
    if not keys:
        return
    with st.expander(f"导出全文（已起草 {len(keys)} 个部分）"):
        tkey = f"report_title_{cid}"
        if tkey not in st.session_state:  # no title set: the conversation's, shown to edit
            first = next((m.content for m in ctx.store.messages(cid) if m.role == "user"), "")
            st.session_state[tkey] = ctx.store.report_title(cid) or default_report_title(
                ctx.store.get_conversation(cid).title, first
            )
        st.text_input("报告标题", key=tkey, on_change=_save_title, args=(ctx, cid),
                      placeholder="例如：2025年意识形态工作情况报告")  # fmt: skip
        keep = st.checkbox("保留素材引用标注〔F1〕", key=f"keep_cite_{cid}")
        st.caption("每个部分取“已采用”的版本，没有采用的取最新版本。")
        current = (ctx.store.current_version(cid, k) for k in keys)
        plan = load_plan(ctx, cid)
        parts = [(it.key, it.role, it.display_heading) for it in plan.items] if plan else []
        warning = export_warning(
            (open_review(ctx.store, v)[0] for v in current if v is not None),
            undrafted_parts(parts, keys),
        )
        if warning:
            st.warning(warning)
        # never a file without a title: a cleared field exports as 工作报告
        title = name = (st.session_state.get(tkey) or "").strip() or DEFAULT_REPORT_TITLE
        c1, c2 = st.columns(2)
        c1.download_button(
            "下载全文 Word（.docx）",
            data=logged_export(
                ctx, cid, f"《{name}》全文", "docx", lambda: report_file(ctx, cid, title, keep, "docx")
            ),
            file_name=file_name(name, "docx"),
            mime=DOCX_MIME,
            key=f"dl_all_docx_{cid}",
            on_click="ignore",
        )
        c2.download_button(
            "下载全文 Markdown（.md）",
            data=logged_export(
                ctx, cid, f"《{name}》全文", "md", lambda: report_file(ctx, cid, title, keep, "md")
            ),
            file_name=file_name(name, "md"),
            mime="text/markdown",
            key=f"dl_all_md_{cid}",
            on_click="ignore",
        )
