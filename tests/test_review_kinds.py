"""The model-style flag kinds, one table each: what a model invents is flagged with its span and
a Chinese reason; the faithful rewording beside it is left alone."""

from __future__ import annotations

import pytest

from assistant.models import Fact, Role
from assistant.review.context import mask_markdown
from assistant.review.formulas import mine, slogans, synonyms
from assistant.review.grounding import check
from assistant.review.table import CHECKS, FIRST_CHECKS, KIND_LABELS
from assistant.text.facts import make_fact

IDEOLOGY = [
    "召开党组理论学习中心组学习会14次",
    "拟新建新时代文明实践示范点6个",
    "处置网络舆情9起",
    "在市级以上媒体发稿126篇",
    "邀请市委党校教授作专题辅导1次",
    "已建成村级宣传栏32个",
]
PROBLEMS = [
    "部分学校心理健康教师配备不足，专职心理教师仅4名",
    "家校协同育人机制不健全",
    "全年开展应急演练12次",
]
DESK = [
    "理论学习形式单一，以集中读文件为主",
    "基层专职宣传干部仅有3名，力量薄弱",
    "全年仅开展意识形态形势研判2次，研判不够深入",
]


def _facts(texts: list[str]) -> list[Fact]:
    return [make_fact(f"F{i + 1}", t) for i, t in enumerate(texts)]


def _flags(kind: str, draft: str, facts: list[str], role: Role | None = None) -> list[str]:
    review = check(draft, _facts(facts), [], role, kinds=[kind])
    for f in review.flags:
        assert f.kind == kind
        assert draft[f.start : f.end] == f.text
        assert any("\u4e00" <= c <= "\u9fff" for c in f.reason)
    return [f.text for f in review.flags]


def _hit(texts: list[str], expected: str | None) -> bool:
    if expected is None:
        return texts == []
    return any(expected in t or t in expected for t in texts)


@pytest.mark.parametrize(
    ("draft", "facts", "role", "expected"),
    [
        # a whole point no fact supports
        (
            "一是专职心理教师仅4名，力量薄弱；二是家校协同育人机制不健全，家长参与度不高。",
            PROBLEMS[:2],
            Role.PROBLEMS,
            "家长参与度不高",
        ),
        # an invented clause inside a supported sentence
        (
            "妥善处置网络舆情9起，建立网络舆情快速反应机制，实行24小时值班。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            "建立网络舆情快速反应机制",
        ),
        # an absolute result no fact gives
        ("妥善处置网络舆情9起，全年未发生重大网络舆情事件。", IDEOLOGY, None, "未发生"),
        # an outcome trend, even in the opening sentence
        (
            "今年以来，局党组认真履职，全县意识形态领域形势持续稳定向好。\n在市级以上媒体发稿126篇。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            "全县意识形态领域形势持续稳定向好",
        ),
        # a whole point of genre-common words no fact supports (the desk's own example)
        (
            "二、存在的主要问题\n一是理论学习形式单一，以集中读文件为主；"
            "二是基层专职宣传干部仅有3名，力量薄弱；"
            "四是部分党员干部对意识形态工作重要性认识不足，主动抓意识形态工作的自觉性不强。",
            DESK,
            Role.PROBLEMS,
            "部分党员干部对意识形态工作重要性认识不足，主动抓意识形态工作的自觉性不强",
        ),
        (
            "一是理论学习形式单一，以集中读文件为主；四是网络评论员队伍尚未建立，网上舆论引导能力薄弱。",
            DESK,
            Role.PROBLEMS,
            "网络评论员队伍尚未建立，网上舆论引导能力薄弱",
        ),
        (
            "（一）全年仅开展意识形态形势研判2次。（二）部分党员干部对意识形态工作重要性认识不足。",
            DESK,
            Role.PROBLEMS,
            "部分党员干部对意识形态工作重要性认识不足",
        ),
        (
            "1.理论学习形式单一，以集中读文件为主。\n2.网络评论员队伍尚未建立，网上舆论引导能力薄弱。",
            DESK,
            Role.PROBLEMS,
            "网络评论员队伍尚未建立，网上舆论引导能力薄弱",
        ),
        # faithful: formulaic opener and closer, Chinese numerals, a lead phrase
        (
            "今年以来，局党组认真落实意识形态工作责任制，各项工作取得积极成效。现将有关情况报告如下。\n"
            "（一）强化理论武装。全年召开党组理论学习中心组学习会十四次。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            None,
        ),
        # faithful: a concession formula and a reworded problem
        (
            "虽然取得了一些成绩，但仍然存在一些问题和不足。一是心理健康教师配备不足，专职心理教师仅有四名。",
            PROBLEMS[:1],
            Role.PROBLEMS,
            None,
        ),
        # faithful: a generic evaluation at the sentence end
        ("在市级以上媒体发稿126篇，有效提升了主流舆论影响力。", IDEOLOGY, None, None),
        # faithful: Markdown a chat model writes around the text
        (
            "### 一、工作情况\n\n**（一）加强舆论引导。** 在市级以上媒体发稿126篇。",
            IDEOLOGY,
            None,
            None,
        ),
        # a measure on someone, and an absolute result, no fact gives
        (
            "召开党组理论学习中心组学习会14次，对学习不认真的支部进行通报约谈。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            "对学习不认真的支部进行通报约谈",
        ),
        (
            "已建成村级宣传栏32个，验收结果全部达到省级标准。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            "验收结果全部达到省级标准",
        ),
        # faithful: a chat model's wrapper speaks to the user
        (
            "好的！根据你提供的材料，我帮你整理了一段“宣传工作”总结，风格偏正式：\n"
            "在市级以上媒体发稿126篇。\n如需调整篇幅，可以告诉我。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            None,
        ),
        # faithful: the benefit of a deed the sentence gives ("方便群众…", "为…提供了…")
        ("已建成村级宣传栏32个，方便群众就近了解政策。", IDEOLOGY, Role.ACHIEVEMENTS, None),
        (
            "已建成村级宣传栏32个，为村民学习政策理论提供了便利。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            None,
        ),
        # ... but a benefit with an absolute is a claim
        (
            "已建成村级宣传栏32个，让群众学习实现全覆盖。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            "让群众学习实现全覆盖",
        ),
        # faithful: a point's short lead phrase before the clause that gives its fact
        (
            "一是人员配备偏少，专职心理教师仅4名；二是家校协同育人机制不健全。",
            PROBLEMS[:2],
            Role.PROBLEMS,
            None,
        ),
        # faithful: a well-known slogan, quoted, and a synonym of the fact's word
        (
            "局党组坚持“安全第一、预防为主”，全年处置网络舆情9起。",
            IDEOLOGY,
            Role.ACHIEVEMENTS,
            None,
        ),
        ("一是心理健康教师配备紧张，专职心理教师仅4名。", PROBLEMS[:1], Role.PROBLEMS, None),
        # faithful: the work itself went well; what a shortcoming holds back
        ("妥善处置网络舆情9起，舆情处置工作扎实有序推进。", IDEOLOGY, Role.ACHIEVEMENTS, None),
        (
            "一是专职心理教师仅4名，在一定程度上影响了心理辅导效果。",
            PROBLEMS[:1],
            Role.PROBLEMS,
            None,
        ),
    ],
)
def test_unsupported_claim(draft: str, facts: list[str], role: Role | None, expected: str) -> None:
    assert _hit(_flags("unsupported_claim", draft, facts, role), expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # a call to improve closing a clause judges the fact beside it
        ("一是基层专职宣传干部仅有3名，宣传工作的连续性亟待增强。", None),
        ("一是基层专职宣传干部仅有3名，宣传骨干梯队建设仍需加强。", None),
        # ... a shortcoming stated as a fact is not a call
        ("一是基层专职宣传干部仅有3名，宣传骨干梯队断档。", "宣传骨干梯队断档"),
    ],
)
def test_a_call_to_improve_is_an_evaluation(draft: str, expected: str | None) -> None:
    flags = _flags("unsupported_claim", draft, DESK, Role.PROBLEMS)
    assert _hit(flags, expected)


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        # a sentence's short first clause that is no deed leads the clause giving the fact; a
        # deed there is a deed
        (
            "在市级以上媒体发稿126篇。加大理论宣讲扶持力度，邀请市委党校教授作专题辅导1次。处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "在市级以上媒体发稿126篇。组建网络文明志愿者队伍，处置网络舆情9起。发稿126篇。",
            IDEOLOGY,
            "组建网络文明志愿者队伍",
        ),
        # a short lead phrase before a colon names what the clauses after it tell
        ("舆论引导亮点频现：在市级以上媒体发稿126篇，处置网络舆情9起。", IDEOLOGY, None),
        # what the deeds aim at, told before them; a new programme name there is still a claim
        ("局党组围绕群众所思所盼，已建成村级宣传栏32个。", IDEOLOGY, None),
        ("县委宣传部始终坚持“守正创新”的要求，已建成村级宣传栏32个。", IDEOLOGY, None),
        (
            "在市级以上媒体发稿126篇。局党组坚持“请上来”与“走下去”相结合，"
            "召开党组理论学习中心组学习会14次。处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，为乡村振兴积蓄了宣传力量。处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，着力破解政策宣传难题。处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "局党组聚焦“红色引擎”工程，已建成村级宣传栏32个。",
            IDEOLOGY,
            "局党组聚焦“红色引擎”工程",
        ),
        # a standing beside peers without a figure is a judgement; a gap to a target is a result
        ("在市级以上媒体发稿126篇，但与先进地区相比仍有差距。", IDEOLOGY, None),
        ("新建5G基站420个，距离省定目标还有差距。", ["新建5G基站420个"], "距离省定目标还有差距"),
        # an evaluation of the work that states an absolute result is a claim
        ("妥善处置网络舆情9起，推动舆情处置工作规范化。", IDEOLOGY, None),
        ("妥善处置网络舆情9起，推动舆情处置全覆盖。", IDEOLOGY, "推动舆情处置全覆盖"),
        # a clause that names the fact's own quoted programme is about that fact
        (
            "深入推进农村基层“清廉村居”建设，开展创建活动12场。",
            ["开展“清廉村居”创建活动12场"],
            None,
        ),
        (
            "开展“清廉村居”创建活动12场，建立村干部廉洁档案，实行积分管理。",
            ["开展“清廉村居”创建活动12场"],
            "建立村干部廉洁档案",
        ),
        # the result of a deed told as a negated saying is no name; a target met is a result,
        # and a quoted name after 实现 is one too
        ("设立夜间门诊3个，实现看病就医“不打烊”。", ["设立夜间门诊3个"], None),
        ("设立夜间门诊3个，实现了“不排队”的目标。", ["设立夜间门诊3个"], "实现了“不排队”的目标"),
        ("设立夜间门诊3个，实现“一站式”结算。", ["设立夜间门诊3个"], "实现“一站式”结算"),
        # what the deed did, told by its degree beside it, and how it was done, before it
        ("妥善处置网络舆情9起，网上舆论生态得到有效净化。", IDEOLOGY, None),
        ("已建成村级宣传栏32个，有力推动了党的创新理论飞入寻常百姓家。", IDEOLOGY, None),
        ("通过整合闲置村部，已建成村级宣传栏32个。", IDEOLOGY, None),
        ("已建成村级宣传栏32个，打通了政策宣传的每一个角落。", IDEOLOGY, None),
        ("妥善处置网络舆情9起，快速回应网民关切。", IDEOLOGY, None),
        ("在市级以上媒体发稿126篇，主流声音加快向基层传播。", IDEOLOGY, None),
        ("邀请市委党校教授作专题辅导1次，帮助党员干部答疑解惑。", IDEOLOGY, None),
        (
            "邀请市委党校教授作专题辅导1次，帮助12名党员干部答疑解惑。",
            IDEOLOGY,
            "帮助12名党员干部答疑解惑",
        ),
        ("已建成村级宣传栏32个，建立了宣传栏管护台账。", IDEOLOGY, "建立了宣传栏管护台账"),
        (
            "在市级以上媒体发稿126篇。邀请市委党校教授作专题辅导1次，为理论宣讲储备骨干力量。"
            "处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        # the genre's stock feelings are framing; a measured outcome (满意度) is a result
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，群众的获得感、幸福感持续增强。"
            "处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，群众满意度持续提升。处置网络舆情9起。",
            IDEOLOGY,
            "群众满意度持续提升",
        ),
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，从根本上扭转了宣传阵地薄弱的局面。"
            "处置网络舆情9起。",
            IDEOLOGY,
            None,
        ),
        (
            "在市级以上媒体发稿126篇。已建成村级宣传栏32个，在全县范围内建立了网评员积分档案。"
            "处置网络舆情9起。",
            IDEOLOGY,
            "在全县范围内建立了网评员积分档案",
        ),
        # ... but a deed with a degree before it is a deed, and a new deed beside the effect is a claim
        ("妥善处置网络舆情9起，持续建立舆情台账。", IDEOLOGY, "持续建立舆情台账"),
        ("已建成村级宣传栏32个，进一步开展理论宣讲进村入户。", IDEOLOGY, "进一步开展理论宣讲进村入户"),
        (
            "妥善处置网络舆情9起，组建网络评论员队伍，网上舆论生态得到有效净化。",
            IDEOLOGY,
            "组建网络评论员队伍",
        ),
        # the facts' number with verbs of its own is the fact; with a new object it is not
        ("吸引群众3000人次参观学习。", ["参观群众3000人次"], None),
        ("吸引群众3000人次参观红色教育基地。", ["参观群众3000人次"], "吸引群众3000人次参观红色教育基地"),
    ],
)
def test_claims_are_about_what_the_facts_do_not_touch(
    draft: str, facts: list[str], expected: str | None
) -> None:
    flags = _flags("unsupported_claim", draft, facts, Role.ACHIEVEMENTS)
    assert _hit(flags, expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # a point of genre-common words no fact gives is flagged whole, after its enumerator
        (
            "一是理论学习形式单一，以集中读文件为主；"
            "四是部分党员干部对意识形态工作重要性认识不足，主动抓意识形态工作的自觉性不强。",
            "部分党员干部对意识形态工作重要性认识不足，主动抓意识形态工作的自觉性不强",
        ),
        (
            "（一）理论学习形式单一，以集中读文件为主。\n（二）网络评论员队伍尚未建立，网上舆论引导能力薄弱。",
            "网络评论员队伍尚未建立，网上舆论引导能力薄弱",
        ),
        # faithful: synonyms and Chinese numerals
        ("一是理论学习方式比较单一，主要靠集中读文件；二是基层专职宣传干部只有三名，力量不足。", None),
        # faithful: clauses reordered
        ("一是研判不够深入，全年只开展了两次意识形态形势研判。", None),
        # faithful: two facts merged into one point
        ("一是理论学习形式单一、宣传力量薄弱，基层专职宣传干部仅三名。", None),
        # faithful: a heading of two parts on its own line names a topic
        ("（二）学习有短板，力量待加强\n一是理论学习形式单一，以集中读文件为主。", None),
    ],
)
def test_a_point_no_fact_supports_is_one_claim(draft: str, expected: str | None) -> None:
    flags = _flags("unsupported_claim", draft, DESK, Role.PROBLEMS)
    assert flags == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("draft", "role", "expected"),
    [
        # planned written as done, the done words in the next clause
        (
            "新建新时代文明实践示范点6个，已于年内全部投入使用。",
            None,
            "新建新时代文明实践示范点6个",
        ),
        # planned told plainly in a 工作情况 section
        ("新建新时代文明实践示范点6个。", Role.ACHIEVEMENTS, "新建新时代文明实践示范点6个"),
        # done written as a plan
        ("争取年内建成村级宣传栏32个。", Role.PLANS, "争取"),
        # faithful: 计划 for 拟, and a plan that builds on work done
        ("计划新建新时代文明实践示范点6个。", Role.PLANS, None),
        ("下一步，将继续依托已建成的32个村级宣传栏开展宣传。", Role.PLANS, None),
        # faithful: a plan without a plan word in a 下步打算 section
        ("三、下一步工作打算\n新建新时代文明实践示范点6个。", None, None),
        # faithful: in a 下步打算 "实现…" after the measure is its aim
        (
            "三、下一步工作打算\n新建新时代文明实践示范点6个，实现文明实践阵地提质扩面。",
            None,
            None,
        ),
    ],
)
def test_status_shift(draft: str, role: Role | None, expected: str | None) -> None:
    assert _hit(_flags("status_shift", draft, IDEOLOGY, role), expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("邀请省委党校教授作专题辅导1次。", "省委党校"),
        ("学习贯彻党的二十届四中全会精神。", None),  # framing: no fact names a meeting
        ("邀请市委党校教授作专题辅导1次，县长刘伟出席。", "县长刘伟"),
        ("组织党员赴井冈山开展红色教育。", "井冈山"),
        ("邀请中国传媒大学专家授课1次。", "中国传媒大学"),
        ("与4所高校签订合作协议。", None),  # no institution named
        ("在省级以上媒体发稿126篇。", "省级以上媒体"),
        ("邀请市委党校教授作专题辅导一次。", None),
        ("全区上下在市级以上媒体发稿126篇。", None),
    ],
)
def test_unsupported_name(draft: str, expected: str | None) -> None:
    assert _hit(_flags("unsupported_name", draft, IDEOLOGY), expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("在市级以上媒体发稿126篇〔F4〕，妥善处置网络舆情9起〔F4〕。", "〔F4〕"),
        ("妥善处置网络舆情9起[F2]。", "[F2]"),
        # a word shared with the cited fact, the number with another
        ("组织网络宣传培训，在市级以上媒体发稿126篇〔F3〕。", "〔F3〕"),
        # faithful: the right fact; a sentence resting on two facts
        ("妥善处置网络舆情9起〔F3〕。", None),
        ("全年召开学习会14次、发稿126篇〔F1、F4〕。", None),
    ],
)
def test_wrong_citation(draft: str, expected: str | None) -> None:
    texts = _flags("wrong_citation", draft, IDEOLOGY)
    if expected is None:
        assert texts == []
    else:
        assert texts and texts[-1] == expected


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        ("在市级以上媒体发稿126篇，较上年翻了一番。", IDEOLOGY, "较上年翻了一番"),
        ("在市级以上媒体发稿126篇，同比增长20%。", IDEOLOGY, "同比增长20"),
        ("破案率位居全市第二。", IDEOLOGY, "位居全市第二"),
        ("全县工作排名全市第一。", IDEOLOGY, "排名全市第一"),
        # faithful: the fact gives the comparison
        ("财政收入增长8.1%，增速居全市第二位。", ["财政收入增长8.1%，增速全市第二"], None),
        ("全年发稿126篇。", IDEOLOGY, None),
    ],
)
def test_unsupported_comparison(draft: str, facts: list[str], expected: str | None) -> None:
    assert _hit(_flags("unsupported_comparison", draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "role", "expected"),
    [
        # an achievement turned into a problem
        (
            "二是应急演练不够，全年仅开展应急演练12次，难以满足实战需要。",
            Role.PROBLEMS,
            "全年仅开展应急演练12次",
        ),
        # a problem turned into a success
        ("配齐配强专职心理教师4名。", Role.ACHIEVEMENTS, "配齐配强专职心理教师4名"),
        # a past result listed as a plan
        ("三、下一步工作打算\n（一）开展应急演练12次。", None, "开展应急演练12次"),
        # an achievement listed plainly as a problem
        ("二、存在问题\n2.全年开展应急演练12次。", None, "全年开展应急演练12次"),
        # a past result in 下步打算 with an aim told after it
        ("三、下一步工作打算\n二是开展应急演练12次，发挥练兵作用。", None, "开展应急演练12次"),
        # faithful: problems told as problems, a past result marked as past
        ("一是专职心理教师仅4名，力量薄弱。", Role.PROBLEMS, None),
        ("下一步，在已开展应急演练12次的基础上持续练兵。", Role.PLANS, None),
    ],
)
def test_role_mismatch(draft: str, role: Role | None, expected: str | None) -> None:
    assert _hit(_flags("role_mismatch", draft, PROBLEMS, role), expected)


def test_every_kind_has_a_check_and_a_chinese_label() -> None:
    assert set(FIRST_CHECKS) < set(CHECKS)
    assert set(CHECKS) == set(KIND_LABELS)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in v) for v in KIND_LABELS.values())


def test_first_checker_stays_runnable_as_the_baseline() -> None:
    draft = "新建新时代文明实践示范点6个，已于年内全部投入使用。妥善处置网络舆情9起[F2]。"
    old = check(draft, _facts(IDEOLOGY), [], table=FIRST_CHECKS, markdown=False)
    new = check(draft, _facts(IDEOLOGY), [])
    assert {f.kind for f in old.flags} <= set(FIRST_CHECKS)
    assert {"status_shift", "wrong_citation"} <= {f.kind for f in new.flags}


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        ("### 一、工作情况", "一、工作情况"),
        ("**（一）强化理论武装。** 召开会议", "（一）强化理论武装。   召开会议"),
        ("- 实现营业收入8.6亿元；", "实现营业收入8.6亿元；"),
        ("**区“打造**新兴产业", "**区“打造**新兴产业"),  # an anonymised slot stays
    ],
)
def test_markdown_is_layout(text: str, blanked: str) -> None:
    out = mask_markdown(text)
    assert len(out) == len(text)
    assert out.strip() == blanked.strip()


def test_genre_words_are_those_many_samples_share() -> None:
    texts = [
        "今年以来，认真落实工作责任制，取得积极成效。开展宣讲20场。",
        "今年以来，认真落实主体责任，取得积极成效。新建书屋6家。",
        "今年以来，认真落实各项部署，成效明显。处置舆情9起。",
    ]
    genre = mine(texts)
    assert {"今年以来", "认真落实"} <= set(genre)
    assert "书屋" not in genre and "舆情" not in genre


def test_genre_nouns_need_a_wider_share_than_framing_words() -> None:
    # a framing verb shared by a few reports is the genre's; a noun (an object) needs many
    texts = ["扎实推进档案工作。"] * 2 + [f"第{i}篇报告的内容。" for i in range(8)]
    genre = mine(texts)
    assert "扎实" in genre
    assert "档案" not in genre


def test_a_verbal_noun_is_an_object_like_a_noun() -> None:
    # "演练", "预警" are what a measure is about: a few reports sharing them makes no genre word
    texts = ["扎实开展应急演练，完善预警。"] * 2 + [f"第{i}篇报告的内容。" for i in range(8)]
    genre = mine(texts)
    assert "扎实" in genre
    assert not {"演练", "预警"} & set(genre)


def test_slogans_and_synonyms_come_from_their_tables() -> None:
    assert "安全第一" in slogans() and "一老一小" in slogans()
    assert "不足" in synonyms()["紧张"]


@pytest.mark.parametrize(
    ("draft", "facts", "role", "expected"),
    [
        # the fact's kind is the drafter's (text.factkind): a deed with 低 inside a word is a result
        ("清理退出低效无效资产7项。", ["清理退出低效无效资产7项"], Role.ACHIEVEMENTS, None),
        # a gap told as its absence ("无盲区") is a shortcoming turned round
        (
            "新建5G基站420个，全县网络实现无盲区覆盖〔F2〕。",
            ["新建5G基站420个", "部分乡镇网络覆盖仍有盲区"],
            Role.ACHIEVEMENTS,
            "全县网络实现无盲区覆盖",
        ),
        # a loss told as a success is a shortcoming turned round
        (
            "门店经营稳中有进，门店9家实现经营。",
            ["部分门店经营亏损，亏损门店9家"],
            Role.ACHIEVEMENTS,
            "门店9家实现经营",
        ),
    ],
)
def test_role_mismatch_reads_facts_as_the_drafter_does(
    draft: str, facts: list[str], role: Role, expected: str | None
) -> None:
    assert _hit(_flags("role_mismatch", draft, facts, role), expected)
