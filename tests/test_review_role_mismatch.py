"""role_mismatch when a shortcoming is told as a success: the draft keeps the fact's own
shortfall word ("逾期", "积压") but writes the matter as cleared or improved. Sentences written
for this table."""

from __future__ import annotations

import pytest

from assistant.models import Role
from assistant.text.factkind import says_shortfall
from tests.test_review_kinds import _flags as _kind_flags

FACTS = [
    "逾期未办结的信访件仍有27件",
    "积压的不动产登记申请310件",
    "全年受理群众来信来访1860件次",
]


def _flags(draft: str, role: Role | None) -> list[str]:
    return _kind_flags("role_mismatch", draft, FACTS, role)


@pytest.mark.parametrize(
    ("draft", "role", "expected"),
    [
        # the shortcoming told as work done or improved, its own word kept
        ("信访积案化解有力，办结逾期信访件27件。", Role.ACHIEVEMENTS, "办结逾期信访件27件"),
        ("登记服务持续优化，清理积压的不动产登记申请310件。", Role.ACHIEVEMENTS, "310件"),
        # faithful: the shortcoming told as one in 存在问题, or with a shortfall word of the draft's own
        ("逾期未办结的信访件仍有27件，化解难度较大。", Role.PROBLEMS, None),
        ("积压的不动产登记申请达310件，办理压力较大。", Role.ACHIEVEMENTS, None),
        # faithful: a result told as a result
        ("全年受理群众来信来访1860件次，办理质量明显提高。", Role.ACHIEVEMENTS, None),
        # the section is unsure: nothing is judged
        ("办结逾期信访件27件。", None, None),
    ],
)
def test_shortcoming_told_as_success(draft: str, role: Role | None, expected: str | None) -> None:
    texts = _flags(draft, role)
    if expected is None:
        assert texts == []
    else:
        assert any(expected in t for t in texts)


@pytest.mark.parametrize(
    "fact",
    ["清理积压的不动产登记申请310件", "清收逾期应收账款1.3亿元"],
)
def test_a_fact_that_is_itself_the_clearing_is_no_mismatch(fact: str) -> None:
    # text.factkind reads 积压/逾期 as a shortfall; the clearing verb is the fact's own
    draft = f"登记服务持续加强，{fact}。"
    assert _kind_flags("role_mismatch", draft, [fact], Role.ACHIEVEMENTS) == []


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # a done result told as next year's work: the opener's plan word is the section's
        ("下一步，完成老旧小区改造15个，同步推进加装电梯。", "完成老旧小区改造15个"),
        ("2025年，完成老旧小区改造15个。", "完成老旧小区改造15个"),
        # faithful: a plan that builds on the result, or a plan word on the clause itself
        ("下一步，在完成老旧小区改造15个的基础上持续推进加装电梯。", None),
        ("下一步，力争新开工老旧小区改造20个。", None),
    ],
)
def test_a_done_result_after_a_plan_opener(draft: str, expected: str | None) -> None:
    texts = _kind_flags("role_mismatch", draft, ["完成老旧小区改造15个"], Role.PLANS)
    if expected is None:
        assert texts == []
    else:
        assert any(expected in t for t in texts)


LEVELS = ["城乡居民人均可支配收入达3.2万元", "粮食产量稳定在45万吨", "网格员人均服务居民超过600户"]


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # a level reached, told under 存在问题 as too low
        ("一是居民收入偏低，人均可支配收入仅3.2万元。", "3.2万元"),
        ("二是粮食产量仅45万吨，增产难度大。", "45万吨"),
        # faithful: a load above the norm is the problem it reads as
        ("三是网格力量不足，网格员人均服务居民超过600户。", None),
    ],
)
def test_a_level_reached_told_as_too_low(draft: str, expected: str | None) -> None:
    texts = _kind_flags("role_mismatch", draft, LEVELS, Role.PROBLEMS)
    if expected is None:
        assert texts == []
    else:
        assert any(expected in t for t in texts)


@pytest.mark.parametrize(
    ("draft", "fact"),
    [
        ("实现利润总额5200万元，同比增加800万元。", "利润总额5200万元，较上年增加800万元"),
        ("户均停电时间比上年同期下降了21%。", "户均停电时间同比下降21%"),
    ],
)
def test_a_measure_told_as_it_is_is_no_turned_problem(draft: str, fact: str) -> None:
    # whatever text.factkind makes of the measure, the fact says no shortfall in words and the
    # draft tells it as the fact does
    assert _kind_flags("role_mismatch", draft, [fact], Role.ACHIEVEMENTS) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("专职心理教师仅4名", True),
        ("审计人员专业结构不合理", True),
        ("专业技术人员流失12人", True),
        ("利润总额5200万元，较上年增加800万元", False),
        ("全年开展应急演练12次", False),
    ],
)
def test_says_shortfall(text: str, expected: bool) -> None:
    assert says_shortfall(text) is expected
