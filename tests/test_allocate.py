"""Facts are split over the sections of a whole report by what they say."""

from __future__ import annotations

import pytest

from assistant.draft.allocate import allocate_facts, fact_kind
from assistant.models import Role
from assistant.text.facts import parse_facts


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


MIXED = "\n".join(
    [
        "召开理论学习中心组集中学习会议12次",  # F1 done
        "监测处置网络舆情9起",  # F2 done
        "理论学习形式单一，以集中读文件为主",  # F3 shortcoming
        "基层专职宣传干部仅有3名，力量薄弱",  # F4 shortcoming
        "下一步将组建网络评论员队伍",  # F5 plan
        "网络评论员队伍",  # F6 unclear
    ]
)


@pytest.mark.parametrize(
    ("role", "kw", "used", "unclear", "elsewhere"),
    [
        (Role.PROBLEMS, {}, ["F3", "F4", "F6"], ["F6"], {Role.ACHIEVEMENTS: ["F1", "F2"], Role.PLANS: ["F5"]}),
        (Role.ACHIEVEMENTS, {}, ["F1", "F2", "F6"], ["F6"], {Role.PROBLEMS: ["F3", "F4"], Role.PLANS: ["F5"]}),
        (Role.PLANS, {}, ["F5", "F6"], ["F6"], {Role.ACHIEVEMENTS: ["F1", "F2"], Role.PROBLEMS: ["F3", "F4"]}),
        # the user's words win: "把F5也写进去", "只用F1到F3", "不用F6"
        (Role.PROBLEMS, {"add": ["F5"]}, ["F3", "F4", "F5", "F6"], ["F6"], {Role.ACHIEVEMENTS: ["F1", "F2"]}),
        (Role.PROBLEMS, {"only": ["F1", "F2", "F3"]}, ["F1", "F2", "F3"], [], {}),
        (Role.PROBLEMS, {"drop": ["F6"]}, ["F3", "F4"], [], {Role.ACHIEVEMENTS: ["F1", "F2"], Role.PLANS: ["F5"]}),
        # a role facts are not sorted for takes them all
        (Role.PRINCIPLES, {}, ["F1", "F2", "F3", "F4", "F5", "F6"], [], {}),
    ],
)
def test_select_facts_for_one_section(
    role: Role, kw: dict, used: list[str], unclear: list[str], elsewhere: dict  # type: ignore[type-arg]
) -> None:
    from assistant.draft.allocate import select_facts

    sel = select_facts(role, parse_facts(MIXED), **kw)
    assert [f.id for f in sel.used] == used
    assert sel.unclear == unclear
    assert sel.elsewhere == elsewhere


def test_selection_note_names_ranges_and_where_the_rest_belongs() -> None:
    from assistant.draft.allocate import fact_ranges, select_facts, selection_note

    assert fact_ranges(["F1", "F2", "F3", "F5"]) == "F1–F3、F5"
    note = selection_note(select_facts(Role.PROBLEMS, parse_facts(MIXED)))
    assert note == (
        "本部分用了 F3、F4、F6；F6 看不出属于哪一部分，按您的要求写在这里，请核对；"
        "F1、F2 适合“工作情况”，F5 适合“下步打算”。"
    )
