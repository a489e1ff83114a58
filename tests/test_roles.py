"""Section roles from genre, place, preamble and body: table tests on report shapes written the
way outside reports are (topical headings, cue words other than the seeds')."""

from __future__ import annotations

import pytest

from assistant.corpus import apply_role_corrections, parse_text
from assistant.corpus.roles import (
    Genre,
    body_evidence,
    detect_genre,
    heading_cue,
)
from assistant.models import Role

DONE = "全年共开展专题学习14次，组织宣讲活动20余场，累计培训干部300人次。"
SHORT = "但对照要求仍然存在差距：学习深度不够，宣传形式单一，队伍能力有待提升。"
PLAN = "下一步，我们将进一步加强学习，力争全年举办培训班，计划开展专项行动。"
TASK = "要坚持以学铸魂，持续深化理论武装，切实推动学习教育走深走实。"


@pytest.mark.parametrize(
    ("title", "preamble", "genre"),
    [
        ("2024年度工作总结", "", Genre.RETROSPECTIVE),
        ("XX局党组书记述职报告", "", Genre.RETROSPECTIVE),
        ("关于落实意识形态工作责任制情况的报告", "", Genre.RETROSPECTIVE),
        ("关于某县乡村文化建设情况的调研报告", "", Genre.RETROSPECTIVE),
        ("2025年意识形态工作要点", "", Genre.PROSPECTIVE),
        ("XX局2025年普法宣传实施方案", "", Genre.PROSPECTIVE),
        ("关于2025年工作计划的报告", "", Genre.PROSPECTIVE),
        ("2024年工作总结和2025年工作思路", "", Genre.MIXED),
        ("某局2024年工作总结暨2025年工作计划", "", Genre.MIXED),
        ("某某材料", "现将有关情况汇报如下：", Genre.RETROSPECTIVE),
        ("某某材料", "结合我局实际，特制定本方案。", Genre.PROSPECTIVE),
        ("某某材料", "", Genre.UNKNOWN),
    ],
)
def test_genre_from_title_then_preamble(title: str, preamble: str, genre: Genre) -> None:
    assert detect_genre(title, preamble).genre is genre


@pytest.mark.parametrize(
    ("title", "role", "strong"),
    [
        ("需要关注的问题", Role.PROBLEMS, True),
        ("工作推进情况", Role.ACHIEVEMENTS, True),
        ("今后努力方向", Role.PLANS, True),
        ("2025年工作思路", Role.PLANS, True),
        ("对策建议", Role.PLANS, True),
        ("保障措施", Role.REQUIREMENTS, True),
        ("困难和问题", Role.PROBLEMS, True),
        ("意见建议", Role.PLANS, True),
        ("活动安排", Role.TASKS, True),
        ("目标任务完成情况", Role.ACHIEVEMENTS, True),
        ("2024年意识形态工作开展情况", Role.ACHIEVEMENTS, True),
        # a cue word inside a topical heading is weak: the section's place decides
        ("强化组织保障，确保主体责任层层落实到位", Role.REQUIREMENTS, False),
    ],
)
def test_heading_cue_and_its_strength(title: str, role: Role, strong: bool) -> None:
    cue = heading_cue(title)
    assert cue is not None
    assert (cue.role, cue.strong) == (role, strong)


@pytest.mark.parametrize(
    "title",
    ["加强理论学习，政治站位不断提高", "聚焦主责主业，各项工作扎实推进", "坚持问题导向，着力补齐工作短板", ""],
)
def test_topical_heading_names_no_role(title: str) -> None:
    assert heading_cue(title) is None


@pytest.mark.parametrize(
    ("body", "lean"),
    [
        (DONE, Role.ACHIEVEMENTS),
        (SHORT, Role.PROBLEMS),
        (PLAN, Role.PLANS),
        ("天气晴朗。", None),
        # targets in a plan are not results
        ("全年集中学习不少于12次，每季度开展宣讲不少于3场，力争覆盖全体党员。", Role.PLANS),
    ],
)
def test_body_evidence_lean(body: str, lean: Role | None) -> None:
    assert body_evidence(body).lean() is lean


def _roles(text: str) -> list[tuple[str, str]]:
    r = parse_text(text)
    return [(s.heading, str(s.role)) for s in r.sections if s.level >= 1]


# (document, expected [(heading, role)]) — shapes of real 总结/述职/要点/方案/汇报
CASES = [
    (
        "topical summary",
        "XX局2024年工作总结\n今年以来，我局主要做法是：\n"
        f"一、加强理论学习，政治站位不断提高\n{DONE}\n"
        f"二、聚焦主责主业，各项工作扎实推进\n{DONE}\n"
        f"三、存在的问题\n{SHORT}\n"
        f"四、强化担当作为，推动工作再上新台阶\n{PLAN}\n",
        [
            ("一、加强理论学习，政治站位不断提高", "achievements"),
            ("二、聚焦主责主业，各项工作扎实推进", "achievements"),
            ("三、存在的问题", "problems"),
            ("四、强化担当作为，推动工作再上新台阶", "plans"),
        ],
    ),
    (
        "work points",
        "2025年意识形态工作要点\n为做好全年工作，特制定本要点。\n"
        f"一、突出理论武装，牢牢把握意识形态工作主动权\n{TASK}\n"
        f"二、加强阵地建设，巩固壮大主流思想舆论\n{TASK}\n"
        f"三、强化组织保障\n{TASK}\n",
        [
            ("一、突出理论武装，牢牢把握意识形态工作主动权", "tasks"),
            ("二、加强阵地建设，巩固壮大主流思想舆论", "tasks"),
            ("三、强化组织保障", "requirements"),
        ],
    ),
    (
        "issue's cue words",
        "2024年意识形态工作分析研判报告\n现将有关情况报告如下：\n"
        f"一、工作推进情况\n{DONE}\n二、需要关注的问题\n{SHORT}\n三、今后努力方向\n{PLAN}\n",
        [
            ("一、工作推进情况", "achievements"),
            ("二、需要关注的问题", "problems"),
            ("三、今后努力方向", "plans"),
        ],
    ),
    (
        "child inherits unless its own heading is strong",
        "XX局2024年述职报告\n"
        f"一、履职情况\n（一）强化组织保障，确保主体责任层层落实到位\n{DONE}\n"
        f"（二）存在的不足\n{SHORT}\n"
        f"二、下一步打算\n（一）强化组织保障，确保各项工作落到实处\n{PLAN}\n",
        [
            ("一、履职情况", "achievements"),
            ("（一）强化组织保障，确保主体责任层层落实到位", "achievements"),
            ("（二）存在的不足", "problems"),
            ("二、下一步打算", "plans"),
            ("（一）强化组织保障，确保各项工作落到实处", "plans"),
        ],
    ),
    (
        "a child whose heading leans and whose body agrees leaves its parent's role",
        "XX局2024年工作总结\n"
        f"一、工作开展情况\n（一）加强理论学习\n{DONE}\n（二）正视差距，补齐短板\n{SHORT}\n"
        f"二、下一步打算\n{PLAN}\n",
        [
            ("一、工作开展情况", "achievements"),
            ("（一）加强理论学习", "achievements"),
            ("（二）正视差距，补齐短板", "problems"),
            ("二、下一步打算", "plans"),
        ],
    ),
    (
        "mixed summary and plans",
        "2024年工作总结和2025年工作思路\n"
        f"一、2024年工作开展情况\n{DONE}\n二、2025年工作思路\n{PLAN}\n三、抓好重点工作落实\n{PLAN}\n",
        [
            ("一、2024年工作开展情况", "achievements"),
            ("二、2025年工作思路", "plans"),
            ("三、抓好重点工作落实", "plans"),
        ],
    ),
    (
        "no keyword headings at all: the body tells problems and plans",
        "个人述职报告\n"
        f"一、加强学习，提升素质\n{DONE}\n"
        f"二、正视不足，查找差距\n{SHORT}\n"
        f"三、明确方向，再接再厉\n{PLAN}\n",
        [
            ("一、加强学习，提升素质", "achievements"),
            ("二、正视不足，查找差距", "problems"),
            ("三、明确方向，再接再厉", "plans"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_roles_from_context(name: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert _roles(text) == expected


def test_every_section_has_confidence_and_reasons() -> None:
    r = parse_text(CASES[0][1])
    for s in r.sections:
        assert 0.0 < s.role_confidence <= 1.0
        assert s.role_evidence
    first = r.sections[1]
    assert "存在问题" in first.role_evidence and "之前" in first.role_evidence
    assert "14次" in first.role_evidence
    # a role named by the heading is surer than one inferred from the place
    assert r.sections[3].role_confidence > first.role_confidence


def test_outline_json_keeps_old_keys_and_adds_confidence() -> None:
    d = parse_text(CASES[0][1]).sections[1].outline_dict()
    for key in ("id", "level", "heading", "role", "path", "n_children", "n_points", "chars", "text"):
        assert key in d
    assert isinstance(d["role_confidence"], float)
    assert isinstance(d["role_evidence"], str)


CORRECTABLE = (
    "XX局2024年工作总结\n"
    f"一、加强理论学习，政治站位不断提高\n（一）抓学习\n{DONE}\n（二）存在的不足\n{SHORT}\n"
    f"二、聚焦主责主业，各项工作扎实推进\n{DONE}\n"
)


@pytest.mark.parametrize(
    ("corrections", "expected"),
    [
        # the corrected section and the child that inherited its role change; the child whose
        # own heading named its role does not
        (
            {"1": {"role": "plans", "heading": "一、加强理论学习，政治站位不断提高"}},
            ["plans", "plans", "problems", "achievements"],
        ),
        # the file changed and the ids moved: the heading finds the section
        ({"7": {"role": "tasks", "heading": "二、聚焦主责主业，各项工作扎实推进"}},
         ["achievements", "achievements", "problems", "tasks"]),
        # an id whose heading changed and a heading that is gone: nothing changes
        ({"2": {"role": "plans", "heading": "三、不存在"}}, ["achievements", "achievements", "problems", "achievements"]),
        ({"2": {"role": "nonsense", "heading": "二、聚焦主责主业，各项工作扎实推进"}},
         ["achievements", "achievements", "problems", "achievements"]),
    ],
)
def test_role_corrections_apply_after_parsing(
    corrections: dict[str, dict[str, str]], expected: list[str]
) -> None:
    r = parse_text(CORRECTABLE)
    changed = apply_role_corrections(r, corrections)
    got = [s for s in r.sections if s.level >= 1]
    assert [str(s.role) for s in got] == expected
    assert changed == (expected != ["achievements", "achievements", "problems", "achievements"])
    for s in got:
        if s.role_confidence == 1.0:
            assert s.role_evidence == "用户已更正" or "更正" in s.role_evidence
