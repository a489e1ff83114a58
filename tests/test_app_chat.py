"""What a new user of the chat trips on (AppTest, real index and store): line breaks in their
own messages, empty 新对话 entries piling up, titles cut short, the export's title and the
parts of the outline not written yet. What only a browser shows is in tests/test_browser.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.models import Review, Role
from assistant.sessions import DEFAULT_TITLE, SessionStore
from assistant.ui.render import (
    default_report_title,
    export_warning,
    page_css,
    short_title,
    undrafted_parts,
    user_text_md,
)
from tests.test_app_users import ALICE, BOB, _browser

FACTS = "理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有3名，力量薄弱"


# ---- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # each line its own line (markdown's hard break), nothing joined
        ("帮我写存在问题：\n理论学习形式单一\n宣传干部仅有3名", "帮我写存在问题：  \n理论学习形式单一  \n宣传干部仅有3名"),
        # a numbered or bulleted paste keeps the user's own numbers, not markdown's
        ("1. 学习会12次\n2. 舆情9起", "1\\. 学习会12次  \n2\\. 舆情9起"),
        ("- 学习会12次\n+ 舆情9起", "\\- 学习会12次  \n\\+ 舆情9起"),
        ("标题\n---", "标题  \n\\---"),  # not a heading underline
        ("1.5万人次参加", "1.5万人次参加"),  # a number, not a list
        ("    缩进的一行", "缩进的一行"),  # not a code block
        ("**加粗**与#号", "\\*\\*加粗\\*\\*与\\#号"),
        ("一段\n\n另一段", "一段  \n  \n另一段"),
    ],
)
def test_a_users_message_is_shown_as_typed(typed: str, shown: str) -> None:
    assert user_text_md(typed) == shown


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("帮我写存在问题部分", "帮我写存在问题部分"),
        ("根据以下情况帮我写存在问题部分：理论学习形式单一；基层专职宣传干部仅有3名", "根据以下情况帮我写存在问题部分：理论学习形式单一；…"),
    ],
)
def test_short_title(title: str, shown: str) -> None:
    assert short_title(title) == shown and len(short_title(title)) <= 26


@pytest.mark.parametrize(
    ("conversation", "first_request", "title"),
    [
        ("2025年宣传思想工作总结", "帮我写存在问题部分", "2025年宣传思想工作总结"),  # renamed
        ("帮我写存在问题部分", "帮我写存在问题部分", "工作报告"),  # named after the request
        ("帮我写存在问题部分（2）", "帮我写存在问题部分", "工作报告"),
        (DEFAULT_TITLE, "", "工作报告"),
    ],
)
def test_default_report_title(conversation: str, first_request: str, title: str) -> None:
    assert default_report_title(conversation, first_request) == title


def test_undrafted_parts_of_the_outline_are_named_in_the_export_warning() -> None:
    plan = [
        ("preamble", Role.PREAMBLE, "（开头）"),
        ("achievements", Role.ACHIEVEMENTS, "一、主要工作"),
        ("problems", Role.PROBLEMS, "二、存在问题"),
        ("plans", Role.PLANS, "三、下步打算"),
    ]
    missing = undrafted_parts(plan, ["achievements", "problems"])
    assert missing == ["开头", "下步打算"]
    warning = export_warning([Review("flagged", [], [], [])], missing)
    assert warning is not None and "提纲中的“开头”“下步打算”还没有写" in warning
    assert "写个开头" in warning
    # beside the gaps and open flags, not instead of them
    from assistant.models import Flag

    gap = Flag(kind="placeholder_left", text="【待补充】", start=0, end=5, reason="r")
    both = export_warning([Review("flagged", [gap], [], [])], ["开头"])
    assert both is not None and both.startswith("还有 1 处待补充，提纲中的“开头”还没有写")
    assert export_warning([Review("pass", [], [], [])], []) is None


def test_uploader_words_are_chinese_and_state_our_limit() -> None:
    css = page_css(12.5)
    assert 'content: "选择文件"' in css and "每个文件不超过 12.5 MB" in css
    assert "stFileUploaderDropzoneInstructions" in css
    assert css.count("<style>") == 1 and css.rstrip().endswith("</style>")


def test_the_chat_finds_stored_plans_without_loading_the_planner() -> None:
    from assistant.plan import META_KEY
    from assistant.ui.chat import PLAN_META_KEY

    assert PLAN_META_KEY == META_KEY


# ---- the app ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def _listed(at: AppTest) -> list[str]:
    return [str(b.label) for b in at.sidebar.button if str(b.key).startswith("conv_")]


def test_the_users_request_keeps_its_line_breaks_in_the_chat() -> None:
    at = _browser(None)
    _ask(at, "根据以下情况帮我写存在问题部分：\n理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有3名")
    bubble = next(m.value for m in at.markdown if "根据以下情况" in m.value)
    assert bubble.count("  \n") == 2
    again = _browser(None)  # drawn again from the store: the same
    assert any(m.value == bubble for m in again.markdown)


def test_new_conversation_reuses_the_empty_one_and_lists_it_once() -> None:
    at = _browser(None)
    store = SessionStore(Settings().sessions_path)
    first = at.session_state["cid"]
    for _ in range(3):  # ＋ 新对话 on an empty conversation: the same one, nothing new stored
        at.button(key="new_conv").click().run()
        assert at.session_state["cid"] == first
    again = _browser(None)  # a first visit in another tab or later
    assert again.session_state["cid"] == first
    assert len(store.list_conversations()) == 1
    assert _listed(at) == [DEFAULT_TITLE]

    at.text_area[0].input(FACTS).run()  # facts alone make it a conversation worth keeping
    at.button(key="new_conv").click().run()
    second = at.session_state["cid"]
    assert second != first and at.text_area[0].value == ""
    at.button(key="new_conv").click().run()
    assert at.session_state["cid"] == second
    assert len(store.list_conversations()) == 2
    assert _listed(at) == [DEFAULT_TITLE, DEFAULT_TITLE]  # the open empty one, and `first`

    at.button(key=f"conv_{first}").click().run()
    assert at.text_area[0].value == FACTS
    assert f"conv_{second}" not in [str(b.key) for b in at.sidebar.button]  # empty: not listed
    at.button(key="new_conv").click().run()
    assert at.session_state["cid"] == second  # reused, not a third


def test_a_signed_in_first_visit_never_reuses_another_users_empty_conversation() -> None:
    alice = _browser(ALICE)
    bob = _browser(BOB)
    assert bob.session_state["cid"] != alice.session_state["cid"]
    bob.button(key="new_conv").click().run()
    assert bob.session_state["cid"] != alice.session_state["cid"]
    store = SessionStore(Settings().sessions_path)
    assert {c.id for c in store.for_user("oidc:bob-2").list_conversations()} == {
        bob.session_state["cid"]
    }
    bob.text_area[0].input(FACTS).run()
    alice.run()
    assert alice.text_area[0].value == ""  # Bob's facts never in Alice's conversation


def test_a_long_title_is_kept_whole_and_shown_on_hover() -> None:
    at = _browser(None)
    request = "根据以下情况帮我写存在问题部分：理论学习形式单一；基层专职宣传干部仅有3名；全年仅开展形势研判2次"
    _ask(at, request)
    cid = at.session_state["cid"]
    title = SessionStore(Settings().sessions_path).get_conversation(cid).title
    assert title == request[:60] and len(title) > 20
    button = at.button(key=f"conv_{cid}")
    assert button.label == short_title(title) and button.label.endswith("…")
    assert button.help == title


def test_export_has_a_title_and_names_the_opening_not_yet_written() -> None:
    at = _browser(None)
    at.text_area[0].input(
        "全年召开理论学习中心组学习会14次\n理论学习形式单一，以集中读文件为主\n下一步将开展网络安全培训2次"
    ).run()
    _ask(at, "按第一篇范文的结构列个提纲")
    _ask(at, "逐节起草全文")
    cid = at.session_state["cid"]
    outline = next(m.value for m in at.markdown if "提纲如下" in m.value)
    title = at.text_input(key=f"report_title_{cid}").value
    assert title and f"《{title}》" in outline  # the outline's report, not an empty title
    warning = " ".join(w.value for w in at.warning)
    assert "提纲中的“开头" in warning and "导出前请补齐" in warning
    _ask(at, "写个开头")
    warning = " ".join(w.value for w in at.warning if "导出前" in w.value)
    assert "“开头" not in warning


def test_export_title_is_the_conversations_name_else_a_plain_one() -> None:
    at = _browser(None)
    at.text_area[0].input(FACTS).run()
    _ask(at, "帮我写存在问题部分")
    cid = at.session_state["cid"]
    assert at.text_input(key=f"report_title_{cid}").value == "工作报告"  # not the request
    at.text_input(key=f"rename_{cid}").input("2025年宣传思想工作总结").run()
    at.button(key=f"rename_btn_{cid}").click().run()
    later = _browser(None)  # opened again later
    assert later.text_input(key=f"report_title_{cid}").value == "2025年宣传思想工作总结"
    # the file is built from what the box holds: the document opens with that title
    from assistant.service import Assistant
    from assistant.ui.chat import report_file
    from assistant.ui.state import Ctx

    settings = Settings()
    ctx = Ctx(Assistant(settings), SessionStore(settings.sessions_path), settings)
    md = report_file(ctx, cid, later.text_input(key=f"report_title_{cid}").value, False, "md")
    assert str(md).startswith("# 2025年宣传思想工作总结")
