"""The user's material as numbered facts F1, F2 … with their numbers, dates, titles and status.

Users paste anything: one fact a line, bullets, "1." / "1、" / "（1）" / "①" lists, "一是…二是…"
inside a paragraph, or a whole paragraph of sentences. Each becomes one Fact; enumerators are
stripped so the drafter can reuse the words as written.
"""

from __future__ import annotations

import re

from assistant.models import Fact, FactStatus
from assistant.review.numbers import extract_quantities, status_of, titles

# Leading bullets and enumerators of a line (repeated: "- 1. …").
_LEAD_RE = re.compile(
    r"^\s*(?:"
    r"[-•*·●▪◆◇■□○►>—–]+\s*"
    r"|F\d+\s*[.:：、)）]?\s*"
    r"|[〔\[【]F\d+[〕\]】]\s*"
    r"|\d{1,2}\s*[.．、](?!\d)\s*"
    r"|\d{1,2}\s*[)）]\s*"
    r"|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]\s*"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]\s*"
    r"|[①-⑳]\s*"
    r"|第[一二三四五六七八九十]{1,3}\s*[，,、：:]\s*"
    r"|(?:首先|其次|再次|最后)\s*[，,、：:]?\s*"
    r")"
)
# In-paragraph point enumerators: 一是 二是 …, 一要 二要 …, 一抓 …, 第一，第二，
_POINT_RE = re.compile(
    r"(?<![\u4e00-\u9fff])(?:[一二三四五六七八九十]{1,2}是|[一二三四五六七八九十]{1,2}要"
    r"|[一二三四五六七八九十]{1,2}抓|第[一二三四五六七八九十]{1,2}[，,、])"
    r"|(?<=[。；;，,：:\s])(?:[一二三四五六七八九十]{1,2}是|[一二三四五六七八九十]{1,2}要"
    r"|[一二三四五六七八九十]{1,2}抓|第[一二三四五六七八九十]{1,2}[，,、])"
)
_SENT_END = "。！？；!?;"
_CLOSERS = "”’」』）)》"
_TRAIL = " \t\u3000。；;，,、：:！？!?"
_CN_ORD = "一二三四五六七八九十"


def _strip_lead(line: str) -> str:
    prev = None
    while prev != line:
        prev = line
        line = _LEAD_RE.sub("", line, count=1)
    return line


def _split_sentences(text: str) -> list[str]:
    """Split at 。！？； keeping a closing quote or bracket with its sentence."""
    parts: list[str] = []
    buf = ""
    i = 0
    while i < len(text):
        c = text[i]
        buf += c
        i += 1
        if c in _SENT_END:
            while i < len(text) and text[i] in _CLOSERS:
                buf += text[i]
                i += 1
            parts.append(buf)
            buf = ""
    if buf.strip():
        parts.append(buf)
    return parts


def _ord_value(marker: str) -> int:
    head = marker.lstrip("第")[:-1] if marker.startswith("第") else marker[:-1]
    head = head.rstrip("，,、")
    table = {c: i + 1 for i, c in enumerate(_CN_ORD)}
    if len(head) == 1:
        return table.get(head, 0)
    if len(head) == 2 and head[0] == "十":
        return 10 + table.get(head[1], 0)
    return 0


def _split_points(text: str) -> list[str]:
    """ "一是…；二是…" -> the points, when the markers run 一, 二, … in order."""
    marks = list(_POINT_RE.finditer(text))
    seq = []
    expect = 1
    for m in marks:
        if _ord_value(m.group()) == expect:
            seq.append(m)
            expect += 1
    if len(seq) < 2:
        return [text]
    out = []
    head = text[: seq[0].start()]
    # "今年工作有三个特点：一是…" — a lead-in ending in a colon announces the points, states nothing
    if head.strip(_TRAIL) and not head.rstrip().endswith(("：", ":")):
        out.append(head)
    for j, m in enumerate(seq):
        end = seq[j + 1].start() if j + 1 < len(seq) else len(text)
        out.append(text[m.end() : end])
    return out


def _is_label(line: str) -> bool:
    """A short heading such as "存在问题：" or "素材" carries no fact."""
    s = line.strip()
    return bool(s) and s[-1] in "：:" and len(s) <= 16 and not re.search(r"\d", s)


def split_facts(text: str) -> list[str]:
    """The fact texts, in the user's order, enumerators and trailing punctuation stripped."""
    out: list[str] = []
    for raw_line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _strip_lead(raw_line.strip())
        if not line.strip() or _is_label(line):
            continue
        for point in _split_points(line):
            for sent in _split_sentences(point):
                piece = _strip_lead(sent.strip()).strip(_TRAIL)
                if piece:
                    out.append(piece)
    return out


def make_fact(fid: str, text: str) -> Fact:
    return Fact(
        id=fid,
        text=text,
        quantities=extract_quantities(text),
        titles=[t.text for t in titles(text)],
        status=_status(text),
    )


def _status(text: str) -> FactStatus:
    s = status_of(text)
    if s == "done":
        return "done"
    return "planned" if s == "planned" else "none"


def parse_facts(text: str) -> list[Fact]:
    """Split the user's material into numbered facts F1, F2 … with what each one states."""
    return [make_fact(f"F{i}", t) for i, t in enumerate(split_facts(text), 1)]


_NORM_DROP = re.compile(r"[\s\W_]+")


def norm_fact(text: str) -> str:
    """Fact text for comparison: no spaces or punctuation, full-width digits and letters folded."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return _NORM_DROP.sub("", folded).lower()


def merge_facts(existing: str, new: str) -> tuple[str, list[str], list[str]]:
    """Add the facts of ``new`` to the material ``existing`` (one fact a line at the end).

    Returns (the material, the facts added, the facts left out because they repeat one that is
    already there: the same words, or words contained in an existing fact).
    """
    have = [norm_fact(t) for t in split_facts(existing)]
    added: list[str] = []
    repeated: list[str] = []
    for text in split_facts(new):
        key = norm_fact(text)
        if not key:
            continue
        if any(key == h or (len(key) >= 6 and key in h) for h in have):
            repeated.append(text)
            continue
        have.append(key)
        added.append(text)
    if not added:
        return existing, added, repeated
    base = existing.rstrip()
    return (base + "\n" if base else "") + "\n".join(added), added, repeated
