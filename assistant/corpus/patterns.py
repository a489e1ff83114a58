"""Regular expressions shared by cleaning and structure (compiled once: parsing must be fast).

Heading markers and numerals live in ``assistant.text`` (shared with export and drafting).
"""

from __future__ import annotations

import re

# Characters treated as "Chinese" for spacing and punctuation rules: CJK ideographs plus the
# full-width punctuation that surrounds them.
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
CJK = f"[{CJK_CHARS}]"
CJK_OR_PUNCT = f"[{CJK_CHARS}{CJK_PUNCT}]"
HAN_RE = re.compile(CJK)

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
