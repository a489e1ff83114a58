"""Numbers, dates, titles and placeholders in Chinese report text.

Fact parsing (``assistant.text.facts``) and the review read "二十余次", "20余次", "1.2万人次" and
"2024年3月" the same way through these functions. Every function keeps character offsets of
the text it was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.models import Quantity
from assistant.text.citations import CITATION_RE, Span, citations
from assistant.text.numerals import CN_NUM_CHARS, cn_to_number
from assistant.text.units import (
    PREFIX_QUALIFIERS,
    UNITS,
    direction,
    units_compatible,
)

# Full-width digits/letters/signs map 1:1 onto ASCII, so offsets survive the translation.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％ＸｘＮｎ＊",
    "0123456789.%XxNn*",
)


def to_halfwidth(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one (offsets unchanged)."""
    return text.translate(_FULLWIDTH)


# Political set phrases whose numerals are not quantities ("四个意识", "一岗双责", "十四五").
SET_PHRASES = ["四个意识", "四个自信", "两个维护", "两个确立", "两个务必", "两个大局", "两个责任", "两个巩固", "三个代表", "三会一课", "两学一做", "一岗双责", "一把手", "一盘棋", "一张蓝图", "五位一体", "四个全面", "三严三实", "三重一大", "一带一路", "十四五", "十五五", "十三五", "六稳", "六保", "三农", "两新组织", "两个一百年", "四史", "一线", "第一责任人", "一票否决", "一体化", "三审三校", "三审", "一网通办", "最多跑一次", "一事一议", "一村一策", "一人一档", "一户一策", "双一流", "五个一", "六个一", "六进", "四下基层", "三个务必", "二十大", "十九大", "十八大", "二十届", "十九届", "三中全会", "四中全会", "五中全会", "六中全会", "二中全会", "一中全会", "七中全会"]
_SET_RE = re.compile("|".join(sorted(map(re.escape, SET_PHRASES), key=len, reverse=True)))

_ARABIC = r"\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
# "四点三亿元", "五十六点三万人次": a Chinese decimal keeps its fraction
_CN = f"[{CN_NUM_CHARS}]+(?:点[零〇一二两三四五六七八九]+)?"
_UNIT_RE = "|".join(map(re.escape, UNITS))

_QTY_RE = re.compile(
    rf"(?P<num>{_ARABIC}|{_CN})"
    r"(?P<mult1>[万亿千](?![万亿]))?"
    r"(?P<qual>[余多])?"
    r"(?P<mult2>[万亿])?"
    rf"(?P<unit>{_UNIT_RE})?"
    r"(?P<post>左右|以上|以下)?"
)
_PCT_RE = re.compile(rf"百分之(?P<num>{_ARABIC}|{_CN})")
_YEAR_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年(?!代)"
    r"(?:\s*(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
    r"(?:\s*(?P<d>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])\s*[日号])?)?"
)
_MD_RE = re.compile(
    r"(?<![\d年])(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
    r"(?:\s*(?P<d>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])\s*[日号])?"
)

# Enumerators that are not quantities: 1. 2、 (3) （4） ① at a line or clause start.
_ENUM_RE = re.compile(r"(?<![^\n。；;：:！？!?\s])\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]")
TITLE_RE = re.compile(r"《[^《》\n]{1,80}》")
QUOTE_RE = re.compile(r"[“\"「『]([^“”\"「」『』\n]{1,60})[”\"」』]")

# Anonymisation slots left in text: X, xx, XX, ×, **, n as a number, 【待补充…】, 20xx.
PLACEHOLDER_RE = re.compile(
    r"【[^【】\n]{0,60}】"
    r"|(?<![A-Za-z])(?:[Xx]{1,4}|[×✕╳]{1,4}|○{2,}|□{2,})(?![A-Za-z])"
    r"|\*{2,}|＊+"
    r"|(?<![A-Za-z])n(?=\s*(?:[余多]?(?:" + _UNIT_RE + r")|[年月日]))"
)


def mask(text: str, spans: Iterable[tuple[int, int]], fill: str = "\u2003") -> str:
    """Blank out spans with a filler no pattern matches, keeping every offset."""
    chars = list(text)
    for s, e in spans:
        for i in range(max(s, 0), min(e, len(chars))):
            if chars[i] != "\n":
                chars[i] = fill
    return "".join(chars)


def titles(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in TITLE_RE.finditer(text)]


def norm_title(title: str) -> str:
    t = re.sub(r"\s+", "", title).strip("《》")
    # scraped samples write the inner brackets as "<;…>;", "<…>" or "〈…〉"
    return t.replace("<;", "〈").replace(">;", "〉").replace("<", "〈").replace(">", "〉")


# Markdown bold a model may emit ("**一、工作情况**", "一是**加强理论武装**。"): a pair of ** that
# opens after a line start, space, punctuation or an enumerator and closes before one. The
# samples' "**区“打造**新兴产业" slot closes before a character, so it stays a placeholder.
_MD_BOLD_RE = re.compile(
    r"(?<![^\s，。；：、！？,.;:!?是要])\*\*(?=[^*\s])[^*\n]{1,40}?(?<=[^*\s])\*\*"
    r"(?=$|[\s，。；：、！？,.;:!?])",
    re.M,
)


def placeholders(text: str) -> list[Span]:
    """Slots left in the text. Citation markers like 【F2】 and Markdown bold are not slots."""
    found: list[Span] = []
    skip = [(c.start, c.end) for c in citations(text)]
    for m in _MD_BOLD_RE.finditer(text):
        skip += [(m.start(), m.start() + 2), (m.end() - 2, m.end())]
    for m in PLACEHOLDER_RE.finditer(to_halfwidth(text)):
        if any(s <= m.start() < e for s, e in skip):
            continue
        found.append(Span(m.start(), m.end(), text[m.start() : m.end()]))
    return found


def _ignored_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose digits are not claims: citations, enumerators, set phrases, title interiors."""
    spans = [(m.start(), m.end()) for m in CITATION_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _ENUM_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _SET_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in TITLE_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text) if m.group()[0] == "【"]
    return spans


def _cn_in_quotes(text: str) -> list[tuple[int, int]]:
    """Chinese numerals inside “…” are slogans ("五个一工程"), never counts."""
    return [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)]


def _num_value(raw: str) -> float | None:
    if raw[0].isdigit():
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            return None
    if "点" in raw:
        whole, frac = raw.split("点", 1)
        head = cn_to_number(whole)
        digits = [cn_to_number(c) for c in frac]
        if head is None or any(d is None for d in digits):
            return None
        return float(f"{int(head)}." + "".join(str(int(d or 0)) for d in digits))
    return cn_to_number(raw)


def _cn_day(raw: str | None) -> int:
    if not raw:
        return 0
    if raw.isdigit():
        return int(raw)
    v = cn_to_number(raw)
    return int(v) if v is not None else 0


def _year_value(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    v = cn_to_number(raw)
    return int(v) if v is not None else 0


def date_parts(q: Quantity) -> tuple[int, int, int]:
    """(year, month, day) of a date/year Quantity; 0 where the text does not say."""
    if q.kind == "year":
        return int(q.value), 0, 0
    v = int(q.value)
    return v // 10000, (v // 100) % 100, v % 100


def extract_quantities(text: str) -> list[Quantity]:
    """Every quantity, date and year in ``text`` with offsets, normalised for comparison.

    "1.2万人次" -> 12000 人次; "二十余场次" -> 20 场次 (余); "2024年3月" -> date 20240300.
    Citations (〔F12〕), enumerators (1. （2） 三是), set phrases (四个意识), titles and
    【…】 slots are skipped. A Chinese numeral counts only with a unit after it, and a lone 一
    ("一个", "一次") is a determiner, not a claim.
    """
    src = to_halfwidth(text)
    work = mask(src, _ignored_spans(src))
    quoted = _cn_in_quotes(work)
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _YEAR_RE.finditer(work):
        y = _year_value(m.group("y"))
        if not 1900 <= y <= 2100:
            continue
        mo = _cn_day(m.group("m"))
        d = _cn_day(m.group("d"))
        if mo:
            q = Quantity(
                text[m.start() : m.end()],
                float(y * 10000 + mo * 100 + d),
                "",
                "",
                m.start(),
                m.end(),
                "date",
            )
        else:
            q = Quantity(text[m.start() : m.end()], float(y), "年", "", m.start(), m.end(), "year")
        out.append(q)
        taken.append((m.start(), m.end()))
    for m in _MD_RE.finditer(work):
        if not free(m.start(), m.end()):
            continue
        if not m.group("m")[0].isdigit() and any(a <= m.start() < b for a, b in quoted):
            continue
        mo, d = _cn_day(m.group("m")), _cn_day(m.group("d"))
        if not 1 <= mo <= 12:
            continue
        out.append(
            Quantity(
                text[m.start() : m.end()], float(mo * 100 + d), "", "", m.start(), m.end(), "date"
            )
        )
        taken.append((m.start(), m.end()))
    for m in _PCT_RE.finditer(work):
        v = _num_value(m.group("num"))
        if v is None or not free(m.start(), m.end()):
            continue
        out.append(Quantity(text[m.start() : m.end()], v, "%", "", m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _QTY_RE.finditer(work):
        s, e = m.start(), m.end()
        raw = m.group("num")
        unit = m.group("unit") or ""
        if not free(s, e):
            continue
        arabic = raw[0].isdigit()
        before = work[s - 1] if s > 0 else ""
        after = work[e] if e < len(work) else ""
        if arabic:
            # "F12", "5G", "qq2群": digits glued to Latin letters are names, not counts.
            if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
                continue
            if before == "." or (before.isdigit()):
                continue
        else:
            if not unit and not m.group("mult2"):
                continue
            if before == "第" or any(a <= s < b for a, b in quoted):
                continue
            if raw == "一" and not m.group("mult1") and not m.group("mult2"):
                continue
            if raw in ("万", "亿", "千", "百") or raw[0] in "万亿":
                continue
            # "三个方面的问题", "两个层面": the draft's own structure, not a count of work done
            if unit == "个" and re.match(r"\s*(?:方面|层面|维度|环节|阶段|步骤|特点)", work[e:]):
                continue
        value = _num_value(raw)
        if value is None:
            continue
        for mult in (m.group("mult1"), m.group("mult2")):
            if mult:
                value *= {"万": 10_000, "亿": 100_000_000, "千": 1000}[mult]
        qual = m.group("qual") or ""
        if not qual:
            for p in PREFIX_QUALIFIERS:
                if work[max(0, s - len(p)) : s] == p:
                    qual = p
                    break
        if not qual and m.group("post"):
            qual = m.group("post")
        if unit == "年" and arabic and 1900 <= value <= 2100:
            continue  # handled as a year above
        out.append(Quantity(text[s:e], value, unit, qual, s, e, "quantity"))
        taken.append((s, e))
    out.sort(key=lambda q: q.start)
    return out


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def quantity_matches(draft_q: Quantity, fact_q: Quantity) -> bool:
    """Whether a draft quantity says the same as a fact quantity (value, unit family, date parts).

    Qualifiers may be dropped or softened ("20余次" ~ "20次" ~ "约20次") but not turned round:
    "近300篇" written as "300余篇" is a changed number.
    """
    if direction(draft_q.qualifier) * direction(fact_q.qualifier) < 0:
        return False
    if draft_q.kind == "quantity" or fact_q.kind == "quantity":
        if draft_q.kind != fact_q.kind:
            # a bare "2024" in one text and "2024年" in the other
            return {draft_q.kind, fact_q.kind} == {"quantity", "year"} and same_value(
                draft_q.value, fact_q.value
            )
        return same_value(draft_q.value, fact_q.value) and units_compatible(
            draft_q.unit, fact_q.unit
        )
    dy, dm, dd = date_parts(draft_q)
    fy, fm, fd = date_parts(fact_q)
    return all(not d or d == f for d, f in ((dy, fy), (dm, fm), (dd, fd)))
