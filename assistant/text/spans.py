"""Sentences and clauses of a Chinese text as offsets: the one cutter every reader shares.

A sentence ends at 。！？； or a line end, keeping a closing quote or bracket and a citation
written after the stop ("…为主。〔F1〕"); a clause ends at ，；：。！？ or a line end.
"""

from __future__ import annotations

import re

from assistant.text.citations import citations

_SENT_END = "。！？；!?;\n"
_CLOSERS = "”’」』）)"
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]")
CLAUSE_CUT_RE = re.compile(r"[，,；;：:。！？!?\n]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (and ；-separated point) that has any content."""
    spans: list[tuple[int, int]] = []
    cites = {c.start: c.end for c in citations(text)}
    start = 0
    i = 0
    n = len(text)
    while i < n:
        if text[i] in _SENT_END:
            end = i + 1
            while end < n and text[end] in _CLOSERS:
                end += 1
            j = end
            while j < n and text[j] in " \u3000":
                j += 1
            while j in cites:  # the citation after the stop belongs to this sentence
                end = cites[j]
                j = end
            spans.append((start, end))
            start = end
            i = end
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return [(s, e) for s, e in spans if _CONTENT.search(text[s:e])]


def clause_spans(text: str, base: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the stretches between clause marks, empty ones left out; ``base`` is
    added to every offset (the text's place in a larger one)."""
    out: list[tuple[int, int]] = []
    s = 0
    for m in CLAUSE_CUT_RE.finditer(text):
        if m.start() > s:
            out.append((base + s, base + m.start()))
        s = m.end()
    if len(text) > s:
        out.append((base + s, base + len(text)))
    return out
