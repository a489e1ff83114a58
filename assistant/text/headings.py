"""Heading markers of Chinese official documents: 一、 （一） 1. （1）, and point enumerators.

The four families are ranked: a heading nests under the nearest open heading of a lower rank.
Half-width brackets and blanks inside them ("(一)", "（ 2 ）") are accepted when reading; the
product writes the full-width forms (``heading_marker``).
"""

from __future__ import annotations

import re

from assistant.text.numerals import CN_DIGITS, CN_NUM, cn_numeral, cn_to_int

H1_RE = re.compile(rf"^({CN_NUM})、")
H2_RE = re.compile(rf"^[（(]\s*({CN_NUM})\s*[）)]")
H3_RE = re.compile(r"^(\d{1,2})[.．、](?!\d)")
H4_RE = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]")

HEADING_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", H1_RE),
    ("（一）", H2_RE),
    ("1.", H3_RE),
    ("（1）", H4_RE),
)
FAMILY_RANK = {name: i for i, (name, _) in enumerate(HEADING_FAMILIES)}
# Any heading marker at a line start (levels 1-4).
HEADING_RE = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in HEADING_FAMILIES))
# In-paragraph point enumerators at a line start: 一是 二要 三抓 首先 第一，
POINT_LEAD_RE = re.compile(rf"^(?:{CN_NUM}[是要抓]|首先|其次|再次|最后|第{CN_NUM}[，,、])")
# Any marker a heading or a point opens with (blanks before it allowed): "二、", "（三）", "1.",
# "（2）", "一是", "第一，", and the ". ．" that scraped or typed text puts after 一/二 ("一.").
MARKER_RE = re.compile(
    r"^\s*(?:"
    + "|".join(rx.pattern.removeprefix("^") for _, rx in HEADING_FAMILIES)
    + rf"|{CN_NUM}[.．]|"
    + POINT_LEAD_RE.pattern.removeprefix("^")
    + ")"
)

# dispatch on the first character: only the families that can start with it are tried
_BY_CN = (HEADING_FAMILIES[0],)
_BY_PAREN = (HEADING_FAMILIES[1], HEADING_FAMILIES[3])
_BY_DIGIT = (HEADING_FAMILIES[2],)


def match_heading(line: str) -> tuple[str, str, int] | None:
    """(family, marker, number) when the line starts with a heading marker, else None."""
    if not line:
        return None
    first = line[0]
    if first in CN_DIGITS:
        candidates: tuple[tuple[str, re.Pattern[str]], ...] = _BY_CN
    elif first in "（(":
        candidates = _BY_PAREN
    elif "0" <= first <= "9":
        candidates = _BY_DIGIT
    else:
        return None
    for family, rx in candidates:
        m = rx.match(line)
        if m:
            n = cn_to_int(m.group(1))
            if n <= 0:
                return None
            return family, m.group(0), n
    return None


def line_level(line: str) -> int | str | None:
    """The level a line's opening marker signals: 1–4, "point" (一是…), or None for plain text."""
    s = line.lstrip()
    for level, (_, rx) in enumerate(HEADING_FAMILIES, 1):
        if rx.match(s):
            return level
    return "point" if POINT_LEAD_RE.match(s) else None


def heading_marker(level: int, n: int) -> str:
    """The n-th marker of a level: (1, 2) -> "二、", (2, 3) -> "（三）", (3, 4) -> "4.", (4, 5) -> "（5）"."""
    if level <= 1:
        return f"{cn_numeral(n)}、"
    if level == 2:
        return f"（{cn_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def strip_heading_marker(line: str) -> str:
    """ "二、存在的主要问题" -> "存在的主要问题"; a line without a marker comes back stripped."""
    s = line.strip()
    m = HEADING_RE.match(s)
    return s[m.end() :].strip() if m else s
