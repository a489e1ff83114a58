"""Cleaning rules, one row per kind of junk or artefact, plus the property that cleaning never
loses a Chinese character of a report paragraph."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus.clean import clean_text

TITLE = "2023年某局工作总结"
BODY = "今年以来，我局认真贯彻落实上级部署，各项工作取得新进展。"


@pytest.mark.parametrize(
    ("junk", "why"),
    [
        ("SUCAI198.COM —— 专注党建行政公文写作范文", "site banner"),
        ("www.example.cn 公文范文网", "site banner"),
        ("admin 分享 时间: 加入收藏 共计2382个字,预计阅读时长8分钟。", "share bar"),
        ("申明敬告: 本站不保证该用户上传的文档完整性,不预览、不比对内容。", "download notice"),
        ("• 当前文档由用户上传发布,收益归属用户", "upload notice"),
        ("1. 1、本文档由用户上传，淘文库整理发布，可阅读全部内容。", "numbered notice"),
        (
            "2. 2、本文档内容版权归属内容提供方。如果您对本文有版权争议，请立即联系网站客服。",
            "copyright",
        ),
        ("4. 网站客服QQ:403074932", "support QQ"),
        ("查看更多", "more link"),
        ("领取福利", "share button"),
        ("微信扫码领取福利", "share button"),
        ("微信扫码分享", "share button"),
        ("VIP专免", "paywall tag"),
        ("VIP专免2023-03-30 636", "related item"),
        ("免费2023-06-14 678", "related item"),
        ("- 2021-04-12 发布 |", "date line"),
        ("• 2022-03-28 发布", "date line"),
        ("- 37.5 KB |", "size line"),
        ("• 44.11 KB", "size line"),
        ("- 6页", "page count"),
        ("第 3 页 共 6 页", "page footer"),
        ("— 2 —", "page number"),
        ("221381", "bare number"),
        ("文档介绍", "site widget"),
        ("2024年意识形态工作分析研判报告.docx", "file name"),
        ("大小:12.66KB", "metadata"),
        ("格式:DOCX", "metadata"),
        ("属性:4 页", "metadata"),
        ("作者:公文格式标准", "metadata"),
        ("时间:2024-11-11", "metadata"),
        ("温馨提示：本文档共6页，可免费在线阅读，下载需要VIP会员", "site notice"),
        ("开通VIP，免费下载", "paywall"),
        ("下一篇：2023年述职报告", "navigation"),
        ("版权所有 © 某某文库", "copyright"),
        ("来源：某某公文网", "source line"),
        ("1024人已阅读", "counter"),
    ],
)
def test_junk_line_removed(junk: str, why: str) -> None:
    out = clean_text(f"{TITLE}\n{junk}\n{BODY}")
    assert out == f"{TITLE}\n{BODY}", why


@pytest.mark.parametrize(
    "line",
    [
        "我局网站www.example.cn全年发布信息200余条。",
        "2024年，全局共发布信息1200条，浏览量达到10万人次。",
        "组织开展“领取福利进社区”活动3场。",
        "大小会议共召开12次，研究意识形态工作。",
        "时间紧、任务重，全体干部加班加点。",
        "作者在文中指出，要坚持正确导向。",
        "扫码缴费已覆盖全区所有村居。",
        "微信扫码支付覆盖率达到90%，群众办事更加便捷。",
        "2.5万份宣传资料已发放到户。",
        "来源：群众来信来访和12345热线，共受理诉求1200件。",
        "编辑出版《工作简报》12期。",
        "下一步，我们将继续阅读经典、学习理论。",
    ],
)
def test_report_lines_that_resemble_junk_are_kept(line: str) -> None:
    assert clean_text(f"{TITLE}\n{line}") == f"{TITLE}\n{line}"


def test_related_list_and_metadata_tail_removed() -> None:
    raw = (
        f"{TITLE}\n{BODY}\n相关推荐\n-\n免费2023-06-14 678\n-\nVIP专免2023-06-05 553\n"
        "作者:公文格式标准\n分类:综合文库\n属性:4 页\n大小:12.66KB\n格式:DOCX\n时间:2024-11-11"
    )
    assert clean_text(raw) == f"{TITLE}\n{BODY}"


def test_teaser_summary_repeating_the_opening_is_removed() -> None:
    raw = f"{TITLE}\n{BODY}\n一、工作情况\n完成任务。\n摘要:\n展开>>\n收起<<\n{TITLE}{BODY[:20]}..."
    assert clean_text(raw) == f"{TITLE}\n{BODY}\n一、工作情况\n完成任务。"


def test_more_link_glued_to_last_sentence_removed() -> None:
    assert clean_text(f"{TITLE}\n{BODY}查看更多") == f"{TITLE}\n{BODY}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("加强 和 改进意 识形态工作。", "加强和改进意识形态工作。"),
        ("我区 2024 年召开会议 X 次。", "我区2024年召开会议X次。"),
        ("使用 Microsoft Word 2016 编辑。", "使用Microsoft Word 2016编辑。"),
        ("增长 1 000 人次。", "增长1 000人次。"),
        ('坚持理论学习宣讲,把稳思想"方向盘"。', "坚持理论学习宣讲，把稳思想“方向盘”。"),
        ("党委(党组)书记;其他成员:分工负责!", "党委（党组）书记；其他成员：分工负责！"),
        ("会议于 10:30 召开。", "会议于10:30召开。"),
        (
            "印发<;党委(党组)网络意识形态工作责任制实施细则>;的通知",
            "印发〈党委（党组）网络意识形态工作责任制实施细则〉的通知",
        ),
    ],
)
def test_spacing_and_punctuation(raw: str, expected: str) -> None:
    assert clean_text(f"{TITLE}\n{raw}") == f"{TITLE}\n{expected}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # PDF run-in headings (seed 002)
        (
            "要点如下。 一、总体要求 意识形态工作是党的一项极端重要的工作。 二、工作原则 按照原则办。",
            [
                "要点如下。",
                "一、总体要求",
                "意识形态工作是党的一项极端重要的工作。",
                "二、工作原则",
                "按照原则办。",
            ],
        ),
        (
            "三、主要工作 (一)认真总结，统筹谋划。对照市委要求进行总结。 (二)对标巡视，加强整改。认真学习。",
            [
                "三、主要工作",
                "（一）认真总结，统筹谋划。",
                "对照市委要求进行总结。",
                "（二）对标巡视，加强整改。",
                "认真学习。",
            ],
        ),
        # double-space separated paragraphs (seed 003)
        (
            "报告如下：  一、主要做法  市人大机关党组认真贯彻。  (一)加强组织领导，当好主力军。一是狠抓重点。",
            [
                "报告如下：",
                "一、主要做法",
                "市人大机关党组认真贯彻。",
                "（一）加强组织领导，当好主力军。",
                "一是狠抓重点。",
            ],
        ),
        # lead phrase of a level-2 heading on the same line (seed 001)
        (
            "（一）严格落实意识形态主体责任。本人认真贯彻落实文件精神。",
            ["（一）严格落实意识形态主体责任。", "本人认真贯彻落实文件精神。"],
        ),
        # in-paragraph enumerations after a colon or semicolon are not headings
        (
            "做到三个方面：一、学习；二、宣传；三、落实。",
            ["做到三个方面：一、学习；二、宣传；三、落实。"],
        ),
        # points are not headings
        ("一是加强学习。二是强化宣传。", ["一是加强学习。二是强化宣传。"]),
        # a decimal number after a sentence end is not a heading
        ("共发放资料。 2.5万份资料已发放。", ["共发放资料。2.5万份资料已发放。"]),
    ],
)
def test_inline_headings_split(raw: str, expected: list[str]) -> None:
    assert clean_text(f"{TITLE}\n{raw}").split("\n")[1:] == expected


def test_hard_wrapped_lines_rejoined_not_across_headings() -> None:
    raw = "\n".join(
        [
            "2024 年意识形态工作分析研判报告",
            "根据区委办《关于开展意识形态工作分析研判的通知》",
            "要求,现将我区 2024 年意识形态工作落实情况汇报如下:",
            "一、工作开展情况",
            "(一)将意识形态工作作为极端重要工作。 区委始终坚",
            "持党管意识形态原则,全面落实党委(党组)意识形态工作",
            "责任制,以高度的责任感抓好意识形态工作。区委常委会和",
            "理论学习中心组会议深入研究了《实施方案》,对全区意识形态领域形",
            "势进行了系统分析。",
            "(二)主流意识形态进一步巩固。一是注重教育引导。",
            "扎实开展学习贯彻新思想主题教育,举办学习贯彻党的二",
            "十届三 中全会精神宣讲报告会 X",
            "期,受众人数达到 X 人。",
            "二、存在主要问题",
            "(一)对意识形态工作的认知不足。一是部分党员干部",
            "对意识形态工作理解不到位。",
        ]
    )
    assert clean_text(raw).split("\n") == [
        "2024年意识形态工作分析研判报告",
        "根据区委办《关于开展意识形态工作分析研判的通知》要求，现将我区2024年意识形态工作落实情况汇报如下：",
        "一、工作开展情况",
        "（一）将意识形态工作作为极端重要工作。",
        "区委始终坚持党管意识形态原则，全面落实党委（党组）意识形态工作责任制，以高度的责任感抓好意识形态工作。"
        "区委常委会和理论学习中心组会议深入研究了《实施方案》，对全区意识形态领域形势进行了系统分析。",
        "（二）主流意识形态进一步巩固。",
        "一是注重教育引导。",
        "扎实开展学习贯彻新思想主题教育，举办学习贯彻党的二十届三中全会精神宣讲报告会X期，受众人数达到X人。",
        "二、存在主要问题",
        "（一）对意识形态工作的认知不足。",
        "一是部分党员干部对意识形态工作理解不到位。",
    ]


def test_paragraph_lines_are_not_joined_in_normal_text() -> None:
    raw = f"{TITLE}\n{BODY}\n一、工作情况\n一是加强学习。\n二是强化宣传。"
    assert clean_text(raw) == raw


def test_duplicated_title_removed() -> None:
    raw = f"{TITLE}\n\nadmin 分享 时间: 加入收藏\n\n{TITLE}\n\n{BODY}"
    assert clean_text(raw) == f"{TITLE}\n{BODY}"


def test_title_run_into_first_paragraph_removed() -> None:
    raw = "【xx局】20xx年意识形态工作要点\n【xx 局】20xx 年意识形态工作要点 为贯彻落实习近平关于意识形态工作的重要论述。"
    assert clean_text(raw).split("\n") == [
        "【xx局】20xx年意识形态工作要点",
        "为贯彻落实习近平关于意识形态工作的重要论述。",
    ]


def test_stray_page_break_numeral_removed() -> None:
    raw = f"{TITLE}\n二要增强阵地意识。牢牢把握领导权。三\n\n三要强化一岗双责。"
    assert clean_text(raw).split("\n")[1:] == [
        "二要增强阵地意识。牢牢把握领导权。",
        "三要强化一岗双责。",
    ]


# ---- property: no Chinese character of the report is ever dropped -------------------------
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PUNCT = st.sampled_from(
    ["，", "、", "；", "：", "“", "”", "（", "）", " ", "  ", ",", "0", "5", "X"]
)
_SENTENCE = st.lists(st.one_of(_HAN, _HAN, _HAN, _PUNCT), min_size=2, max_size=60).map(
    lambda xs: "".join(xs).strip() + "。"
)
_MARKER = st.sampled_from(
    ["", "", "一、", "二、", "（一）", "(二)", "1.", "一是", "二要", "首先，"]
)
_PARAGRAPH = st.tuples(_MARKER, st.lists(_SENTENCE, min_size=1, max_size=4)).map(
    lambda t: t[0] + "".join(t[1])
)


def _han(text: str) -> str:
    return "".join(re.findall(r"[\u4e00-\u9fa5]", text))


@settings(max_examples=100, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=6, unique=True))
def test_cleaning_never_drops_a_chinese_character(paragraphs: list[str]) -> None:
    raw = TITLE + "\n" + "\n\n".join(paragraphs)
    out = clean_text(raw)
    assert _han(out) == _han(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "一、总体要求：坚持正确导向，加强组织领导。",
            ["一、总体要求：", "坚持正确导向，加强组织领导。"],
        ),
        (
            "（一）强化组织领导：调整领导小组，明确分工。",
            ["（一）强化组织领导：", "调整领导小组，明确分工。"],
        ),
        ("一、 工作情况", ["一、工作情况"]),
        ("（二）会议于10:30召开，研究工作。", ["（二）会议于10:30召开，研究工作。"]),
    ],
)
def test_heading_colon_split(raw: str, expected: list[str]) -> None:
    assert clean_text(f"{TITLE}\n{raw}").split("\n")[1:] == expected


def test_table_rows_and_short_items_are_not_joined() -> None:
    rows = [f"项目{i}｜{i}次｜备注{i}" for i in range(8)] + ["是｜否"] * 3
    items = ["组织学习", "开展宣讲", "检查督导", "总结提高", "表彰先进", "完善制度"]
    raw = "\n".join([TITLE, *rows, *items])
    assert clean_text(raw).split("\n") == [TITLE, *rows, *items]


def test_running_heads_of_pdf_pages_removed() -> None:
    pages = [
        f"{TITLE}\n某局办公室\n{BODY}\n第 1 页 共 3 页",
        f"{TITLE}\n某局办公室\n一、工作情况\n完成任务。\n第 2 页 共 3 页",
        f"{TITLE}\n某局办公室\n二、存在问题\n学习不够。\n第 3 页 共 3 页",
    ]
    assert clean_text("\n".join(pages)).split("\n") == [
        TITLE,
        BODY,
        "一、工作情况",
        "完成任务。",
        "二、存在问题",
        "学习不够。",
    ]


def test_repeated_sentences_are_not_page_furniture() -> None:
    raw = f"{TITLE}\n完成任务。\n完成任务。\n完成任务。\n一、工作情况\n一、工作情况"
    assert clean_text(raw).count("完成任务。") == 3
