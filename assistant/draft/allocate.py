"""Which of the user's facts belong in which section when a whole report is drafted.

A user pastes one list of facts for the whole report; the 工作情况 section should get the
things done, 存在问题 the shortcomings and 下步打算 the plans. Pure function over Fact.status and
cue words, deterministic, table-tested.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import Fact, Role

# Words that mark a shortcoming ("形式单一", "力量薄弱", "仅有3名", "有待提高").
_PROBLEM_RE = re.compile(
    r"不足|不够|不强|不高|不深|不到位|不全|不完善|不规范|不平衡|不充分|单一|薄弱|欠缺|缺乏|"
    r"有待|短板|滞后|偏少|偏低|较少|较弱|仅有|仅|尚未|尚不|存在.{0,6}问题|问题突出|差距"
)
# Words that mark a cause ("由于…", "根源在于…").
_CAUSE_RE = re.compile(r"原因|根源|由于|导致|源于|归因")
# Words that mark an intention when the status words of the facts parser did not fire.
_PLAN_RE = re.compile(r"^(?:下一步|下步|明年|今后|\d{4}年将|将要|要|需要|必须)|力争|计划|拟|打算|争取")

_PLAN_ROLES = (Role.PLANS, Role.TASKS, Role.REQUIREMENTS)


def fact_kind(fact: Fact) -> Role:
    """The section role a fact most naturally serves: achievements, problems, causes or plans."""
    text = fact.text
    if fact.status == "planned" or _PLAN_RE.search(text):
        return Role.PLANS
    if _CAUSE_RE.search(text):
        return Role.CAUSES
    if _PROBLEM_RE.search(text):
        return Role.PROBLEMS
    return Role.ACHIEVEMENTS


def allocate_facts(roles: Sequence[Role], facts: Sequence[Fact]) -> dict[Role, list[Fact]]:
    """Split facts over the roles of a report's outline, keeping the user's order.

    A fact goes to the section of its kind when the outline has one; causes fall back to
    problems, plans to tasks/requirements, achievements to tasks (a 工作要点 has no 工作情况).
    A fact whose kind has no section at all goes nowhere: it is returned under Role.OTHER so the
    caller can tell the user rather than push it into a section where it does not belong.
    """
    present = list(dict.fromkeys(roles))
    out: dict[Role, list[Fact]] = {r: [] for r in present}
    out.setdefault(Role.OTHER, [])

    def target(kind: Role) -> Role:
        candidates: tuple[Role, ...]
        if kind is Role.CAUSES:
            candidates = (Role.CAUSES, Role.PROBLEMS)
        elif kind is Role.PLANS:
            candidates = _PLAN_ROLES
        elif kind is Role.ACHIEVEMENTS:
            candidates = (Role.ACHIEVEMENTS, Role.TASKS)
        else:
            candidates = (kind,)
        return next((r for r in candidates if r in out and r is not Role.OTHER), Role.OTHER)

    for fact in facts:
        out[target(fact_kind(fact))].append(fact)
    return out
