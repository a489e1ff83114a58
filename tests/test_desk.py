"""The editor's desk (审稿台) and in-app editing: the service calls behind them (role guess,
reading an uploaded draft, checking a pasted text, an edit checked again), the export warning,
and the Streamlit flows through AppTest (real store, real checker, real index)."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from assistant.errors import BinaryFileError, EmptyDraftError, MalformedDocxError
from assistant.models import Flag, Review, Role
from assistant.service import EDITED_ENGINE, PASTED_ENGINE, Assistant, guess_role
from assistant.ui.render import export_warning, verdict_short
from tests.conftest import ROOT

FACTS = "理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有3名，力量薄弱"
# A model-style draft: a wrong number (5名 for 3名) in a point the facts support.
DRAFT = (
    "二、存在的主要问题\n"
    "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。"
    "一是理论学习形式单一，以集中读文件为主；二是基层专职宣传干部仅有5名，力量薄弱。"
)


# ---- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("二、存在的主要问题\n一是理论学习形式单一；二是宣传干部仅有5名。", Role.PROBLEMS),
        ("三、下一步工作打算\n一是持续深化理论宣讲。", Role.PLANS),
        (
            "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。一是学习形式单一，"
            "效果有待提高；二是队伍力量不够，能力有待提升。",
            Role.PROBLEMS,
        ),
        ("下一步，我们将继续加强理论学习，力争全年开展宣讲20场，要进一步健全机制。", Role.PLANS),
        (
            "今年以来，我局召开理论学习中心组学习会议12次，开展专题宣讲20余场次，完成年度任务。",
            Role.ACHIEVEMENTS,
        ),
        # a whole report: each part's role comes from its own heading
        ("一、工作开展情况\n召开会议12次。\n二、存在问题\n力量薄弱。\n三、下步打算\n将加强。", Role.OTHER),
        ("你好", Role.OTHER),
        # shortcoming grammar: "仅有5名" falls short, it is no count of work done
        ("一是理论学习形式单一，以集中读文件为主；二是基层宣传干部仅有5名，力量薄弱。", Role.PROBLEMS),
        # unsure (one shortfall, one count): no part is assumed
        ("一是理论学习形式单一；二是全年开展研判2次。", Role.OTHER),
    ],
)
def test_guess_role_from_headings_then_words(text: str, role: Role) -> None:
    assert guess_role(text) == role


def _flag(kind: str) -> Flag:
    return Flag(kind, "x", 0, 1, "原因")


@pytest.mark.parametrize(
    ("reviews", "expected"),
    [
        ([Review("pass", [], [], [])], None),
        (
            [Review("flagged", [_flag("placeholder_left"), _flag("changed_number")], [], [])],
            "还有 1 处待补充、1 处待核实",
        ),
        (
            [
                Review("flagged", [_flag("placeholder_left"), _flag("placeholder_left")], [], []),
                Review("flagged", [_flag("unsupported_number")], [], []),
                Review("pass", [], [], []),
            ],
            "还有 2 处待补充、1 处待核实",
        ),
        ([Review("unverified", [], ["F1"], [], ["没有素材"])], "还有 1 个部分未能审核"),
    ],
)
def test_export_warning_counts_gaps_and_open_flags(
    reviews: list[Review], expected: str | None
) -> None:
    warning = export_warning(reviews)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and warning.startswith(expected + "，")


def test_pasted_text_without_facts_is_never_passed() -> None:
    draft = Assistant.check_text(DRAFT, [])
    assert draft.engine == PASTED_ENGINE and draft.role == Role.PROBLEMS
    assert draft.review.verdict == "unverified"
    assert "审核通过" not in verdict_short(draft.review)
    assert "未能审核" in verdict_short(draft.review)


def test_pasted_text_is_checked_and_an_edit_is_checked_again() -> None:
    facts = Assistant.parse_facts(FACTS)
    draft = Assistant.check_text(DRAFT, facts, "存在问题")
    assert [(f.kind, f.text) for f in draft.review.flags] == [("changed_number", "5名")]
    fixed = Assistant.edit_draft(draft, DRAFT.replace("5名", "3名"))
    assert fixed.engine == EDITED_ENGINE and fixed.role == Role.PROBLEMS
    assert not fixed.review.flags and fixed.review.verdict == "pass"
    with pytest.raises(EmptyDraftError):
        Assistant.edit_draft(draft, "  \n ")
    with pytest.raises(EmptyDraftError):
        Assistant.check_text("\r\n", facts)


def _docx_bytes(lines: list[str]) -> bytes:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_read_document_uses_the_loaders_and_their_errors() -> None:
    text = Assistant.read_document("稿子.docx", _docx_bytes(DRAFT.split("\n")))
    assert "二、存在的主要问题" in text and "仅有5名" in text
    assert "仅有5名" in Assistant.read_document("稿子.txt", DRAFT.encode("gb18030"))
    with pytest.raises(MalformedDocxError, match=r"坏\.docx"):
        Assistant.read_document("坏.docx", b"not a zip at all")
    with pytest.raises(BinaryFileError, match=r"图片\.txt"):
        Assistant.read_document("图片.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


# ---- the app ------------------------------------------------------------------------------


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _open_desk(at: AppTest) -> None:
    at.session_state["main_tab"] = "审稿台"
    _run(at)


def _drafts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="draft-text"' in m.value]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def _paste(at: AppTest, draft: str, facts: str | None) -> None:
    at.text_area(key="desk_text").input(draft)
    _run(at)
    if facts is not None:
        at.radio(key="desk_facts_source").set_value("另附素材")
        _run(at)
        at.text_area(key="desk_facts").input(facts)
        _run(at)
    at.button(key="desk_check").click()
    _run(at)


def _diff_shows(at: AppTest, old: str, new: str) -> bool:
    """The 版本 tab's diff shows the edit: as a unified diff by sentence, or as marked-up text."""
    code = "\n".join(str(c.value) for c in at.code)
    marked = "".join(m.value for m in at.markdown if 'class="diff"' in m.value)
    return bool(
        (f"-二是基层专职宣传干部仅有{old}名" in code and f"+二是基层专职宣传干部仅有{new}名" in code)
        or re.search(rf"仅有<del[^>]*>{old}</del><ins[^>]*>{new}</ins>名", marked)
    )


def _edit(at: AppTest, change: tuple[str, str]) -> None:
    box = next(t for t in at.text_area if str(t.key).startswith("edit_"))
    box.input(str(box.value).replace(*change))
    _run(at)
    next(b for b in at.button if str(b.key).startswith("save_")).click()
    _run(at)


def test_desk_flags_a_pasted_draft_and_an_edit_clears_the_flag(app: AppTest) -> None:
    _open_desk(app)
    _paste(app, DRAFT, FACTS)
    assert app.selectbox(key="desk_role").value == Role.PROBLEMS  # guessed from the heading
    (html_,) = _drafts(app)
    assert 'class="flag flag-changed_number"' in html_ and ">5名</mark>" in html_
    texts = _texts(app)
    assert "外来稿件" in texts and "有待核实" in texts and "审核通过" not in texts
    assert "数字与素材不一致" in texts  # the flag list under the draft
    assert {"范文", "素材", "审核", "对照", "版本"} <= {t.label for t in app.tabs}
    assert "还有 1 处待核实" in texts  # said before the section's download buttons

    _edit(app, ("5名", "3名"))
    (html_,) = _drafts(app)
    assert "<mark" not in html_ and "仅有3名" in html_
    texts = _texts(app)
    assert "第2版" in texts and "人工修改" in texts and "审核通过" in texts
    assert _diff_shows(app, "5", "3")
    assert "还有" not in texts  # nothing left to warn about before the download


def test_desk_without_facts_says_it_could_not_check(app: AppTest) -> None:
    _open_desk(app)
    _paste(app, DRAFT, None)  # the conversation has no 素材
    assert _drafts(app)
    texts = _texts(app)
    assert "未能审核" in texts and "没有素材" in texts
    assert "审核通过" not in texts


def test_desk_uses_the_conversation_facts_and_keeps_the_role_chosen(app: AppTest) -> None:
    app.text_area[0].input(FACTS)  # the 素材 box of the chat tab
    _run(app)
    _open_desk(app)
    app.text_area(key="desk_text").input(DRAFT)
    _run(app)
    app.selectbox(key="desk_role").set_value(Role.CAUSES)
    _run(app)
    app.button(key="desk_check").click()
    _run(app)
    texts = _texts(app)
    assert "原因分析" in texts and "数字与素材不一致" in texts
    # the checked text is not a section of the report to export
    app.session_state["main_tab"] = "对话"
    _run(app)
    assert not [e for e in app.expander if e.label.startswith("导出全文")]


def test_desk_upload_reads_docx_and_reports_a_bad_file(app: AppTest) -> None:
    _open_desk(app)
    uploader = app.get("file_uploader")[0]
    uploader.set_value([("坏文件.docx", b"PK\x03\x04 broken", "application/octet-stream")])
    _run(app)
    assert any("坏文件.docx" in e.value and "无法导入" in e.value for e in app.error)
    uploader = app.get("file_uploader")[0]
    uploader.set_value([("稿子.docx", _docx_bytes(DRAFT.split("\n")), "application/octet-stream")])
    _run(app)
    assert "仅有5名" in str(app.text_area(key="desk_text").value)
    assert not any("无法导入" in e.value for e in app.error)


def test_a_chat_draft_is_edited_in_place_and_checked_again(app: AppTest) -> None:
    app.text_area[0].input(FACTS)
    _run(app)
    app.chat_input[0].set_value("帮我写存在问题部分")
    _run(app)
    (first,) = _drafts(app)
    assert "仅有3名" in first
    _edit(app, ("仅有3名", "仅有8名"))
    drafts = _drafts(app)
    assert len(drafts) == 2  # the edit is a new message with the new version
    assert ">8名</mark>" in drafts[1] and "仅有3名" in drafts[0]  # the first version is kept
    texts = _texts(app)
    assert "第2版" in texts and "修改要求：手动修改" in texts and "数字与素材不一致" in texts
    assert any(e.label.startswith("导出全文") for e in app.expander)
    assert any("处待核实" in w.value for w in app.warning)  # before the report's download


def test_check_request_in_the_chat_goes_to_the_desk_and_drafts_nothing(app: AppTest) -> None:
    app.text_area[0].input(FACTS)
    _run(app)
    app.chat_input[0].set_value("帮我核对这段稿子和素材是否一致：" + DRAFT)
    _run(app)
    (html_,) = _drafts(app)
    assert ">5名</mark>" in html_ and "二、存在的主要问题" in html_
    texts = _texts(app)
    assert "外来稿件" in texts and "没有起草新稿" in texts and "审核通过" not in texts
    assert not [e for e in app.expander if e.label.startswith("导出全文")]  # no section drafted
    assert app.text_area[0].value == FACTS  # the pasted text did not join the 素材
    _open_desk(app)
    assert [o for o in app.selectbox(key="desk_pick").options if "二、存在的主要问题" in o]
    assert ">5名</mark>" in _drafts(app)[0]


def test_check_request_without_facts_is_not_passed(app: AppTest) -> None:
    app.chat_input[0].set_value("请审核以下内容：\n" + DRAFT.replace("5名", "3名"))
    _run(app)
    assert _drafts(app)
    texts = _texts(app)
    assert "未能审核" in texts and "素材是空的" in texts and "审核通过" not in texts


def test_desk_with_nothing_pasted_says_what_to_do(app: AppTest) -> None:
    _open_desk(app)
    app.button(key="desk_check").click()
    _run(app)
    assert any("没有要审核的文字" in e.value for e in app.error)
    assert not _drafts(app)


def test_check_request_with_its_own_facts_checks_against_them_only(app: AppTest) -> None:
    app.chat_input[0].set_value("核对这段稿子：\n" + DRAFT + "\n素材：\n" + FACTS)
    _run(app)
    (html_,) = _drafts(app)
    assert ">5名</mark>" in html_
    texts = _texts(app)
    assert "没有起草新稿" in texts and "未能审核" not in texts
    assert app.text_area[0].value == ""  # they serve this check, not the conversation's 素材


def test_a_list_of_shortcomings_is_not_read_as_work_done(app: AppTest) -> None:
    # "仅有5名" is a shortfall, not a count of work done: no false 放错了位置
    app.text_area[0].input(FACTS)
    _run(app)
    app.chat_input[0].set_value(
        "核对这段稿子：一是理论学习形式单一，以集中读文件为主；二是基层专职宣传干部仅有5名，力量薄弱。"
    )
    _run(app)
    (html_,) = _drafts(app)
    assert ">5名</mark>" in html_
    texts = _texts(app)
    assert "放错了位置" not in texts and "未判断部分类型" not in texts


def test_a_text_of_no_clear_part_is_checked_without_placing_its_facts(app: AppTest) -> None:
    app.text_area[0].input("召开理论学习中心组学习会12次\n基层专职宣传干部仅有3名，力量薄弱")
    _run(app)
    app.chat_input[0].set_value("核对这段稿子：召开理论学习中心组学习会12次，基层专职宣传干部3名。")
    _run(app)
    assert _drafts(app)
    texts = _texts(app)
    assert "未判断部分类型" in texts and "放错了位置" not in texts


def test_check_request_alone_checks_the_last_text_again_with_its_own_facts(app: AppTest) -> None:
    app.chat_input[0].set_value("核对这段稿子：\n" + DRAFT + "\n素材：\n" + FACTS)
    _run(app)
    app.chat_input[0].set_value("帮我核对这段稿子")
    _run(app)
    drafts = _drafts(app)
    assert len(drafts) == 2 and all(">5名</mark>" in d for d in drafts)
    texts = _texts(app)
    assert "重新核对了上一段文字（对照它的2条素材）" in texts and "未能审核" not in texts
    assert app.text_area[0].value == ""  # the conversation's 素材 stay as they were


def test_check_request_alone_with_nothing_checked_asks_for_the_text(app: AppTest) -> None:
    app.chat_input[0].set_value("帮我核对这段稿子")
    _run(app)
    assert not _drafts(app)
    assert "请把要核对的文字贴在要求后面" in _texts(app)


def test_desk_says_when_it_cannot_tell_the_part(app: AppTest) -> None:
    _open_desk(app)
    app.text_area(key="desk_text").input("一是理论学习形式单一；二是全年开展研判2次。")
    _run(app)
    assert app.selectbox(key="desk_role").value is Role.OTHER
    assert "未判断部分类型" in _texts(app)
    app.text_area(key="desk_text").input(DRAFT)  # its heading settles it
    _run(app)
    assert app.selectbox(key="desk_role").value is Role.PROBLEMS
    assert "未判断部分类型" not in _texts(app)


def _mark_buttons(at: AppTest, prefix: str) -> list[Button]:
    return [b for b in at.button if str(b.key).startswith(prefix)]


def test_a_flag_marked_as_checked_stays_listed_and_survives_a_restart(app: AppTest) -> None:
    import streamlit as st

    _open_desk(app)
    _paste(app, DRAFT, FACTS)
    assert "还有 1 处待核实" in _texts(app)
    (mark,) = _mark_buttons(app, "mark_")
    assert mark.label == "标为已核实"
    mark.click()
    _run(app)

    def shows_marked(at: AppTest) -> None:
        (html_,) = _drafts(at)
        assert "<mark" not in html_ and "仅有5名" in html_  # no longer highlighted
        texts = _texts(at)
        assert "有待核实之处已由您逐条核实" in texts and "审核通过" not in texts
        assert "已核实" in texts and "数字与素材不一致" in texts  # still listed, greyed
        assert "还有" not in texts  # the export warning counts open flags only
        assert [b.label for b in _mark_buttons(at, "unmark_")] == ["撤销"]
        assert not _mark_buttons(at, "mark_")

    shows_marked(app)
    st.cache_resource.clear()  # a new process: only what was stored is seen
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    _run(again)
    _open_desk(again)
    shows_marked(again)

    # an edit elsewhere keeps the mark on the same flag in the new version
    _edit(again, ("力量薄弱", "力量明显薄弱"))
    assert "第2版" in _texts(again)
    shows_marked(again)

    _mark_buttons(again, "unmark_")[0].click()  # 撤销
    _run(again)
    texts = _texts(again)
    assert "还有 1 处待核实" in texts and "已由您逐条核实" not in texts
    (html_,) = _drafts(again)
    assert ">5名</mark>" in html_
