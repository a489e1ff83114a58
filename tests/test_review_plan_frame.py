"""A 下步打算 written the way plans are written: its bare verbs ("完成…30公里") are the plan's
own, not a result; a plan written as done there ("已完成", "完成了") is still flagged."""

from __future__ import annotations

import pytest

from assistant.models import Role
from tests.test_review_kinds import _flags

PLAN_FACTS = ["计划完成农村公路提升改造30公里", "拟新建村级综合服务站5个"]


@pytest.mark.parametrize(
    ("draft", "role", "expected"),
    [
        # a bare verb in a plans section is the plan's own verb
        ("二、下步打算\n一是完善路网。完成农村公路提升改造30公里〔F1〕。", None, []),
        ("一是完善路网，完成农村公路提升改造30公里。", Role.PLANS, []),
        ("## 二、工作打算\n\n一是**完善路网**。完成农村公路提升改造30公里〔F1〕。", None, []),
        # ... told as over, it is a shift there too
        ("二、下步打算\n一是完善路网。已完成农村公路提升改造30公里〔F1〕。", None, ["已完成"]),
        ("一是完善路网，完成了农村公路提升改造30公里。", Role.PLANS, ["完成"]),
        # in a 工作情况 the same bare verb says the work is done
        ("一、工作情况\n一是完善路网。完成农村公路提升改造30公里〔F1〕。", None, ["完成"]),
    ],
)
def test_a_plan_told_with_a_bare_verb_in_a_plans_section(
    draft: str, role: Role | None, expected: list[str]
) -> None:
    texts = _flags("status_shift", draft, PLAN_FACTS, role)
    assert bool(texts) == bool(expected)
    # the flag marks the done word (or the clause holding it)
    assert all(t in e or e in t for t in texts for e in expected)
