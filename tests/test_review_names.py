"""unsupported_name by structure: a place (社区/村/街道/镇), a person or an office the facts do not
give is flagged; a generic mention, a set phrase or a name the facts give in another length is
not. Sentences written for this table, not taken from the eval cases."""

from __future__ import annotations

import pytest

from tests.test_review_kinds import _flags as _kind_flags
from tests.test_review_kinds import _hit

COMMUNITY = [
    "在向阳里社区试点“邻里议事厅”",
    "组织志愿者开展助老服务900人次",
    "建成街道社区食堂3家",
]
VILLAGE = [
    "在石桥村召开秸秆综合利用现场会1次",
    "全镇28个村完成人居环境整治",
    "城关镇新建村级卫生室5个",
]
PEOPLE = [
    "邀请省社科院刘建华研究员作专题辅导1次",
    "党委书记陈志刚同志带队赴先进地区学习",
    "老党员周桂兰讲述入党故事",
]
PLAIN = ["开展环境卫生整治行动12次", "发放宣传资料3000份"]


def _flags(draft: str, facts: list[str]) -> list[str]:
    return _kind_flags("unsupported_name", draft, facts)


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        # a changed 社区 / 村 / 镇 / 街道 (the facts name one of the same kind)
        ("在东风里社区试点“邻里议事厅”。", COMMUNITY, "东风里社区"),
        ("在和睦社区率先试点“邻里议事厅”。", COMMUNITY, "和睦社区"),
        ("在枫林村召开秸秆综合利用现场会1次。", VILLAGE, "枫林村"),
        ("城南镇新建村级卫生室5个。", VILLAGE, "城南镇"),
        # a place no fact names, where the draft says the work happened
        ("在柳溪村召开环境卫生整治现场会，开展整治行动12次。", PLAIN, "柳溪村"),
        ("组织干部到白沙街道学习环境卫生整治经验。", PLAIN, "白沙街道"),
        ("在安吉县召开环境卫生整治现场会，开展整治行动12次。", PLAIN, "安吉县"),
        # faithful: the facts' own place, shorter or longer, and generic mentions
        ("在向阳里社区试点“邻里议事厅”。", COMMUNITY, None),
        ("向阳里社区居委会试点“邻里议事厅”。", COMMUNITY, None),
        ("在向阳里试点“邻里议事厅”，建成街道社区食堂3家。", COMMUNITY, None),
        ("各社区组织志愿者开展助老服务900人次。", COMMUNITY, None),
        ("辖区社区普遍建立志愿服务队，开展助老服务900人次。", COMMUNITY, None),
        ("一是社区养老服务供给不足；二是社区工作者力量薄弱。", COMMUNITY, None),
        ("全镇28个村完成人居环境整治，城关镇新建村级卫生室5个。", VILLAGE, None),
        ("在石桥村召开现场会1次，推动乡村振兴和乡镇卫生院建设。", VILLAGE, None),
        ("部分村庄环境整治不彻底，村民参与度不高。", VILLAGE, None),
        ("按照省委部署，开展环境卫生整治行动12次。", PLAIN, None),
        ("基层党组织和全体党员积极参与整治行动12次。", PLAIN, None),
        ("在示范村、重点村开展整治行动12次。", PLAIN, None),
        ("在全县、在文明城市创建中开展整治行动12次。", PLAIN, None),
        (
            "指导街道、社区开展整治行动12次，推动工业强镇、农业稳镇。",
            ["白沙街道开展整治行动12次"],
            None,
        ),
        ("清理农村生活垃圾，村容村貌明显改善。", VILLAGE, None),
        ("我区城镇生活污水集中收集，城关镇新建村级卫生室5个。", VILLAGE, None),
    ],
)
def test_place_names(draft: str, facts: list[str], expected: str | None) -> None:
    assert _hit(_flags(draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        # a changed person, with or without a title
        ("邀请省社科院刘建平研究员作专题辅导1次。", PEOPLE, "刘建平"),
        ("党委书记陈志强同志带队赴先进地区学习。", PEOPLE, "陈志强"),
        ("老党员周秀兰讲述入党故事。", PEOPLE, "周秀兰"),
        ("邀请王立新教授作专题辅导1次。", PEOPLE, "王立新"),
        # a person no fact names
        ("邀请市委宣传部副部长孙海涛作宣讲，开展整治行动12次。", PLAIN, "孙海涛"),
        ("志愿者代表李红梅分享服务心得。", PLAIN, "李红梅"),
        # faithful: the same person with the title moved or dropped, and generic people
        ("邀请省社科院研究员刘建华作专题辅导1次。", PEOPLE, None),
        ("党委书记陈志刚带队赴先进地区学习。", PEOPLE, None),
        ("陈志刚书记带队赴先进地区学习，老党员周桂兰讲述入党故事。", PEOPLE, None),
        ("全体党员干部和广大青年同志积极参与。", PLAIN, None),
        ("各位领导同志深入一线指导。", PLAIN, None),
    ],
)
def test_person_names(draft: str, facts: list[str], expected: str | None) -> None:
    assert _hit(_flags(draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        # an ordinal the facts do not give, on a thing they name without it
        (
            "完成第三次全国土壤普查采样点位210个。",
            ["完成土壤普查采样点位210个"],
            "第三次全国土壤普查",
        ),
        # faithful: the facts' own ordinal
        ("举办第五届乡村文化节。", ["举办第五届乡村文化节，参与群众2万人次"], None),
    ],
)
def test_ordinal_names(draft: str, facts: list[str], expected: str | None) -> None:
    assert _hit(_flags(draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "facts", "expected"),
    [
        # a changed body: a school, a company, an office of the same kind, a hospital
        ("红星小学建成标准化食堂。", ["向阳小学建成标准化食堂"], "红星小学"),
        ("与宏达建材公司签订帮扶协议。", ["与华兴建材公司签订帮扶协议"], "宏达建材公司"),
        ("县卫健局牵头开展专项督导。", ["县教育局牵头开展专项督导"], "县卫健局"),
        ("与县中医院组建医共体。", ["与县人民医院组建医共体"], "县中医院"),
        ("完成红星水库除险加固。", ["完成红旗水库除险加固"], "红星水库"),
        ("茅盾纪念馆接待游客12万人次。", ["鲁迅纪念馆接待游客12万人次"], "茅盾纪念馆"),
        # a body no fact names, that the draft says it worked with
        ("邀请国家保密局专家授课2次。", ["邀请专家授课2次"], "国家保密局"),
        # an honour with a level the facts do not give; a named campaign they do not give
        ("单位被评为全国文明单位。", ["单位被评为市级文明单位"], "全国文明单位"),
        ("荣获全国绿色工厂称号。", ["获评省级绿色工厂"], "全国绿色工厂"),
        ("荣获全国五四红旗团委称号，开展志愿服务20场。", ["开展志愿服务20场"], "全国五四红旗团委"),
        ("深入开展“暖心护航”志愿服务活动20场。", ["开展志愿服务活动20场"], "暖心护航"),
        # a person by surname and title
        ("李书记带队走访企业30家。", ["王书记带队走访企业30家"], "李书记"),
        # faithful: a shorter or longer form, the level added to the facts' bare name, the
        # facts' honour and campaign in other words, a class of bodies, framing bodies
        ("与县医院组建医共体。", ["与县人民医院组建医共体"], None),
        ("依托县融媒体中心开展宣传。", ["依托融媒体中心开展宣传"], None),
        ("单位荣获市级文明单位称号。", ["单位被评为市级文明单位"], None),
        ("被确定为全省试点单位。", ["列为省级试点单位"], None),
        ("荣获国家级绿色工厂称号。", ["获评全国绿色工厂"], None),
        ("开展“暖心护航”志愿服务活动20场。", ["开展暖心护航志愿服务活动20场"], None),
        ("党委王书记带队走访企业30家。", ["党委书记王强带队走访企业30家"], None),
        ("推动县级医院与乡镇卫生院组建医共体，覆盖中小学校。", ["与县人民医院组建医共体"], None),
        ("在市委宣传部的指导下，开展志愿服务20场。", ["开展志愿服务20场"], None),
        ("按照市委、市政府部署，围绕中心工作开展志愿服务20场。", ["开展志愿服务20场"], None),
        ("新建养老服务中心3个。", ["新建养老服务中心3个", "县民政局牵头"], None),
        ("完成红旗水库除险加固，全县32座病险水库安全度汛。", ["完成红旗水库除险加固"], None),
        ("力争老旧小区物业服务覆盖率达85%。", ["幸福小区完成改造", "物业服务覆盖率达85%"], None),
        ("，向主任汇报工作，开展志愿服务20场。", ["开展志愿服务20场"], None),
    ],
)
def test_bodies_honours_and_campaigns(draft: str, facts: list[str], expected: str | None) -> None:
    assert _hit(_flags(draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # the reporting unit on the title or signature line, or anonymised
        ("城关镇2024年工作总结\n开展环境卫生整治行动12次。", None),
        ("开展环境卫生整治行动12次。\n\n城关镇人民政府\n2024年12月30日", None),
        ("XX县卫健局开展环境卫生整治行动12次。", None),
        # the same body in a sentence the draft adds
        ("城关镇2024年工作总结\n联合县卫健局开展环境卫生整治行动12次。", "县卫健局"),
    ],
)
def test_the_reporting_unit_is_no_invented_name(draft: str, expected: str | None) -> None:
    facts = ["开展环境卫生整治行动12次", "县教育局牵头督导", "石桥镇完成改厕300户"]
    assert _hit(_flags(draft, facts), expected)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # the facts' meeting or event at another level
        ("召开全市安全生产工作会议2次。", "全市安全生产工作会议"),
        ("召开市安全生产工作会议2次。", "市安全生产工作会议"),
        ("举办全市职工运动会。", "全市职工运动会"),
        # faithful: the same level, another meeting, a 社区 that is no level
        ("召开全县安全生产工作会议2次，举办全县职工运动会。", None),
        ("参加全市宣传工作会议，召开全县安全生产工作会议2次。", None),
        ("各社区安全生产工作会议召开2次。", None),
    ],
)
def test_a_meeting_at_another_level(draft: str, expected: str | None) -> None:
    assert _hit(_flags(draft, ["召开全县安全生产工作会议2次", "举办全县职工运动会"]), expected)
