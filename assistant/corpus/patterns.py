"""Regular expressions shared by cleaning and structure (compiled once: parsing must be fast)."""

from __future__ import annotations

import re

# Chinese numerals used in heading markers and point enumerators.
CN_DIGITS = "一二三四五六七八九十"
CN_NUM = f"[{CN_DIGITS}]{{1,3}}"

# Characters treated as "Chinese" for spacing and punctuation rules: CJK ideographs plus the
# full-width punctuation that surrounds them.
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
CJK = f"[{CJK_CHARS}]"
CJK_OR_PUNCT = f"[{CJK_CHARS}{CJK_PUNCT}]"
HAN_RE = re.compile(CJK)

# Heading markers at the start of a line, by family. The families are ranked: a heading nests
# under the nearest open heading of a lower rank.
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

# The loader joins the cells of a table row with this; cleaning never joins such lines.
TABLE_SEP = "｜"

# Sentence ends, for heading/body splits and lead phrases.
SENT_END = "。！？!?"
TERMINAL_RE = re.compile(r"[。！？!?；;：:…”\"’'）)》」』】]$")

_CJK_SINGLES = frozenset("\u2014\u2018\u2019\u201c\u201d\u2026\u00b7")


def is_cjk(ch: str) -> bool:
    """A Chinese character or full-width punctuation (the same set as CJK_OR_PUNCT)."""
    if not ch:
        return False
    c = ch[0]
    return (
        "\u4e00" <= c <= "\u9fff"
        or "\uff00" <= c <= "\uffef"
        or "\u3000" <= c <= "\u303f"
        or c in _CJK_SINGLES
        or "\u3400" <= c <= "\u4dbf"
        or "\uf900" <= c <= "\ufaff"
    )


CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def cn_to_int(s: str) -> int:
    """Chinese numeral up to 99 ("十一", "二十", "三") -> int; 0 when not a numeral."""
    if not s:
        return 0
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = CN_VALUES.get(tens, 0) if tens else 1
        o = CN_VALUES.get(ones, 0) if ones else 0
        if (tens and tens not in CN_VALUES) or (ones and ones not in CN_VALUES):
            return 0
        return t * 10 + o
    if len(s) == 1:
        return CN_VALUES.get(s, 0)
    return 0


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


# dispatch on the first character: only the families that can start with it are tried
_BY_CN = (HEADING_FAMILIES[0],)
_BY_PAREN = (HEADING_FAMILIES[1], HEADING_FAMILIES[3])
_BY_DIGIT = (HEADING_FAMILIES[2],)
