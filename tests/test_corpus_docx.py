"""Word files: headings numbered by Word's automatic numbering (no "一、" in the text) keep their
numbers, tables keep their text, and a seed rebuilt as .docx gives the seed's outline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree

from assistant.corpus import parse_file
from assistant.corpus.wordnum import W_NS, chinese_counting, format_number
from assistant.text.headings import match_heading
from tests.conftest import SEEDS

NUMBERING_XML = f"""
<w:numbering xmlns:w="{W_NS}">
  <w:abstractNum w:abstractNumId="90">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="（%2）"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%3."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
</w:numbering>
"""

FAMILY_LEVEL = {"一、": 0, "（一）": 1, "1.": 2}


def _install_numbering(doc: Any) -> None:
    """Add our multilevel list (一、/（一）/1.) to the document's numbering part."""
    numbering = doc.part.numbering_part.element
    defs = etree.fromstring(NUMBERING_XML)
    abstract = defs.find(f"{{{W_NS}}}abstractNum")
    num = defs.find(f"{{{W_NS}}}num")
    # abstractNum elements must precede num elements
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)


def _numbered(doc: Any, text: str, ilvl: int) -> None:
    p = doc.add_paragraph(text)
    ppr = p._p.get_or_add_pPr()
    numpr = etree.SubElement(ppr, f"{{{W_NS}}}numPr")
    etree.SubElement(numpr, f"{{{W_NS}}}ilvl").set(f"{{{W_NS}}}val", str(ilvl))
    etree.SubElement(numpr, f"{{{W_NS}}}numId").set(f"{{{W_NS}}}val", "90")


def _docx_from_lines(lines: list[str], path: Path, table: list[list[str]] | None = None) -> None:
    """Headings lose their typed marker and get Word numbering instead."""
    doc = Document()
    _install_numbering(doc)
    for k, line in enumerate(lines):
        m = match_heading(line)
        if m is not None and m[0] in FAMILY_LEVEL and k > 0:
            _numbered(doc, line[len(m[1]) :], FAMILY_LEVEL[m[0]])
        else:
            doc.add_paragraph(line)
        if table and k == 1:
            t = doc.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    t.cell(r, c).text = cell
    doc.save(str(path))


def _outline(path: Path) -> list[tuple[int, str, str, int, int]]:
    return [
        (s.level, s.heading, str(s.role), s.shape.n_children, s.shape.n_points)
        for s in parse_file(path).sections
    ]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_as_docx_with_auto_numbering_gives_same_outline(seed: Path, tmp_path: Path) -> None:
    original = parse_file(seed)
    lines = original.text.split("\n")
    assert any(match_heading(x) for x in lines[1:])
    out = tmp_path / f"{seed.stem}.docx"
    _docx_from_lines(lines, out)
    assert _outline(out) == _outline(seed)
    assert parse_file(out).text == original.text


def test_three_level_numbering_and_table(tmp_path: Path) -> None:
    lines = [
        "2023年度工作总结",
        "今年以来，我局认真贯彻落实上级决策部署，各项工作取得新进展。现将有关情况报告如下：",
        "一、主要成效",
        "（一）理论学习扎实开展。",
        "1.中心组学习。",
        "全年开展集中学习12次。",
        "2.专题研讨。",
        "开展专题研讨3次。",
        "（二）阵地建设不断加强。",
        "1.网站管理。",
        "更新信息200余条。",
        "二、存在问题",
        "一是学习形式单一；二是创新不足。",
        "三、下步打算",
        "（一）深化理论武装。",
        "持续开展学习。",
    ]
    table = [["项目", "数量", "备注"], ["集中学习", "12次", "全年"], ["专题研讨", "3次", "季度"]]
    out = tmp_path / "numbered.docx"
    _docx_from_lines(lines, out, table=table)
    r = parse_file(out)
    assert [(s.id, s.heading) for s in r.sections[1:]] == [
        ("1", "一、主要成效"),
        ("1.1", "（一）理论学习扎实开展。"),
        ("1.1.1", "1.中心组学习。"),
        ("1.1.2", "2.专题研讨。"),
        ("1.2", "（二）阵地建设不断加强。"),
        ("1.2.1", "1.网站管理。"),
        ("2", "二、存在问题"),
        ("3", "三、下步打算"),
        ("3.1", "（一）深化理论武装。"),
    ]
    assert [str(s.role) for s in r.sections if s.level == 1] == [
        "achievements",
        "problems",
        "plans",
    ]
    assert r.section("1.1.1").level == 3
    assert r.section("2").shape.n_points == 2
    # table text is kept, one row per line, cells separated
    assert "集中学习｜12次｜全年" in r.sections[0].body
    assert "项目｜数量｜备注" in r.text


def test_typed_marker_is_not_doubled(tmp_path: Path) -> None:
    """A paragraph that is numbered and also starts with the same typed marker keeps one."""
    doc = Document()
    _install_numbering(doc)
    doc.add_paragraph("工作总结")
    _numbered(doc, "一、工作情况", 0)
    doc.add_paragraph("完成了任务。")
    out = tmp_path / "double.docx"
    doc.save(str(out))
    assert parse_file(out).sections[1].heading == "一、工作情况"


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (23, "chineseCountingThousand", "二十三"),
        (3, "decimal", "3"),
        (3, "upperLetter", "C"),
        (4, "lowerRoman", "iv"),
        (2, "decimalEnclosedCircle", "②"),
        (2, "ideographTraditional", "乙"),
        (5, "chineseLegalSimplified", "伍"),
    ],
)
def test_number_formats(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_chinese_counting_hundreds() -> None:
    assert chinese_counting(105) == "一百零五"
    assert chinese_counting(110) == "一百一十"


def test_numbering_inherited_from_paragraph_style(tmp_path: Path) -> None:
    """Numbering attached to the "Heading 1" style reaches paragraphs of that style."""
    doc = Document()
    _install_numbering(doc)
    style = doc.styles["Heading 1"].element
    ppr = style.get_or_add_pPr()
    numpr = etree.SubElement(ppr, f"{{{W_NS}}}numPr")
    etree.SubElement(numpr, f"{{{W_NS}}}numId").set(f"{{{W_NS}}}val", "90")
    doc.add_paragraph("2023年工作总结")
    doc.add_paragraph("工作情况", style="Heading 1")
    doc.add_paragraph("完成了年度任务。")
    doc.add_paragraph("存在问题", style="Heading 1")
    doc.add_paragraph("一是学习不深；二是创新不足。")
    out = tmp_path / "styled.docx"
    doc.save(str(out))
    r = parse_file(out)
    assert [(s.heading, str(s.role)) for s in r.sections[1:]] == [
        ("一、工作情况", "achievements"),
        ("二、存在问题", "problems"),
    ]


def test_start_override_continues_numbering(tmp_path: Path) -> None:
    doc = Document()
    _install_numbering(doc)
    numbering = doc.part.numbering_part.element
    num = etree.SubElement(numbering, f"{{{W_NS}}}num")
    num.set(f"{{{W_NS}}}numId", "91")
    etree.SubElement(num, f"{{{W_NS}}}abstractNumId").set(f"{{{W_NS}}}val", "90")
    ov = etree.SubElement(num, f"{{{W_NS}}}lvlOverride")
    ov.set(f"{{{W_NS}}}ilvl", "0")
    etree.SubElement(ov, f"{{{W_NS}}}startOverride").set(f"{{{W_NS}}}val", "3")
    doc.add_paragraph("报告")
    p = doc.add_paragraph("下步打算")
    numpr = etree.SubElement(p._p.get_or_add_pPr(), f"{{{W_NS}}}numPr")
    etree.SubElement(numpr, f"{{{W_NS}}}ilvl").set(f"{{{W_NS}}}val", "0")
    etree.SubElement(numpr, f"{{{W_NS}}}numId").set(f"{{{W_NS}}}val", "91")
    out = tmp_path / "override.docx"
    doc.save(str(out))
    from assistant.corpus.load import load_document

    text, _ = load_document(out)
    assert "三、下步打算" in text.split("\n")
