"""Fact kinds on wording written for these tests (not taken from the eval sets): how office staff
type results, shortcomings, causes and plans, often without the genre's usual cue words."""

from __future__ import annotations

import pytest

from assistant.models import Role
from assistant.text.factkind import fact_kind, kind_is_clear
from assistant.text.facts import parse_facts

A, P, C, PL = Role.ACHIEVEMENTS, Role.PROBLEMS, Role.CAUSES, Role.PLANS

RESULTS = [
    "办理人大代表建议47件，办结率100%",
    "全年接待来访群众1320人次",
    "新增市场主体2.3万户",
    "城区新增停车位1800个",
    "森林覆盖率提高到46.2%",
    "一般公共预算收入完成12.6亿元，增长6.1%",
    "建设高标准农田5.2万亩",
    "开展“双随机、一公开”抽查260次",
    "全市消防安全形势总体平稳",
    "我局被评为全省法治建设先进单位",
    "引进高层次人才56名",
    "培训农村实用人才3000余人次",
    "查处食品安全违法案件85起",
    "空气质量优良天数比例达87.4%",
    "创建省级卫生乡镇4个",
    "全年未发生重大网络安全事件",
    "累计发放创业担保贷款2.1亿元",
    "收集整理地方志资料860卷",
    "扫描档案影像120万页",
    "救助流浪乞讨人员37人次",
    "新栽植行道树3400株",
    "适老化改造120户全部完工",
    "办件平均时限压缩至3个工作日",
    "交通事故起数同比下降11%",
    "群众来信来访量减少23%",
    "单位GDP能耗下降4.1%",
    "城镇新增就业6200人",
    "完成全部37项改革任务",
    "市场主体满意度居全省第3位",
    "化解信访积案29件",
]
PROBLEMS = [
    "全县仅3家企业通过高新技术企业认定",
    "专业技术人员占比不到20%",
    "老年助餐点覆盖不足三成",
    "重点项目开工率只有65%",
    "部分企业安全主体责任落实不到位",
    "城区停车难问题突出",
    "招商项目落地慢",
    "部门间数据壁垒尚未打通",
    "基层网格员待遇偏低，队伍不稳定",
    "信息化建设相对滞后",
    "群众对物业服务满意度不高",
    "部分小区仍存在飞线充电现象",
    "创新平台数量少、层次低",
    "文旅融合深度不够",
    "消防车通道被占用情况时有发生",
    "全市还有1.2万户未完成燃气改造",
    "政务数据共享率仅为40%",
    "辖区电信诈骗案件高发",
    "个别项目进度缓慢",
    "养老机构床位空置率达35%",
    "企业融资难、融资贵问题仍然突出",
    "人才外流现象比较明显",
    "办事群众等候时间较长",
    "2个项目未按期开工",
    "基础设施欠账较多",
    "外贸订单量大幅减少",
    "工业用电量连续3个月负增长",
    "出口额下降9.7%",
    "专业人才短缺",
    "服务质效与群众期待还有差距",
    "盗抢电动车案件仍然多发",
    "纳税服务满意度全省第15位",
    "营商环境考核排名靠后",
    "部分乡镇污水处理设施晒太阳",
    "村级集体经济收入普遍较低",
    "群众对噪音扰民反映强烈",
    "农产品品牌小、散、弱",
]
CAUSES = [
    "由于财政困难，配套资金难以到位",
    "受消费恢复偏慢影响，商贸收入下滑",
    "究其原因，在于考核机制不健全",
    "因汛期持续降雨，部分工程停工",
    "主要是对新业态研究不够",
]
PLANS = [
    "加快推进城市更新行动",
    "年内完成5个口袋公园建设",
    "计划新增公办幼儿园学位1200个",
    "明年力争引进亿元以上项目10个",
    "着力破解停车难问题",
    "争取上级资金3亿元以上",
    "启动第二轮城乡环境综合整治",
    "持续优化营商环境",
    "确保全年不发生重大安全事故",
    "下半年开展一次全面检查",
    "2027年底前全面完成农村改厕",
    "深化“放管服”改革",
    "完善网格化管理机制",
    "进一步压实安全生产责任",
    "实现规上工业增加值增长8%的目标",
    "打造一批示范社区",
    "加大对中小企业的扶持力度",
    "要在提质增效上下功夫",
    "重点抓好三项工作",
    "新建5G基站800个以上",
    "全年培训不少于2000人次",
    "推动养老服务提质扩容",
    "力促签约项目早落地、早投产",
]


@pytest.mark.parametrize(
    ("text", "kind"),
    [*((t, A) for t in RESULTS), *((t, P) for t in PROBLEMS), *((t, C) for t in CAUSES), *((t, PL) for t in PLANS)],
)
def test_fresh_wording(text: str, kind: Role) -> None:
    (fact,) = parse_facts(text)
    assert fact_kind(fact) is kind
    assert kind_is_clear(fact)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("村级活动场所面积小", P),
        ("社区工作者工作量大", P),
        ("存量房去化周期长", P),
        ("部分单位重建设轻管理", P),
        ("个别单位整改敷衍", P),
        ("历史欠债多", P),
        ("围绕主导产业开展精准招商", PL),
        ("聚焦主责主业，开展专项检查12次", A),
        ("顺利通过国家卫生城市复审", A),
        ("群众满意度明显提升", A),
        ("形成了一批可复制可推广的经验", A),
        ("完善了网格化管理机制", A),
        ("年底建成县应急指挥中心", PL),
    ],
)
def test_more_wording(text: str, kind: Role) -> None:
    (fact,) = parse_facts(text)
    assert fact_kind(fact) is kind
    assert kind_is_clear(fact)


@pytest.mark.parametrize(
    ("text", "clear"),
    [
        # a year and an amount: a result in that year's summary, a plan the year before
        ("2026年实施国道改线工程，总投资3.4亿元", False),
        ("2025年完成国道改线工程，总投资3.4亿元", True),
        ("2026年计划实施国道改线工程", True),
        ("智慧交通", False),
    ],
)
def test_a_year_alone_does_not_settle_the_kind(text: str, clear: bool) -> None:
    (fact,) = parse_facts(text)
    assert kind_is_clear(fact) is clear
