"""Export: the .docx must look like a GB/T 9704-2012 page in Word and in LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assistant.export import (
    ExportSection,
    numbered_headings,
    safe_filename,
    to_docx,
    to_markdown,
)
from assistant.text.citations import strip_citations
from assistant.text.headings import line_level
from assistant.text.numerals import cn_numeral
from tests.conftest import require_tool

TITLE = "2025年市局党组意识形态工作情况报告"
PREAMBLE = (
    "2025年以来，局党组坚持以习近平新时代中国特色社会主义思想为指导，全面落实意识形态工作"
    "责任制〔F1〕，牢牢掌握意识形态工作领导权。现将有关情况报告如下。"
)
WORK = (
    "一、工作情况\n"  # the draft repeats its heading: must not be printed twice
    "（一）坚持理论学习宣讲，把稳思想方向。全年召开理论学习中心组集中学习会议16次〔F2〕，"
    "开展专题研讨3次。\n"
    "（二）强化制度建设保障\n"
    "局党组制定《意识形态工作责任制实施细则》〔F3〕，明确责任分工。\n"
    "1.压实主体责任。党组书记履行第一责任人职责。\n"
    "一是定期研判形势；二是及时处置舆情。"
)
PROBLEMS = (
    "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。一是理论学习形式单一，"
    "以集中读文件为主〔F1〕；二是基层专职宣传干部仅有3名，力量薄弱[F2]；三是全年仅开展意识形态"
    "形势研判2次，研判不够深入〔F3、F4〕。【待补充：原因分析】"
)
SECTIONS = [
    ExportSection("", 1, PREAMBLE),
    ExportSection("一、工作情况", 1, WORK),
    ExportSection("存在问题", 1, PROBLEMS),  # no marker: numbered 二、
    ExportSection("加强队伍建设", 2, "配齐配强基层专职宣传干部。"),
]

EA = qn("w:eastAsia")


# ------------------------------------------------------------------ pure helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力量薄弱〔F2〕。", "力量薄弱。"),
        ("力量薄弱[F2]；", "力量薄弱；"),
        ("研判不够深入〔F3、F4〕。", "研判不够深入。"),
        ("见 [F1, F2] 与［F3］", "见 与"),
        ("区间〔F1-F3〕完", "区间完"),
        ("（F12）括号", "括号"),
        ("【待补充：具体数字】〔F1〕", "【待补充：具体数字】"),
        ("【待补充：F1 对应的数字】", "【待补充：F1 对应的数字】"),
        ("第[1]条与〔一〕不是引用", "第[1]条与〔一〕不是引用"),
        ("Firefox[FX] 不变", "Firefox[FX] 不变"),
    ],
)
def test_strip_citations(text: str, expected: str) -> None:
    assert strip_citations(text) == expected


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、工作情况", 1),
        ("十二、其他", 1),
        ("（一）认真总结，统筹谋划。对照市委…", 2),
        ("(三)半角括号", 2),
        ("1.压实主体责任", 3),
        ("2、健全机制", 3),
        ("（1）细项", 4),
        ("一是定期研判形势", "point"),
        ("二要加强学习", "point"),
        ("首先，统一思想", "point"),
        ("第一，提高认识", "point"),
        ("1.2万人次参加培训", None),
        ("2025年以来，局党组", None),
        ("一年来，我们", None),
        ("", None),
    ],
)
def test_line_level(line: str, level: int | str | None) -> None:
    assert line_level(line) == level


@pytest.mark.parametrize(
    ("n", "cn"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (34, "三十四")]
)
def test_cn_number(n: int, cn: str) -> None:
    assert cn_numeral(n) == cn


def test_headings_are_numbered_by_level_unless_marked() -> None:
    sections = [
        ExportSection("", 1, "开头"),
        ExportSection("工作情况", 1, ""),
        ExportSection("学习", 2, ""),
        ExportSection("（五）宣传", 2, ""),
        ExportSection("措施", 3, ""),
        ExportSection("存在问题", 1, ""),
        ExportSection("队伍", 2, ""),
    ]
    assert numbered_headings(sections) == [
        "",
        "一、工作情况",
        "（一）学习",
        "（五）宣传",
        "1.措施",
        "二、存在问题",
        "（一）队伍",
    ]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("2025年工作总结", "2025年工作总结.docx"),
        ("a/b\\c:d*?", "a_b_c_d.docx"),
        ("   ", "工作报告.docx"),
    ],
)
def test_safe_filename(title: str, name: str) -> None:
    assert safe_filename(title, "docx") == name


# ------------------------------------------------------------------ Markdown


def test_markdown_layout() -> None:
    md = to_markdown(TITLE, SECTIONS)
    blocks = md.strip().split("\n\n")
    assert blocks[0] == f"# {TITLE}"
    assert blocks[1].startswith("2025年以来")
    assert "## 一、工作情况" in blocks
    assert md.count("一、工作情况") == 1
    assert "## 二、存在问题" in blocks
    assert "### （一）加强队伍建设" in blocks
    assert "**（二）强化制度建设保障**" in blocks
    assert "〔F" not in md and "[F2]" not in md
    assert "【待补充：原因分析】" in md


def test_markdown_keeps_citations_on_request() -> None:
    md = to_markdown(TITLE, SECTIONS, keep_citations=True)
    assert "责任制〔F1〕" in md and "[F2]" in md


# ------------------------------------------------------------------ .docx structure


@pytest.fixture(scope="module")
def document() -> Any:
    return docx.Document(io.BytesIO(to_docx(TITLE, SECTIONS)))


def _fonts(run: Any) -> tuple[str | None, str | None]:
    rfonts = run._r.rPr.rFonts
    return rfonts.get(qn("w:ascii")), rfonts.get(EA)


def _para(doc: Any, startswith: str) -> Any:
    return next(p for p in doc.paragraphs if p.text.startswith(startswith))


def test_page_is_a4_with_gbt9704_margins_and_grid(document: Any) -> None:
    s = document.sections[0]
    assert round(s.page_width.mm) == 210 and round(s.page_height.mm) == 297
    assert [
        round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    ] == [
        37,
        35,
        28,
        26,
    ]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in the 225 mm type area
    # 156 mm / 28 characters = 15.79 pt, i.e. 0.21 pt under 3号 in 1/4096 pt.
    assert -900 < int(grid.get(qn("w:charSpace"))) < -800


def test_title_is_centred_2hao_xiaobiaosong(document: Any) -> None:
    title = document.paragraphs[0]
    assert title.text == TITLE
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert _fonts(run) == ("方正小标宋简体", "方正小标宋简体")
    assert document.paragraphs[1].text == ""  # one blank line under the title


def test_body_is_3hao_fangsong_indented_two_chars_exact_spacing(document: Any) -> None:
    p = _para(document, "2025年以来")
    assert p.paragraph_format.first_line_indent == Pt(32)
    assert p._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(p.paragraph_format.line_spacing.pt - 28.95) < 0.01
    for run in p.runs:
        assert run.font.size == Pt(16)
        assert _fonts(run) == ("仿宋_GB2312", "仿宋_GB2312")
    # Characters condensed so 28 fit in 156 mm.
    assert p.runs[0]._r.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(EA) == "仿宋_GB2312"


@pytest.mark.parametrize(
    ("start", "font", "bold", "lead"),
    [
        ("一、工作情况", "黑体", False, "一、工作情况"),
        ("二、存在问题", "黑体", False, "二、存在问题"),
        ("（一）加强队伍建设", "楷体_GB2312", False, "（一）加强队伍建设"),
        ("（一）坚持理论学习宣讲", "楷体_GB2312", False, "（一）坚持理论学习宣讲，把稳思想方向。"),
        ("（二）强化制度建设保障", "楷体_GB2312", False, "（二）强化制度建设保障"),
        ("1.压实主体责任", "仿宋_GB2312", True, "1.压实主体责任。"),
        ("一是定期研判形势", "仿宋_GB2312", False, "一是定期研判形势；二是及时处置舆情。"),
    ],
)
def test_heading_levels_get_their_typeface(
    document: Any, start: str, font: str, bold: bool, lead: str
) -> None:
    p = _para(document, start)
    first = p.runs[0]
    assert first.text == lead
    assert _fonts(first) == (font, font)
    assert bool(first.font.bold) is bold
    assert first.font.size == Pt(16)
    for rest in p.runs[1:]:  # the body after a run-in lead phrase is plain 仿宋
        assert _fonts(rest) == ("仿宋_GB2312", "仿宋_GB2312")
        assert not rest.font.bold


def test_heading_line_repeated_in_draft_is_printed_once(document: Any) -> None:
    assert [p.text for p in document.paragraphs].count("一、工作情况") == 1


def test_citations_stripped_placeholders_highlighted(document: Any) -> None:
    text = "\n".join(p.text for p in document.paragraphs)
    assert "〔F" not in text and "[F2]" not in text
    placeholder = next(r for p in document.paragraphs for r in p.runs if r.text.startswith("【"))
    assert placeholder.text == "【待补充：原因分析】"
    assert placeholder.font.highlight_color is not None


def test_citations_kept_on_request() -> None:
    doc = docx.Document(io.BytesIO(to_docx(TITLE, SECTIONS, keep_citations=True)))
    assert "责任制〔F1〕" in _para(doc, "2025年以来").text


def test_page_numbers_odd_right_even_left_with_page_field(document: Any) -> None:
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    s = document.sections[0]
    for footer, align, side in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert getattr(p.paragraph_format, side) == Pt(14)  # 空一字
        assert p.text == "— 1 —"
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        kinds = [f.get(qn("w:fldCharType")) for f in p._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        for run in p.runs:
            assert run.font.size == Pt(14)
            assert _fonts(run) == ("宋体", "宋体")


def test_footer_sits_7mm_below_type_area(document: Any) -> None:
    s = document.sections[0]
    assert Mm(20) <= s.footer_distance <= Mm(28)


def test_empty_report_still_opens() -> None:
    doc = docx.Document(io.BytesIO(to_docx("", [])))
    assert all(p.text == "" for p in doc.paragraphs)


# ------------------------------------------------------------------ LibreOffice


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    r = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return bool(r.stdout.strip())


@pytest.fixture(scope="session")
def soffice() -> str:
    exe = require_tool("libreoffice", "soffice")
    # Without a CJK font the layout (22 lines of 28 characters) cannot be checked either.
    if not _has_cjk_font():
        pytest.fail("没有中文字体（fonts-noto-cjk）：请先运行 make sysdeps（run make sysdeps）", pytrace=False)
    return exe


def _long_sections() -> list[ExportSection]:
    para = "局党组坚持把意识形态工作作为党的建设的重要内容，纳入重要议事日程，与业务工作同部署同落实同检查同考核。"
    return [
        *SECTIONS,
        ExportSection("下步打算", 1, "\n".join([para * 3] * 12)),
    ]


@pytest.fixture(scope="module")
def pdf(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lo")
    src = out / "report.docx"
    src.write_bytes(to_docx(TITLE, _long_sections()))
    profile = out / "profile"  # own profile: never collides with another LibreOffice running
    r = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    target = out / "report.pdf"
    assert target.is_file(), f"LibreOffice did not convert the file: {r.stdout} {r.stderr}"
    return target


def _pages(pdf: Path) -> list[Any]:
    from pypdf import PdfReader

    return list(PdfReader(pdf).pages)


def _lines(page: Any) -> list[str]:
    return [ln for ln in ("".join(page.extract_text().split(" "))).splitlines() if ln.strip()]


@pytest.mark.slow
def test_libreoffice_opens_the_docx_with_title_and_body(pdf: Path) -> None:
    pages = _pages(pdf)
    assert len(pages) >= 2
    first = "".join(pages[0].extract_text().split())
    assert TITLE in first
    assert "现将有关情况报告如下。" in first
    assert "〔F" not in first
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1  # A4 in points


@pytest.mark.slow
def test_libreoffice_lays_out_22_lines_of_28_characters(pdf: Path) -> None:
    body = [ln for ln in _lines(_pages(pdf)[1]) if "—" not in ln]  # a full page of body text
    assert len(body) == 22
    assert max(len(ln) for ln in body) == 28


@pytest.mark.slow
def test_libreoffice_page_numbers_alternate_sides(pdf: Path) -> None:
    pages = _pages(pdf)
    for index, page in enumerate(pages[:2]):
        xs: list[float] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, xs: list[float] = xs) -> None:
            if "—" in text:
                xs.append(float(tm[4]) * float(cm[0]) + float(cm[4]))

        text = page.extract_text(visitor_text=visit)
        assert f"— {index + 1} —" in text or f"—{index + 1}—" in "".join(text.split())
        assert xs, "no page number drawn"
        middle = float(page.mediabox.width) / 2
        if index % 2 == 0:
            assert min(xs) > middle  # odd page (1, 3, …): right
        else:
            assert max(xs) < middle  # even page: left


def test_citations_in_headings_are_stripped_too() -> None:
    sections = [ExportSection("存在问题〔F2〕", 1, "正文。")]
    assert "## 一、存在问题\n" in to_markdown("", sections)
    doc = docx.Document(io.BytesIO(to_docx("", sections)))
    assert [p.text for p in doc.paragraphs if p.text] == ["一、存在问题", "正文。"]


@pytest.mark.parametrize(
    ("heading", "text", "printed"),
    [
        ("存在问题", "二、存在问题\n正文。", ["一、存在问题", "正文。"]),
        ("存在问题", "三、存在问题\n正文。", ["一、存在问题", "正文。"]),
        ("二、存在问题", "存在问题\n正文。", ["二、存在问题", "正文。"]),
        ("存在问题", "存在问题较多。\n正文。", ["一、存在问题", "存在问题较多。", "正文。"]),
    ],
)
def test_heading_repeated_in_the_text_is_dropped(
    heading: str, text: str, printed: list[str]
) -> None:
    doc = docx.Document(io.BytesIO(to_docx("", [ExportSection(heading, 1, text)])))
    assert [p.text for p in doc.paragraphs if p.text] == printed
