"""Chat requests in Chinese -> intents (table-driven)."""

from __future__ import annotations

import pytest

from assistant.intent import match_report, parse_request, wanted_shape
from assistant.models import ReportInfo, Role
from assistant.text.numerals import small_number


@pytest.mark.parametrize(
    ("text", "kind", "role"),
    [
        ("帮我写存在问题部分", "draft", Role.PROBLEMS),
        ("写一下下步打算", "draft", Role.PLANS),
        ("起草下一步工作措施", "draft", Role.PLANS),
        ("按（一）（二）格式写工作情况", "draft", Role.ACHIEVEMENTS),
        ("用一是二是写三点成绩", "draft", Role.ACHIEVEMENTS),
        ("写存在的主要问题，控制在300字", "draft", Role.PROBLEMS),
        ("帮我拟一段保障措施", "draft", Role.REQUIREMENTS),
        ("写个开头", "draft", Role.PREAMBLE),
        ("原因分析", "draft", Role.CAUSES),
        ("第二点再具体些", "revise", None),
        ("压缩到300字", "revise", None),
        ("加一点关于网络安全的内容", "revise", None),
        ("语气再正式一些", "revise", None),
        ("把存在问题压缩到200字", "revise", Role.PROBLEMS),
        ("按第一篇范文的结构列个提纲", "outline", None),
        ("参照《2022年市局党组…》列提纲", "outline", None),
        ("逐节起草全文", "draft_all", None),
        ("帮我写整篇报告", "draft_all", None),
        ("你能做什么", "help", None),
        ("帮助", "help", None),
        ("今天天气怎么样", "unknown", None),
        ("", "unknown", None),
    ],
)
def test_parse_request_kind_and_role(text: str, kind: str, role: Role | None) -> None:
    intent = parse_request(text)
    assert intent.kind == kind
    assert intent.role == role


@pytest.mark.parametrize(
    ("text", "heading", "point", "n"),
    [
        ("按（一）（二）格式写工作情况", "（一）", None, None),
        ("按(一)(二)写工作情况", "（一）", None, None),
        ("用一是二是写三点成绩", None, "一是", 3),
        ("用一要二要写下步打算", None, "一要", None),
        ("分四个方面写主要做法", None, None, 4),
        ("按1. 2.格式写问题", "1.", None, None),
        ("按（1）（2）写", "（1）", None, None),
        ("用首先、其次写措施，写5条", None, "首先", 5),
        ("写存在问题", None, None, None),
    ],
)
def test_wanted_shape(text: str, heading: str | None, point: str | None, n: int | None) -> None:
    shape = wanted_shape(text)
    if heading is None and point is None and n is None:
        assert shape is None
    else:
        assert shape is not None
        assert (shape.heading_style, shape.point_style, shape.n_points) == (heading, point, n)


def test_draft_request_carries_shape() -> None:
    intent = parse_request("按（一）（二）格式写工作情况")
    assert intent.shape is not None and intent.shape.heading_style == "（一）"


def test_revision_keeps_instruction_verbatim() -> None:
    assert parse_request(" 压缩到300字 ").instruction == "压缩到300字"


@pytest.mark.parametrize(
    ("text", "hint", "index"),
    [
        ("按第一篇范文的结构列个提纲", None, 1),
        ("按第3篇的框架列提纲", None, 3),
        ("参照《2022年市局党组…》列提纲", "2022年市局党组…", None),
    ],
)
def test_outline_target(text: str, hint: str | None, index: int | None) -> None:
    intent = parse_request(text)
    assert (intent.report_hint, intent.report_index) == (hint, index)


def test_unknown_request_suggests_what_works() -> None:
    intent = parse_request("今天天气怎么样")
    assert intent.suggestion is not None
    assert "帮我写存在问题部分" in intent.suggestion and "压缩到300字" in intent.suggestion


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("7", 7), ("两", 2), ("百", None)],
)
def test_cn_number(text: str, value: int | None) -> None:
    assert small_number(text) == value


REPORTS = [
    ReportInfo("000_a", "2022年市局党组意识形态工作情况报告", "k/000.txt", 2022, 12),
    ReportInfo(
        "001_b", "党工委书记关于2022年落实意识形态主体责任履职情况汇报", "k/001.txt", 2022, 10
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按第一篇范文的结构列个提纲", "000_a"),
        ("按第二篇范文的结构列个提纲", "001_b"),
        ("按第五篇范文的结构列个提纲", None),
        ("参照《2022年市局党组…》列提纲", "000_a"),
        ("参照《党工委书记关于2022年落实意识形态主体责任履职情况汇报》列提纲", "001_b"),
        ("参照《不存在的报告》列提纲", None),
    ],
)
def test_match_report(text: str, expected: str | None) -> None:
    found = match_report(parse_request(text), REPORTS)
    assert (found.id if found else None) == expected


# ---- facts typed with the request ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "role", "facts"),
    [
        (
            "根据以下情况帮我写存在问题部分：理论学习形式单一；基层专职宣传干部仅有3名；全年仅开展形势研判2次",
            "draft",
            Role.PROBLEMS,
            "理论学习形式单一；基层专职宣传干部仅有3名；全年仅开展形势研判2次",
        ),
        (
            "帮我写工作情况\n1. 召开中心组学习会12次\n2. 处置网络舆情9起",
            "draft",
            Role.ACHIEVEMENTS,
            "1. 召开中心组学习会12次\n2. 处置网络舆情9起",
        ),
        (
            "写一下下步打算：\n组建网络评论员队伍\n开展专题培训3期",
            "draft",
            Role.PLANS,
            "组建网络评论员队伍\n开展专题培训3期",
        ),
        (
            "写存在问题：理论学习形式单一\n宣传干部仅有3名",
            "draft",
            Role.PROBLEMS,
            "理论学习形式单一\n宣传干部仅有3名",
        ),
        (
            "帮我写工作情况。今年召开理论学习中心组学习会12次，处置网络舆情9起。",
            "draft",
            Role.ACHIEVEMENTS,
            "今年召开理论学习中心组学习会12次，处置网络舆情9起。",
        ),
        ("写工作情况：1、召开学习会12次；2、处置舆情9起", "draft", Role.ACHIEVEMENTS, "1、召开学习会12次；2、处置舆情9起"),
        ("工作成绩：召开学习会12次，处置舆情9起。帮我写一段", "draft", Role.ACHIEVEMENTS, "召开学习会12次，处置舆情9起"),
        ("补充一条：政务新媒体关注人数不足5000人", "add_facts", None, "政务新媒体关注人数不足5000人"),
        ("再补充两条素材：\nA项工作已完成\nB项工作拟启动", "add_facts", None, "A项工作已完成\nB项工作拟启动"),
        ("素材如下：理论学习形式单一", "add_facts", None, "理论学习形式单一"),
        ("根据以下情况逐节起草全文：A已完成；B不够深入", "draft_all", None, "A已完成；B不够深入"),
        # not facts: a second sentence that steers, a revision with a colon, a URL, a time
        ("帮我写存在问题部分。重点写理论学习方面的问题", "draft", Role.PROBLEMS, None),
        ("第二点改为：加强队伍建设", "revise", None, None),
        ("补充一点关于网络安全的内容", "revise", None, None),
        ("帮我写工作情况 http://example.com", "draft", Role.ACHIEVEMENTS, None),
        ("帮我写存在问题部分", "draft", Role.PROBLEMS, None),
    ],
)
def test_facts_typed_with_the_request(text: str, kind: str, role: Role | None, facts: str | None) -> None:
    intent = parse_request(text)
    assert (intent.kind, intent.role, intent.facts_text) == (kind, role, facts)


@pytest.mark.parametrize(
    ("text", "kind", "role", "only", "add", "drop"),
    [
        ("把F5也写进去", "select_facts", None, None, ["F5"], []),
        ("只用F1到F3", "select_facts", None, ["F1", "F2", "F3"], [], []),
        ("只用F1-F3和F6", "select_facts", None, ["F1", "F2", "F3", "F6"], [], []),
        ("不用F2", "select_facts", None, None, [], ["F2"]),
        ("去掉f4、f5", "select_facts", None, None, [], ["F4", "F5"]),
        ("只用F1到F3写存在问题", "draft", Role.PROBLEMS, ["F1", "F2", "F3"], [], []),
        ("把F6加上，写下步打算", "draft", Role.PLANS, None, ["F6"], []),
    ],
)
def test_choosing_facts_in_words(
    text: str, kind: str, role: Role | None, only: list[str] | None, add: list[str], drop: list[str]
) -> None:
    intent = parse_request(text)
    assert (intent.kind, intent.role) == (kind, role)
    assert (intent.fact_only, intent.fact_add, intent.fact_drop) == (only, add, drop)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("F5是问题", {"F5": Role.PROBLEMS}),
        ("F5属于存在问题", {"F5": Role.PROBLEMS}),
        ("F3、F4算成绩", {"F3": Role.ACHIEVEMENTS, "F4": Role.ACHIEVEMENTS}),
        ("F6放到下步打算", {"F6": Role.PLANS}),
        ("把F6放到下步打算里", {"F6": Role.PLANS}),
        ("F2是原因", {"F2": Role.CAUSES}),
        ("F2属于原因分析。", {"F2": Role.CAUSES}),
        ("F3到F5是问题", {"F3": Role.PROBLEMS, "F4": Role.PROBLEMS, "F5": Role.PROBLEMS}),
        ("f1和f2都算成绩", {"F1": Role.ACHIEVEMENTS, "F2": Role.ACHIEVEMENTS}),
        ("F5 是 问题", {"F5": Role.PROBLEMS}),
        ("F5应该是“存在问题”", {"F5": Role.PROBLEMS}),
        ("F7算工作情况的素材", {"F7": Role.ACHIEVEMENTS}),
        ("F4归入下一步打算吧", {"F4": Role.PLANS}),
        ("F1是不足", {"F1": Role.PROBLEMS}),
    ],
)
def test_setting_a_facts_kind_in_words(text: str, kinds: dict[str, Role]) -> None:
    intent = parse_request(text)
    assert (intent.kind, intent.fact_kinds) == ("set_kind", kinds)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("把F5也写进去", "select_facts"),  # names no kind: a choice of facts, as before
        ("只用F1到F3", "select_facts"),
        ("不用F2", "select_facts"),
        ("只用F1到F3写存在问题", "draft"),
        ("把F6加上，写下步打算", "draft"),
        ("F5是问题吗", "draft"),  # a question, not the user's word
        ("F5是问题，重写存在问题", "draft"),
        ("帮我写存在问题部分", "draft"),
    ],
)
def test_other_requests_naming_facts_are_not_a_kind_setting(text: str, kind: str) -> None:
    intent = parse_request(text)
    assert intent.kind == kind and intent.fact_kinds == {}


# ---- a pasted text to check (the editor's desk) --------------------------------------------------
_PASTED = "二、存在的主要问题\n一是理论学习形式单一〔F1〕；二是宣传干部仅有5名，需要增加〔F2〕。"


@pytest.mark.parametrize(
    ("text", "draft", "facts"),
    [
        ("帮我核对这段稿子和素材是否一致：" + _PASTED, _PASTED, None),
        ("检查这段稿子：" + _PASTED, _PASTED, None),
        ("请审核以下内容：\n" + _PASTED, _PASTED, None),
        ("校对一下这篇\n" + _PASTED, _PASTED, None),
        ("帮我看看这段写得对不对：全年召开会议15次。", "全年召开会议15次。", None),
        (_PASTED + "\n帮我核对一下这段", _PASTED, None),  # the request after the text
        ("审一下这段有没有和素材不一致的地方：\n原文：" + _PASTED, _PASTED, None),
        # labelled facts come apart from the text, in either order
        ("核对这段稿子：\n" + _PASTED + "\n素材：\n理论学习形式单一\n宣传干部仅有3名", _PASTED,
         "理论学习形式单一\n宣传干部仅有3名"),
        ("素材：理论学习形式单一\n宣传干部仅有3名\n稿子：" + _PASTED + "\n请帮我核对", _PASTED,
         "理论学习形式单一\n宣传干部仅有3名"),
    ],
)  # fmt: skip
def test_a_pasted_text_is_checked_never_drafted(text: str, draft: str, facts: str | None) -> None:
    # 〔F1〕 in the text is no choice of facts, its 问题 no request to draft 存在问题
    intent = parse_request(text)
    assert (intent.kind, intent.draft_text, intent.facts_text) == ("check", draft, facts)


@pytest.mark.parametrize(
    ("text", "kind", "role"),
    [
        ("检查一下", "check", None),  # no text: the last draft is checked
        ("核对这段稿子", "check", None),
        ("检查工作情况部分有没有问题", "check", None),
        ("审核", "check", None),
        # check words inside facts are not requests
        ("完成审核12件；召开会议3次；帮我写工作成效", "draft", Role.ACHIEVEMENTS),
        ("审核通过率达到98%，开展检查12次，写工作情况", "draft", Role.ACHIEVEMENTS),
        ("根据以下情况帮我写工作情况：开展督导检查12次；召开会议3次", "draft", Role.ACHIEVEMENTS),
        ("写工作情况\n开展意识形态工作检查3次\n召开会议5次", "draft", Role.ACHIEVEMENTS),
    ],
)
def test_check_words_route_only_requests(text: str, kind: str, role: Role | None) -> None:
    intent = parse_request(text)
    assert (intent.kind, intent.role, intent.draft_text) == (kind, role, None)
