"""The Streamlit app through streamlit's AppTest (real index, real offline drafter, real store),
plus the pure helpers that build the draft's HTML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.models import Flag
from assistant.service import Assistant
from assistant.ui.render import diff_text, highlight_html, split_heading, strip_markers
from assistant.ui.uploads import ingest_uploads, safe_name
from tests.conftest import ROOT, SEEDS

APP = str(ROOT / "app.py")
FACTS = (
    "理论学习形式单一，以集中读文件为主\n"
    "基层专职宣传干部仅有3名，力量薄弱\n"
    "全年仅开展意识形态形势研判2次，研判不够深入"
)


# ---- pure helpers ---------------------------------------------------------------------------


def _flag(kind: str, text: str, start: int, reason: str = "原因") -> Flag:
    return Flag(kind=kind, text=text, start=start, end=start + len(text), reason=reason)


def test_highlight_marks_flagged_span_with_reason_on_hover() -> None:
    text = "一是宣传干部仅有5名〔F2〕；"
    html_ = highlight_html(text, [_flag("changed_number", "5名", text.index("5名"), "素材是3名")])
    assert re.search(r'<mark [^>]*title="数字与素材不一致：素材是3名"[^>]*>5名</mark>', html_)
    assert '<span class="cite">〔F2〕</span>' in html_


def test_highlight_escapes_html_in_text_and_reason() -> None:
    text = "<script>alert(1)</script> 数字12"
    flag = _flag("unsupported_number", "12", text.index("12"), 'a"><b>x</b>')
    html_ = highlight_html(text, [flag])
    assert "<script>" not in html_ and "&lt;script&gt;" in html_
    assert "<b>x</b>" not in html_ and "&quot;&gt;&lt;b&gt;" in html_


def test_highlight_has_no_blank_line_so_markdown_leaves_it_alone() -> None:
    html_ = highlight_html("二、存在问题\n\n一是**区\n1. 列表", [])
    assert "\n" not in html_
    assert html_.count("<p") == 3 and '<p class="h">二、存在问题</p>' in html_


def test_highlight_flag_across_lines_and_overlaps_keep_html_balanced() -> None:
    text = "第一行12\n34第二行"
    flags = [_flag("unsupported_number", "12\n34", 3), _flag("changed_number", "2", 4)]
    html_ = highlight_html(text, flags)
    assert html_.count("<mark") == html_.count("</mark>") == 2
    assert html_.count("<p") == html_.count("</p>") == 2


def test_flag_list_merges_repeated_findings() -> None:
    from assistant.ui.render import flag_lines

    same = "草稿中还留有“【待补充】”"
    flags = [
        _flag("placeholder_left", "【待补充】", 0, same),
        _flag("changed_number", "5名", 9, "素材F2中是“3名”"),
        _flag("placeholder_left", "【待补充】", 20, same),
    ]
    lines = flag_lines(flags).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("- **待补充/占位符**（2处）：")
    assert "数字与素材不一致" in lines[1] and "3名" in lines[1]


@pytest.mark.parametrize(
    ("text", "heading", "rest"),
    [
        ("二、存在的主要问题\n回顾今年…", "二、存在的主要问题", "回顾今年…"),
        ("（一）强化学习\n正文", "（一）强化学习", "正文"),
        ("回顾今年以来的工作。\n一是……", None, "回顾今年以来的工作。\n一是……"),
    ],
)
def test_split_heading(text: str, heading: str | None, rest: str) -> None:
    assert split_heading(text) == (heading, rest)


def test_strip_markers() -> None:
    assert strip_markers("三、下一步工作打算") == "下一步工作打算"


def test_diff_as_marked_up_text() -> None:
    from assistant.ui.render import diff_html

    out = diff_html("一是宣传干部仅有3名。\n二是<b>。", "一是宣传干部仅有5名。\n二是<b>，新增一句。")
    assert '<del class="diff-del" title="删去">3</del><ins class="diff-ins" title="新增">5</ins>' in out
    assert '<ins class="diff-ins" title="新增">，新增一句</ins>' in out
    assert "&lt;b&gt;" in out and "<br>" in out and "\n" not in out


@pytest.mark.parametrize(
    ("why", "n_points", "point_style", "n_children", "expected"),
    [
        ({"role_match": "exact", "shared_terms": ["理论学习", "宣传干部", "研判", "舆情"]}, 3, "一是", 0,
         "同为“存在问题”，是三点“一是”式，都讲到理论学习、宣传干部、研判"),
        ({"role_match": "related", "shared_terms": []}, 0, "none", 4, "是相近的“存在问题”，分四个小标题"),
        ({}, 1, "一是", 0, "是“存在问题”"),
        # a count before a measure word reads 两, not 二
        ({"role_match": "exact"}, 0, "none", 2, "同为“存在问题”，分两个小标题"),
        ({"role_match": "exact"}, 2, "一是", 0, "同为“存在问题”，是两点“一是”式"),
    ],
)
def test_why_a_sample_was_chosen_in_plain_words(
    why: dict, n_points: int, point_style: str, n_children: int, expected: str  # type: ignore[type-arg]
) -> None:
    from assistant.models import Exemplar, Role
    from assistant.ui.render import why_plain

    e = Exemplar(report="r", title="t", source="s", section_id="x", heading="二、存在问题", path=[],
                 role=Role.PROBLEMS, level=1, n_points=n_points, n_children=n_children,
                 heading_style="一、", point_style=point_style, score=0.1, why=why, text="", body="")  # fmt: skip
    assert why_plain(e) == expected


def test_diff_by_sentence() -> None:
    d = diff_text("甲。乙。丙。", "甲。乙改。丙。", "第1版", "第2版")
    assert "-乙。" in d and "+乙改。" in d and "--- 第1版" in d
    assert diff_text("甲。", "甲。", "a", "b") == ""


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("范文 1.docx", "范文 1.docx"),
        ('a<b>:"c".txt', "a_b___c_.txt"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


# ---- uploads with the real index ------------------------------------------------------------


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self._data = data

    def getvalue(self) -> bytes:
        return self._data


def test_upload_bad_file_reports_error_and_indexes_the_rest(tmp_path: Path) -> None:
    assistant = Assistant(Settings())
    files = [
        _Upload("坏文件.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        _Upload("范文.txt", SEEDS[0].read_bytes()),
        _Upload("空文件.md", b""),
    ]
    seen: list[str] = []
    outcomes = ingest_uploads(
        assistant, files, tmp_path / "uploads", lambda n: lambda f, t: seen.append(n)
    )
    assert [o.ok for o in outcomes] == [False, True, False]
    assert "坏文件.txt" in outcomes[0].message
    assert "空文件.md" in outcomes[2].message
    assert {"坏文件.txt", "范文.txt", "空文件.md"} <= set(seen)  # every file had its progress
    assert [r.source for r in assistant.reports() if "范文" in Path(r.source).name]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["范文.txt"]


def test_a_cancelled_upload_leaves_the_library_and_the_folder_as_they_were(tmp_path: Path) -> None:
    from assistant.ui.jobs import Cancelled

    assistant = Assistant(Settings())
    before = sorted((r.id, r.content_hash) for r in assistant.reports())
    files = [_Upload("甲范文.txt", SEEDS[0].read_bytes()), _Upload("乙范文.txt", SEEDS[1].read_bytes())]
    calls: list[int] = []

    def cancel_at_the_second_file() -> None:
        calls.append(1)
        if len(calls) == 2:  # the first file is read and staged, not yet committed
            raise Cancelled()

    with pytest.raises(Cancelled):
        ingest_uploads(assistant, files, tmp_path / "uploads", check=cancel_at_the_second_file)
    assert len(calls) == 2
    fresh = Assistant(Settings())  # what another process (or a restart) sees
    assert sorted((r.id, r.content_hash) for r in fresh.reports()) == before
    assert sorted((r.id, r.content_hash) for r in assistant.reports()) == before
    assert not list((tmp_path / "uploads").iterdir())
    # The same upload, not cancelled, goes in whole.
    outcomes = ingest_uploads(assistant, files, tmp_path / "uploads")
    assert [o.ok for o in outcomes] == [True, True]
    assert {"甲范文", "乙范文"} <= {r.id for r in Assistant(Settings()).reports()}


# ---- the app ----------------------------------------------------------------------------------


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def _ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def _open_library(at: AppTest) -> None:
    at.session_state["side_tab"] = "范文库"
    at.run()


def test_first_start_indexes_the_shipped_corpus(app: AppTest) -> None:
    _open_library(app)
    titles = [e.label for e in app.sidebar.expander]
    assert any("市局党组意识形态工作情况报告" in t for t in titles)


def test_full_flow_draft_review_revise_export(app: AppTest) -> None:
    app.text_area[0].input(FACTS).run()
    assert "F3" in _texts(app)  # the parsed facts are listed, numbered
    _ask(app, "帮我写存在问题部分")
    texts = _texts(app)
    draft_html = next(m.value for m in app.markdown if 'class="draft-text"' in m.value)
    assert "基层专职宣传干部仅有3名" in draft_html and "〔F2〕" in draft_html
    assert "《" in texts and "选用理由" in texts  # exemplar panel: source report and why
    assert "已用" in texts  # facts panel
    assert any(lbl in texts for lbl in ("审核通过", "有待核实之处", "未能审核", "待补充"))  # review
    # the streamed text was replaced by the reviewed view, not left behind as a second copy
    assert not [m.value for m in app.markdown if "〔F2〕" in m.value and "<" not in m.value]
    tabs = [t.label for t in app.tabs]
    assert {"范文", "素材", "审核", "对照", "版本"} <= set(tabs)

    _ask(app, "压缩到200字")
    assert "第2版" in _texts(app)
    assert "压缩到200字" in _texts(app)

    labels = [b.label for b in app.get("download_button")]
    assert "下载全文 Word（.docx）" in labels and "下载本节 Word" in labels


def test_several_sessions_draft_at_once_each_gets_its_own_draft(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Browser sessions share one Assistant (and so one index) with no proxy thread: drafts
    requested at the same moment all come back, each from its own facts."""
    import threading
    import time
    from unittest.mock import MagicMock

    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime import Runtime

    from assistant.sessions import SessionStore

    # AppTest sets the global Runtime._instance to a mock for each run and to None at its end, so
    # one session's run ending pulled the runtime from under the others ("Runtime hasn't been
    # created!"). A real server has one runtime for all sessions: keep the last one made.
    seen: list[Runtime] = []

    def recording_mock(*args: Any, **kwargs: Any) -> MagicMock:
        mock = MagicMock(*args, **kwargs)
        if kwargs.get("spec") is Runtime:
            seen[:] = [mock]
        return mock

    def instance(cls: type[Runtime]) -> Runtime:
        if cls._instance is not None:
            return cls._instance
        if not seen:
            raise RuntimeError("Runtime hasn't been created!")
        return seen[0]

    monkeypatch.setattr(app_test_module, "MagicMock", recording_mock)
    monkeypatch.setattr(Runtime, "instance", classmethod(instance))
    monkeypatch.setattr(
        Runtime, "exists", classmethod(lambda cls: cls._instance is not None or bool(seen))
    )

    n = 4
    store = SessionStore(Settings().sessions_path)
    sessions: list[AppTest] = []
    for i in range(n):
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["cid"] = store.create_conversation(f"会话{i}").id
        at.run()
        at.text_area[0].input(
            f"理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有{11 + i}名，力量薄弱\n"
            f"全年仅开展意识形态形势研判{21 + i}次，研判不够深入"
        ).run()
        assert not at.exception, at.exception
        sessions.append(at)

    start = threading.Barrier(n)
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * n
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            start.wait(timeout=60)
            t0 = time.monotonic()
            _ask(sessions[i], "帮我写存在问题部分")
            spans[i] = (t0, time.monotonic())
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    # they really ran at the same time: every request started before any of them finished
    assert max(s for s, _ in spans) < min(e for _, e in spans)
    for i, at in enumerate(sessions):
        draft_html = next(m.value for m in at.markdown if 'class="draft-text"' in m.value)
        assert f"仅有{11 + i}名" in draft_html and f"{21 + i}次" in draft_html
        others = [j for j in range(n) if j != i]
        assert not any(f"仅有{11 + j}名" in draft_html for j in others)
        (version,) = store.versions(int(at.session_state["cid"]), "problems")
        assert f"仅有{11 + i}名" in version.draft.text


def test_unknown_request_gets_suggestion(app: AppTest) -> None:
    _ask(app, "今天天气怎么样")
    assert "帮我写存在问题部分" in _texts(app)


def test_draft_without_facts_says_what_to_do(app: AppTest) -> None:
    _ask(app, "帮我写存在问题部分")
    assert any("素材" in e.value for e in app.error)


def test_restart_shows_the_conversation_again(app: AppTest) -> None:
    import streamlit as st

    app.text_area[0].input(FACTS).run()
    _ask(app, "帮我写存在问题部分")
    st.cache_resource.clear()  # a new process: nothing cached
    again = AppTest.from_file(APP, default_timeout=60).run()
    assert not again.exception
    assert again.text_area[0].value == FACTS
    texts = _texts(again)
    assert "帮我写存在问题部分" in texts
    assert any('class="draft-text"' in m.value and "〔F1〕" in m.value for m in again.markdown)


def _last_draft_html(at: AppTest) -> str:
    return [m.value for m in at.markdown if 'class="draft-text"' in m.value][-1]


def test_the_user_says_a_facts_kind_once_and_it_sticks(app: AppTest) -> None:
    """ "F5是问题": F5 (a count the rules read as a result) goes to 存在问题 and leaves 工作情况,
    and still does after a restart."""
    import streamlit as st

    _ask(
        app,
        "帮我写工作情况部分：\n1. 召开理论学习中心组集中学习会议12次\n2. 监测处置网络舆情9起\n"
        "3. 理论学习形式单一，以集中读文件为主\n4. 下一步将组建网络评论员队伍\n"
        "5. 全年开展意识形态形势研判2次",
    )
    assert "〔F5〕" in _last_draft_html(app)
    _ask(app, "F5是问题")
    texts = _texts(app)
    assert "好的，F5 已标为“存在问题”的素材，之后起草会按此分配。" in texts
    assert "要按新的分配重写“工作情况”吗？可以说“重写工作情况”。" in texts
    _ask(app, "帮我写存在问题部分")
    problems = _last_draft_html(app)
    assert "〔F5〕" in problems and "〔F3〕" in problems and "〔F1〕" not in problems
    _ask(app, "重写工作情况")
    assert "〔F5〕" not in _last_draft_html(app) and "〔F1〕" in _last_draft_html(app)

    st.cache_resource.clear()  # a new process: nothing cached, the same data folder
    again = AppTest.from_file(APP, default_timeout=120).run()
    assert not again.exception, again.exception
    _ask(again, "帮我写存在问题部分")
    assert "〔F5〕" in _last_draft_html(again)
    _ask(again, "重写工作情况")
    assert "〔F5〕" not in _last_draft_html(again) and "〔F1〕" in _last_draft_html(again)


def test_upload_in_sidebar_shows_error_for_bad_file(app: AppTest) -> None:
    _open_library(app)
    uploader = app.sidebar.get("file_uploader")[0]
    uploader.set_value(
        [
            ("坏文件.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "text/plain"),
            ("新范文.txt", SEEDS[1].read_bytes(), "text/plain"),
        ]
    )
    app.run()
    assert not app.exception, app.exception
    errors = [e.value for e in app.sidebar.error]
    assert any("坏文件.txt" in e for e in errors)
    assert any("新范文.txt" in s.value for s in app.sidebar.success)


REPORT_FACTS = (
    "2025年召开理论学习中心组学习会议12次\n"
    "开展专题宣讲20余场次\n"
    "理论学习形式单一，以集中读文件为主\n"
    "基层专职宣传干部仅有3名，力量薄弱\n"
    "下一步将开展网络安全培训2次"
)


def _drafts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="draft-text"' in m.value]


def test_outline_from_a_sample_then_draft_every_section(app: AppTest) -> None:
    # "1. <title>": the reports as numbered in the 范文库 list
    _open_library(app)
    first = next(e.label for e in app.sidebar.expander if e.label.startswith("1. "))
    app.text_area[0].input(REPORT_FACTS).run()
    _ask(app, "按第一篇范文的结构列个提纲")
    outline = next(m.value for m in app.markdown if "提纲如下" in m.value)
    assert first.split(". ", 1)[1] in outline
    assert "`存在问题`" in outline
    _ask(app, "逐节起草全文")
    drafts = _drafts(app)
    assert len(drafts) == 3  # 工作情况, 存在问题, 下步打算
    # each section carries only the facts that serve it
    achievements, problems, plans = drafts
    assert "〔F1〕" in achievements and "〔F3〕" not in achievements
    assert "〔F3〕" in problems and "〔F4〕" in problems and "〔F1〕" not in problems
    assert "〔F5〕" in plans and "〔F3〕" not in plans
    # the outline's headings are the ones the drafts carry
    for d in drafts:
        (heading,) = re.findall(r'<p class="h">([^<]+)</p>', d)[:1]
        assert heading in outline
    assert any("开头" in w.value and "补写" in w.value for w in app.warning)
    assert "〔F4〕" in "".join(_drafts(app))
    exp = [e.label for e in app.expander if e.label.startswith("导出全文")]
    assert exp and re.search(r"已起草 [3-9] 个部分", exp[0])


def test_facts_typed_in_the_chat_join_the_facts_box_and_the_draft(app: AppTest) -> None:
    _ask(app, "根据以下情况帮我写存在问题部分：理论学习形式单一；基层专职宣传干部仅有3名；全年仅开展形势研判2次")
    assert "已把 3 条情况加入素材（F1–F3）" in _texts(app)
    assert "基层专职宣传干部仅有3名" in app.text_area[0].value  # the box shows them, editable
    (draft,) = _drafts(app)
    assert "〔F1〕" in draft and "〔F2〕" in draft and "〔F3〕" in draft
    # the same fact again is not added twice; a new one is
    _ask(app, "补充一条：基层专职宣传干部仅有3名；政务新媒体关注人数不足5000人")
    texts = _texts(app)
    assert "已把 1 条情况加入素材（F4）" in texts and "1 条与已有素材相同" in texts
    assert app.text_area[0].value.count("基层专职宣传干部仅有3名") == 1


def test_a_section_over_mixed_facts_uses_its_own_and_says_where_the_rest_go(app: AppTest) -> None:
    app.text_area[0].input(REPORT_FACTS).run()
    _ask(app, "帮我写存在问题部分")
    (draft,) = _drafts(app)
    assert "〔F3〕" in draft and "〔F4〕" in draft
    assert "〔F1〕" not in draft and "〔F5〕" not in draft
    assert "本部分用了 F3、F4；F1、F2 适合“工作情况”，F5 适合“下步打算”" in _texts(app)
    _ask(app, "把F5也写进去")
    draft = _drafts(app)[-1]
    assert "〔F5〕" in draft and "〔F3〕" in draft and "第2版" in _texts(app)
    # F5 is a plan: written in as asked, with a warning that names it alone
    texts = _texts(app)
    assert "F5 看起来属于“下步打算”，已按您的要求写入本部分" in texts
    assert "F3、F4、F5 是按您的要求" not in texts and "F3 是按您的要求" not in texts
    _ask(app, "只用F3")
    draft = _drafts(app)[-1]
    assert "〔F3〕" in draft and "〔F4〕" not in draft and "〔F5〕" not in draft


def test_facts_typed_with_a_section_request_are_that_sections(app: AppTest) -> None:
    # "档案室漏水3处" alone reads like a count of work done; typed with 存在问题 it is a problem
    _ask(app, "帮我写存在问题部分：档案室漏水3处；库房温湿度监控设备老旧；全年召开档案业务培训会4次")
    (draft,) = _drafts(app)
    assert "档案室漏水3处" in draft and "〔F1〕" in draft and "〔F2〕" in draft and "〔F3〕" not in draft
    texts = _texts(app)
    assert "F1 是随这次要求给出的，写在本部分" in texts
    assert "您随要求给出的 F3 看起来属于“工作情况”，没有写入本部分" in texts


def test_an_opening_is_a_paragraph_not_a_list(app: AppTest) -> None:
    app.text_area[0].input(REPORT_FACTS).run()
    _ask(app, "写个开头")
    (draft,) = _drafts(app)
    assert "现将有关情况" in draft and "如下" in draft
    assert "一是" not in draft and "〔F1〕" in draft


def test_a_pasted_text_is_checked_against_the_facts_not_added_to_them(app: AppTest) -> None:
    app.text_area[0].input("全年召开中心组学习会14次\n处置网络舆情9起").run()
    _ask(app, "帮我核对这段稿子和素材是否一致：全年召开中心组学习会15次，处置网络舆情9起。")
    texts = _texts(app)
    assert "15次" in texts and "数字与素材不一致" in texts
    assert "15次" not in app.text_area[0].value


def test_two_conversations_never_get_the_same_title(app: AppTest) -> None:
    from assistant.sessions import SessionStore

    app.text_area[0].input(FACTS).run()
    _ask(app, "帮我写存在问题部分")
    new = [b for b in app.sidebar.button if "新对话" in b.label]
    new[0].click().run()
    app.text_area[0].input(FACTS).run()
    _ask(app, "帮我写存在问题部分")
    titles = [c.title for c in SessionStore(Settings().sessions_path).list_conversations()]
    assert sorted(titles) == ["帮我写存在问题部分", "帮我写存在问题部分（2）"]


def test_revision_without_a_draft_says_so(app: AppTest) -> None:
    app.text_area[0].input(FACTS).run()
    _ask(app, "压缩到300字")
    assert any("还没有" in w.value and "草稿" in w.value for w in app.warning)
    assert not _drafts(app)


def test_accepted_version_is_the_one_exported(app: AppTest) -> None:
    from assistant.export import to_markdown
    from assistant.sessions import SessionStore
    from assistant.ui.chat import assembled_sections
    from assistant.ui.state import Ctx

    app.text_area[0].input(FACTS).run()
    _ask(app, "帮我写存在问题部分")
    _ask(app, "压缩到100字")
    accept = [b for b in app.button if str(b.key).startswith("accept_")]
    assert len(accept) == 2
    accept[0].click().run()  # 采用第1版
    assert "已采用" in _texts(app)

    settings = Settings()
    store = SessionStore(settings.sessions_path)
    cid = store.list_conversations()[0].id
    v1, v2 = store.versions(cid, "problems")
    assert v1.accepted and not v2.accepted
    ctx = Ctx(Assistant(settings), store, settings)
    md = to_markdown("报告", assembled_sections(ctx, cid))
    body = split_heading(v1.draft.text)[1]
    first_sentence = body.split("。")[0]
    assert first_sentence.replace("〔F1〕", "")[:20] in md
    assert "## 一、" in md


def _use_llm(at: AppTest, base_url: str, key: str = "sk-test-secret-123") -> None:
    at.radio(key="ui_engine").set_value("llm").run()
    at.text_input(key="ui_base_url").input(base_url)
    at.text_input(key="ui_model").input("fake-model")
    at.text_input(key="ui_key").input(key)
    at.run()
    assert not at.exception, at.exception


def test_llm_engine_streams_and_key_stays_off_disk(app: AppTest) -> None:
    from tests.fake_openai import FakeOpenAI, Reply

    answer = "二、存在的主要问题\n一是理论学习形式单一，以集中读文件为主〔F1〕；二是基层专职宣传干部仅有3名〔F2〕。"
    with FakeOpenAI([Reply("好"), Reply(answer)]) as srv:
        _use_llm(app, srv.base_url)
        app.button(key="test_conn").click().run()
        assert any("连接成功" in s.value for s in app.sidebar.success)
        app.text_area[0].input(FACTS).run()
        _ask(app, "帮我写存在问题部分")
    texts = _texts(app)
    assert "大模型起草" in texts
    assert any("仅有3名" in d for d in _drafts(app))
    # streamed with st.write_stream, then replaced by the reviewed view (no stray copy)
    assert not [m.value for m in app.markdown if "〔F2〕" in m.value and "<" not in m.value]
    data = Settings().data_dir
    assert not any(b"sk-test-secret-123" in p.read_bytes() for p in data.rglob("*") if p.is_file())


def test_llm_failure_falls_back_to_offline_with_notice(app: AppTest) -> None:
    from tests.fake_openai import Fail, FakeOpenAI

    with FakeOpenAI([Fail(500)]) as srv:
        _use_llm(app, srv.base_url)
        app.button(key="test_conn").click().run()
        assert app.sidebar.error  # the failed connection test says why
        app.text_area[0].input(FACTS).run()
        _ask(app, "帮我写存在问题部分")
    assert any("已改用离线起草" in w.value for w in app.warning)
    assert any("基层专职宣传干部仅有3名" in d for d in _drafts(app))


def test_conversations_new_rename_reopen_delete(app: AppTest) -> None:
    app.text_area[0].input(FACTS).run()
    _ask(app, "帮我写存在问题部分")
    first = app.session_state["cid"]
    assert app.button(key=f"conv_{first}").label == "帮我写存在问题部分"  # titled by the request

    app.button(key="new_conv").click().run()
    second = app.session_state["cid"]
    assert second != first and app.text_area[0].value == ""  # a fresh facts box
    app.text_input(key=f"rename_{second}").input("2025年工作总结").run()
    app.button(key=f"rename_btn_{second}").click().run()
    assert app.button(key=f"conv_{second}").label == "2025年工作总结"

    app.button(key=f"conv_{first}").click().run()  # reopen: facts and draft are back
    assert app.text_area[0].value == FACTS and _drafts(app)

    app.checkbox(key=f"del_ok_{first}").check().run()
    app.button(key=f"del_conv_{first}").click().run()
    assert not app.exception
    keys = [str(b.key) for b in app.sidebar.button]
    assert f"conv_{first}" not in keys and f"conv_{second}" in keys


def test_remembered_key_is_stored_only_when_ticked_and_can_be_forgotten(app: AppTest) -> None:
    from assistant.sessions import SessionStore
    from assistant.ui.state import SECRET_KEY

    store = SessionStore(Settings().sessions_path)
    _use_llm(app, "http://127.0.0.1:9/v1", key="sk-remember-me")
    assert store.get_secret(SECRET_KEY) is None
    app.checkbox(key="ui_remember").check().run()
    assert store.get_secret(SECRET_KEY) == "sk-remember-me"
    # the field never shows the stored key back
    assert all(t.value != "sk-remember-me" for t in app.text_input if t.key != "ui_key")
    app.checkbox(key="ui_remember").uncheck().run()
    assert store.get_secret(SECRET_KEY) is None


def test_launch_serves_app_headless_without_usage_stats() -> None:
    from assistant.launch import streamlit_args

    args = streamlit_args()
    opts = dict(zip(args[5::2], args[6::2], strict=False))
    assert args[2:4] == ["streamlit", "run"] and Path(args[4]) == ROOT / "app.py"
    assert opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false"
    assert opts["--server.port"] == "8501"
