"""The review badge tells gaps to fill apart from claims the facts do not back."""

from __future__ import annotations

import pytest

from assistant.models import Flag, Review
from assistant.ui.render import (
    gaps_only,
    outline_markdown,
    section_heading,
    verdict_long,
    verdict_short,
)


def _review(verdict: str, kinds: list[str], unused: list[str] | None = None) -> Review:
    flags = [Flag(kind=k, text="x", start=0, end=1, reason="r") for k in kinds]
    return Review(verdict=verdict, flags=flags, unused_facts=unused or [], sentences=[])


@pytest.mark.parametrize(
    ("review", "gaps", "badge", "sentence"),
    [
        (_review("pass", []), False, "审核通过", "未发现与素材不符之处"),
        (
            _review("flagged", ["placeholder_left", "placeholder_left"]),
            True,
            "待补充 2 处",
            "还有 2 处【待补充】",
        ),
        # one real error among the gaps: the draft needs checking, not just filling
        (
            _review("flagged", ["placeholder_left", "changed_number"]),
            False,
            "有待核实之处",
            "（2 处）",
        ),
        (_review("flagged", [], unused=["F2"]), False, "1 条素材未用", "素材F2没有写进草稿"),
        (_review("unverified", []), False, "未能审核", "请人工核对"),
    ],
)
def test_verdict_labels(review: Review, gaps: bool, badge: str, sentence: str) -> None:
    assert gaps_only(review) is gaps
    assert badge in verdict_short(review)
    assert sentence in verdict_long(review)


def test_new_kinds_have_colours_and_chinese_legend() -> None:
    from assistant.ui.render import FLAG_COLOURS, flag_legend_html

    kinds = [
        "unsupported_claim",
        "unsupported_name",
        "wrong_citation",
        "unsupported_comparison",
        "role_mismatch",
    ]
    assert all(k in FLAG_COLOURS for k in kinds)
    legend = flag_legend_html(kinds)
    for label in (
        "内容无素材依据",
        "名称无素材依据",
        "引用的素材不对",
        "比较无素材依据",
        "放错了位置",
    ):
        assert label in legend


@pytest.mark.parametrize(
    ("section", "shown"),
    [
        ({"heading": "二、存在问题", "role": "problems"}, "二、存在问题"),
        ({"heading": "", "role": "preamble"}, "（开头）"),
        # the closing paragraph after the last numbered section is not an opening
        ({"heading": "", "role": "closing"}, "（结尾）"),
    ],
)
def test_a_section_without_heading_is_named_by_its_place(section: dict, shown: str) -> None:  # type: ignore[type-arg]
    assert section_heading(section) == shown
    assert outline_markdown([{**section, "level": 1}]).startswith(f"- {shown} ")
