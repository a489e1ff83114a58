"""Planning a whole report (assistant/plan.py) and `assistant plan` / `assistant draft --report`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.corpus import parse_file
from assistant.models import Role
from assistant.plan import (
    Plan,
    PlanItem,
    allocate,
    assembly_order,
    default_plan,
    draft_heading,
    draft_report,
    plan_from_outline,
)
from assistant.text.facts import parse_facts
from tests.conftest import KNOWLEDGE

SAMPLE = KNOWLEDGE / "000_13674df05d4d43f5.txt"
MIXED = "\n".join(
    [
        "召开理论学习中心组集中学习会议12次",  # F1 done
        "理论学习形式单一，以集中读文件为主",  # F2 shortcoming
        "基层专职宣传干部仅有3名，力量薄弱",  # F3 shortcoming
        "下一步将组建网络评论员队伍",  # F4 plan
        "监测处置网络舆情9起",  # F5 done
    ]
)


def _sample_plan() -> Plan:
    report = parse_file(SAMPLE)
    return plan_from_outline([s.outline_dict() for s in report.sections], report.id, report.title)


@pytest.mark.parametrize(
    ("role", "sample_heading", "marker", "expected"),
    [
        (Role.PROBLEMS, "二、存在的主要问题", "二、", "二、存在的主要问题"),
        # a topical heading names the sample's content: the role's usual title instead
        (Role.ACHIEVEMENTS, "一、加强理论学习，政治站位不断提高", "一、", "一、工作开展情况"),
        # a role word inside a two-clause lead phrase does not make it a role heading
        (Role.ACHIEVEMENTS, "二、德育工作扎实，育人成效更加明显", "二、", "二、工作开展情况"),
        (Role.ACHIEVEMENTS, "一、主要工作成效", "一、", "一、主要工作成效"),
        # a role word inside a two-clause lead phrase does not make it a role heading
        (Role.ACHIEVEMENTS, "二、德育工作扎实，育人成效更加明显", "二、", "二、工作开展情况"),
        (Role.ACHIEVEMENTS, "一、主要工作成效", "一、", "一、主要工作成效"),
        # a heading naming the sample's unit is not copied
        (Role.PLANS, "三、市局党组下一步工作打算", "三、", "三、下一步工作打算"),
        (Role.PROBLEMS, "存在问题及原因", "二、", "二、存在问题及原因"),
    ],
)
def test_draft_heading(role: Role, sample_heading: str, marker: str, expected: str) -> None:
    assert draft_heading(role, sample_heading, marker) == expected


def test_plan_from_a_sample_numbers_its_sections_and_keeps_role_headings() -> None:
    plan = _sample_plan()
    drafted = [it for it in plan.items if it.drafted]
    assert [it.role for it in drafted] == [Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS]
    assert [it.heading[:2] for it in drafted] == ["一、", "二、", "三、"]
    assert drafted[1].heading == "二、存在的主要问题"
    assert plan.items[0].role is Role.PREAMBLE and not plan.items[0].drafted
    assert len({it.key for it in plan.items}) == len(plan.items)


def test_allocation_gives_each_section_its_own_facts_and_survives_json() -> None:
    facts = parse_facts(MIXED + "\n由于人员调整频繁，导致工作衔接不畅")
    plan = allocate(default_plan(), facts)
    by_role = {it.role: it.fact_ids for it in plan.items}
    assert by_role[Role.ACHIEVEMENTS] == ["F1", "F5"]
    # no 原因分析 section: the cause goes with the problems
    assert by_role[Role.PROBLEMS] == ["F2", "F3", "F6"]
    assert by_role[Role.PLANS] == ["F4"]
    assert Plan.from_json(plan.to_json()) == plan
    assert Plan.from_json("not json") is None


def test_allocation_follows_the_users_word_on_a_kind() -> None:
    """ "F5是问题" said in the chat: the whole report puts F5 under 存在问题, not 工作情况."""
    facts = parse_facts(MIXED)
    plan = allocate(default_plan(), facts, {"监测处置网络舆情9起": Role.PROBLEMS})
    by_role = {it.role: it.fact_ids for it in plan.items}
    assert by_role[Role.ACHIEVEMENTS] == ["F1"]
    assert by_role[Role.PROBLEMS] == ["F2", "F3", "F5"]


def test_draft_report_goes_in_order_and_says_what_it_skipped() -> None:
    facts = parse_facts("召开理论学习中心组集中学习会议12次\n下一步将组建网络评论员队伍")
    plan = allocate(_sample_plan(), facts)
    calls: list[tuple[str, list[str]]] = []

    def fake(item: PlanItem, own: list) -> str:  # type: ignore[type-arg]
        calls.append((item.key, [f.id for f in own]))
        return item.heading

    steps = list(draft_report(plan, facts, fake))
    assert calls == [("achievements", ["F1"]), ("plans", ["F2"])]
    status = {st.item.key: st.status for st in steps}
    assert status["preamble"] == "skipped" and status["problems"] == "empty"


def test_assembly_order_follows_the_plan_then_the_usual_order() -> None:
    plan = _sample_plan()
    keys = ["plans", "other", "problems", "achievements", "causes"]
    assert assembly_order(plan, keys) == ["achievements", "problems", "plans", "causes", "other"]
    assert assembly_order(None, ["plans", "achievements"]) == ["achievements", "plans"]


def test_cli_plan_and_whole_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "facts.txt"
    facts.write_text(MIXED, encoding="utf-8")
    assert main(["plan", "--sample", str(SAMPLE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["heading"] for s in out["sections"] if s["heading"]][1] == "二、存在的主要问题"

    assert main(["index"]) == 0
    capsys.readouterr()
    code = main(["draft", "--report", "--sample", str(SAMPLE), "--facts", str(facts), "--json"])
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    drafted = {s["role"]: s for s in res["sections"] if s["status"] == "drafted"}
    problems = drafted["problems"]["draft"]["draft"]
    assert problems.startswith("二、存在的主要问题")
    assert "〔F2〕" in problems and "〔F3〕" in problems
    assert "〔F1〕" not in problems and "〔F4〕" not in problems
    assert "〔F4〕" in drafted["plans"]["draft"]["draft"]

    code = main(["draft", "--report", "--sample", "没有这篇", "--facts", str(facts)])
    assert code == 2
    assert "没有找到" in capsys.readouterr().err
    assert main(["draft", "--facts", str(facts)]) == 2


def test_cli_single_section_uses_the_facts_of_its_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = tmp_path / "facts.txt"
    facts.write_text(MIXED, encoding="utf-8")
    assert main(["index"]) == 0
    capsys.readouterr()
    assert main(["draft", "--role", "problems", "--facts", str(facts), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["fact_selection"]["used"] == ["F2", "F3"]
    assert out["fact_selection"]["elsewhere"] == {"achievements": ["F1", "F5"], "plans": ["F4"]}
    assert "〔F1〕" not in out["draft"] and "〔F2〕" in out["draft"]
    assert main(["draft", "--role", "problems", "--facts", str(facts), "--all-facts", "--json"]) == 0
    assert "〔F1〕" in json.loads(capsys.readouterr().out)["draft"]
    assert main(["draft", "--role", "causes", "--facts", str(facts)]) == 2
    assert "没有适合" in capsys.readouterr().err
