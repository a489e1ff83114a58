"""The offline drafter: DRAFTING.md's worked example, frames of the seed sections, lead phrases,
grouping, shapes, determinism, the offline reviser; then the whole path on the shipped corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.draft.frame import parse_section, render, to_fullwidth, visible_len
from assistant.draft.grouping import clean_for_copy, group_facts, sanitise_formula
from assistant.draft.offline import draft_offline, fact_sentence, revise_offline
from assistant.errors import RevisionNotUnderstoodError
from assistant.models import Exemplar, Fact, Role, WantedShape
from tests.conftest import KNOWLEDGE, ROOT

DATA = ROOT / "tests" / "data"


def seed_section(stem: str, start: str, end: str | None = None) -> str:
    """A section of a raw seed file, cut by its heading (the test needs no corpus parser)."""
    path = next(KNOWLEDGE.glob(f"{stem}_*.txt"))
    text = path.read_text(encoding="utf-8")
    part = text[text.index(start) : text.index(end) if end else None]
    return part.replace("  ", "\n")  # 003's paragraphs are separated by double spaces


def exemplar(text: str, role: Role, report: str = "000") -> Exemplar:
    return Exemplar(
        report=report, title="范文", source=f"{report}.txt", section_id="2",
        heading=text.split("\n")[0], path=[], role=role, level=1, n_points=0, n_children=0,
        heading_style="一、", point_style="一是", score=1.0, why={}, text=text,
    )  # fmt: skip


def facts_of(*texts: str) -> list[Fact]:
    return [Fact(f"F{i}", t) for i, t in enumerate(texts, 1)]


def fact_file(name: str) -> list[Fact]:
    lines = (DATA / f"facts_{name}.txt").read_text(encoding="utf-8").splitlines()
    return facts_of(*(ln.split(". ", 1)[1] for ln in lines if ln.strip()))


PROBLEMS_000 = seed_section("000", "二、存在的主要问题", "三、下一步")
ACHIEVEMENTS_000 = seed_section("000", "一、工作情况", "二、存在的主要问题")
PLANS_000 = seed_section("000", "三、下一步工作打算", "221381")
ACHIEVEMENTS_001 = seed_section("001", "一、意识形态工作开展基本情况", "二、存在问题及原因")
PROBLEMS_001 = seed_section("001", "二、存在问题及原因", "三、下一步")
PLANS_001 = seed_section("001", "三、下一步工作计划")
ACHIEVEMENTS_003 = seed_section("003", "一、主要做法", "二、存在的不足")
PLANS_003 = seed_section("003", "三、下一步打算")

WORKED_FACTS = facts_of(
    "理论学习形式单一，以集中读文件为主",
    "基层专职宣传干部仅有3名，力量薄弱",
    "全年仅开展意识形态形势研判2次，研判不够深入",
)
WORKED_DRAFT = (
    "二、存在的主要问题\n"
    "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。"
    "一是理论学习形式单一，以集中读文件为主〔F1〕；二是基层专职宣传干部仅有3名，力量薄弱〔F2〕；"
    "三是全年仅开展意识形态形势研判2次，研判不够深入〔F3〕。"
)


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def test_worked_example_of_drafting_md() -> None:
    draft = draft_offline(Role.PROBLEMS, WORKED_FACTS, [exemplar(PROBLEMS_000, Role.PROBLEMS)])
    assert draft == WORKED_DRAFT


@pytest.mark.parametrize(
    ("text", "layout", "style", "sep", "leads", "n_items", "heading"),
    [
        (PROBLEMS_000, "inline", "一是", "；", False, 3, "二、存在的主要问题"),
        (ACHIEVEMENTS_000, "paragraphs", "一是", "；", True, 4, "一、工作情况"),
        (PLANS_000, "paragraphs", "一要", "；", True, 3, "三、下一步工作打算"),
        (ACHIEVEMENTS_001, "children", "（一）", "；", True, 5, "一、意识形态工作开展基本情况"),
        (PROBLEMS_001, "inline", "一是", "。", True, 3, "二、存在问题及原因"),
        (PLANS_001, "inline", "一是", "。", True, 6, "三、下一步工作计划"),
        (ACHIEVEMENTS_003, "children", "（一）", "；", True, 4, "一、主要做法"),
        (PLANS_003, "paragraphs", "一是", "；", True, 3, "三、下一步打算"),
    ],
)
def test_frame_of_seed_sections(
    text: str, layout: str, style: str, sep: str, leads: bool, n_items: int, heading: str
) -> None:
    frame = parse_section(text)
    assert (frame.layout, frame.style, frame.has_leads, len(frame.items)) == (
        layout, style, leads, n_items,
    )  # fmt: skip
    assert frame.heading == heading
    if layout == "inline":
        assert frame.sep == sep


@pytest.mark.parametrize(
    ("raw", "inline", "expected"),
    [
        ("理论学习形式单一,以集中读文件为主。", True, "理论学习形式单一，以集中读文件为主"),
        ("- 开展研判2次;研判不深入", True, "开展研判2次，研判不深入"),
        ("开展研判2次;研判不深入", False, "开展研判2次；研判不深入"),
        ("覆盖 1,200 人次，占比 27.4%", True, "覆盖1,200人次，占比27.4%"),
        ('开展"网络安全宣传周"活动', True, "开展“网络安全宣传周”活动"),
        ("新建示范点12个。完成验收。", True, "新建示范点12个，完成验收"),
    ],
)
def test_fact_sentence_normalises_punctuation_only(raw: str, inline: bool, expected: str) -> None:
    assert fact_sentence(raw, inline) == expected


@pytest.mark.parametrize(
    ("sentence", "ok"),
    [
        ("回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。", True),
        ("坚持理论学习宣讲，把稳思想“方向盘”", True),
        ("今年来，共召开机关党组专题学习会议×次。", False),  # placeholder and unit
        ("2022年，召开理论学习中心组集中学习会议16次。", False),  # the sample's numbers
        ("强化“一岗双责”，完善相关机制", False),  # a number word
        ("重点学习了《网络意识形态工作责任制实施细则》", False),  # a title
        ("虽然市人大机关党组在履行意识形态工作责任上做了一些工作", False),  # a unit
        ("进一步完善舆情监测流程", True),  # 进一步 is not a number
    ],
)
def test_clean_for_copy(sentence: str, ok: bool) -> None:
    assert clean_for_copy(sentence) is ok


def test_formula_drops_the_samples_unit_as_subject() -> None:
    s = "下一步，局党组将继续深刻认识意识形态工作的极端重要性。"
    assert sanitise_formula(s) == "下一步，将继续深刻认识意识形态工作的极端重要性。"


def test_facts_sharing_key_terms_merge_in_user_order() -> None:
    texts = [
        "监测处置网络舆情9起",
        "召开理论学习中心组会议12次",
        "开展网络安全宣传周活动",
        "全年未发生网络安全事件",
        "理论学习中心组开展专题研讨4次",
    ]
    assert group_facts(texts) == [[0], [1, 4], [2, 3]]
    # asked for fewer points: neighbours merge, every fact kept once
    assert group_facts(texts, n_max=2) == [[0, 1, 4], [2, 3]]
    assert group_facts(texts, n_max=1) == [[0, 1, 4, 2, 3]]


def test_no_sample_content_and_every_fact_number_on_each_seed_frame() -> None:
    cases = [
        (Role.ACHIEVEMENTS, "achievements", [ACHIEVEMENTS_000, ACHIEVEMENTS_001, ACHIEVEMENTS_003]),
        (Role.PROBLEMS, "problems", [PROBLEMS_000, PROBLEMS_001]),
        (Role.PLANS, "plans", [PLANS_000, PLANS_001, PLANS_003]),
    ]
    for role, name, sections in cases:
        facts = fact_file(name)
        fact_numbers = {n for f in facts for n in numbers(f.text)}
        for k, sec in enumerate(sections):
            exs = [exemplar(s, role, f"r{j}") for j, s in enumerate([sec, *sections[:k], *sections[k + 1 :]])]
            draft = draft_offline(role, facts, exs)
            # every fact cited, with its numbers; no number the facts do not have
            for f in facts:
                assert f"〔{f.id}〕" in draft
                for n in numbers(f.text):
                    assert n in draft, (name, k, n)
            assert set(numbers(re.sub(r"〔F\d+〕", "", draft))) <= fact_numbers
            assert not re.search(r"[×*]|xx|XX", draft)
            # the exemplar's pattern kept
            frame, wanted = parse_section(draft), parse_section(sec)
            assert (frame.layout, frame.style) == (wanted.layout, wanted.style)
            assert frame.heading_marker == wanted.heading_marker


def test_leads_reused_only_on_a_strong_topic_match() -> None:
    facts = facts_of("召开理论学习中心组集中学习会议12次", "在省级以上主流媒体发稿56篇")
    draft = draft_offline(Role.ACHIEVEMENTS, facts, [exemplar(ACHIEVEMENTS_000, Role.ACHIEVEMENTS)])
    assert "一是坚持理论学习宣讲，把稳思想“方向盘”。召开理论学习中心组集中学习会议12次〔F1〕。" in draft
    # no sample lead fits the second point: one is built from its own key terms
    assert "二是加强主流媒体发稿，工作基础不断夯实。在省级以上主流媒体发稿56篇〔F2〕。" in draft
    assert "待补充" not in draft


def test_children_frame_renders_children_with_leads() -> None:
    draft = draft_offline(
        Role.ACHIEVEMENTS, fact_file("achievements"), [exemplar(ACHIEVEMENTS_003, Role.ACHIEVEMENTS)]
    )
    lines = draft.split("\n")
    assert lines[0] == "一、主要做法"
    assert lines[1].startswith("（一）重视理论学习，守好主阵地。召开理论学习中心组")
    assert any(ln.startswith("（四）聚焦网络安全，打赢主战场。监测处置网络舆情9起") for ln in lines)


def test_problems_and_causes_heading_leaves_a_gap_for_the_causes() -> None:
    draft = draft_offline(Role.PROBLEMS, WORKED_FACTS, [exemplar(PROBLEMS_001, Role.PROBLEMS)])
    assert draft.startswith("二、存在问题及原因\n一是理论学习形式还不够丰富。理论学习形式单一")
    assert draft.count("待补充") == 1  # the causes slot only, never a lead phrase
    assert draft.endswith("【待补充：问题产生的原因分析】")


def test_wanted_shape_overrides_the_exemplar() -> None:
    ex = [exemplar(PROBLEMS_000, Role.PROBLEMS)]
    children = draft_offline(Role.PROBLEMS, WORKED_FACTS, ex, WantedShape(heading_style="（一）"))
    assert [ln[:3] for ln in children.split("\n")[2:]] == ["（一）", "（二）", "（三）"]
    yao = draft_offline(Role.PROBLEMS, WORKED_FACTS, ex, WantedShape(point_style="一要"))
    assert "一要理论学习形式单一" in yao and "三要全年仅开展" in yao
    four = draft_offline(Role.PROBLEMS, WORKED_FACTS, ex, WantedShape(n_points=4))
    assert "四是【待补充：第四点的具体内容】。" in four


def test_without_exemplars_a_default_frame() -> None:
    draft = draft_offline(Role.PLANS, facts_of("拟新建示范点12个", "计划开展培训4期"), [])
    assert draft == "三、下一步工作打算\n一是拟新建示范点12个〔F1〕；二是计划开展培训4期〔F2〕。"


def test_deterministic_byte_for_byte() -> None:
    facts = fact_file("achievements")
    exs = [exemplar(ACHIEVEMENTS_000, Role.ACHIEVEMENTS), exemplar(ACHIEVEMENTS_003, Role.ACHIEVEMENTS)]
    a = draft_offline(Role.ACHIEVEMENTS, facts, exs).encode()
    b = draft_offline(Role.ACHIEVEMENTS, [Fact(f.id, f.text) for f in facts], list(exs)).encode()
    assert a == b


def test_render_round_trips_offline_drafts() -> None:
    for sec, role in [(PROBLEMS_000, Role.PROBLEMS), (ACHIEVEMENTS_001, Role.ACHIEVEMENTS),
                      (PLANS_000, Role.PLANS), (PLANS_001, Role.PLANS)]:  # fmt: skip
        draft = draft_offline(role, fact_file(str(role)), [exemplar(sec, role)])
        assert render(parse_section(draft)) == draft


def test_to_fullwidth_keeps_decimals_and_times() -> None:
    assert to_fullwidth("达到27.4万册,时间10:30;完成") == "达到27.4万册，时间10:30；完成"


# ---- revise_offline ------------------------------------------------------------------------------
REVISE_FACTS = [*WORKED_FACTS, Fact("F4", "网络安全培训仅覆盖2个科室"), Fact("F5", "宣传干部全年参加培训仅1次")]


@pytest.mark.parametrize(
    ("instruction", "must_have", "must_not_have"),
    [
        ("第二点再具体些", ["二是基层专职宣传干部仅有3名，力量薄弱〔F2〕，同时宣传干部全年参加培训仅1次〔F5〕；"], []),
        ("加一点关于网络安全的内容", ["四是网络安全培训仅覆盖2个科室〔F4〕。"], []),
        ("增加关于意识形态阵地管理的内容", ["四是【待补充：意识形态阵地管理方面的情况】。"], []),
        ("改成（一）（二）格式", ["\n（一）理论学习形式还不够丰富。理论学习形式单一，以集中读文件为主〔F1〕。"], ["一是", "待补充"]),
    ],
)
def test_revise_offline(instruction: str, must_have: list[str], must_not_have: list[str]) -> None:
    out = revise_offline(WORKED_DRAFT, instruction, REVISE_FACTS, [exemplar(PROBLEMS_000, Role.PROBLEMS)])
    for s in must_have:
        assert s in out
    for s in must_not_have:
        assert s not in out
    assert out.startswith("二、存在的主要问题\n")


def test_elaborate_says_so_when_the_point_has_no_fact_left() -> None:
    from assistant.errors import NothingToAddError

    with pytest.raises(NothingToAddError, match="第三点依据的素材已经全部写进去了"):
        revise_offline(WORKED_DRAFT, "第三点再具体些", REVISE_FACTS, [exemplar(PROBLEMS_000, Role.PROBLEMS)])


def test_revise_round_trip_between_point_styles() -> None:
    ex = [exemplar(PROBLEMS_000, Role.PROBLEMS)]
    children = revise_offline(WORKED_DRAFT, "改成（一）（二）格式", WORKED_FACTS, ex)
    back = revise_offline(children, "改成一是二是", WORKED_FACTS, ex)
    assert "一是理论学习形式还不够丰富。理论学习形式单一，以集中读文件为主〔F1〕。" in back
    assert "三是形势研判还不够深入。全年仅开展意识形态形势研判2次" in back


@pytest.mark.parametrize("limit", [120, 80, 60])
def test_shorten_keeps_every_fact_number(limit: int) -> None:
    out = revise_offline(WORKED_DRAFT, f"压缩到{limit}字", WORKED_FACTS, [])
    assert visible_len(out) <= limit
    for f in WORKED_FACTS:
        assert f"〔{f.id}〕" in out
        for n in numbers(f.text):
            assert n in out


def test_shorten_drops_formulas_before_content() -> None:
    out = revise_offline(WORKED_DRAFT, "压缩到一百字", WORKED_FACTS, [])
    assert "回顾今年以来的工作" not in out
    assert "以集中读文件为主" in out  # content stays while formulas can go


def test_shorten_without_a_figure_cuts_a_fifth() -> None:
    out = revise_offline(WORKED_DRAFT, "再精简一些", WORKED_FACTS, [])
    assert visible_len(out) <= visible_len(WORKED_DRAFT) * 4 // 5
    assert all(n in out for f in WORKED_FACTS for n in numbers(f.text))


def test_no_usable_facts_leaves_a_visible_gap() -> None:
    draft = draft_offline(Role.PROBLEMS, facts_of("。"), [exemplar(PROBLEMS_000, Role.PROBLEMS)])
    assert draft.endswith("不足。【待补充：本部分的具体内容】。")  # one point: no 一是 alone


def test_shorten_is_a_no_op_when_short_enough() -> None:
    assert revise_offline(WORKED_DRAFT, "压缩到300字", WORKED_FACTS, []) == WORKED_DRAFT


@pytest.mark.parametrize("instruction", ["写得更有文采一些", "翻译成英文", "第九点再具体些"])
def test_unknown_revision_raises_a_chinese_error(instruction: str) -> None:
    with pytest.raises(RevisionNotUnderstoodError) as err:
        revise_offline(WORKED_DRAFT, instruction, WORKED_FACTS, [])
    assert "离线" in str(err.value) or "只有3点" in str(err.value)


def test_fact_files_are_realistic() -> None:
    for name in ("achievements", "problems", "plans"):
        facts = fact_file(name)
        assert 4 <= len(facts) <= 8
        assert all(numbers(f.text) for f in facts)
    assert Path(DATA / "facts_plans.txt").read_text(encoding="utf-8").count("《") >= 1


def test_shorten_a_prose_draft_trims_clauses_not_paragraphs() -> None:
    prose = (
        "二、存在的主要问题\n"
        "理论学习形式单一，以集中读文件为主，效果不佳〔F1〕。基层专职宣传干部仅有3名，力量薄弱，难以满足需要〔F2〕。\n"
        "研判不够深入，全年仅2次，次数偏少〔F3〕。"
    )
    out = revise_offline(prose, "压缩到48字", WORKED_FACTS, [])
    assert out == (
        "二、存在的主要问题\n理论学习形式单一〔F1〕。基层专职宣传干部仅有3名〔F2〕。\n研判不够深入，全年仅2次〔F3〕。"
    )


def test_merged_point_uses_light_connectives_and_round_trips() -> None:
    facts = facts_of(
        "组织网络安全宣传周活动，发放资料1500余份",
        "清理违规账号11个",
        "完成网络安全等级保护测评2项",
        "拟每半年开展1次网络安全应急演练",
    )
    draft = draft_offline(Role.ACHIEVEMENTS, facts, [exemplar(ACHIEVEMENTS_000, Role.ACHIEVEMENTS)])
    assert "发放资料1500余份〔F1〕。同时，完成网络安全等级保护测评2项〔F3〕。此外，拟每半年开展1次网络安全应急演练〔F4〕。" in draft
    assert "二是加强清理违规账号，工作基础不断夯实。清理违规账号11个〔F2〕。" in draft
    assert render(parse_section(draft)) == draft


def test_revise_reads_a_model_draft_with_bracket_citations() -> None:
    model_draft = (
        "二、存在的主要问题\n"
        "一是理论学习形式单一，以集中读文件为主[F1]；二是基层专职宣传干部仅有3名[F2]；"
        "三是全年仅开展意识形态形势研判2次[F3]。"
    )
    out = revise_offline(model_draft, "改成（一）（二）格式", WORKED_FACTS, [])
    assert "（二）干部力量还比较薄弱。基层专职宣传干部仅有3名〔F2〕。" in out


WORDS = ["理论学习", "宣传干部", "网络舆情", "文明实践站", "专题研讨", "志愿服务", "网络安全", "主流媒体"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["已", "拟", "累计", "全年", ""]),
            st.sampled_from(WORDS),
            st.integers(min_value=1, max_value=99999),
            st.sampled_from(["次", "场", "个", "%", "余人次", "万册"]),
            st.sampled_from(["", "，成效明显", "。研判不够深入", ",覆盖全部科室"]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([PROBLEMS_000, ACHIEVEMENTS_000, PLANS_000, ACHIEVEMENTS_001, PLANS_001, PROBLEMS_001]),
)
def test_any_facts_any_frame_keeps_numbers_cites_and_round_trips(
    parts: list[tuple[str, str, int, str, str]], section: str
) -> None:
    facts = facts_of(*(f"{a}开展{w}{n}{u}{tail}" for a, w, n, u, tail in parts))
    exs = [exemplar(section, Role.ACHIEVEMENTS)]
    draft = draft_offline(Role.ACHIEVEMENTS, facts, exs)
    assert draft == draft_offline(Role.ACHIEVEMENTS, facts, exs)
    body = re.sub(r"〔F\d+〕", "", draft)
    for f, (_, _, n, _, _) in zip(facts, parts, strict=True):
        assert draft.count(f"〔{f.id}〕") == 1
        assert str(n) in body
    assert render(parse_section(draft)) == draft


@pytest.mark.parametrize("shape", [None, WantedShape(heading_style="（一）"), WantedShape(point_style="一要")])
def test_causes_gap_survives_a_revision(shape: WantedShape | None) -> None:
    draft = draft_offline(Role.PROBLEMS, WORKED_FACTS, [exemplar(PROBLEMS_001, Role.PROBLEMS)], shape)
    assert draft.endswith("\n【待补充：问题产生的原因分析】")
    assert render(parse_section(draft)) == draft
    more = revise_offline(draft, "改成一要二要", WORKED_FACTS, [])
    assert more.endswith("\n【待补充：问题产生的原因分析】")


@pytest.mark.parametrize(
    "fact",
    ["门户网站 http://www.xxdata.gov.cn 全年无篡改", "投稿邮箱 xcb@xx.gov.cn 全年收稿300篇", "接入平台https://basic.smartedu.cn/"],
)
def test_a_fact_keeps_its_own_characters(fact: str) -> None:
    draft = draft_offline(Role.ACHIEVEMENTS, facts_of(fact), [exemplar(ACHIEVEMENTS_000, Role.ACHIEVEMENTS)])
    url = re.search(r"[A-Za-z][\w:/.@-]+[\w/]", fact)
    assert url is not None and url.group() in draft


OPENING_SAMPLE = (
    "2023年，局党组坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制，"
    "全局意识形态领域总体平稳向好。现将有关情况汇报如下："
)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # a time at the front of the first fact opens the paragraph; the sample's formula closes it
        (
            ("2025年召开理论学习中心组学习会议12次", "开展专题宣讲20余场次"),
            "2025年召开理论学习中心组学习会议12次〔F1〕，开展专题宣讲20余场次〔F2〕。现将有关情况汇报如下：",
        ),
        (("处置网络舆情9起。其中重大舆情1起",), "今年以来，处置网络舆情9起，其中重大舆情1起〔F1〕。现将有关情况汇报如下："),
    ],
)
def test_an_opening_is_one_paragraph_of_prose(facts: tuple[str, ...], expected: str) -> None:
    text = draft_offline(Role.PREAMBLE, facts_of(*facts), [exemplar(OPENING_SAMPLE, Role.PREAMBLE)])
    assert text == expected
    assert "一是" not in text and "\n" not in text
    assert "平稳向好" not in text  # the sample's own judgement is not the user's


def test_an_opening_without_a_formula_in_its_sample_gets_the_usual_one() -> None:
    text = draft_offline(Role.PREAMBLE, facts_of("开展专题宣讲20余场次"), [])
    assert text == "今年以来，开展专题宣讲20余场次〔F1〕。现将有关情况报告如下："


def test_an_opening_states_the_most_general_results() -> None:
    from assistant.draft.allocate import select_facts
    from assistant.text.facts import parse_facts

    facts = parse_facts(
        "召开理论学习中心组学习会议12次\n理论学习形式单一\n开展理论学习专题宣讲20场\n"
        "新建村级宣传栏3个\n下一步将开展网络安全培训2次"
    )
    sel = select_facts(Role.PREAMBLE, facts)
    assert [f.id for f in sel.used] == ["F1", "F3"]  # results that share 理论学习 with the rest
    assert sel.elsewhere == {Role.ACHIEVEMENTS: ["F4"], Role.PROBLEMS: ["F2"], Role.PLANS: ["F5"]}


@pytest.mark.parametrize(
    ("role", "sample", "heading"),
    [
        # the sample's ordinal is its place in its own report, not in the user's
        (Role.PROBLEMS, "五、存在的不足\n一是学习形式单一；二是队伍力量薄弱。", "二、存在的不足"),
        (Role.PLANS, "六、下一步工作打算\n一是加强理论武装；二是建强工作队伍。", "三、下一步工作打算"),
        (Role.ACHIEVEMENTS, "三、主要做法\n一是强化理论武装；二是压实工作责任。", "一、主要做法"),
    ],
)
def test_a_lone_section_is_numbered_by_its_role_not_the_samples_place(
    role: Role, sample: str, heading: str
) -> None:
    facts = facts_of("理论学习形式单一，以集中读文件为主", "基层专职宣传干部仅有3名")
    draft = draft_offline(role, facts, [exemplar(sample, role)])
    assert draft.split("\n")[0] == heading


def test_a_single_point_has_no_lone_enumerator() -> None:
    sample = "五、存在的不足\n一是学习形式单一；二是队伍力量薄弱。"
    draft = draft_offline(Role.PROBLEMS, facts_of("档案室漏水3处"), [exemplar(sample, Role.PROBLEMS)])
    assert draft == "二、存在的不足\n档案室漏水3处〔F1〕。"
    two = draft_offline(Role.PROBLEMS, facts_of("档案室漏水3处", "库房设备老旧"), [exemplar(sample, Role.PROBLEMS)])
    assert "一是档案室漏水3处〔F1〕；二是库房设备老旧〔F2〕。" in two


@pytest.mark.parametrize(
    ("role", "text", "expected"),
    [
        # a model's lone section is numbered by its role too, as the offline one
        (Role.PROBLEMS, "五、存在的不足\n一是学习形式单一〔F1〕。", "二、存在的不足\n一是学习形式单一〔F1〕。"),
        (Role.PLANS, "六、下一步工作打算", "三、下一步工作打算"),
        # a child heading or a section without a heading is left alone
        (Role.PROBLEMS, "（一）存在的不足\n一是学习形式单一。", "（一）存在的不足\n一是学习形式单一。"),
        (Role.PROBLEMS, "一是学习形式单一；二是力量薄弱。", "一是学习形式单一；二是力量薄弱。"),
    ],
)
def test_a_models_lone_section_is_numbered_by_its_role(role: Role, text: str, expected: str) -> None:
    from assistant.draft.offline import number_lone_section

    assert number_lone_section(text, role) == expected
