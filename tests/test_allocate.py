"""Facts are split over the sections of a whole report by what they say."""

from __future__ import annotations

import pytest

from assistant.draft.allocate import allocate_facts, fact_kind, kind_is_clear
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
        # shortfall grammar, not topic words: 偏/过 + degree, a worn state, "only" before a count,
        # a thing too few, a problem that grows, a rank outside the first three
        ("村医年龄普遍偏大，55岁以上占六成", Role.PROBLEMS),
        ("部分卫生院影像设备老旧", Role.PROBLEMS),
        ("重大危险源监控系统只接入了3套", Role.PROBLEMS),
        ("课后服务以作业辅导为主，特色课程少", Role.PROBLEMS),
        ("臭氧污染问题日益突出", Role.PROBLEMS),
        ("纳税人满意度排名全市第9", Role.PROBLEMS),
        ("外包队伍安全意识差，违章作业时有发生", Role.PROBLEMS),
        # mixed facts: the shortfall word outranks the count or the result verb
        ("全年仅开展形势研判2次", Role.PROBLEMS),
        ("星级酒店仅有1家", Role.PROBLEMS),
        # ... but a worn thing as the object of the work is a result, and a top-three rank too
        ("改造老旧小区3个、加装电梯6部", Role.ACHIEVEMENTS),
        ("营商环境评价排名全省第2", Role.ACHIEVEMENTS),
        ("全年安全生产无事故", Role.ACHIEVEMENTS),
        ("PM2.5平均浓度32微克/立方米，下降8.6%", Role.ACHIEVEMENTS),
        # a time still ahead at the front makes an intention, even before a done verb
        ("汛前开展隐患排查", Role.PLANS),
        ("二季度组织一线人员业务轮训", Role.PLANS),
        ("年底前建成县应急指挥中心", Role.PLANS),
        ("新学期开设编程、非遗剪纸等社团课程", Role.PLANS),
        ("年底前已完成全部整改", Role.ACHIEVEMENTS),
        ("下半年完成系统上线", Role.PLANS),
        ("到2027年建成5个示范点", Role.PLANS),
        ("上半年已建成3个示范点", Role.ACHIEVEMENTS),
        ("年内累计完成投资5亿元", Role.ACHIEVEMENTS),
        ("个别窗口高峰期排队超过40分钟", Role.PROBLEMS),
        # shortfall grammar beyond the dev sets (fresh wording from other fields)
        ("基层医疗机构人才引不进、留不住", Role.PROBLEMS),
        ("少数干部存在“等靠要”思想", Role.PROBLEMS),
        ("财政收支矛盾突出", Role.PROBLEMS),
        ("乡村医生队伍老龄化严重", Role.PROBLEMS),
        ("部分学校大班额问题依然存在", Role.PROBLEMS),
        ("防汛物资储备不充足", Role.PROBLEMS),
        ("污水管网雨污混接问题较多", Role.PROBLEMS),
        ("品牌影响力有限", Role.PROBLEMS),
        ("全年发生一般事故3起，死亡2人", Role.PROBLEMS),
        ("学生近视率达到52%", Role.PROBLEMS),
        ("基层化解能力弱，矛盾上行", Role.PROBLEMS),
        # counts that tell a shortfall: work left, a gap, a good measure falling, a wait too long
        ("全县仍有12个行政村未通公交", Role.PROBLEMS),
        ("专业护理人员缺口约60人", Role.PROBLEMS),
        ("税收收入同比下降5.2%", Role.PROBLEMS),
        ("平均办件时长3.5天，高于全市平均", Role.PROBLEMS),
        ("两个项目因征地问题停工4个月", Role.PROBLEMS),
        ("12家企业污水排放超标", Role.PROBLEMS),
        ("投诉举报量同比上升15%", Role.PROBLEMS),
        # ... while a bad measure falling is a result
        ("刑事案件发案数同比下降18%", Role.ACHIEVEMENTS),
        ("PM2.5平均浓度降至29微克/立方米", Role.ACHIEVEMENTS),
        ("2026年再新建充电桩300个", Role.PLANS),
        # spoken wording: a resolve, a coming stage, 将 at the front, a rank said with 排
        ("我们会继续加大招商引资力度", Role.PLANS),
        ("下一阶段重点抓好项目建设", Role.PLANS),
        ("将智慧停车纳入年度民生实事", Role.PLANS),
        ("会同公安部门开展联合检查5次", Role.ACHIEVEMENTS),
        ("文明城市测评成绩排全省第二", Role.ACHIEVEMENTS),
        ("部分群众反映办事流程繁琐", Role.PROBLEMS),
        ("新能源汽车充电桩数量远远满足不了需求", Role.PROBLEMS),
        ("2026年启动老城区雨污分流改造", Role.PLANS),
        # ... but a deed that solves the trouble it names is a result, and so is harm avoided
        ("帮助企业解决用工难题230个", Role.ACHIEVEMENTS),
        ("全年未发生较大以上安全事故", Role.ACHIEVEMENTS),
        ("为困难群众发放救助金1260万元", Role.ACHIEVEMENTS),
        ("在全市营商环境评价中位列第一", Role.ACHIEVEMENTS),
        ("持续开展送文化下乡活动36场", Role.ACHIEVEMENTS),
        # a bare action (no status word, no count, no result) is an intention
        ("推进数字化转型，打造智慧园区", Role.PLANS),
        ("组织开展技能人才评价", Role.PLANS),
        ("探索建立跨区域执法协作机制", Role.PLANS),
        ("确保完成年度减排任务", Role.PLANS),
        ("谋划储备重大项目50个以上", Role.PLANS),
        ("一线班组长更换频繁，安全管理经验断层", Role.PROBLEMS),
        # a target is a plan; a done word before 计划 keeps it a result
        ("2026年PM2.5浓度目标控制在30微克/立方米以内", Role.PLANS),
        ("已完成年度培训计划", Role.ACHIEVEMENTS),
        ("因为人手紧张，导致巡查频次下降", Role.CAUSES),
        ("受上游材料价格上涨影响，项目成本增加约12%", Role.CAUSES),
        # 低 inside a word, complaints received: results; a loss: a shortcoming
        ("清理退出低效无效资产7项", Role.ACHIEVEMENTS),
        ("新建低温储备粮仓2.5万吨", Role.ACHIEVEMENTS),
        ("全年受理消费者投诉举报4200件", Role.ACHIEVEMENTS),
        ("部分门店经营亏损，亏损门店9家", Role.PROBLEMS),
    ],
)
def test_fact_kind(text: str, kind: Role) -> None:
    (fact,) = parse_facts(text)
    assert fact_kind(fact) is kind


@pytest.mark.parametrize(
    ("text", "clear"),
    [
        ("心理健康教育", False),
        ("智慧交通", False),
        ("垃圾分类", False),
        ("新增A级景区2家", True),
        ("专职心理老师仅4名", True),
        ("明年推出3条精品研学线路", True),
        ("获评省级文明单位", True),
        ("全县文物安全形势平稳", True),
        ("创成国家级全域旅游示范区", True),
    ],
)
def test_kind_is_clear_only_with_evidence(text: str, clear: bool) -> None:
    (fact,) = parse_facts(text)
    assert kind_is_clear(fact) is clear


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
        "如属于别的部分，可以说“F6是成绩”；F1、F2 适合“工作情况”，F5 适合“下步打算”。"
    )


def test_the_users_word_on_a_kind_beats_the_rules() -> None:
    """ "F6是下步打算", "F1是问题": keyed by the fact's text, used by single sections and the
    whole-report allocation alike."""
    from assistant.draft.allocate import select_facts, selection_note

    facts = parse_facts(MIXED)
    kinds = {"网络评论员队伍": Role.PLANS, "召开理论学习中心组集中学习会议12次": Role.PROBLEMS}
    problems = select_facts(Role.PROBLEMS, facts, kinds=kinds)
    assert [f.id for f in problems.used] == ["F1", "F3", "F4"]  # F1 as told, F6 no longer unclear
    assert problems.unclear == [] and "请核对" not in selection_note(problems)
    plans = selection_note(select_facts(Role.PLANS, facts))  # untold, F6 is unclear there too
    assert "F6 看不出属于哪一部分，按您的要求写在这里，请核对；如属于别的部分，可以说“F6是问题”" in plans
    assert problems.elsewhere == {Role.ACHIEVEMENTS: ["F2"], Role.PLANS: ["F5", "F6"]}
    assert [f.id for f in select_facts(Role.ACHIEVEMENTS, facts, kinds=kinds).used] == ["F2"]
    # a fact typed with the request leans to it, unless the user has said otherwise
    leaned = select_facts(Role.ACHIEVEMENTS, facts, lean=["F1", "F6"], kinds=kinds)
    assert [f.id for f in leaned.used] == ["F2"] and leaned.moved == ["F1", "F6"]
    shares = allocate_facts([Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS], facts, kinds)
    assert {r: [f.id for f in fs] for r, fs in shares.items() if fs} == {
        Role.ACHIEVEMENTS: ["F2"],
        Role.PROBLEMS: ["F1", "F3", "F4"],
        Role.PLANS: ["F5", "F6"],
    }
    # renumbering does not move it: the same text elsewhere in the list keeps its kind
    moved = parse_facts("\n".join(["新增一条情况：全年开展督查5次", MIXED]))
    assert "F2" in [f.id for f in select_facts(Role.PROBLEMS, moved, kinds=kinds).used]


# Facts typed in the same message as "帮我写存在问题部分：…" are that section's unless their own
# words clearly mark another kind.
CARRIED = "\n".join(
    [
        "档案室漏水3处",  # F1 a bare count: the problem the user means
        "全年召开学习会14次",  # F2 a deed with its count: a result
        "拟新建档案库房1处",  # F3 a plan
        "库房温湿度监控设备老旧",  # F4 a shortfall
    ]
)


@pytest.mark.parametrize(
    ("role", "used", "leaned", "moved"),
    [
        (Role.PROBLEMS, ["F1", "F4"], ["F1"], ["F2", "F3"]),
        # in a plans section a deed is what is to be done; a shortfall is still elsewhere
        (Role.PLANS, ["F1", "F2", "F3"], ["F1", "F2"], ["F4"]),
        (Role.ACHIEVEMENTS, ["F1", "F2"], [], ["F3", "F4"]),
    ],
)
def test_facts_typed_with_a_request_lean_to_its_section(
    role: Role, used: list[str], leaned: list[str], moved: list[str]
) -> None:
    from assistant.draft.allocate import select_facts

    facts = parse_facts(CARRIED)
    sel = select_facts(role, facts, lean=[f.id for f in facts])
    assert [f.id for f in sel.used] == used
    assert sel.leaned == leaned
    assert sel.moved == moved
    # the same facts from the 素材 box are sorted by their words alone
    assert [f.id for f in select_facts(role, facts).used] != used or not leaned


def test_note_says_which_typed_fact_went_elsewhere() -> None:
    from assistant.draft.allocate import select_facts, selection_note

    facts = parse_facts(CARRIED)
    note = selection_note(select_facts(Role.PROBLEMS, facts, lean=[f.id for f in facts]))
    assert note == (
        "本部分用了 F1、F4；F1 是随这次要求给出的，写在本部分；"
        "您随要求给出的 F2 看起来属于“工作情况”，没有写入本部分；"
        "您随要求给出的 F3 看起来属于“下步打算”，没有写入本部分。"
    )


@pytest.mark.parametrize(
    ("kw", "forced", "note_has", "note_lacks"),
    [
        # "把F4也写进去" in 下步打算: F4 is a shortcoming; the note warns and names F4 alone
        (
            {"keep": ["F5", "F6"], "add": ["F4"]},
            ["F4"],
            "F4 看起来属于“存在问题”，已按您的要求写入本部分",
            "F5",
        ),
        ({"add": ["F4"]}, ["F4"], "F4 看起来属于“存在问题”，已按您的要求写入本部分", "是按您的要求"),
        # a forced fact of no clear kind is not warned about
        ({"keep": ["F5"], "add": ["F6"]}, ["F6"], "本部分用了 F5、F6；F6 是按您的要求写入的。", "看起来属于"),
        ({"only": ["F1", "F5"]}, ["F1", "F5"], "F1 看起来属于“工作情况”", "F5 看起来"),
    ],
)
def test_forced_facts_are_named_exactly_and_warned_when_of_another_kind(
    kw: dict, forced: list[str], note_has: str, note_lacks: str  # type: ignore[type-arg]
) -> None:
    from assistant.draft.allocate import select_facts, selection_note

    sel = select_facts(Role.PLANS, parse_facts(MIXED), **kw)
    assert sel.forced == forced
    note = selection_note(sel)
    assert note_has in note
    assert note_lacks not in note
