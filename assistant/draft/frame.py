"""The frame of a section: heading, formulas, point pattern, separators, and its points.

One parser serves both sides of structure transfer: it reads an exemplar's subtree text to learn
the frame, and it reads a draft (ours or a model's) back so a revision can edit points and
re-render. ``render(parse_section(draft)) == draft`` holds for the offline drafter's output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from assistant.text.citations import CITATION_RE, cited_ids, strip_citations
from assistant.text.headings import H2_RE, H3_RE, H4_RE, HEADING_RE
from assistant.text.numerals import CN_NUM, cn_numeral, cn_to_int

Layout = Literal["inline", "paragraphs", "children", "prose"]

# Child headings by family; the capture is the ordinal.
CHILD_MARKER_RES: dict[str, re.Pattern[str]] = {"（一）": H2_RE, "1.": H3_RE, "（1）": H4_RE}

# Point enumerators by family; the capture is the ordinal.
POINT_STYLES = ("一是", "一要", "一抓", "首先", "第一")
_ORDINAL_WORDS = ("首先", "其次", "再次", "然后", "最后")
_BOUNDARY = r"(?:(?<=^)|(?<=[\n。；：，！？]))"
POINT_RES: dict[str, re.Pattern[str]] = {
    "一是": re.compile(rf"{_BOUNDARY}({CN_NUM})是"),
    "一要": re.compile(rf"{_BOUNDARY}({CN_NUM})要"),
    "一抓": re.compile(rf"{_BOUNDARY}({CN_NUM})抓"),
    "首先": re.compile(rf"{_BOUNDARY}(首先|其次|再次|然后|最后)[，,]?"),
    "第一": re.compile(rf"{_BOUNDARY}第({CN_NUM})[，、,]"),
}

PLACEHOLDER_LEAD = "【待补充：本条小标题】"
# A run of citations after a sentence: "A〔F1〕〔F2〕，B…".
_CITE_RUN_RE = re.compile(rf"((?:\s*(?:{CITATION_RE.pattern}))+)", re.I)
CONNECTIVES = ("同时，", "此外，", "另外，")


def point_marker(style: str, i: int) -> str:
    """The enumerator of the i-th (1-based) point in a style: 一是, 二要, 其次, 第三，."""
    if style == "首先":
        return _ORDINAL_WORDS[min(i - 1, len(_ORDINAL_WORDS) - 1)] + "，" if i > 1 else "首先，"
    if style == "第一":
        return f"第{cn_numeral(i)}，"
    return cn_numeral(i) + (style[1:] if style in ("一是", "一要", "一抓") else "是")


def child_marker(style: str, i: int) -> str:
    if style == "1.":
        return f"{i}."
    if style == "（1）":
        return f"（{i}）"
    return f"（{cn_numeral(i)}）"


# ---- normalisation ---------------------------------------------------------------------------
_CJK = r"\u4e00-\u9fff"
_FULL = {";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


# URLs, e-mail addresses and domain names are kept exactly as the user wrote them.
_VERBATIM = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+"
    r"|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?:www\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]*"
)


def to_fullwidth(text: str) -> str:
    """Half-width punctuation in Chinese text to full width; spaces inside Chinese removed.

    Decimal points, thousands separators and times (1,000 / 27.4 / 10:30) are kept, and so are
    URLs and e-mail addresses ("http://" stays "http://").
    """
    kept: list[str] = []

    def stash(m: re.Match[str]) -> str:
        kept.append(m.group())
        return f"\x00{len(kept) - 1}\x00"

    t = _to_fullwidth(_VERBATIM.sub(stash, text))
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], t)


def _to_fullwidth(text: str) -> str:
    t = text.replace("\u3000", " ")
    t = re.sub(rf"(?<=[{_CJK}\d%）”》])\s+(?=[{_CJK}（“《])", "", t)
    t = re.sub(rf"(?<=[{_CJK}（“《，。；：])\s+(?=[{_CJK}\d])", "", t)
    t = re.sub(r",(?!\d)|(?<!\d),", "，", t)
    t = re.sub(r":(?!\d)|(?<!\d):", "：", t)
    for a, b in _FULL.items():
        if a in ":":
            continue
        t = t.replace(a, b)
    t = re.sub(rf"(?<=[{_CJK}”）])\.(?!\d)", "。", t)
    # ASCII double quotes alternate open/close.
    parts = t.split('"')
    if len(parts) > 1:
        t = parts[0] + "".join(("“" if i % 2 else "”") + p for i, p in enumerate(parts[1:], 1))
    t = t.replace("<;", "<").replace("&lt;", "<")
    return t.strip()


def replace_heading(text: str, heading: str) -> str:
    """The draft with ``heading`` as its heading line (added when the draft has none)."""
    if not heading:
        return text
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    m = HEADING_RE.match(first)
    # A heading line is short; a first point "一、…。…" running on is body, not a heading.
    if m and "。" not in first[:-1] and len(first) <= 30:
        return "\n".join([heading, *lines[1:]])
    return "\n".join([heading, *lines])


def visible_len(text: str) -> int:
    """Characters a reader counts: no whitespace, no 〔F1〕 citation marks."""
    return len(re.sub(r"\s", "", strip_citations(text)))


# ---- the frame ---------------------------------------------------------------------------------
@dataclass
class Seg:
    """One sentence of a point: the text (without its citation) and the facts it cites."""

    text: str
    facts: list[str] = field(default_factory=list)


@dataclass
class Item:
    """A point (一是…) or a child section (（一）…) of a frame."""

    lead: str | None
    segs: list[Seg] = field(default_factory=list)
    raw: str = ""  # the item's text as read (for exemplars: matching and formulas)


@dataclass
class Frame:
    heading_marker: str = ""  # "二、"; "" when the section has no heading of its own
    title: str = ""  # "存在的主要问题"
    layout: Layout = "prose"
    style: str = "一是"  # point family, or child marker family in the children layout
    sep: str = "；"  # between inline points
    has_leads: bool = False
    opening: list[str] = field(default_factory=list)  # sentences before the points
    opening_inline: bool = True  # the first point follows the opening in the same paragraph
    closing: list[str] = field(default_factory=list)  # paragraphs after the points
    child_inline: bool = True  # a child's body follows its heading on the same line
    items: list[Item] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.heading_marker}{self.title}" if self.heading_marker or self.title else ""

    def copy(self) -> Frame:
        return replace(
            self,
            opening=list(self.opening),
            closing=list(self.closing),
            items=[Item(it.lead, [Seg(s.text, list(s.facts)) for s in it.segs], it.raw) for it in self.items],
        )


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？ (or the text's end); quotes and brackets stay whole."""
    out: list[str] = []
    buf = ""
    depth = 0
    for ch in text:
        buf += ch
        if ch in "“《（【":
            depth += 1
        elif ch in "”》）】" and depth:
            depth -= 1
        elif ch in "。！？" and depth == 0:
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return [s for s in out if s]


def _split_lead(text: str, max_lead: int = 30) -> tuple[str | None, str]:
    """A point's lead phrase: a short first sentence ending in 。 with more text after it."""
    sents = split_sentences(text)
    if len(sents) >= 2 and sents[0].endswith("。"):
        lead = sents[0][:-1]
        rest = text[len(sents[0]) :].strip() if text.startswith(sents[0]) else "".join(sents[1:])
        if 2 <= len(strip_citations(lead)) <= max_lead and len(rest) >= 4 and not cited_ids(lead):
            return lead, rest
    return None, text


def parse_segs(body: str) -> list[Seg]:
    """Split a point body into cited sentences: "A〔F1〕，同时B〔F2〕" -> [A/F1, B/F2]."""
    segs: list[Seg] = []
    pos = 0
    for m in _CITE_RUN_RE.finditer(body):
        chunk = body[pos : m.start()]
        pos = m.end()
        segs.append(Seg(_clean_seg(chunk), cited_ids(m.group(1))))
    tail = _clean_seg(body[pos:])
    if tail:
        segs.append(Seg(tail, []))
    return [s for s in segs if s.text or s.facts]


def _clean_seg(chunk: str) -> str:
    t = chunk.strip().lstrip("，；。、 ")
    for c in (*CONNECTIVES, "同时", "此外"):
        if t.startswith(c):
            t = t[len(c) :].lstrip("，")
    return t.rstrip("，；。 ")


def _find_points(para: str, style: str) -> list[re.Match[str]]:
    """Enumerators of one family in order (一是, 二是, …); [] unless at least two in sequence."""
    rx = POINT_RES[style]
    found: list[re.Match[str]] = []
    want = 1
    for m in rx.finditer(para):
        n = (
            _ORDINAL_WORDS.index(m.group(1)) + 1
            if style == "首先"
            else cn_to_int(m.group(1))
        )
        if style == "首先":
            if (not found and m.group(1) == "首先") or (found and m.group(1) != "首先"):
                found.append(m)
        elif n == want:
            found.append(m)
            want += 1
    return found if len(found) >= 2 else []


def parse_section(text: str) -> Frame:
    """Read a section's subtree text (heading line, body, children) into a Frame."""
    lines = [to_fullwidth(ln) for ln in text.replace("\r", "").split("\n")]
    lines = [ln for ln in lines if ln]
    # Gap paragraphs at the end (a drafter's 【待补充：…】 for a missing part) are closing.
    tail: list[str] = []
    while len(lines) > 1 and lines[-1].startswith("【待补充"):
        tail.insert(0, lines.pop())
    frame = _parse_lines(lines)
    frame.closing.extend(tail)
    return frame


def _parse_lines(lines: list[str]) -> Frame:
    frame = Frame()
    if lines and (hm := HEADING_RE.match(lines[0])):
        head = lines.pop(0)
        frame.heading_marker = hm.group(0).replace(".", "．").replace("．", ".")
        title = head[hm.end() :].strip()
        if "。" in title[:-1]:  # heading running into its body
            title, _, rest = title.partition("。")
            lines.insert(0, rest.strip())
        frame.title = title.rstrip("。：:").strip()
    # Children: lines starting with a marker of another family than the heading's.
    child_style = ""
    for ln in lines:
        for st, rx in CHILD_MARKER_RES.items():
            if rx.match(ln) and not (frame.heading_marker and rx.match(frame.heading_marker)):
                child_style = st
                break
        if child_style:
            break
    if child_style:
        rx = CHILD_MARKER_RES[child_style]
        own: list[str] = []
        blocks: list[list[str]] = []
        for ln in lines:
            if rx.match(ln):
                blocks.append([ln])
            elif blocks:
                blocks[-1].append(ln)
            else:
                own.append(ln)
        if len(blocks) >= 2:
            frame.layout = "children"
            frame.style = child_style
            inline_votes = 0
            for block in blocks:
                first = block[0][rx.match(block[0]).end() :].strip()  # type: ignore[union-attr]
                lead, rest = _split_lead(first, max_lead=40)
                if lead is None:
                    lead, rest = first.rstrip("。"), ""
                inline_votes += 1 if rest else -1
                body = "".join([rest, *block[1:]])
                frame.items.append(Item(lead or None, parse_segs(body), body))
            frame.child_inline = inline_votes >= 0
            frame.has_leads = True
            frame.opening = [s for ln in own for s in split_sentences(ln)]
            frame.opening_inline = False
            return frame
    _parse_points(frame, lines)
    return frame


def _parse_points(frame: Frame, lines: list[str]) -> None:
    # The first family with a sequence wins: inline within one paragraph, or across paragraphs.
    for style in POINT_STYLES:
        for i, para in enumerate(lines):
            ms = _find_points(para, style)
            if ms:
                _take_inline(frame, lines, i, para, ms, style)
                return
        starts = [i for i, ln in enumerate(lines) if POINT_RES[style].match(ln)]
        seq = _find_points("\n".join(lines[i] for i in starts), style) if starts else []
        if len(seq) >= 2:
            _take_paragraphs(frame, lines, starts[: len(seq)], style)
            return
    # No points: the paragraphs are kept as they are (closing = "paragraphs after the points").
    frame.layout = "prose"
    frame.closing = list(lines)


def _take_inline(
    frame: Frame, lines: list[str], i: int, para: str, ms: list[re.Match[str]], style: str
) -> None:
    frame.layout = "inline"
    frame.style = style
    before = para[: ms[0].start()].strip()
    frame.opening = [s for ln in lines[:i] for s in split_sentences(ln)] + split_sentences(before)
    frame.opening_inline = bool(before)
    seps: list[str] = []
    for k, m in enumerate(ms):
        end = ms[k + 1].start() if k + 1 < len(ms) else len(para)
        chunk = para[m.end() : end].strip()
        if k + 1 < len(ms) and chunk and chunk[-1] in "；。":
            seps.append(chunk[-1])
        frame.items.append(_item(chunk.rstrip("；。"), max_lead=30))
    frame.sep = "。" if seps.count("。") > seps.count("；") else "；"
    frame.has_leads = sum(1 for it in frame.items if it.lead) * 2 > len(frame.items)
    if not frame.has_leads:
        for it in frame.items:  # a "lead" in a minority of points is just a short sentence
            if it.lead:
                it.segs = parse_segs(it.raw)
                it.lead = None
    frame.closing = lines[i + 1 :]


def _take_paragraphs(frame: Frame, lines: list[str], starts: list[int], style: str) -> None:
    frame.layout = "paragraphs"
    frame.style = style
    frame.opening = [s for ln in lines[: starts[0]] for s in split_sentences(ln)]
    frame.opening_inline = False
    rx = POINT_RES[style]
    for k, st in enumerate(starts):
        # Paragraphs after the last point continue it (a point may run over paragraphs).
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        text = "".join(lines[st:end])
        m = rx.match(text)
        assert m is not None
        frame.items.append(_item(text[m.end() :].strip().rstrip("。；"), max_lead=30))
    frame.has_leads = sum(1 for it in frame.items if it.lead) * 2 > len(frame.items)
    if not frame.has_leads:
        for it in frame.items:
            it.segs = parse_segs(it.raw)
            it.lead = None


def _item(chunk: str, max_lead: int) -> Item:
    lead, rest = _split_lead(chunk, max_lead=max_lead)
    return Item(lead, parse_segs(rest), chunk)


# ---- rendering ---------------------------------------------------------------------------------
def _join_segs(segs: list[Seg], joiner: str, connectives: bool) -> str:
    parts: list[str] = []
    for k, s in enumerate(segs):
        cite = "".join(f"〔{f}〕" for f in s.facts)
        text = s.text
        if k in (1, 2) and connectives and s.facts and not text.startswith("【"):
            word = "同时" if k == 1 else "此外"
            text = (word + "，" if joiner == "。" else word) + text
        parts.append(text + cite)
    return joiner.join(parts)


def render(frame: Frame, connectives: bool = True) -> str:
    """The frame as draft text: heading line, paragraphs joined by newlines."""
    paras: list[str] = []
    if frame.heading:
        paras.append(frame.heading)
    opening = "".join(frame.opening)
    items = frame.items
    # one point is not a list: no "一是" standing alone
    marker = (lambda st, k: "") if len(items) == 1 else point_marker
    if frame.layout == "children":
        if opening:
            paras.append(opening)
        for k, it in enumerate(items, 1):
            head = child_marker(frame.style, k) + (it.lead or PLACEHOLDER_LEAD)
            body = _join_segs(it.segs, "。", connectives)
            body = body + "。" if body else ""
            if frame.child_inline:
                paras.append(f"{head}。{body}" if body else f"{head}。")
            else:
                paras.append(head)
                if body:
                    paras.append(body)
    elif frame.layout == "paragraphs":
        if opening:
            paras.append(opening)
        for k, it in enumerate(items, 1):
            lead = (it.lead or PLACEHOLDER_LEAD) + "。" if frame.has_leads else ""
            body = _join_segs(it.segs, "。", connectives)
            paras.append(marker(frame.style, k) + lead + (body + "。" if body else ""))
    elif frame.layout == "prose" and not items:
        if opening:
            paras.append(opening)
    else:  # inline (a prose frame that gained points renders them inline)
        joiner = "，" if frame.sep == "；" else "。"
        chunks: list[str] = []
        for k, it in enumerate(items, 1):
            lead = (it.lead or PLACEHOLDER_LEAD) + "。" if frame.has_leads else ""
            body = _join_segs(it.segs, joiner, connectives)
            chunks.append(marker(frame.style, k) + lead + body)
        text = frame.sep.join(chunks) + ("。" if chunks else "")
        if opening and frame.opening_inline:
            paras.append(opening + text)
        else:
            if opening:
                paras.append(opening)
            if text:
                paras.append(text)
    paras.extend(frame.closing)
    return "\n".join(p for p in paras if p)
