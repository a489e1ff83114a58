"""Export a section or an assembled report as .docx (GB/T 9704-2012 page) or Markdown.

python-docx names only the Latin fonts of a run (w:ascii/w:hAnsi); Chinese text takes the
w:eastAsia font, so every run, style and the document defaults name all four slots explicitly.
Fonts a machine lacks fall back (LibreOffice on Linux picks Noto CJK); we name them anyway so
Word and WPS on an office machine use the official typefaces.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assistant.text.citations import strip_citations
from assistant.text.headings import heading_marker, line_level, strip_heading_marker

# GB/T 9704-2012 typefaces and sizes (2号 = 22 pt, 3号 = 16 pt, 4号 = 14 pt).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LEVEL_FONTS: dict[int, str] = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
PAGE_NUMBER_FONT = "宋体"
TITLE_PT = 22.0
BODY_PT = 16.0
PAGE_NUMBER_PT = 14.0

# Page: A4, margins top 37, bottom 35, left 28, right 26 (mm) -> type area 156 x 225 mm.
PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
_MM_PT = 72 / 25.4
# 225 mm / 22 lines = 28.99 pt; the usual 28.95 pt (579 twips) leaves Word a hair of slack so
# the 22nd line is never pushed to the next page. Exact line spacing and the grid's pitch.
LINE_PT = 28.95
LINE_PITCH_TWIPS = round(LINE_PT * 20)
# 156 mm / 28 chars = 15.79 pt per character: 3号 characters must sit 0.21 pt closer than
# their size. w:charSpace records that (difference from the 16 pt default in 1/4096 pt), but
# Word applies it only to a "linesAndChars" grid, and LibreOffice lays out such a grid with a
# cell narrower than the glyph as two cells per character (14 characters a line). So the grid
# is "lines" (22 lines, honoured by Word, WPS and LibreOffice alike) and every 3号 run is
# condensed by 0.25 pt (w:spacing -5 twentieths), which gives 28 characters a line everywhere.
CHAR_PITCH_PT = (PAGE_W_MM - LEFT_MM - RIGHT_MM) * _MM_PT / CHARS_PER_LINE
CHAR_SPACE = round((CHAR_PITCH_PT - BODY_PT) * 4096)
CONDENSE_TWENTIETHS = -5
GRID_TYPE = "lines"
# The page number's dash line sits 7 mm below the type area.
FOOTER_MM = BOTTOM_MM - 7 - 5

# A run-in lead phrase ends at the first 。 (or ：) when it is short.
_LEAD_MAX = 40
_LEAD_END = re.compile(r"[。：:]")
_PLACEHOLDER = re.compile(r"【[^】\n]*】")


@dataclass
class ExportSection:
    """One section of the exported text. ``heading`` may carry its marker ("一、工作情况") or not
    ("工作情况": a marker for the level is added); "" for a section without heading."""

    heading: str
    level: int  # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）
    text: str  # body lines; may contain its own （一）/1./一是 lines


def numbered_headings(sections: list[ExportSection]) -> list[str]:
    """Each section's heading with its marker: kept when present, else numbered by level."""
    counters = [0, 0, 0, 0, 0]
    out: list[str] = []
    for s in sections:
        level = min(max(s.level, 1), 4)
        heading = s.heading.strip()
        if not heading:
            out.append("")
            continue
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        out.append(heading if line_level(heading) in (1, 2, 3, 4) else
                   heading_marker(level, counters[level]) + heading)  # fmt: skip
    return out


def _body_lines(section: ExportSection, heading: str, keep_citations: bool) -> list[str]:
    text = section.text if keep_citations else strip_citations(section.text)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    # Drafts and exemplar subtrees often repeat their heading as the first line, sometimes with
    # another number ("三、存在问题" in a draft that becomes the report's 二、).
    if lines and heading and strip_heading_marker(lines[0]) == strip_heading_marker(strip_citations(heading)):
        lines = lines[1:]
    return lines


def _split_lead(line: str, level: int | str | None) -> tuple[str, str]:
    """(lead, rest) of a line opening with a heading marker: the whole line when it is short and
    has no body, the run-in lead phrase up to its first 。 otherwise, else ("", line)."""
    if level not in (1, 2, 3, 4):
        return "", line
    m = _LEAD_END.search(line)
    sp = re.search(r"\s+", line)
    if level == 1 and sp and sp.start() <= _LEAD_MAX and (not m or sp.start() < m.start()):
        # "一、总体要求 意识形态工作是…": the heading runs into its body after a space.
        return line[: sp.start()], line[sp.end() :]
    if m and m.end() <= _LEAD_MAX and m.end() < len(line):
        return line[: m.end()], line[m.end() :]
    if len(line) <= _LEAD_MAX and not (m and m.end() < len(line)):
        return line, ""
    return "", line


# ---------------------------------------------------------------------------------------
# Markdown


def to_markdown(title: str, sections: list[ExportSection], keep_citations: bool = False) -> str:
    """The report as Markdown: # title, ## 一、, ### （一）, #### 1.; body lines as paragraphs."""
    out: list[str] = []
    if title.strip():
        out.append(f"# {title.strip()}")
    for section, heading in zip(sections, numbered_headings(sections), strict=True):
        if heading:
            shown = heading if keep_citations else strip_citations(heading)
            out.append("#" * (min(max(section.level, 1), 4) + 1) + " " + shown)
        for line in _body_lines(section, heading, keep_citations):
            lead, rest = _split_lead(line, line_level(line))
            # A stand-alone sub-heading line is set in bold; a run-in one stays plain because
            # CommonMark does not close ** between "。" and a following character.
            out.append(f"**{lead}**" if lead and not rest else line)
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# .docx


def _set_run_fonts(rpr: Any, name: str) -> None:
    """Name the font in all four slots; drop theme fonts, which would win over explicit names."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _style_run(run: Any, font: str, size_pt: float, bold: bool = False) -> None:
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._r.get_or_add_rPr()
    _set_run_fonts(rpr, font)
    if size_pt == BODY_PT:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
        rpr.find(qn("w:sz")).addprevious(spacing)  # schema order: spacing before sz


def _add_run(paragraph: Any, text: str, font: str, size_pt: float, bold: bool = False) -> None:
    """Add text, with 【待补充…】 placeholders highlighted so nobody prints them by mistake."""
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > pos:
            _style_run(paragraph.add_run(text[pos : m.start()]), font, size_pt, bold)
        run = paragraph.add_run(m.group())
        _style_run(run, font, size_pt, bold)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        _style_run(paragraph.add_run(text[pos:]), font, size_pt, bold)


_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                   "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                   "w:sectPr", "w:pPrChange")  # fmt: skip


def _format_paragraph(
    paragraph: Any, *, indent: bool, align: Any, line_pt: float, snap: bool = True
) -> None:
    if not snap:
        # LibreOffice gives a line with a font larger than the grid two grid lines; the title
        # keeps its exact one-line spacing instead (Word ignores the grid for exact spacing).
        el = OxmlElement("w:snapToGrid")
        el.set(qn("w:val"), "0")
        paragraph._p.get_or_add_pPr().insert_element_before(el, *_PPR_AFTER_SNAP)
    pf = paragraph.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(line_pt)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.widow_control = False  # keeps every page at exactly 22 lines
    pf.alignment = align
    if indent:
        pf.first_line_indent = Pt(2 * BODY_PT)
        # Character units, so Word/WPS indent by two grid characters whatever the pitch.
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _body_paragraph(doc: Any, line: str) -> None:
    level = line_level(line)
    p = doc.add_paragraph()
    _format_paragraph(p, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line_pt=LINE_PT)
    lead, rest = _split_lead(line, level)
    if lead and isinstance(level, int):
        if level == 1 and rest and not _LEAD_END.search(lead[-1:]):
            # "一、总体要求 正文…": heading on its own line, body as the next paragraph.
            _add_run(p, lead, LEVEL_FONTS[1], BODY_PT)
            _body_paragraph(doc, rest)
            return
        _add_run(p, lead, LEVEL_FONTS[level], BODY_PT, bold=level == 3)
    if rest:
        _add_run(p, rest, BODY_FONT, BODY_PT)


def _heading_paragraph(doc: Any, heading: str, level: int) -> None:
    p = doc.add_paragraph()
    _format_paragraph(p, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line_pt=LINE_PT)
    p.paragraph_format.keep_with_next = True  # never strand a heading at the foot of a page
    _add_run(p, heading, LEVEL_FONTS[level], BODY_PT, bold=level == 3)


def _page_number_paragraph(footer: Any, align: Any, right_side: bool) -> None:
    """The page number "— N —" with a PAGE field, 4号 宋体, one character in from the margin on its side."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    pf = p.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = Pt(0)
    if right_side:
        pf.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        pf.left_indent = Pt(PAGE_NUMBER_PT)

    def run(text: str = "") -> Any:
        r = p.add_run(text)
        _style_run(r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        return r

    run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        else:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r._r.append(it)
    run("1")  # cached result, replaced by the real number when the page is laid out
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


def _setup_document(doc: Any) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(PAGE_W_MM)
    section.page_height = Mm(PAGE_H_MM)
    section.top_margin = Mm(TOP_MM)
    section.bottom_margin = Mm(BOTTOM_MM)
    section.left_margin = Mm(LEFT_MM)
    section.right_margin = Mm(RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    # Document defaults and Normal: 仿宋_GB2312 3号, exact line spacing, Chinese language.
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_run_fonts(rpr_default, BODY_FONT)
    for tag, val in (("w:sz", "32"), ("w:szCs", "32")):
        el = rpr_default.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr_default.append(el)
        el.set(qn("w:val"), val)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
        spacing.set(qn("w:lineRule"), "exact")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_run_fonts(normal.element.get_or_add_rPr(), BODY_FONT)

    # Odd pages: number on the right; even pages: on the left (w:evenAndOddHeaders).
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, right_side=True)
    _page_number_paragraph(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, right_side=False)


def to_docx(title: str, sections: list[ExportSection], keep_citations: bool = False) -> bytes:
    """The report as a .docx in the GB/T 9704-2012 layout."""
    doc = Document()
    # The template's thumbnail is python-docx's sample page, not this report: drop it.
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rid)
    _setup_document(doc)
    doc.core_properties.title = title.strip()
    doc.core_properties.language = "zh-CN"

    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)

    if title.strip():
        for line in title.strip().splitlines():
            p = doc.add_paragraph()
            _format_paragraph(
                p, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LINE_PT, snap=False
            )
            _add_run(p, line.strip(), TITLE_FONT, TITLE_PT)
        blank = doc.add_paragraph()  # one empty line below the title
        _format_paragraph(blank, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, line_pt=LINE_PT)

    for section, heading in zip(sections, numbered_headings(sections), strict=True):
        if heading:
            if not keep_citations:
                heading = strip_citations(heading)
            _heading_paragraph(doc, heading, min(max(section.level, 1), 4))
        for line in _body_lines(section, heading, keep_citations):
            _body_paragraph(doc, line)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def safe_filename(title: str, ext: str) -> str:
    """A download file name from a Chinese title: no path separators or reserved characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", title.strip()).strip(" ._") or "工作报告"
    return f"{name[:60]}.{ext.lstrip('.')}"
