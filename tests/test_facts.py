"""parse_facts: splitting the user's material and pulling out numbers, dates, titles, status."""

from __future__ import annotations

import pytest

from assistant.text.facts import parse_facts
from assistant.text.numerals import cn_to_number
from assistant.text.quantities import extract_quantities


@pytest.mark.parametrize(
    ("material", "expected"),
    [
        ("理论学习形式单一\n基层宣传干部仅有3名", ["理论学习形式单一", "基层宣传干部仅有3名"]),
        ("- 甲事项\n• 乙事项\n* 丙事项\n· 丁事项", ["甲事项", "乙事项", "丙事项", "丁事项"]),
        ("1. 甲事项\n2、乙事项\n3．丙事项", ["甲事项", "乙事项", "丙事项"]),
        ("（1）甲事项\n(2) 乙事项\n①丙事项\n② 丁事项", ["甲事项", "乙事项", "丙事项", "丁事项"]),
        ("一、甲事项\n（二）乙事项", ["甲事项", "乙事项"]),
        (
            "今年工作有三个特点：一是学习形式单一；二是宣传干部不足；三是研判不深入。",
            ["学习形式单一", "宣传干部不足", "研判不深入"],
        ),
        ("一是开展培训5期，二是举办讲座8场", ["开展培训5期", "举办讲座8场"]),
        (
            "今年以来扎实推进，一是开展培训5期；二是举办讲座8场",
            ["今年以来扎实推进", "开展培训5期", "举办讲座8场"],
        ),
        (
            "全年召开会议12次。开展宣讲20场！覆盖群众3000人次？新建阵地5个；完成考核",
            ["全年召开会议12次", "开展宣讲20场", "覆盖群众3000人次", "新建阵地5个", "完成考核"],
        ),
        ("存在问题：\n\n  学习不深入  \n\n", ["学习不深入"]),
        ("他说：“要抓紧落实。”随后部署工作。", ["他说：“要抓紧落实。”", "随后部署工作"]),
        ("F1 甲事项\nF2：乙事项", ["甲事项", "乙事项"]),
        ("参与群众1.2万人次", ["参与群众1.2万人次"]),  # a decimal is not an enumerator
        ("坚持“一岗双责”，统一思想", ["坚持“一岗双责”，统一思想"]),  # 一岗 is no "一是"
        ("", []),
        ("   \n\t\n", []),
    ],
)
def test_split(material: str, expected: list[str]) -> None:
    facts = parse_facts(material)
    assert [f.text for f in facts] == expected
    assert [f.id for f in facts] == [f"F{i}" for i in range(1, len(expected) + 1)]


@pytest.mark.parametrize(
    ("text", "expected"),  # (surface, value, unit, qualifier, kind)
    [
        ("召开会议16次", [("16次", 16, "次", "", "quantity")]),
        ("组织讲党课20余场次", [("20余场次", 20, "场次", "余", "quantity")]),
        ("组织讲党课二十余场次", [("二十余场次", 20, "场次", "余", "quantity")]),
        ("开展研讨十五次", [("十五次", 15, "次", "", "quantity")]),
        ("发布信息三千条", [("三千条", 3000, "条", "", "quantity")]),
        ("参与群众1.2万人次", [("1.2万人次", 12000, "人次", "", "quantity")]),
        ("配送图书27.4万册", [("27.4万册", 274000, "册", "", "quantity")]),
        ("投入资金95万元", [("95万元", 950000, "元", "", "quantity")]),
        ("发稿近300篇", [("300篇", 300, "篇", "近", "quantity")]),
        ("服务观众超过8000人次", [("8000人次", 8000, "人次", "超过", "quantity")]),
        ("覆盖约30个村", [("30个", 30, "个", "约", "quantity")]),
        ("举办活动50场左右", [("50场左右", 50, "场", "左右", "quantity")]),
        (
            "慰问党员8次、困难群众100余名",
            [("8次", 8, "次", "", "quantity"), ("100余名", 100, "名", "余", "quantity")],
        ),
        ("完成率达到95%", [("95%", 95, "%", "", "quantity")]),
        ("占比百分之八十", [("百分之八十", 80, "%", "", "quantity")]),
        ("2024年召开会议", [("2024年", 2024, "年", "", "year")]),
        ("2024年3月开展检查", [("2024年3月", 20240300, "", "", "date")]),
        ("于3月15日召开", [("3月15日", 315, "", "", "date")]),
        ("二〇二四年", [("二〇二四年", 2024, "年", "", "year")]),
        ("监测舆情12起", [("12起", 12, "起", "", "quantity")]),
        ("增强“四个意识”，做到“两个维护”", []),
        ("学习党的二十大和二十届三中全会精神", []),
        ("一是学习不够；二是研判不足；三是队伍薄弱", []),
        ("建立一个机制，形成一支队伍", []),  # a lone 一 is a determiner
        ("打造“五个一”工程和“六个一”工程", []),
        ("印发《2024年学习计划》", []),  # numbers inside a title belong to the title
        ("见〔F12〕和[F3]", []),
        ("第三次会议", []),
        ("主要存在以下三个方面的问题", []),
        ("5G基站和qq2群", []),
        ("召开会议X次，学习n次", []),
        # a Chinese decimal keeps its fraction (not "三亿元")
        ("余额达到四点三亿元", [("四点三亿元", 430000000, "元", "", "quantity")]),
        ("门诊五十六点三万人次", [("五十六点三万人次", 563000, "人次", "", "quantity")]),
        ("一点也不难，提两点意见", []),
    ],
)
def test_quantities(text: str, expected: list[tuple[str, float, str, str, str]]) -> None:
    got = [(q.text, q.value, q.unit, q.qualifier, q.kind) for q in extract_quantities(text)]
    assert got == expected
    for q in extract_quantities(text):
        assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("cn", "value"),
    [
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十一", 21),
        ("一百零五", 105),
        ("三千", 3000),
        ("两千三百", 2300),
        ("一万二千", 12000),
        ("二〇二四", 2024),
        ("四百五十", 450),
    ],
)
def test_chinese_numerals(cn: str, value: int) -> None:
    assert cn_to_number(cn) == value


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("已新建示范点12个", "done"),
        ("已经完成全部考核", "done"),
        ("建成基层文化服务中心23个", "done"),
        ("累计发布信息300条", "done"),
        ("全年共开展宣讲20场", "done"),
        ("先后出台制度5项", "done"),
        ("拟新建示范点12个", "planned"),
        ("计划全年开展集体学习18次", "planned"),
        ("将于年底前完成培训", "planned"),
        ("力争发稿200篇", "planned"),
        ("预计覆盖群众3万人次", "planned"),
        ("争取新增网评员30名", "planned"),
        ("准备组织专题培训", "planned"),
        ("计划年底前完成", "planned"),  # the first status word decides
        ("将意识形态工作纳入党建工作责任制", "none"),  # 将 as 把, not future
        ("将其作为年度考核的重要内容", "none"),
        ("将组建20人的网络评论员队伍", "planned"),
        ("今年将把意识形态工作纳入绩效考核", "planned"),
        ("将近300人参加", "none"),
        ("制定年度学习计划", "none"),  # 计划 as a noun
        ("拟定工作方案", "none"),
        ("坚持以人民为中心，加强公共文化服务", "none"),
        ("学习中国共产党宣传工作条例", "none"),
        ("理论学习形式单一", "none"),
        # a deadline ahead is a plan; one met is done
        ("年底前建成县城公交首末站1个", "planned"),
        ("6月底前完成全部改造", "planned"),
        ("年底前已完成全部整改", "done"),
    ],
)
def test_status(text: str, status: str) -> None:
    assert parse_facts(text)[0].status == status


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("出台《意识形态工作责任制实施办法》", ["《意识形态工作责任制实施办法》"]),
        ("学习《党章》《廉洁自律准则》", ["《党章》", "《廉洁自律准则》"]),
        ("没有书名", []),
    ],
)
def test_titles(text: str, titles: list[str]) -> None:
    assert parse_facts(text)[0].titles == titles


def test_fact_offsets_and_json() -> None:
    facts = parse_facts(
        "1. 召开中心组学习会12次，开展专题研讨二十余次\n2. 拟于2025年6月前建成示范点"
    )
    f1, f2 = facts
    assert [(q.value, q.unit) for q in f1.quantities] == [(12, "次"), (20, "次")]
    assert all(f1.text[q.start : q.end] == q.text for q in f1.quantities)
    assert f2.status == "planned"
    assert [q.kind for q in f2.quantities] == ["date"]
    d = f1.to_dict()
    assert d["id"] == "F1" and d["quantities"][0]["value"] == 12


@pytest.mark.parametrize(
    ("existing", "new", "added", "repeated"),
    [
        ("", "理论学习形式单一；宣传干部仅有3名", ["理论学习形式单一", "宣传干部仅有3名"], []),
        # the same words with other punctuation and spacing, or part of an existing fact
        ("理论学习形式单一，以集中读文件为主", "理论学习形式单一 , 以集中读文件为主", [], ["理论学习形式单一，以集中读文件为主"]),
        ("理论学习形式单一，以集中读文件为主", "理论学习形式单一", [], ["理论学习形式单一"]),
        ("1. 召开学习会12次", "召开学习会１２次\n处置舆情9起", ["处置舆情9起"], ["召开学习会１２次"]),
        # two facts of one message that repeat each other count once
        ("", "处置舆情9起\n处置舆情9起", ["处置舆情9起"], ["处置舆情9起"]),
    ],
)
def test_merge_facts_adds_no_repeats(existing: str, new: str, added: list[str], repeated: list[str]) -> None:
    from assistant.text.facts import merge_facts, split_chat_facts

    text, got_added, got_repeated = merge_facts(existing, split_chat_facts(new))
    assert (got_added, got_repeated) == (added, repeated)
    if added:  # appended one a line, so they are the last facts and numbered after the old ones
        assert [f.text for f in parse_facts(text)][-len(added) :] == added


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("安全生产大检查搞了4轮，排查隐患1260处，整改了1198处。", ["安全生产大检查搞了4轮", "排查隐患1260处", "整改了1198处"]),
        # a clause that continues the one before stays with it
        ("理论学习形式单一，以读文件为主", ["理论学习形式单一，以读文件为主"]),
        ("处置网络舆情9起，均在24小时内回应", ["处置网络舆情9起，均在24小时内回应"]),
        ("拟开通城乡公交5条、计划改造危桥6座、将推进城乡客运一体化", ["拟开通城乡公交5条", "计划改造危桥6座", "将推进城乡客运一体化"]),
        ("召开党委会、党组会共12次", ["召开党委会、党组会共12次"]),
        ("学习形式单一、宣传干部仅有3名、研判不够深入", ["学习形式单一", "宣传干部仅有3名", "研判不够深入"]),
        ("①拟部署态势感知平台 ②将开展5G专网安全评估", ["拟部署态势感知平台", "将开展5G专网安全评估"]),
        ("（1）流动党员难管（2）党员教育方式单一", ["流动党员难管", "党员教育方式单一"]),
        ("一、流动党员难管 二、党员教育方式单一", ["流动党员难管", "党员教育方式单一"]),
        # separated by ；: commas inside a fact stay
        ("受理信访事项356件，按期办结率98%；化解积案17件", ["受理信访事项356件，按期办结率98%", "化解积案17件"]),
        ("门户网站 http://www.xxdata.gov.cn 全年无篡改", ["门户网站 http://www.xxdata.gov.cn 全年无篡改"]),
    ],
)
def test_split_chat_facts(text: str, facts: list[str]) -> None:
    from assistant.text.facts import split_chat_facts

    assert split_chat_facts(text) == facts
