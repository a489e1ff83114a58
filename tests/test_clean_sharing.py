"""Cleaning pages copied from document-sharing sites (issue 9.4): the wrapper, page markers that
split sentences, half-width punctuation, run-in level-1 headings, stray spaces in headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from assistant.corpus import parse_text
from assistant.corpus.clean import (
    clean_text,
    rejoin_pages,
    remove_share_wrapper,
    split_heading_body,
)

WRAPPER = (
    "《2024年某县司法局工作总结范文.docx》由会员分享,可在线阅读,更多相关"
    "《2024年某县司法局工作总结范文.docx(5页珍藏版)》请在人人文库网上搜索。"
)
LONG = "县司法局坚持以习近平新时代中国特色社会主义思想为指导，紧紧围绕全县中心工作，充分发挥法治保障作用，"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (WRAPPER, ""),
        (WRAPPER + "1、2024年工作总结", "1、2024年工作总结"),
        ("《某某方案.doc》由用户分享，可在线阅读，更多相关《某某方案.doc(3页珍藏版)》请在金锄头文库上搜索。", ""),
        # a report that merely mentions sharing keeps its text
        ("经验做法由会员分享交流。", "经验做法由会员分享交流。"),
    ],
)
def test_share_wrapper_removed(raw: str, expected: str) -> None:
    assert remove_share_wrapper(raw) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the page break mid-sentence: marker removed, sentence rejoined
        (
            [f"1、{LONG}为经济建设发展提", "2、供安全稳定环境。一、完成的主要工作年初以来，…" + LONG],
            [f"{LONG}为经济建设发展提供安全稳定环境。一、完成的主要工作年初以来，…{LONG}"],
        ),
        # a page that starts with a heading stays its own line
        (
            [f"1、{LONG}为经济建设发展提", "2、供安全稳定环境。" + LONG, f"3、二、存在的问题{LONG}"],
            [f"{LONG}为经济建设发展提供安全稳定环境。{LONG}", f"二、存在的问题{LONG}"],
        ),
        # a PDF copy: short wrapped lines, the title on page 1, page 2 cutting a clause
        (
            ["1、某部长2023年度述职报告", "2023年，本人认真履行职责，在县委的坚", "强领导下，对全县42个党委进行专项检查，",
             "2、发现问题57个，督促整改到位。"],
            ["某部长2023年度述职报告", "2023年，本人认真履行职责，在县委的坚", "强领导下，对全县42个党委进行专项检查，发现问题57个，督促整改到位。"],
        ),
        # real list items after a sentence end or a colon are kept
        (
            ["主要措施如下：", "1、加强学习。", "2、改进作风。", "3、严格考核。"],
            ["主要措施如下：", "1、加强学习。", "2、改进作风。", "3、严格考核。"],
        ),
        (
            ["（一）主要措施", "1、加强学习", "2、改进作风", "3、严格考核"],
            ["（一）主要措施", "1、加强学习", "2、改进作风", "3、严格考核"],
        ),
    ],
)
def test_page_markers(lines: list[str], expected: list[str]) -> None:
    assert rejoin_pages(lines) == expected


@pytest.mark.parametrize(
    ("piece", "parts"),
    [
        ("一、完成的主要工作年初以来，局党组认真落实普法规划，全年开展活动46场次。",
         ["一、完成的主要工作", "年初以来，局党组认真落实普法规划，全年开展活动46场次。"]),
        ("一、意识形 态工作开展基本情况", ["一、意识形态工作开展基本情况"]),
        ("一、总体要求 意识形态工作是党的一项极端重要的工作。", ["一、总体要求", "意识形态工作是党的一项极端重要的工作。"]),
        # a topical heading alone is not cut at a word that can open a body
        ("一、聚焦中心工作坚持服务大局", ["一、聚焦中心工作坚持服务大局"]),
        ("一、加强理论学习，政治站位不断提高", ["一、加强理论学习，政治站位不断提高"]),
    ],
)
def test_split_heading_body(piece: str, parts: list[str]) -> None:
    assert split_heading_body(piece) == parts


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("标题\n我局坚持学习,提高站位:一是抓(学习);二是抓落实。", "我局坚持学习，提高站位：一是抓（学习）；二是抓落实。"),
        ("标题\n完成率达到98.5%,比去年提高2.1个百分点。", "完成率达到98.5%，比去年提高2.1个百分点。"),
        ("标题\n时间:2024年3月,地点:会议室", "时间：2024年3月，地点：会议室"),
    ],
)
def test_half_width_punctuation_between_chinese(raw: str, line: str) -> None:
    assert clean_text(raw).split("\n")[1] == line


SHARED_PAGE = f"""2024年某县司法局工作总结范文.docx
{WRAPPER}
1、2024年某县司法局工作总结 2024年,县司法局在县委、县政府的坚强领导下,坚持以习近平新时代中国特色社会主义思想为指导,紧紧围绕全县中心工作,充分发挥法治保障作用,各项工作取得新成效,为经济建设发展提
2、供安全稳定环境。一、完成的主要工作年初以来,局党组认真落实"八五"普法规划,全年共开展法治宣传活动46场次,发放宣传资料1.2万份,受教育群众3万余人次。(一)法治宣传深入开展。组织"法律进乡村"活动14次,培训村级法律明白人320名。(二)矛盾纠纷有效化解。全县各级调解组织共排查矛盾纠纷1260件,调解成功1231件,成功率97.7%。二、存在的问题一是普法宣传形式较为单一,针对性不够强;二是基层法律服务力量不足,人员年龄结构偏大;三是部分
3、村居调委会作用发挥有待加强。三、2025年工作打算(一)深化普法宣传。将进一步创新宣传形式,力争全年开展活动50场次以上。(二)加强队伍建设。拟招录专职人民调解员10名,着力提升基层法律服务能力。
"""


def test_shared_page_gives_its_real_outline() -> None:
    r = parse_text(SHARED_PAGE)
    assert r.title == "2024年某县司法局工作总结"
    got = [(s.heading, str(s.role)) for s in r.sections if s.level >= 1]
    assert got == [
        ("一、完成的主要工作", "achievements"),
        ("（一）法治宣传深入开展。", "achievements"),
        ("（二）矛盾纠纷有效化解。", "achievements"),
        ("二、存在的问题", "problems"),
        ("三、2025年工作打算", "plans"),
        ("（一）深化普法宣传。", "plans"),
        ("（二）加强队伍建设。", "plans"),
    ]
    for junk in ("由会员分享", "珍藏版", "请在", ".docx", "2、", "3、"):
        assert junk not in r.text
    assert "为经济建设发展提供安全稳定环境。" in r.sections[0].body
    assert "三是部分村居调委会作用发挥有待加强。" in r.section("2").body


def test_outline_command_on_a_shared_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "shared.txt"
    page.write_text(SHARED_PAGE, encoding="utf-8")
    assert main(["outline", str(page)]) == 0
    out = capsys.readouterr().out
    assert "一、完成的主要工作  [工作情况/主要做法" in out
    assert "二、存在的问题  [存在问题" in out
    assert "三、2025年工作打算  [下步打算/工作措施" in out
    for junk in ("由会员分享", "珍藏版", "2、", "3、"):
        assert junk not in out
