"""The kind of one fact: a result, a shortcoming, a cause or a plan (or of unclear kind).

Whole-report drafting sorts facts into sections by it (draft.allocate) and the review's
role_mismatch asks whether a fact sits in a section of its kind. Pure functions over Fact.status
(text.status: status words, and a time still ahead) and cue words; table-tested in
tests/test_allocate.py.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from assistant.models import Fact, Role
from assistant.text.numerals import cn_to_int
from assistant.text.status import PAST_RE

# Words that mark a shortcoming ("形式单一", "力量薄弱", "仅有3名", "有待提高", "不到2人").
_PROBLEM_RE = re.compile(
    r"不足|不够|不强|不高|不深|不到位|不全|不完善|不健全|不规范|不平衡|不充分|不畅|不严|不会|不到\d|"
    r"单一|薄弱|欠缺|缺乏|短缺|缺(?![失席陷])|"
    r"有待|短板|滞后|落后|(?<!适)老化|流失|偏少|偏低|偏高|较少|较弱|仅有|只有|仅|尚未|尚不|未能|未及时|"
    r"(?<![全从])未(?!发生|出现|发现)(?=[\u4e00-\u9fff])|"
    # 低 as the predicate ("比例低"), not a word's first half ("低效资产", "低温储备粮仓")
    r"存在.{0,6}问题|问题突出|问题仍|仍存在|仍然存在|差距|亏损|"
    r"难(?!度|群众|家庭|职工|学生|户|人员|党员|老人|儿童|企业|残疾)|慢|弱|低(?=$|[，,。；;、）)])|有限|堵点|痛点|"
    r"压力大|流动大|同质化|卡顿|漏报|多为兼职|"
    # the genre's usual shortfall wording beyond the dev sets' own
    r"不明显|不突出|不理想|不稳定|不协调|不匹配|不一致|参差不齐|流于形式|走过场|形式主义|"
    r"针对性不强|覆盖面窄|较窄|偏窄|空白|盲区|死角|欠账|匮乏|紧缺|紧张|乏力|疲软|缓慢|下滑|"
    r"积压|超期|逾期|未达|未完成|未落实|未按期|未实现|未覆盖|低于|瓶颈|制约|"
    # complaints that grow are a problem; "受理投诉举报4200件" is work done
    r"不多|不大|不少.{0,4}(?:问题|隐患)|较大差距|有差距|投诉[^，,。；;]{0,6}(?:较多|增多|上升|增加|频发|集中)|"
    r"没有|无法|难以|跟不上|不适应|不相适应|亟需|亟待|急需|不容乐观|不尽|一般化|"
    # grammar of a shortfall rather than topic words: 偏/过 + degree ("年龄偏大", "过于集中"),
    # a worn state ("老旧"), "only" before a count ("只接入了3套"), a thing too few ("特色课程少"),
    # a problem said to grow ("问题日益突出"), recurring trouble ("时有发生")
    r"偏[大重长多小窄]|过[大多长重快于]|(?:老旧|陈旧)(?=$|[，,。；;、])|只[\u4e00-\u9fff]{0,4}了?\d|"
    r"(?<![多减缺不很较最至稀年])少(?=$|[，,。；;、）)])|问题.{0,4}突出|时有发生|屡禁不止|"
    r"意识[差弱淡]|(?<![反])差(?=$|[，,。；;、])|"
    # waiting and turnover ("排队超过40分钟", "更换频繁", "经验断层")
    r"排队|频繁(?=$|[，,。；;、])|断层|断档|"
    # a potential complement said in the negative ("引不进、留不住", "管不住"), a mindset or
    # hazard that exists ("存在“等靠要”思想"), tension ("矛盾突出"), frictions with the public
    r"[\u4e00-\u9fff]不[进住动起](?=$|[，,。；;、])|存在.{0,10}(?:思想|现象|倾向|隐患|风险|漏洞)|"
    r"(?:矛盾|风险|压力)[^，,。；;]{0,4}(?:突出|较大|凸显|加大|增大)|(?:空心|边缘|行政|机关|娱乐|粗放)化|"
    r"(?:还有|仍有|存在|有一定)(?:一定)?距离|生硬|有意见|流动性?[大强高]|"
    # harm that happened or a bad rate that stands ("发生一般事故3起", "近视率达到52%")
    r"(?<![未无少])(?<!没有)发生.{0,8}(?:事故|火灾|案件|事件)|(?:死亡|受伤)\d|"
    r"(?:近视|发病|事故|死亡|空置|负债|辍学|失业)率(?:达到?|为|上升|升至|增至|提高)|"
    # a state that persists or weighs ("问题依然存在", "老龄化严重", "力量分散", "难度大"), many of
    # a bad thing ("问题较多"), and 不 + a quality closing a clause ("不充足", "把握不准")
    r"问题.{0,6}存在|依然存在|依旧存在|严重|老龄化|分散|碎片化|难度[大较高]|"
    r"(?:问题|隐患|矛盾|短板|风险|漏洞)(?:较|偏|很|比较)?多|"
    r"(?<![从决毫并])不(?![断少同变减停懈止仅但落])[\u4e00-\u9fff]{1,2}(?=$|[，,。；;、])|"
    # counts that tell a shortfall: what is still left undone, a gap, a good measure falling, a
    # cost or a wait above the norm, work stopped
    r"(?:仍有|尚有|还有)(?=\d|[一二三四五六七八九十两几]|部分)|缺口|空缺|超标|"
    r"(?:收入|营收|税收|产值|产量|增加值|增速|客流|游客|人数|投资|出口|利润|销量|销售额|存款|招商)"
    r"[^，,。；;]{0,8}(?:下降|减少|回落|下滑|负增长)|"
    r"(?:时长|耗时|用时|成本|费用|负债|等待|周期)[^。；;]{0,10}(?:高于|超过|长于|多于)|"
    r"停工|停产|停滞|搁置|延期|拖延|繁琐|烦琐|单调|(?<![少免])不了(?!解)|"
    # trouble that recurs or is common ("案件高发", "仍然多发"), a thing left idle ("设施闲置",
    # "晒太阳"), people leaving, complaints that are loud, a rank near the bottom
    r"高发|多发|频发|易发|多见|闲置|晒太阳|空转|用不起来|外流|外迁|反映强烈|意见较?大|"
    r"现象(?:比较|较为|较|十分|仍然?|依然|日益)?(?:明显|普遍|突出)|"
    r"排名(?:靠后|落后|后移|下滑|下降)|倒数|末位|"
    # 较/过 + a bad degree closing a clause ("等候时间较长", "进度较慢")
    r"(?:较|过|太)(?:长|慢|低|差|弱|少|窄|散|薄|晚)(?=$|[，,。；;、])|"
    # a thing too small, a load too heavy, a cycle too long, lopsided work ("面积小", "任务重",
    # "工期长", "重建设轻管理"), work done for show ("整改敷衍", "作风漂浮")
    r"(?:面积|规模|体量|空间|场地|力度)(?:较|偏|过|太|很)?小|"
    r"(?:工作量|任务|负担|包袱)(?:较|过|很|太|偏)?[大重](?=$|[，,。；;、])|"
    r"(?:周期|时间|时限|工期|流程|链条|审批)(?:较|过|偏|太|很)?长(?=$|[，,。；;、])|"
    r"重[\u4e00-\u9fff]{1,3}轻[\u4e00-\u9fff]|敷衍|应付了事|打折扣|搞变通|漂浮|浮于表面|表面化|形式化|"
    r"恐慌|欠债|不均衡|冷热不均|两极分化|青黄不接|小马拉大车|"
    # dues left unpaid, trouble coming back ("欠缴社保费", "问题反弹")
    r"欠缴|拖欠|欠薪|反弹|回潮|抬头|撂荒|(?:仍|还|偶|仍然|依然|时)有发生|"
    # what still needs doing, said of the present ("队伍建设还需加强")
    r"还需|仍需|尚需|亟须|需进一步|"
    # misconduct and slack ("优亲厚友", "推诿扯皮"), anomalies, excess ("过度集中"), less than a
    # share ("不到全市平均水平的一半"), a trait that shows ("“吃饭财政”特征明显")
    r"优亲厚友|吃拿卡要|推诿|扯皮|不作为|乱作为|慢作为|庸懒散|虚报|冒领|套取|挪用|截留|违规|违纪|异常|过度|过分|"
    r"不到(?=平均|全[国省市县区]|一半|[一二三四五六七八九十两]成)|"
    r"(?:特征|倾向|痕迹)(?:比较|较为|较|十分|仍然?|依然|日益)?(?:明显|突出|严重|普遍)|"
    # spoken complaints: burdens too many, errands repeated, breakdowns, who is left
    r"(?:检查|会议|文件|表格|台账|考核|督查|报表)(?:过|太|较|很)?多(?=$|[，,。；;、])|疲于|"
    r"来回跑|多头跑|反复跑|跑好几趟|故障|(?:多是|多为|大多是|基本是)(?:老人|老年人|留守|临聘|临时)|"
    # a thing built and then left alone ("建成后无人管护")
    r"无人(?:管护|维护|管理|问津|使用|照看|看管|负责)"
)
# A deed that solves the trouble it names is a result ("解决用工难题230个", "整改隐患").
_SOLVE_RE = re.compile(
    r"解决|化解|破解|攻克|整改|消除|排除|纾解|缓解|帮助|补齐|补上|填补|扭转|治理|整治|"
    r"盘活|复耕|复垦|追回|追讨|追缴|清欠|打击|遏制|防范|压降|处置|查处|纠正|问责|通报|排查|查出|查实|查纠|发现|"
    r"处理|处分|惩处|严惩|追责|整顿|立案|审查|调查|查办|督办|约谈"
)
# ... the trouble being a thing the deed acts on, not a quality ("化解能力弱" is a shortfall).
_TROUBLE_RE = re.compile(
    r"难题|难点|堵点|痛点|问题|隐患|矛盾|短板|风险|投诉|积压|欠账|瓶颈|空白|盲区|死角|漏洞|差距|缺口|"
    r"闲置|撂荒|欠薪|拖欠|欠缴|高发|多发|频发|反弹|故障|违规|违纪|软弱涣散|涣散|推诿|不作为|乱作为|慢作为|异常|虚报|冒领|套取|挪用|截留"
)
_CLAUSE_START = re.compile(r"[，,；;。]")
# A rank outside the first three ("排名全市第9", "全省第15位") is a shortfall; 第1–3 is a result.
_RANK_RE = re.compile(
    r"(?:排名|排位|位列|位居|居|排(?=[全省市县区国]|第)).{0,6}第\s*([\d一二三四五六七八九十]+)"
    # without a rank verb only as a place ("全省第15位"), not an ordinal ("全县第五次经济普查")
    r"|(?:全[国省市县区]|同行业|全系统)第\s*([\d一二三四五六七八九十]+)\s*[位名](?![次届批])"
)
# Words that mark a cause ("由于…", "根源在于…", "意识淡薄", "重视不够").
_CAUSE_RE = re.compile(
    r"原因|根源|由于|导致|源于|归因|意识淡薄|认识不到位|认识不足|重视不够|重视程度不够|"
    r"精力投入不够|待遇低|晋升难|脱节|边界不清|缺乏.{0,4}依据|根本在于|主要在于|受.{1,12}影响|"
    r"客观上|主观上|究其|因为|以致|致使|"
    # an explanation by its opening: "因汛期持续降雨，部分工程停工", "主要是对新业态研究不够"
    r"^因(?!地制宜|势利导|材施教|村施策|此)[^，,。；;]{2,24}[，,]|^(?:主要是|主要由于|一方面|另一方面|根子在|加之|再加上)|"
    r"受限于|囿于|受.{1,12}(?:制约|限制|冲击|拖累|掣肘)|与.{2,16}(?:有关|有很大关系|密切相关)"
)
# Words that mark an intention when the status words of the facts parser did not fire.
_PLAN_RE = re.compile(
    r"^(?:下一步|下步|下一阶段|下阶段|接下来|后续|后面|后期|往后|以后|明年|今后|来年|新的一年|新一年|未来|近期|“?十五五”?期间|\d{4}年(?:将|再|还将)|将要|要|需要|必须|"
    r"谋划|筹备|着手|探索|争创)|力争|计划|拟|打算|争取|目标|预计|准备(?!不|工作|阶段|充分|金)|筹建|将于|今年将|明年将|"
    # the speaker's resolve ("我们会继续加大…", "还要完善…"), and 将 opening a fact ("将智慧停车纳入
    # 年度民生实事": a summary says 已将 or 纳入了)
    r"^(?:我们|我局|我委|我单位|本单位|我县|我市|我区)?(?:会(?![同议商签审计])|还会|还要|将(?![近军领士]))"
)
# A resolve verb at the front of a fact that reports no count ("着手编制…规划", "探索建立…机制",
# "全面推进…创建"); with a count ("持续开展送文化下乡活动36场") it is a result.
_PLAN_FRONT_RE = re.compile(
    r"^(?:加快|着力|持续|继续|重点(?![领项人企行区部对单群场时环产村])|进一步|全面|积极|稳步|深入|推动|筹备|谋划|启动|确保|着手|探索|逐步|抓好|"
    r"做好|健全|全力|争创|加大|统筹|扩大|优化|巩固|用好|建立健全|研究制定|力促|大力|"
    r"深化|完善|强化|加强|提升|规范|夯实|压实|织密|拓展|拓宽|培育|壮大|严格|守牢|筑牢|坚持|"
    r"围绕|聚焦|紧盯|瞄准|对标|立足|筹划|酝酿|按照|对照|依托|扎实|切实|有序|不断|打好|打赢|走好|答好|努力|奋力|力求|务求|[建管用抓办守护讲带]好|"
    r"以.{2,12}为(?:抓手|重点|契机|引领|目标|导向|载体|突破口|核心))"
    # ... unless 了 in its first clause says it was done ("完善了…机制")
    r"(?![^，,。；;]{0,16}了)"
)
# Words that mark something done; a fact with none of these (and no other cue) is of unclear
# kind. A count with its measure word ("化解积案17件", "智慧教室24间") reports a result.
_DEED = (
    r"已|开展|召开|举办|举行|组织|完成|建成|新建|新增|建立|成立|出台|印发|制定|修订|发稿|发布|刊发|推出|处置|"
    r"培训|累计|共计|全年|先后|实现|覆盖|获得|荣获|评为|签订|落实|推进|创建|打造|同比|增长|率达|达到|"
    # honours and the deeds a results list states without a count ("获评省级文明单位", "推行…")
    r"获评|入选|授予|推行|更新为|引进|组建|开通|上线|投用|启用|办结|化解|整治|创成|平稳|前列|降至|"
    r"挂牌|揭牌|落成|竣工|通车|开业|投运|"
    r"通过.{0,12}(?:验收|评审|复审|考核|认证|认定|评估)|率先|首次|成功|圆满|获批|"
    r"(?:在|向)全[国省市]推广|排名(?:上升|提升|前移|进位)|进位|落户|落地(?=$|[，,。；;])|"
    r"(?:降|减)?(?:为|至|到)(?:零|0)(?=$|[，,。；;])|无一(?:例|起|人)|"
    r"被.{1,12}(?:推广|转发|刊发|采用|肯定|表扬|评为|列为|确定为|命名)|"
    r"(?:明显|显著|大幅|有效|稳步)(?:提升|提高|改善|增强|好转|加强|下降|减少)|"
    # a deed with 了 ("形成了一批经验"), not 为了/除了/了解/不了
    r"(?<![为除不])了(?!解|不起|结)"
)
_DEED_RE = re.compile(_DEED)
_COUNT = (
    r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:[万亿](?![\u4e00-\u9fff])|[万亿]?\s*"
    r"(?:次|场|篇|期|个|人次|名|条|项|家|%|节|户|件|起|间|人|元|轮|处|所|座|亩|公里|批|支|部|套|台|"
    r"吨|辆|张|份|册|本|场次|课时|学时|小时|天|家次|车次|宗|单|笔|株|棵|平方米|米|"
    r"卷|页|头|只|口|眼|盏|块|根|栋|幢|艘|架|列|趟|班|箱|袋|斤|公斤|千克|升|立方米|千瓦时?|兆瓦|"
    r"平方公里|公顷|千米|个百分点|倍|例|台次|架次|户次|批次|人日|工日|分(?![之钟])))"
)
_COUNT_RE = re.compile(_COUNT)
_DONE_RE = re.compile(_DEED + "|" + _COUNT)
# A resolve at the front ("确保完成年度减排任务"): a plan, whatever done verb follows.
_FIRM_PLAN_RE = re.compile(r"^(?:确保|务必|必须|尽快|抓紧|加紧|争取)(?!了)")
# Intentions said outright (beyond fact.status): a fact opening with 持续/进一步 is a plan only
# when nothing else is known of it.
_PLAN_SAID_RE = re.compile(r"^(?:下一步|下步|今后|来年)|力争|计划|拟|打算|争取|目标|预计|将于")
# A target said as reached ("超过省定目标", "完成年度目标任务"): no plan cue.
_REACHED_RE = re.compile(r"(?:超过|超出|高于|达到|完成|实现)[^，,。；;]{0,6}目标")


# A measure falling: a shortfall when the measure is a good one ("外贸订单量大幅减少", "用电量负
#增长"); a result when it is a bad one ("交通事故起数下降11%", "单位GDP能耗下降") or a deed
# brought it down ("推动…成本下降").
_FALL_RE = re.compile(r"减少|下降|下滑|回落|萎缩|收缩|放缓|走低|负增长|降低|降幅")
_BAD_MEASURE_RE = re.compile(
    r"事故|案件|发案|警情|犯罪|违法|违章|投诉|信访|来信|来访|积案|隐患|能耗|排放|污染|浓度|超标|农药|化肥|"
    r"燃煤|成本|费用|负担|亏损|负债|债务|赤字|不良|逾期|拖欠|欠薪|库存|空置|闲置|死亡|伤亡|火灾|贫困|"
    r"失业|辍学|近视|发病|感染|拥堵|时限|时长|耗时|用时|环节|材料|跑动|排队|等待|差错|故障|差评|扰民|噪音|"
    r"审批|办理时间|风险|停电|停水|断电|时间|"
    # a use per unit of output ("万元GDP用水量", "单位增加值能耗"): less is better
    r"(?:万元|单位)(?:GDP|生产总值|产值|增加值)|大班额|留守|空巢|"
    # an average age falling: a team grown younger
    r"年龄"
)
_BRING_DOWN_RE = re.compile(r"推动|促进|促使|带动|实现|使|压降|压减|削减|控制|确保")
# A count held as a floor is a target ("培训不少于2000人次", "新建基站800个以上"), unless a level
# held says it was reached ("稳定在120万亩以上"). (A cap, "控制在1%以下", "不超过15分钟", is how
# both plans and results are said: not a target cue.)
_TARGET_RE = re.compile(
    r"不少于|不低于|至少|"
    r"(?<![\d.])(?<!稳定在)(?<!保持在)(?<!维持在)(?<!达到)(?<![达超])"
    r"\d+(?:\.\d+)?\s*[万亿]?[^\d，,。；;以]{0,3}以上(?=$|[，,。；;])"
)
# A bad measure rising is a shortfall ("入室盗窃警情环比上升"), unless the rise counts work done
# ("查处违法案件增长30%").
_RISE_RE = re.compile(r"上升|增加|增长|增多|攀升|走高|高企")
_ENFORCE_RE = re.compile(r"查处|破获|侦破|抓获|立案|处罚|拦截|整改|化解|办结|受理|排查|发现|清理|打掉")


def _bad_measure_rises(text: str) -> bool:
    for m in _RISE_RE.finditer(text):
        before = text[: m.start()]
        if _BAD_MEASURE_RE.search(before) and not (_ENFORCE_RE.search(before) or _DEED_RE.search(before)):
            return True
    return False


# Less than last year or than the average ("比上年少2.3亿元", "比全市平均低15个百分点"), and a bad
# thing's share that is high ("大班额比例达18%").
_LESS_THAN_RE = re.compile(
    r"(?:比|较)(?:上年|去年|上年同期|去年同期|往年|全[国省市县区]平均|平均)[^，,。；;]{0,4}(?:少|低|下降|减少)"
)
_BAD_SHARE_RE = re.compile(r"(?:率|比例|占比|比重)(?:达到?|高达|超过|为)\s*[1-9]\d*(?:\.\d+)?%")


# A rate of work done on a bad thing is a result ("隐患整改率达100%", "破案率达到85%").
_WORK_RATE_RE = re.compile(
    r"整改|处置|办结|化解|破案|结案|查处|完成|覆盖|达标|合格|满意|知晓|参与|接种|成功|调解|服务|关爱|救助|帮扶|清零|销号"
)


def _compares_badly(text: str) -> bool:
    for m in _LESS_THAN_RE.finditer(text):  # the measure before it or just after ("比上年少发生事故3起")
        if not _BAD_MEASURE_RE.search(text, 0, m.end() + 8):
            return True
    for m in _BAD_SHARE_RE.finditer(text):
        bad = [b for b in _BAD_MEASURE_RE.finditer(text, 0, m.start())]
        if bad and not _WORK_RATE_RE.search(text, bad[-1].end(), m.start()):
            return True
    return False


# A fall verb opening its clause acts on what follows ("降低企业成本1.2亿元", "全年减少碳排放2万吨",
# "为企业减少跑动次数3万次"): a deed, not a measure that fell.
_DEED_FALL_RE = re.compile(r"^(?:全年|累计|共|先后|今年|为[^，,。；;]{1,8}?|帮助[^，,。；;]{1,8}?|助力[^，,。；;]{1,8}?)?$")


def _good_measure_falls(text: str) -> bool:
    for m in _FALL_RE.finditer(text):
        before = text[: m.start()]
        clause = before[max((c.end() for c in _CLAUSE_START.finditer(before)), default=0) :]
        if _DEED_FALL_RE.match(clause.strip()):
            continue
        if not (_BAD_MEASURE_RE.search(before) or _BRING_DOWN_RE.search(before)):
            return True
    return False


def fact_kind(fact: Fact) -> Role:
    """The section role a fact most naturally serves: achievements, problems, causes or plans."""
    text = fact.text
    # fact.status already reads a time ahead ("年底前建成…") as planned (text.status)
    if (
        fact.status == "planned"
        or _FIRM_PLAN_RE.search(text)
        or (fact.status != "done" and _PLAN_RE.search(_REACHED_RE.sub("", text)))
        or (fact.status != "done" and _PLAN_FRONT_RE.search(text) and not _COUNT_RE.search(text))
        or (not PAST_RE.search(text) and _TARGET_RE.search(text))
    ):
        return Role.PLANS
    if _CAUSE_RE.search(text):
        return Role.CAUSES
    # a shortfall word outranks a count: "仅开展2次" is a problem, not a result
    if (
        _shortfall(text)
        or _low_rank(text)
        or _good_measure_falls(text)
        or _bad_measure_rises(text)
        or _compares_badly(text)
    ):
        return Role.PROBLEMS
    if _bare_action(fact):
        return Role.PLANS
    return Role.ACHIEVEMENTS


def reports_deed(fact: Fact) -> bool:
    """A fact that says something was done (a status word or a deed verb), not only a count."""
    return fact.status == "done" or bool(_DEED_RE.search(fact.text))


# A result said without a count: an honour, an outcome, a level held or reached.
_RESULT_RE = re.compile(
    r"获评|荣获|评为|入选|授予|创成|获得|实现|达到|增长|提高到|提升到|下降|降至|降低到|保持|稳定在|前列|"
    r"第[一二三1-3](?![\d十])|无.{0,8}(?:事故|事件|案件)|平稳|向好|全覆盖|零发生|"
    r"零(?:事故|投诉|伤亡|死亡|发案|感染|差错|上访)|"
    # an event that completes a work ("开通城乡公交", "挂牌成立…中心"), a practice spread
    r"^(?:开通|成立|挂牌|揭牌|建成|落成|竣工|通车|开业|投用|投运|上线|启用|签约)|(?:在|向)全[国省市]推广|(?<![为除不])了(?!解|不起|结)"
)


_YEAR_FRONT = re.compile(r"^(?:19|20)\d{2}\s*年[，,]?")


def _bare_action(fact: Fact) -> bool:
    """A fact that opens with what is to be done and reports nothing done: no status word, no
    count, no result ("推进数字化转型，打造智慧园区", "组织开展技能人才评价"). Results are
    reported with a count or a done word; a bare action is an intention."""
    text = fact.text.strip()
    if fact.status != "none" or _COUNT_RE.search(text) or _RESULT_RE.search(text):
        return False
    text = _YEAR_FRONT.sub("", text)  # "2026年启动老城区雨污分流改造"
    first = next(iter(_pseg().lcut(text[:8])), None)
    return first is not None and first.flag.startswith("v") and len(first.word) >= 2


@lru_cache(maxsize=1)
def _pseg() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _shortfall(text: str) -> bool:
    """A shortfall word that no deed before it in its clause solves."""
    for m in _PROBLEM_RE.finditer(text):
        start = max((c.end() for c in _CLAUSE_START.finditer(text, 0, m.start())), default=0)
        trouble = any(t.start() <= m.start() < t.end() for t in _TROUBLE_RE.finditer(text, start))
        if not (trouble and _SOLVE_RE.search(text, start, m.start())):
            return True
    return False


def says_shortfall(text: str) -> bool:
    """Whether ``text`` says a shortcoming in words ("仅4名", "不合理", "流失"), not only by what
    it measures: the review's role_mismatch asks it of a fact before calling a success written
    from it a turned problem."""
    return _shortfall(text)


def _rank(text: str) -> int | None:
    m = _RANK_RE.search(text)
    if m is None:
        return None
    n = m.group(1) or m.group(2)
    return int(n) if n.isdigit() else cn_to_int(n)


def _low_rank(text: str) -> bool:
    r = _rank(text)
    return r is not None and r > 3


def kind_is_clear(fact: Fact) -> bool:
    """False for a fact that names no result, shortcoming, cause or intention ("网络安全"), and
    for one that opens with a year and reports only an amount ("2026年实施国道改线工程，总投资3.4
    亿元"): a result in that year's summary, a plan in the year before's; the facts do not say
    which year the report is of."""
    if fact_kind(fact) is not Role.ACHIEVEMENTS:
        return True
    text = fact.text
    if fact.status != "done" and _YEAR_FRONT.match(text) and not (_DEED_RE.search(text) or _RESULT_RE.search(text)):
        return False
    return fact.status == "done" or bool(_DONE_RE.search(text) or _RESULT_RE.search(text)) or _rank(text) is not None


# The kinds a section of each role takes (causes serve 存在问题 when there is no 原因分析).
_FITS: dict[Role, tuple[Role, ...]] = {
    Role.ACHIEVEMENTS: (Role.ACHIEVEMENTS,),
    Role.PROBLEMS: (Role.PROBLEMS, Role.CAUSES),
    Role.CAUSES: (Role.CAUSES, Role.PROBLEMS),
    Role.PLANS: (Role.PLANS,),
    Role.TASKS: (Role.PLANS, Role.ACHIEVEMENTS),
    Role.REQUIREMENTS: (Role.PLANS,),
}


def marked_against(fact: Fact, role: Role) -> Role | None:
    """For a fact typed in the same message as a request for ``role``: the other kind its own
    words clearly mark, else None (it is the section's, as the user meant).

    "档案室漏水3处" typed with "写存在问题" is a problem: a bare count is a result only when
    nothing says otherwise. A clear marker is a status word (已/完成 for a result, 拟/计划/年底前
    for a plan), a shortfall or a cause; for a problems section a deed with its count too
    ("召开学习会14次"), while in a plans section a deed is what is to be done ("开展培训3期").
    """
    fits = _FITS.get(role)
    kind = fact_kind(fact)
    if fits is None or kind in fits:
        return None
    text = fact.text
    if kind is Role.PLANS:
        said = fact.status == "planned" or bool(_PLAN_SAID_RE.search(text))
        return kind if said else None
    if kind is Role.ACHIEVEMENTS:
        if fact.status == "done":
            return kind
        deed = role not in (Role.PLANS, Role.TASKS, Role.REQUIREMENTS) and _DEED_RE.search(text)
        return kind if deed else None
    # a shortfall or a cause word; in a results section a done word outweighs it
    # ("累计办理群众投诉120件")
    if role is Role.ACHIEVEMENTS and fact.status == "done":
        return None
    return kind
