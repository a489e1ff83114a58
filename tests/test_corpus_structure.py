"""Headings, points, placeholders, roles and the section tree, table-driven; parsing never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus import parse_text
from assistant.corpus.keyword_roles import classify_body, classify_heading
from assistant.corpus.structure import find_placeholders, find_points
from assistant.errors import ClassifiedDocumentError
from assistant.models import Role
from assistant.text.headings import match_heading
from assistant.text.numerals import cn_to_int


# ---- heading markers ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、工作情况", ("一、", "一、", 1)),
        ("十一、其他事项", ("一、", "十一、", 11)),
        ("二十、附则", ("一、", "二十、", 20)),
        ("（一）加强领导", ("（一）", "（一）", 1)),
        ("(三)强化责任", ("（一）", "(三)", 3)),
        ("（十二）其他", ("（一）", "（十二）", 12)),
        ("1.中心组学习", ("1.", "1.", 1)),
        ("12、专题研讨", ("1.", "12、", 12)),
        ("3．网站管理", ("1.", "3．", 3)),
        ("（2）专题研讨", ("（1）", "（2）", 2)),
        ("(10)其他", ("（1）", "(10)", 10)),
        ("一是加强学习", None),
        ("2.5万人次参加", None),
        ("2024年工作总结", None),
        ("党委(党组)书记", None),
        ("", None),
    ],
)
def test_match_heading(line: str, expected: tuple[str, str, int] | None) -> None:
    assert match_heading(line) == expected


@pytest.mark.parametrize(
    ("s", "n"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("九十九", 99), ("", 0)],
)
def test_cn_to_int(s: str, n: int) -> None:
    assert cn_to_int(s) == n


def test_tree_levels_ids_paths_and_spans() -> None:
    text = "\n".join(
        [
            "2023年工作总结",
            "今年以来，各项工作稳步推进。",
            "一、主要成效",
            "（一）理论学习扎实开展。",
            "1.中心组学习。",
            "全年学习12次。",
            "2.专题研讨。",
            "研讨3次。",
            "（二）阵地建设不断加强。",
            "更新信息200条。",
            "二、存在问题",
            "一是学习不深；二是创新不足。",
            "三、下步打算",
            "一要加强学习。二要强化宣传。",
        ]
    )
    r = parse_text(text, source="x.txt")
    assert r.id == "x" and r.year == 2023 and r.title == "2023年工作总结"
    got = [(s.id, s.level, s.heading, s.parent, s.path) for s in r.sections]
    assert got == [
        ("0", 0, "", None, []),
        ("1", 1, "一、主要成效", None, []),
        ("1.1", 2, "（一）理论学习扎实开展。", "1", ["一、主要成效"]),
        ("1.1.1", 3, "1.中心组学习。", "1.1", ["一、主要成效", "（一）理论学习扎实开展。"]),
        ("1.1.2", 3, "2.专题研讨。", "1.1", ["一、主要成效", "（一）理论学习扎实开展。"]),
        ("1.2", 2, "（二）阵地建设不断加强。", "1", ["一、主要成效"]),
        ("2", 1, "二、存在问题", None, []),
        ("3", 1, "三、下步打算", None, []),
    ]
    s11 = r.section("1.1")
    assert s11.title == "理论学习扎实开展" and s11.marker == "（一）"
    assert s11.children == ["1.1.1", "1.1.2"] and s11.body == ""
    assert (
        r.subtree_text("1.1")
        == "（一）理论学习扎实开展。\n1.中心组学习。\n全年学习12次。\n2.专题研讨。\n研讨3次。"
    )
    assert r.subtree_text("3") == "三、下步打算\n一要加强学习。二要强化宣传。"
    assert r.section("1.1.1").shape.heading_style == "1."
    assert r.section("1").shape.n_children == 2
    assert [str(s.role) for s in r.sections] == [
        "preamble",
        "achievements",
        "achievements",
        "achievements",
        "achievements",
        "achievements",
        "problems",
        "plans",
    ]


def test_out_of_sequence_markers_stay_body_text() -> None:
    text = "工作总结\n一、工作情况\n完成任务。\n三、这一行跳号\n二、存在问题\n学习不够。"
    r = parse_text(text)
    assert [s.heading for s in r.sections[1:]] == ["一、工作情况", "二、存在问题"]
    assert "三、这一行跳号" in r.section("1").body


def test_top_level_can_be_parenthesised_when_no_level_one() -> None:
    r = parse_text("工作总结\n（一）工作情况\n完成任务。\n（二）存在问题\n学习不够。")
    assert [(s.id, s.level, str(s.role)) for s in r.sections] == [
        ("0", 0, "preamble"),
        ("1", 1, "achievements"),
        ("2", 1, "problems"),
    ]


@pytest.mark.parametrize(
    ("tail", "closing"),
    [
        (
            "总之，我们将继续努力，推动工作再上新台阶。",
            "总之，我们将继续努力，推动工作再上新台阶。",
        ),
        ("特此报告。", "特此报告。"),
        ("中共某局党组\n2023年12月20日", "中共某局党组\n2023年12月20日"),
        ("以上报告，请审阅。\n某局\n2023年12月20日", "以上报告，请审阅。\n某局\n2023年12月20日"),
        ("三要强化责任。总之要落实。", None),  # a point, not a closing
        ("新的一年，我们将继续围绕中心抓好落实。", None),  # may still be plan content
    ],
)
def test_closing_after_last_section(tail: str, closing: str | None) -> None:
    text = (
        f"工作总结\n一、工作情况\n完成任务。\n二、下步打算\n一要加强学习。\n二要强化宣传。\n{tail}"
    )
    r = parse_text(text)
    last = r.sections[-1]
    if closing is None:
        assert last.role is Role.PLANS
        assert tail in last.body
    else:
        assert last.role is Role.CLOSING and last.level == 0 and last.heading == ""
        assert last.body == closing
        assert closing not in r.section("2").body
        assert r.section("2").shape.n_points == 2


def test_last_paragraph_alone_is_not_a_closing() -> None:
    r = parse_text("工作总结\n一、工作情况\n完成任务。\n二、下步打算\n今后，我们将继续努力。")
    assert r.sections[-1].role is Role.PLANS


# ---- points -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "markers", "leads"),
    [
        (
            "一是坚持理论学习宣讲，把稳思想“方向盘”。始终坚持指导地位。二是强化制度建设保障，联动种好“责任田”。出台文件。",
            ["一是", "二是"],
            ["坚持理论学习宣讲，把稳思想“方向盘”", "强化制度建设保障，联动种好“责任田”"],
        ),
        (
            "回顾今年，仍然存在一些不足。一是学习方式单一，影响效果；二是理解不够；三是形式不丰富。",
            ["一是", "二是", "三是"],
            [None, None, None],
        ),
        (
            "下一步，将继续努力。\n一要加强理论武装，坚持恭身求知。全局上下要认真学习。\n二要增强阵地意识，构筑坚强堡垒。要依托阵地。",
            ["一要", "二要"],
            ["加强理论武装，坚持恭身求知", "增强阵地意识，构筑坚强堡垒"],
        ),
        (
            "一抓学习。抓好学习。二抓宣传。抓好宣传。三抓落实。抓好落实。",
            ["一抓", "二抓", "三抓"],
            ["学习", "宣传", "落实"],
        ),
        (
            "首先，要加强学习；其次，要强化宣传；最后，要狠抓落实。",
            ["首先，", "其次，", "最后，"],
            [None, None, None],
        ),
        (
            "第一，提高认识。认识到位。第二，加强领导。领导到位。",
            ["第一，", "第二，"],
            ["提高认识", "加强领导"],
        ),
        (
            "一是：加强学习。认真学。二是：强化宣传。广泛宣。",
            ["一是", "二是"],
            ["加强学习", "强化宣传"],
        ),
        # "第一责任人", "统一是", a lone 一是 and out-of-order runs are not points
        ("书记是第一责任人，要统一是非标准。", [], []),
        ("一是加强学习。", [], []),
        ("二是加强学习。三是强化宣传。", [], []),
        # the longest run wins
        (
            "一是学习。二是宣传。另外，一要落实；二要检查；三要考核。",
            ["一要", "二要", "三要"],
            [None, None, None],
        ),
    ],
)
def test_find_points(body: str, markers: list[str], leads: list[str | None]) -> None:
    points = find_points(body)
    assert [p.marker for p in points] == markers
    assert [p.lead for p in points] == leads
    for k, p in enumerate(points):
        assert body[p.start : p.end] == p.text
        assert p.text.startswith(p.marker.rstrip("，"))
        assert p.index == k + 1
    if points:
        assert points[-1].end == len(body.rstrip())


def test_point_text_spans_to_next_point() -> None:
    body = "一是学习。认真学。二是宣传。广泛宣。"
    a, b = find_points(body)
    assert a.text == "一是学习。认真学。" and b.text == "二是宣传。广泛宣。"


# ---- placeholders -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("组织专题学习会X场，覆盖X万人次", ["X", "X"]),
        ("【xx局】20xx年工作要点", ["xx局", "20xx"]),
        ("按照**区“打造**新兴产业", ["**", "**"]),
        ("召开会议×次，×市委", ["×", "×市"]),
        ("集中学习n次，发放n份", ["n"]),
        ("XX局、XXX同志", ["XX局", "XXX"]),
        ("省委第x巡视组", ["x"]),
        ("面积3×4米，Excel表格，Xbox，XML", []),
        ("共召开会议12次", []),
    ],
)
def test_find_placeholders(text: str, expected: list[str]) -> None:
    found = find_placeholders(text)
    assert [p.text for p in found] == expected
    for p in found:
        assert text[p.start : p.end] == p.text


# ---- roles --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "role", "also"),
    [
        ("工作情况", Role.ACHIEVEMENTS, []),
        ("意识形态工作开展基本情况", Role.ACHIEVEMENTS, []),
        ("主要做法", Role.ACHIEVEMENTS, []),
        ("工作开展情况", Role.ACHIEVEMENTS, []),
        ("主要成效", Role.ACHIEVEMENTS, []),
        ("履职情况", Role.ACHIEVEMENTS, []),
        ("存在的主要问题", Role.PROBLEMS, []),
        ("存在主要问题", Role.PROBLEMS, []),
        ("存在的不足", Role.PROBLEMS, []),
        ("问题和不足", Role.PROBLEMS, []),
        ("薄弱环节", Role.PROBLEMS, []),
        ("存在问题及原因", Role.PROBLEMS, [Role.CAUSES]),
        ("原因分析", Role.CAUSES, []),
        ("下一步工作打算", Role.PLANS, []),
        ("下一步工作计划", Role.PLANS, []),
        ("下一步工作措施", Role.PLANS, []),
        ("下步打算", Role.PLANS, []),
        ("努力方向", Role.PLANS, []),
        ("总体要求", Role.PRINCIPLES, []),
        ("指导思想", Role.PRINCIPLES, []),
        ("工作原则", Role.PRINCIPLES, []),
        ("主要工作", Role.TASKS, []),
        ("重点任务", Role.TASKS, []),
        ("工作要求", Role.REQUIREMENTS, []),
        ("保障措施", Role.REQUIREMENTS, []),
        ("组织保障", Role.REQUIREMENTS, []),
        ("一、工作情况", Role.ACHIEVEMENTS, []),
        ("关于某某事项的说明", Role.OTHER, []),
    ],
)
def test_classify_heading(title: str, role: Role, also: list[Role]) -> None:
    assert classify_heading(title) == (role, also)


@pytest.mark.parametrize(
    ("body", "role"),
    [
        ("回顾一年来的工作，虽然取得了一些成绩，但仍存在一些问题和不足。", Role.PROBLEMS),
        ("下一步，我们将继续加强学习。", Role.PLANS),
        ("今年以来，我局扎实开展各项工作。", Role.ACHIEVEMENTS),
        ("天气晴朗。", Role.OTHER),
    ],
)
def test_classify_body(body: str, role: Role) -> None:
    assert classify_body(body) is role


def test_role_from_body_when_heading_is_silent() -> None:
    r = parse_text(
        "工作总结\n一、几点体会\n今年以来，我局扎实开展学习教育，取得明显成效。\n二、几点思考\n下一步，我们将继续努力。"
    )
    assert [str(s.role) for s in r.sections[1:]] == ["achievements", "plans"]


def test_merged_problems_parent_splits_into_children() -> None:
    r = parse_text(
        "总结\n一、存在问题及原因\n（一）存在问题\n学习不够。\n（二）原因分析\n认识不足。"
    )
    assert r.section("1").role is Role.PROBLEMS and r.section("1").also_roles == [Role.CAUSES]
    assert r.section("1.1").role is Role.PROBLEMS
    assert r.section("1.2").role is Role.CAUSES


def test_children_inherit_role_of_parent() -> None:
    r = parse_text("总结\n一、下一步工作措施\n（一）加强组织保障\n落实责任。")
    assert r.section("1.1").role is Role.PLANS  # "保障" in a plan's child is still a plan


def test_shape_fields() -> None:
    r = parse_text(
        "总结\n一、工作情况\n一是抓学习，强思想。学习12次。二是抓宣传，聚人心。宣传X次。"
    )
    shape = r.section("1").shape
    assert (shape.level, shape.heading_style, shape.point_style) == (1, "一、", "一是")
    assert (shape.n_points, shape.n_children, shape.placeholders, shape.has_leads) == (
        2,
        0,
        1,
        True,
    )
    assert shape.chars == len("一是抓学习，强思想。学习12次。二是抓宣传，聚人心。宣传X次。")


# ---- robustness ---------------------------------------------------------------------------
_ALPHABET = st.sampled_from(
    [
        *"一二三四五六七八九十、（）()。，；：是要抓第首先其次最后XxＸ×*n\n 1234567890.．—“”《》",
        *["工作", "情况", "问题", "打算", "存在", "下一步", "总之", "\n\n", "  "],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=80).map("".join)))
def test_parsing_never_raises_on_arbitrary_text(text: str) -> None:
    try:
        r = parse_text(text)
    except ClassifiedDocumentError:
        return
    assert r.sections and r.sections[0].id == "0"
    for s in r.sections:
        assert 0 <= s.span[0] <= s.span[1] <= len(r.text)
        for p in s.points:
            assert s.body[p.start : p.end] == p.text


def test_reparsing_a_section_excerpt_keeps_its_shape() -> None:
    """Exemplar text (one section's subtree) parses back to the same section."""
    text = "总结\n一、工作情况\n完成任务。\n二、存在问题\n（一）学习不深\n一是学得少；二是用得少。\n（二）创新不足\n缺少新办法。"
    r = parse_text(text)
    again = parse_text(r.subtree_text("2"))
    top = [s for s in again.sections if s.level == 1]
    assert [(s.heading, s.role, s.shape.n_children) for s in top] == [
        ("二、存在问题", Role.PROBLEMS, 2)
    ]
    child = parse_text(r.subtree_text("2.1")).sections[1]
    assert (child.heading, child.shape.n_points) == ("（一）学习不深", 2)


@pytest.mark.parametrize(
    ("doc_title", "heading", "role"),
    [
        ("2023年工作总结", "一、主要工作", Role.ACHIEVEMENTS),
        ("关于2023年履职情况的汇报", "一、主要工作", Role.ACHIEVEMENTS),
        ("2024年意识形态工作要点", "一、主要工作", Role.TASKS),
        ("2024年工作计划", "一、重点任务", Role.TASKS),
        ("关于某事的说明", "一、一年来的主要工作", Role.ACHIEVEMENTS),
        ("2023年工作总结", "一、下一步重点工作", Role.PLANS),
    ],
)
def test_main_work_is_achievements_in_a_summary_and_tasks_in_a_plan(
    doc_title: str, heading: str, role: Role
) -> None:
    r = parse_text(f"{doc_title}\n{heading}\n全年共开展学习12次。")
    assert r.section("1").role is role
