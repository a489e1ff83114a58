"""Fact citation markers: one pattern for every reader and writer of 〔F2〕.

The product writes 〔F2〕. Models and users also write [F2] 【F2】 (F2) （F2） ［F2］ [f2], lists
such as 〔F1、F3〕 [F1, F2] (F1和F2) and ranges such as [F1-F3]; all of them are citations, so what
export strips is what the review counts and what the UI highlights. 【待补充…】 is a placeholder,
not a citation (it has no F-number inside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CHARS = "〔[［【(（"
CLOSE_CHARS = "〕]］】)）"
OPEN = r"[〔\[［【(（]"
CLOSE = r"[〕\]］】)）]"
# Between two ids of a list or a range: 、 , ; / 和 及 - ~ or blanks alone. (Blanks are an
# alternative, not a member of the class: otherwise "\s*[ ]\s*" splits a run of blanks in
# exponentially many ways and a regex built on SEP backtracks for seconds.)
SEP = r"(?:\s*[,，、;；/和及\-–—~～]\s*|\s+)"
CITATION_RE = re.compile(rf"{OPEN}\s*F\s*\d+(?:{SEP}(?:F\s*)?\d+)*\s*{CLOSE}", re.I)
# A citation with the blanks before it, for removing it from running text.
_WITH_BLANKS_RE = re.compile(rf"[ \t]*(?:{CITATION_RE.pattern})", re.I)
_ID_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class Span:
    """A matched piece of text with its offsets (citations, titles, placeholders)."""

    start: int
    end: int
    text: str


def format_citation(fact_id: str) -> str:
    """ "F3" -> "〔F3〕", the form the product shows."""
    return f"〔{fact_id}〕"


def ids_in(marker: str) -> list[str]:
    """The fact ids one citation names, in order: "[F1, f3]" -> ["F1", "F3"]."""
    return [f"F{int(n)}" for n in _ID_RE.findall(marker)]


def citations(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in CITATION_RE.finditer(text)]


def cited_ids(text: str) -> list[str]:
    """Every fact id cited in ``text``, first occurrence order, no repeats."""
    ids: list[str] = []
    for m in CITATION_RE.finditer(text):
        for fid in ids_in(m.group()):
            if fid not in ids:
                ids.append(fid)
    return ids


def strip_citations(text: str) -> str:
    """The text without citation markers (and the blanks just before them)."""
    return _WITH_BLANKS_RE.sub("", text)


def canonical_citations(text: str) -> str:
    """Every citation in the product's form: [F3] -> 〔F3〕, (F1、F2) -> 〔F1〕〔F2〕."""
    return CITATION_RE.sub(lambda m: "".join(map(format_citation, ids_in(m.group()))), text)
