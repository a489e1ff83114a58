"""Structure: cleaned text -> title, section tree, in-paragraph points and placeholders.

Pure functions over the output of ``clean_text`` (one heading or paragraph per line). Roles are
added afterwards by ``roles.assign_roles``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Placeholder, Point
from assistant.text.headings import FAMILY_RANK, match_heading
from assistant.text.numerals import CN_DIGITS, CN_NUM, cn_to_int

MAX_HEADING_CHARS = 60

# ---- points -------------------------------------------------------------------------------
# A point marker counts only at a boundary: start of a line or after punctuation (spaces allowed).
_POINT_BOUNDARY = frozenset("。；;：:，,！？!?\n")
_POINT_RE = re.compile(
    rf"[{CN_DIGITS}首其再最第](?:"
    rf"[{CN_DIGITS}]{{0,2}}(?<=[{CN_DIGITS}])[是要抓]"
    r"|(?<=首)先|(?<=其)次|(?<=再)次|(?<=最)后"
    rf"|(?<=第)[{CN_DIGITS}]{{1,3}}[，,、：:]"
    r")"
)
_SEQ_ORDER = {"首先": 1, "其次": 2, "再次": 3, "最后": 4}
_VERB_STYLE = {"是": "一是", "要": "一要", "抓": "一抓"}
_LEAD_END_RE = re.compile(r"[。！？!?：:；;]")
MAX_LEAD_CHARS = 30

# ---- placeholders -------------------------------------------------------------------------
# Every pattern below starts with one character class, so the regex engine can skip ahead to
# candidate characters instead of trying each alternative at every position (parsing speed).
_PLACEHOLDER_RE = re.compile(
    r"[*XxＸｘ×nN](?:"
    r"(?<=\*)\*+"
    r"|(?<=[XxＸｘ×])[XxＸｘ×]{0,3}(?:[局区市县镇乡村省厅委部办处科](?![A-Za-z]))?(?![A-Za-z])"
    r"|(?<=[nN])(?=[次个人项名家条篇期场所件天户])"
    r")"
)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def find_placeholders(text: str) -> list[Placeholder]:
    """Anonymised slots ("X", "xx", "**", "×", "n次", "XX局", "20xx") with offsets in ``text``."""
    out: list[Placeholder] = []
    for m in _PLACEHOLDER_RE.finditer(text):
        start, end = m.span()
        first = text[start]
        before = text[start - 1] if start > 0 else ""
        if first != "*" and (_latin(before) or (first in "nN" and before.isdigit())):
            continue  # part of a Latin word ("Excel", "Xbox") or a number
        if first == "×":
            # "3×4" is a multiplication, not a slot
            after = text[end] if end < len(text) else ""
            if before.isdigit() and after.isdigit():
                continue
        if (
            first in "Xx"
            and end - start == 2
            and text[start - 2 : start] in ("19", "20")
            and text[end : end + 1] == "年"
        ):
            start -= 2  # a year slot: "20xx年"
        out.append(Placeholder(text=text[start:end], start=start, end=end))
    return out


@dataclass
class _Cand:
    family: str  # point style
    n: int
    start: int  # marker start
    marker: str
    body_start: int  # after the marker


def _at_boundary(body: str, start: int) -> bool:
    j = start
    while j > 0 and body[j - 1] == " ":
        j -= 1
    return j == 0 or body[j - 1] in _POINT_BOUNDARY


def _candidates(body: str) -> list[_Cand]:
    cands: list[_Cand] = []
    n_body = len(body)
    for m in _POINT_RE.finditer(body):
        start = m.start()
        if not _at_boundary(body, start):
            continue
        tok = m.group(0)
        end = m.end()
        last = tok[-1]
        if tok[0] == "第":
            n = cn_to_int(tok[1:-1])
            family = "第一"
        elif last in _VERB_STYLE:
            n = cn_to_int(tok[:-1])
            family = _VERB_STYLE[last]
        else:
            n = _SEQ_ORDER[tok]
            family = "首先"
            if end < n_body and body[end] in "，,：:":
                end += 1
        if n > 0:
            cands.append(_Cand(family, n, start, body[start:end], end))
    return cands


def _chains(cands: list[_Cand]) -> list[list[_Cand]]:
    """Runs of one family numbered 1, 2, 3 … in order (首先 … 其次/再次 … 最后)."""
    chains: list[list[_Cand]] = []
    open_: dict[str, list[_Cand]] = {}
    for c in cands:
        chain = open_.get(c.family)
        if c.n == 1:
            if chain and len(chain) >= 2:
                chains.append(chain)
            open_[c.family] = [c]
            continue
        if not chain:
            continue
        last = chain[-1].n
        if c.family == "首先":
            if c.n > last or (c.n == last and c.n in (2, 3)):
                chain.append(c)
                if c.n == 4:  # 最后 closes the run
                    chains.append(chain)
                    open_.pop(c.family)
        elif c.n == last + 1:
            chain.append(c)
    chains.extend(ch for ch in open_.values() if len(ch) >= 2)
    return [ch for ch in chains if len(ch) >= 2]


def _lead(body: str, c: _Cand, end: int) -> str | None:
    """The point's short lead phrase: its first sentence when short and followed by more."""
    seg = body[c.body_start : end].lstrip("：:，, ")
    m = _LEAD_END_RE.search(seg)
    if not m or m.group(0) in "；;" or m.start() == 0 or m.start() > MAX_LEAD_CHARS:
        return None
    if not seg[m.end() :].strip():
        return None  # the whole point is one short sentence: no separate lead
    return seg[: m.start()].strip() or None


def find_points(body: str) -> list[Point]:
    """In-paragraph enumerated points (一是…二是…, 一要…, 首先…其次…, 第一，…) of a section body.

    The longest numbered run wins (earliest on ties); the last point runs to the end of the body.
    """
    chains = _chains(_candidates(body))
    if not chains:
        return []
    best = max(chains, key=lambda ch: (len(ch), -ch[0].start))
    points: list[Point] = []
    for k, c in enumerate(best):
        end = best[k + 1].start if k + 1 < len(best) else len(body.rstrip())
        text = body[c.start : end].rstrip()
        points.append(
            Point(
                index=k + 1,
                marker=c.marker,
                lead=_lead(body, c, c.start + len(text)),
                text=text,
                start=c.start,
                end=c.start + len(text),
            )
        )
    return points


def point_style(points: list[Point]) -> str:
    if not points:
        return "none"
    m = points[0].marker
    if m.startswith("第"):
        return "第一"
    if m.startswith("首先"):
        return "首先"
    return _VERB_STYLE.get(m[-1], "none")


# ---- title --------------------------------------------------------------------------------
_SENT_RE = re.compile(r"[。！？!?]")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_BARE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def is_title_line(line: str) -> bool:
    return (
        0 < len(line) <= MAX_HEADING_CHARS
        and match_heading(line) is None
        and not _SENT_RE.search(line)
        and not line.endswith(("，", "；", "：", ",", ";", ":"))
    )


def year_of(title: str) -> int | None:
    m = _YEAR_RE.search(title) or _BARE_YEAR_RE.search(title)
    return int(m.group(1)) if m else None


# ---- section tree -------------------------------------------------------------------------
_TRAIL_PUNCT = "。．.：:；;，, "


@dataclass
class Node:
    """A section before roles and shapes are attached (level 0 = preamble or closing)."""

    id: str
    level: int
    family: str  # heading style; "none" for level 0
    marker: str
    heading: str
    title: str
    line: int  # index of the heading line (first body line for level 0)
    body: str = ""
    parent: int | None = None  # index into the node list
    children: list[int] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)
    kind: str = "section"  # "preamble" | "section" | "closing"


@dataclass
class Tree:
    title: str
    text: str  # the cleaned text, lines joined by "\n"
    nodes: list[Node]


# Formulas that only close a report. "新的一年，我们将…" or "今后，要…" often still carry plan
# content, so they are left in the last section (conservative).
_CLOSING_RE = re.compile(
    r"^(?:总之|总而言之|综上所述|综上|展望未来|让我们|以上|特此|我们相信|我们坚信|站在新的起点)"
)
_DATE_LINE_RE = re.compile(
    r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
_POINT_START_RE = re.compile(rf"^(?:{CN_NUM}[是要抓]|首先|其次|再次|最后|第{CN_NUM}[，,、])")


def _closing_start(lines: list[str], first_body: int, last_head: int) -> int | None:
    """Line index where a closing paragraph (and signature) starts, or None.

    Conservative: only a last paragraph with a closing formula, or a trailing signature/date
    block, that follows other content of the last section.
    """
    end = len(lines)
    k = end
    # signature block: short lines ending in a date
    if end - 1 > last_head and _DATE_LINE_RE.match(lines[end - 1]):
        k = end - 1
        while k - 1 > last_head and len(lines[k - 1]) <= 30 and not _SENT_RE.search(lines[k - 1]):
            k -= 1
    cand = k - 1
    if (
        cand > last_head + 1
        and cand >= first_body
        and _CLOSING_RE.match(lines[cand])
        and not _POINT_START_RE.match(lines[cand])
        and match_heading(lines[cand]) is None
    ):
        return cand
    if k < end and k > last_head + 1:
        return k
    return None


def build_tree(text: str, fallback_title: str = "") -> Tree:
    """Cleaned text -> title + flat node list in document order (preamble first)."""
    lines = [x for x in text.split("\n") if x.strip()]
    first = 1 if lines and is_title_line(lines[0]) else 0
    title = lines[0] if first else fallback_title

    # accepted headings: (line index, family, marker, number, depth, parent node idx)
    nodes: list[Node] = [
        Node(
            id="0",
            level=0,
            family="none",
            marker="",
            heading="",
            title="",
            line=first,
            kind="preamble",
        )
    ]
    stack: list[int] = []  # open heading nodes, outermost first
    last_num: dict[tuple[int, str], int] = {}
    child_count: dict[int, int] = {}
    for i in range(first, len(lines)):
        line = lines[i]
        m = match_heading(line)
        if m is None or len(line) > MAX_HEADING_CHARS:
            continue
        family, marker, n = m
        rank = FAMILY_RANK[family]
        depth = len(stack)
        while depth and FAMILY_RANK[nodes[stack[depth - 1]].family] >= rank:
            depth -= 1
        parent = stack[depth - 1] if depth else -1
        # out of sequence: an enumeration inside the text, not a heading. A text that opens
        # with a heading may start at any number (an excerpt such as one re-parsed section).
        excerpt_start = i == first and len(nodes) == 1
        if n != last_num.get((parent, family), 0) + 1 and not excerpt_start:
            continue
        last_num[(parent, family)] = n
        del stack[depth:]
        child_count[parent] = child_count.get(parent, 0) + 1
        if parent == -1:
            sid = str(child_count[parent])
        else:
            sid = f"{nodes[parent].id}.{child_count[parent]}"
        node = Node(
            id=sid,
            level=depth + 1,
            family=family,
            marker=marker,
            heading=line,
            title=line[len(marker) :].strip().rstrip(_TRAIL_PUNCT) or line,
            line=i,
            parent=parent if parent >= 0 else None,
        )
        nodes.append(node)
        idx = len(nodes) - 1
        if parent >= 0:
            nodes[parent].children.append(idx)
        stack.append(idx)

    head_lines = [nd.line for nd in nodes[1:]]
    closing_at: int | None = None
    if head_lines:
        closing_at = _closing_start(lines, first, head_lines[-1])
    if closing_at is not None:
        nodes.append(
            Node(
                id=str(child_count.get(-1, 0) + 1),
                level=0,
                family="none",
                marker="",
                heading="",
                title="",
                line=closing_at,
                kind="closing",
            )
        )

    # character offsets of every line in the joined text
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    full = "\n".join(lines)
    n_lines = len(lines)

    def line_start(i: int) -> int:
        return starts[i] if i < n_lines else len(full)

    def line_end_before(i: int) -> int:
        # end of the text that precedes line i (without the newline)
        return starts[i] - 1 if i < n_lines else len(full)

    preamble_end = nodes[1].line if len(nodes) > 1 else n_lines
    nodes[0].body = "\n".join(lines[first:preamble_end])
    nodes[0].span = (line_start(first), max(line_start(first), line_end_before(preamble_end)))
    closing_line = closing_at if closing_at is not None else n_lines
    # nodes are in line order; walk backwards remembering the next heading line per level so
    # each subtree end is found in O(1) (a long document has many sections)
    next_at_level: dict[int, int] = {}
    for k in range(len(nodes) - 1, 0, -1):
        nd = nodes[k]
        if nd.kind == "closing":
            nd.body = "\n".join(lines[nd.line :])
            nd.span = (line_start(nd.line), len(full))
            continue
        nxt = nodes[k + 1].line if k + 1 < len(nodes) else n_lines
        nd.body = "\n".join(lines[nd.line + 1 : nxt])
        # subtree ends at the next heading of the same or a higher level, or the closing
        end_line = min(
            [closing_line] + [ln for lvl, ln in next_at_level.items() if lvl <= nd.level]
        )
        next_at_level[nd.level] = nd.line
        nd.span = (line_start(nd.line), max(line_start(nd.line), line_end_before(end_line)))
    return Tree(title=title, text=full, nodes=nodes)


__all__ = [
    "Node",
    "Tree",
    "build_tree",
    "find_placeholders",
    "find_points",
    "is_title_line",
    "point_style",
    "year_of",
]
