"""Facts are split over the sections of a whole report by what they say."""

from __future__ import annotations

import pytest

from assistant.draft.allocate import allocate_facts, fact_kind
from assistant.draft.facts import parse_facts
from assistant.models import Role


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("召开理论学习中心组集中学习会议16次", Role.ACHIEVEMENTS),
        ("已建成新时代文明实践站12个", Role.ACHIEVEMENTS),
        ("理论学习形式单一，以集中读文件为主", Role.PROBLEMS),
        ("基层专职宣传干部仅有3名，力量薄弱", Role.PROBLEMS),
        ("网络评论员队伍建设有待加强", Role.PROBLEMS),
        ("由于人员调整频繁，导致工作衔接不畅", Role.CAUSES),
        ("拟新建示范点12个", Role.PLANS),
        ("下一步将开展网络安全专项培训2期", Role.PLANS),
        ("力争年底前实现村级宣传阵地全覆盖", Role.PLANS),
    ],
)
def test_fact_kind(text: str, kind: Role) -> None:
    (fact,) = parse_facts(text)
    assert fact_kind(fact) is kind


FACTS = "\n".join(
    [
        "召开理论学习中心组集中学习会议16次",
        "理论学习形式单一，以集中读文件为主",
        "拟新建示范点12个",
        "由于人员调整频繁，导致工作衔接不畅",
    ]
)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (
            [Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS],
            {Role.ACHIEVEMENTS: ["F1"], Role.PROBLEMS: ["F2", "F4"], Role.PLANS: ["F3"]},
        ),
        (
            [Role.ACHIEVEMENTS, Role.PROBLEMS, Role.CAUSES, Role.PLANS],
            {Role.ACHIEVEMENTS: ["F1"], Role.PROBLEMS: ["F2"], Role.CAUSES: ["F4"], Role.PLANS: ["F3"]},
        ),
        # a 工作要点: no 工作情况 and no 存在问题; done facts serve the tasks, problems go nowhere
        (
            [Role.PRINCIPLES, Role.TASKS, Role.REQUIREMENTS],
            {Role.PRINCIPLES: [], Role.TASKS: ["F1", "F3"], Role.REQUIREMENTS: [], Role.OTHER: ["F2", "F4"]},
        ),
    ],
)
def test_allocate_keeps_order_and_puts_each_fact_once(
    roles: list[Role], expected: dict[Role, list[str]]
) -> None:
    out = allocate_facts(roles, parse_facts(FACTS))
    assert {r: [f.id for f in fs] for r, fs in out.items() if fs} == {
        r: ids for r, ids in expected.items() if ids
    }
    assert sorted(f.id for fs in out.values() for f in fs) == ["F1", "F2", "F3", "F4"]
