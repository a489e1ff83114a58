"""Pure ranking helpers of structural retrieval: fusion, shape bonus, explanations."""

from __future__ import annotations

import pytest

from assistant.index.lexical import tokenize
from assistant.index.search import (
    SHAPE_WEIGHT,
    ShapeInfo,
    compare_shape,
    describe_shape,
    order,
    rrf,
    shape_bonus,
    shared_terms,
)
from assistant.models import WantedShape

THREE_POINTS = ShapeInfo(1, "一、", "none", "一是", 3, 0)
FIVE_CHILDREN = ShapeInfo(1, "一、", "（一）", "none", 0, 5)
ONE_CHILD = ShapeInfo(2, "（一）", "none", "一是", 2, 0)  # a single （一） sub-section


def test_rrf_rewards_agreement_between_retrievers() -> None:
    fused = rrf({"bm25": {1: 1, 2: 2}, "vector": {2: 1, 3: 2}})
    # row 2 is ranked by both lists and wins over rows seen by one list only
    assert max(fused, key=lambda r: fused[r]) == 2
    assert fused[1] > fused[3]  # first place beats second place


def test_order_is_deterministic_on_ties() -> None:
    assert [r for r, _ in order({5: 0.1, 3: 0.1, 9: 0.2}, {})] == [9, 3, 5]


@pytest.mark.parametrize(
    ("cand", "wanted", "expected"),
    [
        (THREE_POINTS, None, 0.0),
        (THREE_POINTS, WantedShape(), 0.0),
        (THREE_POINTS, WantedShape(n_points=3), SHAPE_WEIGHT),
        (THREE_POINTS, WantedShape(n_points=4), SHAPE_WEIGHT * 2 / 3),
        (THREE_POINTS, WantedShape(n_points=9), 0.0),
        (THREE_POINTS, WantedShape(point_style="一是"), SHAPE_WEIGHT),
        (THREE_POINTS, WantedShape(point_style="一要"), 0.0),
        (FIVE_CHILDREN, WantedShape(heading_style="（一）"), SHAPE_WEIGHT),
        (FIVE_CHILDREN, WantedShape(heading_style="（一）", n_points=5), SHAPE_WEIGHT),
        (FIVE_CHILDREN, WantedShape(heading_style="1.", n_points=5), SHAPE_WEIGHT / 2),
        # "按（一）（二）格式写": a whole frame of （一） children beats one （一） fragment
        (ONE_CHILD, WantedShape(heading_style="（一）"), SHAPE_WEIGHT * 0.25),
    ],
)
def test_shape_bonus(cand: ShapeInfo, wanted: WantedShape | None, expected: float) -> None:
    assert shape_bonus(cand, wanted) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (THREE_POINTS, "3点（一是式）"),
        (FIVE_CHILDREN, "下设5个（一）式小标题"),
        (ShapeInfo(0, "none", "none", "none", 0, 0), "整段，不分点"),
    ],
)
def test_describe_shape(shape: ShapeInfo, expected: str) -> None:
    assert describe_shape(shape) == expected


@pytest.mark.parametrize(
    ("wanted", "needle"),
    [
        (None, "本段3点（一是式）"),
        (WantedShape(n_points=3), "点数相同"),
        (WantedShape(n_points=5), "比要求少2点"),
        (WantedShape(n_points=2), "比要求多1点"),
        (WantedShape(point_style="一要"), "分点方式不同"),
    ],
)
def test_compare_shape(wanted: WantedShape | None, needle: str) -> None:
    assert needle in compare_shape(THREE_POINTS, wanted)


def test_shared_terms_prefers_rare_words_and_skips_single_characters() -> None:
    q = tokenize("网络舆情应对能力不足的问题")
    doc = tokenize("一是网络舆情研判不够及时，应对能力有待提高。")
    terms = shared_terms(q, doc, {"舆情": 3.0, "网络": 1.0, "能力": 0.5})
    assert terms[0] == "舆情"
    assert set(terms) >= {"网络", "能力"}
    assert all(len(t) >= 2 for t in terms)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("加强网络意识形态阵地建设。", ["网络", "意识形态", "阵地"], ["。", "的"]),
        ("一是学习形式单一；二是宣传不够。", ["学习", "形式", "单一"], ["一是", "二是", "；"]),
        ("ABC 系统 2024年", ["abc", "系统"], [" "]),
    ],
)
def test_tokenize(text: str, present: list[str], absent: list[str]) -> None:
    toks = tokenize(text)
    for t in present:
        assert t in toks
    for t in absent:
        assert t not in toks
