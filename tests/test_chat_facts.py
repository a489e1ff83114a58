"""Facts typed with a chat request, the way office staff type them (messages written for these
tests, not taken from tests/eval/chat_requests.json): enumerators 1）①（1）（一）"1 " "- " 一是, lists
parted by 、；， or lines, a label alone on its line, the request before or after the facts (also
parted by a space only), "补充/再加一个问题：…"."""

from __future__ import annotations

import re

import pytest

from assistant.intent import parse_request
from assistant.text.facts import split_chat_facts

CASES = [
    ("帮我写下步打算。1）加快智慧社区建设；2）推进老旧小区改造；3）完善养老服务体系", "draft", "plans",
     ["加快智慧社区建设", "推进老旧小区改造", "完善养老服务体系"]),
    ("写存在问题：\n（1）专业人才缺乏\n（2）经费保障不足\n（3）信息化水平低", "draft", "problems",
     ["专业人才缺乏", "经费保障不足", "信息化水平低"]),
    ("存在问题有这么几条：一是队伍老化，二是经费紧张，三是设施陈旧。帮我整理成一段", "draft", "problems",
     ["队伍老化", "经费紧张", "设施陈旧"]),
    ("工作情况素材：接待群众来访320人次、办结信访件98件、化解矛盾纠纷45起，帮我写一下", "draft", "achievements",
     ["接待群众来访320人次", "办结信访件98件", "化解矛盾纠纷45起"]),
    ("补充一条：全年组织应急演练12场", "add_facts", None, ["全年组织应急演练12场"]),
    ("再加一个问题：部分网格员兼职过多", "add_facts", "problems", ["部分网格员兼职过多"]),
    ("帮我起草工作成效部分\n1. 新增就业岗位1200个\n2. 发放稳岗补贴560万元\n3. 开展职业技能培训36期", "draft", "achievements",
     ["新增就业岗位1200个", "发放稳岗补贴560万元", "开展职业技能培训36期"]),
    ("根据下面几点写下一步打算：\n①深化医共体建设\n②推进家庭医生签约扩面\n③加强公共卫生应急能力建设", "draft", "plans",
     ["深化医共体建设", "推进家庭医生签约扩面", "加强公共卫生应急能力建设"]),
    ("下面是我们科今年的情况：完成审计项目18个；查出问题金额3200万元；提出审计建议46条。请写成工作情况", "draft", "achievements",
     ["完成审计项目18个", "查出问题金额3200万元", "提出审计建议46条"]),
    ("写一段存在的问题，内容包括：村级组织软弱涣散、集体经济薄弱、人才流失严重", "draft", "problems",
     ["村级组织软弱涣散", "集体经济薄弱", "人才流失严重"]),
    ("帮我写工作情况：\n- 开展普法宣传活动46场\n- 发放宣传资料1.2万份\n- 受理法律援助案件310件", "draft", "achievements",
     ["开展普法宣传活动46场", "发放宣传资料1.2万份", "受理法律援助案件310件"]),
    ("帮忙写个下步打算，主要三点：一是推进数字档案馆建设；二是加强档案安全管理；三是开展档案业务培训", "draft", "plans",
     ["推进数字档案馆建设", "加强档案安全管理", "开展档案业务培训"]),
    ("1.召开专题会议6次 2.出台制度文件3个 3.开展督导检查15次 帮我写成工作情况", "draft", "achievements",
     ["召开专题会议6次", "出台制度文件3个", "开展督导检查15次"]),
    ("请根据以下内容起草存在问题部分。\n\n部分党员参加组织生活不积极。\n党建与业务融合不够紧密。\n基层党组织书记培训覆盖面不广。", "draft", "problems",
     ["部分党员参加组织生活不积极", "党建与业务融合不够紧密", "基层党组织书记培训覆盖面不广"]),
    ("写成绩：获评省级文明单位；信访总量下降20%", "draft", "achievements", ["获评省级文明单位", "信访总量下降20%"]),
    ("素材：\n开展安全检查120次\n整改隐患356处\n\n帮我写安全生产工作情况", "draft", "achievements",
     ["开展安全检查120次", "整改隐患356处"]),
    ("工作情况这块帮我写一下，情况是：新建污水管网12公里，改造提升泵站3座。", "draft", "achievements",
     ["新建污水管网12公里", "改造提升泵站3座"]),
    ("帮我写存在问题，有以下几点：1、宣传形式单一 2、基层力量薄弱 3、经费不足", "draft", "problems",
     ["宣传形式单一", "基层力量薄弱", "经费不足"]),
    ("我把情况贴在下面，你帮我写下步打算：\n明年计划新建公园3个，改造绿道20公里。", "draft", "plans",
     ["明年计划新建公园3个", "改造绿道20公里"]),
    ("开展消防检查86次，整改火灾隐患210处，组织演练9场。以上帮我写个工作情况", "draft", "achievements",
     ["开展消防检查86次", "整改火灾隐患210处", "组织演练9场"]),
    ("补充两条问题：\n1. 执法车辆老旧\n2. 执法记录仪配备不足", "add_facts", "problems", ["执法车辆老旧", "执法记录仪配备不足"]),
    ("写下步打算\n1 推进垃圾分类全覆盖\n2 建设再生资源回收站点10个", "draft", "plans", ["推进垃圾分类全覆盖", "建设再生资源回收站点10个"]),
    ("帮我写存在问题\n（一）学校心理健康教师不足\n（二）家校协同不够", "draft", "problems", ["学校心理健康教师不足", "家校协同不够"]),
    ("工作成效：1.新增绿地面积15万平方米；2.建成口袋公园8个。帮我扩写成一段话", "draft", "achievements",
     ["新增绿地面积15万平方米", "建成口袋公园8个"]),
    # enumerators typed without a stop, sequence words, ; and full-width digits, a rate that goes with its count
    ("帮我写工作情况：一是开展入户走访1200户二是发放慰问金36万元三是解决实际困难85件", "draft", "achievements",
     ["开展入户走访1200户", "发放慰问金36万元", "解决实际困难85件"]),
    ("请以下列数据为基础起草主要成效。\n\n全年完成造林1.2万亩。\n\n森林覆盖率提高到46%。", "draft", "achievements",
     ["全年完成造林1.2万亩", "森林覆盖率提高到46%"]),
    ("写下步打算：第一，推进智慧停车建设；第二，优化公交线网；第三，加强交通秩序整治。", "draft", "plans",
     ["推进智慧停车建设", "优化公交线网", "加强交通秩序整治"]),
    ("存在问题 首先是人员不足，其次是经费紧张，最后是设备老化。帮我写一下", "draft", "problems",
     ["人员不足", "经费紧张", "设备老化"]),
    ("帮我写存在问题;基层力量薄弱;群众参与度不高;宣传形式单一", "draft", "problems",
     ["基层力量薄弱", "群众参与度不高", "宣传形式单一"]),
    ("１．完成道路硬化32公里\n２．新建桥梁5座\n帮我写工作情况", "draft", "achievements",
     ["完成道路硬化32公里", "新建桥梁5座"]),
    ("帮我起草一段下步工作打算，要点如下：\n● 推进城乡供水一体化\n● 实施农村饮水安全巩固提升工程", "draft", "plans",
     ["推进城乡供水一体化", "实施农村饮水安全巩固提升工程"]),
    ("今年我们主要干了这些事：举办招聘会24场，帮助1800人实现就业，发放创业贷款3200万元。写个工作情况吧", "draft", "achievements",
     ["举办招聘会24场", "帮助1800人实现就业", "发放创业贷款3200万元"]),
    ("写问题部分。问题有：1.养老床位不足；2.护理人员流动性大", "draft", "problems",
     ["养老床位不足", "护理人员流动性大"]),
    ("补充：全年办理政协提案36件，办结率100%", "add_facts", None, ["全年办理政协提案36件，办结率100%"]),
    ("还有一个问题没写：部分村居垃圾清运不及时", "add_facts", "problems", ["部分村居垃圾清运不及时"]),
]


@pytest.mark.parametrize(("message", "kind", "role", "facts"), CASES)
def test_facts_typed_with_a_request(message: str, kind: str, role: str | None, facts: list[str]) -> None:
    intent = parse_request(message)
    got = split_chat_facts(intent.facts_text) if intent.facts_text else []
    assert (intent.kind, str(intent.role) if intent.role else None) == (kind, role)
    assert [re.sub(r"\s+", "", f) for f in got] == facts
