"""Pure ranking of structural retrieval (assistant/index/ranking.py): fusion, shape bonus, why."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.lexical import tokenize
from assistant.index.ranking import (
    MAX_SCORE,
    RRF_K,
    SHAPE_WEIGHT,
    ShapeInfo,
    bm25_ranks,
    compare_shape,
    describe_shape,
    explain,
    order,
    rank,
    rrf,
    shape_bonus,
    shared_terms,
    vector_ranks,
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


@pytest.mark.parametrize(
    ("scores", "mask", "m", "expected"),
    [
        # best first; rows sharing no term (score 0) are not ranked
        ([0.0, 2.0, 5.0, 1.0], [1, 1, 1, 1], 10, {2: 1, 1: 2, 3: 3}),
        # masked rows (other roles, excluded reports) are never ranked
        ([0.0, 2.0, 5.0, 1.0], [1, 1, 0, 1], 10, {1: 1, 3: 2}),
        # only the best m
        ([3.0, 2.0, 5.0, 1.0], [1, 1, 1, 1], 2, {2: 1, 0: 2}),
        # ties: the earlier row first
        ([1.0, 1.0, 1.0], [1, 1, 1], 10, {0: 1, 1: 2, 2: 3}),
        ([0.0, 0.0], [1, 1], 10, {}),
    ],
)
def test_bm25_ranks(scores: list[float], mask: list[int], m: int, expected: dict[int, int]) -> None:
    assert bm25_ranks(np.asarray(scores), np.asarray(mask, bool), m) == expected


@pytest.mark.parametrize(
    ("cand", "m", "ranks", "sims"),
    [
        ([(0.3, 7), (0.1, 4), (0.2, 9)], 10, {4: 1, 9: 2, 7: 3}, {4: 0.9, 9: 0.8, 7: 0.7}),
        ([(0.3, 7), (0.1, 4), (0.2, 9)], 1, {4: 1}, {4: 0.9}),
        ([], 5, {}, {}),
    ],
)
def test_vector_ranks(
    cand: list[tuple[float, int]], m: int, ranks: dict[int, int], sims: dict[int, float]
) -> None:
    got_ranks, got_sims = vector_ranks(cand, m)
    assert got_ranks == ranks
    assert got_sims == pytest.approx(sims)


PLAIN = ShapeInfo(1, "一、", "none", "none", 0, 0)
SHAPES = [PLAIN, THREE_POINTS, FIVE_CHILDREN, PLAIN]


@pytest.mark.parametrize(
    ("bm", "vec", "wanted", "n", "fallback", "rows"),
    [
        # first in both lists wins; one list only comes after
        ({1: 1, 0: 2}, {1: 1, 3: 2}, None, 3, (), [1, 0, 3]),
        # equal fused scores: row order decides (deterministic)
        ({0: 1}, {3: 1}, None, 5, (), [0, 3]),
        # the shape bonus (worth one first place) lifts a section of the asked form
        ({0: 1, 1: 2}, {0: 1, 1: 2}, WantedShape(point_style="一是", n_points=3), 2, (), [1, 0]),
        ({0: 1, 2: 30}, {}, WantedShape(heading_style="（一）"), 1, (), [2]),
        # nothing ranked (empty topic): the first n fallback rows, by row; shape still counts
        ({}, {}, None, 2, (3, 0, 1), [0, 3]),
        ({}, {}, WantedShape(n_points=3), 2, (0, 1), [1, 0]),
        ({}, {}, None, 2, (), []),
    ],
)
def test_rank(
    bm: dict[int, int],
    vec: dict[int, int],
    wanted: WantedShape | None,
    n: int,
    fallback: tuple[int, ...],
    rows: list[int],
) -> None:
    hits = rank(bm, vec, {r: 0.5 for r in vec}, SHAPES, wanted, n, fallback)
    assert [h.row for h in hits] == rows
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert 0.0 <= h.score <= 1.0
        assert h.parts["bm25_rank"] == bm.get(h.row) and h.parts["vector_rank"] == vec.get(h.row)
        assert h.parts["vector_similarity"] == (0.5 if h.row in vec else None)
        expected = sum(1 / (RRF_K + r[h.row]) for r in (bm, vec) if h.row in r)
        assert h.parts["rrf"] == pytest.approx(expected, abs=1e-6)
        assert h.score == pytest.approx((expected + h.parts["shape_bonus"]) / MAX_SCORE, abs=1e-5)


def test_rank_top_of_both_lists_with_full_shape_match_scores_one() -> None:
    (hit,) = rank({1: 1}, {1: 1}, {1: 1.0}, SHAPES, WantedShape(point_style="一是", n_points=3), 1)
    assert hit.score == pytest.approx(1.0)


def test_explain_is_what_the_ui_shows() -> None:
    why = explain(
        "related", "存在问题", tokenize("网络舆情应对不足"), tokenize("网络舆情研判不及时"),
        {"舆情": 2.0, "网络": 1.0}, THREE_POINTS, WantedShape(n_points=3), {"rrf": 0.01},
    )
    assert why == {
        "role_match": "related",
        "role": "存在问题",
        "shared_terms": ["舆情", "网络"],
        "shape": "本段3点（一是式）；点数相同（3点）",
        "score_parts": {"rrf": 0.01},
    }
