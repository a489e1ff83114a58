"""Word automatic numbering: rebuild the "一、" / "（一）" / "1." text Word draws but does not store.

A numbered paragraph stores only (numId, ilvl); numbering.xml maps numId -> abstractNum whose
levels give the format (chineseCounting, decimal, …), the start value and the text pattern
("%1、", "（%1）", "%1.%2"). We keep one counter set per numId, as Word does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.text.numerals import cn_numeral

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_counting(n: int, legal: bool = False) -> str:
    """Word's chineseCounting: 105 -> 一百零五; zero and negatives stay Arabic as Word shows them."""
    return str(n) if n <= 0 else cn_numeral(n, legal)


def _roman(n: int) -> str:
    vals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: 27 -> AA
    if n <= 0:
        return ""
    k, r = divmod(n - 1, 26)
    return chr(ord("A") + r) * (k + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
    ):
        return chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return chinese_counting(n, legal=True)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything unknown


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Numbering definitions of one document plus the running counters."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)  # startOverride
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def levels(self, num_id: str) -> dict[int, Level]:
        return self.abstract.get(self.nums.get(num_id, ""), {})

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (numId, ilvl) and return the rendered number text."""
        levels = self.levels(num_id)
        if ilvl not in levels:
            return ""
        lvl = levels[ilvl]
        if lvl.fmt == "bullet":
            return ""
        counters = self.counters.setdefault(num_id, {})

        def start_of(i: int) -> int:
            return self.overrides.get((num_id, i), levels[i].start if i in levels else 1)

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start_of(ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = lvl.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in text:
                value = counters.get(i, start_of(i))
                fmt = levels[i].fmt if i in levels else "decimal"
                # "isLgl" is rare in Chinese reports; the level's own format is used
                text = text.replace(token, format_number(value, fmt))
        return text


def _attr(el: Any, name: str) -> str | None:
    if el is None:
        return None
    value = el.get(f"{W}{name}")
    return str(value) if value is not None else None


def parse_numbering(root: Any) -> Numbering:
    """Read numbering.xml (an lxml element) into level definitions."""
    numbering = Numbering()
    if root is None:
        return numbering
    for an in root.findall(f"{W}abstractNum"):
        aid = _attr(an, "abstractNumId") or ""
        levels: dict[int, Level] = {}
        for lvl in an.findall(f"{W}lvl"):
            ilvl = int(_attr(lvl, "ilvl") or 0)
            fmt = _attr(lvl.find(f"{W}numFmt"), "val") or "decimal"
            text = _attr(lvl.find(f"{W}lvlText"), "val")
            start = _attr(lvl.find(f"{W}start"), "val")
            levels[ilvl] = Level(
                fmt=fmt,
                text=text if text is not None else f"%{ilvl + 1}.",
                start=int(start) if start and start.lstrip("-").isdigit() else 1,
            )
        numbering.abstract[aid] = levels
    for num in root.findall(f"{W}num"):
        nid = _attr(num, "numId") or ""
        numbering.nums[nid] = _attr(num.find(f"{W}abstractNumId"), "val") or ""
        for ov in num.findall(f"{W}lvlOverride"):
            ilvl = int(_attr(ov, "ilvl") or 0)
            so = _attr(ov.find(f"{W}startOverride"), "val")
            if so and so.isdigit():
                numbering.overrides[(nid, ilvl)] = int(so)
    return numbering


def paragraph_numpr(p_el: Any, style_numpr: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph, from its own pPr or from its paragraph style."""
    ppr = p_el.find(f"{W}pPr")
    num_id: str | None = None
    ilvl: int | None = None
    style_id: str | None = None
    if ppr is not None:
        numpr = ppr.find(f"{W}numPr")
        if numpr is not None:
            num_id = _attr(numpr.find(f"{W}numId"), "val")
            lv = _attr(numpr.find(f"{W}ilvl"), "val")
            ilvl = int(lv) if lv and lv.isdigit() else None
        style_id = _attr(ppr.find(f"{W}pStyle"), "val")
    if num_id is None and style_id and style_id in style_numpr:
        num_id, style_lvl = style_numpr[style_id]
        ilvl = style_lvl if ilvl is None else ilvl
    if num_id is None or num_id == "0":
        return None
    return num_id, ilvl or 0


def style_numbering(styles_root: Any) -> dict[str, tuple[str, int]]:
    """styleId -> (numId, ilvl) for paragraph styles that carry numbering (following basedOn)."""
    if styles_root is None:
        return {}
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    for st in styles_root.findall(f"{W}style"):
        sid = _attr(st, "styleId")
        if not sid:
            continue
        b = _attr(st.find(f"{W}basedOn"), "val")
        if b:
            based[sid] = b
        ppr = st.find(f"{W}pPr")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            nid = _attr(numpr.find(f"{W}numId"), "val")
            lv = _attr(numpr.find(f"{W}ilvl"), "val")
            own[sid] = (nid, int(lv) if lv and lv.isdigit() else None)
    out: dict[str, tuple[str, int]] = {}
    for sid in {*own, *based}:
        cur: str | None = sid
        seen: set[str] = set()
        while cur and cur not in seen:
            seen.add(cur)
            if cur in own and own[cur][0]:
                own_id, own_lvl = own[cur]
                out[sid] = (str(own_id), own_lvl or 0)
                break
            cur = based.get(cur)
    return out
