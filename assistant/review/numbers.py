"""Numbers, dates, titles, placeholders and status words in Chinese report text.

Shared by fact parsing (``assistant.draft.facts``) and the review (``assistant.review.grounding``)
so both sides read "二十余次", "20余次", "1.2万人次" and "2024年3月" the same way.
Every function keeps character offsets of the text it was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.models import Quantity

# Full-width digits/letters/signs map 1:1 onto ASCII, so offsets survive the translation.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％ＸｘＮｎ＊",
    "0123456789.%XxNn*",
)


def to_halfwidth(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one (offsets unchanged)."""
    return text.translate(_FULLWIDTH)


# ---- Chinese numerals -------------------------------------------------------------------
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"


def cn_to_number(text: str) -> float | None:
    """ "二十" -> 20, "十五" -> 15, "三千" -> 3000, "一万二千" -> 12000, "二〇二四" -> 2024."""
    if not text or any(c not in CN_NUM_CHARS for c in text):
        return None
    if all(c in _CN_DIGITS for c in text):  # digit by digit: 二〇二四
        if len(text) == 1:
            return float(_CN_DIGITS[text])
        return float("".join(str(_CN_DIGITS[c]) for c in text))
    total = 0
    section = 0
    digit: int | None = None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                section = 1
            total += section * _CN_BIG[c]
            section = 0
            digit = None
    section += digit or 0
    return float(total + section)


def _words(text: str) -> list[str]:
    return text.split()


# ---- units ----------------------------------------------------------------------------------
# Longest first so "场次" wins over "场" and "个百分点" over "个".
UNITS = sorted(
    _words("""人次 场次 期次 篇次 个百分点 百分点 平方公里 平方米 公里 千米 小时 课时 学时 个月 个 次 场 篇 条 期
    家 册 元 名 人 位 项 件 起 天 户 所 处 支 批 份 本 套 台 辆 间 座 米 亩 吨 倍 类 门 节 轮 组 部 首
    幅 张 块 种 届 年 周 岁 笔 单 例 堂 讲 班 % ‰"""),
    key=len,
    reverse=True,
)

# Units that say the same thing in other words (场 ~ 场次 ~ 次); "" matches any unit.
_UNIT_FAMILY: dict[str, str] = {}
for _fam, _members in {
    "event": "次 场 场次 期 期次 轮 批 届 堂 讲 班 节",
    "item": "个 家 处 所 座 间 户 支 项 件 类 种 套 台 块 张 本 册 份 部 条 篇 篇次 首 幅 笔 单 门 组",
    "incident": "起 例",
    "person": "名 人 位 人次",
    "percent": "% 百分点 个百分点",
    "time": "年 个月 天 周 小时 课时 学时",
}.items():
    for _u in _members.split():
        _UNIT_FAMILY[_u] = _fam


def unit_family(unit: str) -> str:
    return _UNIT_FAMILY.get(unit, unit)


def units_compatible(a: str, b: str) -> bool:
    return not a or not b or unit_family(a) == unit_family(b)


# Political set phrases whose numerals are not quantities ("四个意识", "一岗双责", "十四五").
SET_PHRASES = _words(
    "四个意识 四个自信 两个维护 两个确立 两个务必 两个大局 两个责任 两个巩固 三个代表 三会一课 两学一做 "
    "一岗双责 一把手 一盘棋 一张蓝图 五位一体 四个全面 三严三实 三重一大 一带一路 十四五 十五五 十三五 "
    "六稳 六保 三农 两新组织 两个一百年 四史 一线 第一责任人 一票否决 一体化 三审三校 三审 一网通办 "
    "最多跑一次 一事一议 一村一策 一人一档 一户一策 双一流 五个一 六个一 六进 四下基层 三个务必 "
    "二十大 十九大 十八大 二十届 十九届 三中全会 四中全会 五中全会 六中全会 二中全会 一中全会 七中全会"
)
_SET_RE = re.compile("|".join(sorted(map(re.escape, SET_PHRASES), key=len, reverse=True)))

_ARABIC = r"\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_CN = f"[{CN_NUM_CHARS}]+"
_UNIT_RE = "|".join(map(re.escape, UNITS))
_PREFIX_QUAL = ("超过", "将近", "接近", "不足", "不到", "近", "超", "约", "逾")
_SUFFIX_QUAL = ("左右", "以上", "以下", "余", "多")

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

# Citation markers the drafters append: 〔F2〕 [F1] 【F3】 [F1, F2] (F4).
CITATION_RE = re.compile(r"[〔\[【（(]\s*F\d+(?:\s*[,，、;；/ ]\s*F?\d+)*\s*[〕\]】）)]")
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


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def mask(text: str, spans: Iterable[tuple[int, int]], fill: str = "\u2003") -> str:
    """Blank out spans with a filler no pattern matches, keeping every offset."""
    chars = list(text)
    for s, e in spans:
        for i in range(max(s, 0), min(e, len(chars))):
            if chars[i] != "\n":
                chars[i] = fill
    return "".join(chars)


def citations(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in CITATION_RE.finditer(text)]


def cited_ids(text: str) -> list[str]:
    ids: list[str] = []
    for m in CITATION_RE.finditer(text):
        for num in re.findall(r"\d+", m.group()):
            fid = f"F{int(num)}"
            if fid not in ids:
                ids.append(fid)
    return ids


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
            for p in _PREFIX_QUAL:
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


_BELOW = frozenset({"近", "将近", "接近", "不足", "不到", "以下"})
_ABOVE = frozenset({"余", "多", "超过", "超", "逾", "以上"})


def _direction(qualifier: str) -> int:
    return -1 if qualifier in _BELOW else 1 if qualifier in _ABOVE else 0


def quantity_matches(draft_q: Quantity, fact_q: Quantity) -> bool:
    """Whether a draft quantity says the same as a fact quantity (value, unit family, date parts).

    Qualifiers may be dropped or softened ("20余次" ~ "20次" ~ "约20次") but not turned round:
    "近300篇" written as "300余篇" is a changed number.
    """
    if _direction(draft_q.qualifier) * _direction(fact_q.qualifier) < 0:
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


# ---- status words -------------------------------------------------------------------------
_DONE_RE = re.compile(
    r"已经|(?<!而)已(?!经)|完成|建成|累计|先后|共计"
    r"|共(?=[有\d一二两三四五六七八九十]|开展|召开|举办|组织|发布|接待|培训|编发|刊发|发表|处置|收到|走访"
    r"|慰问|新增|建成|建设|印发|下发|撰写|推送|查处|办理|排查|整改|受理|投入|发放|覆盖|选派|吸纳|评选)"
)
_PLANNED_RE = re.compile(
    r"(?<![模虚草比])拟(?![定稿任人])"
    r"|(?<!(?:学习|工作|年度|培训|行动|实施|发展|建设|教育|宣传))(?<![按原定])计划(?![，。；、：”》）),.;:\s]|$)"
    r"|即将|(?<![即大])将(?![近军领士])"
    r"|力争|预计|争取|准备|打算|下一步|下步|明年"
)


# "将X纳入Y" / "将其作为": 将 as 把 (the disposal construction) says nothing about the future.
_DISPOSAL_RE = re.compile(
    r"纳入|作为|列入|列为|融入|贯穿|放在|摆在|摆上|写入|转化为|落实到|贯彻到|延伸到|推广到|打造成|建设成|当作|视为"
)
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")


def _disposal(text: str, pos: int) -> bool:
    if text.startswith(("把", "于", "要", "会", "继续", "进一步"), pos):
        return False
    m = _CLAUSE_END.search(text, pos)
    return bool(_DISPOSAL_RE.search(text, pos, m.start() if m else len(text)))


@dataclass(frozen=True)
class StatusMark:
    status: str  # "done" | "planned"
    start: int
    end: int
    text: str


def status_marks(text: str) -> list[StatusMark]:
    """Done/planned words in order. Titles and citations are skipped."""
    work = mask(text, [(m.start(), m.end()) for m in TITLE_RE.finditer(text)])
    marks = [StatusMark("done", m.start(), m.end(), m.group()) for m in _DONE_RE.finditer(work)]
    marks += [
        StatusMark("planned", m.start(), m.end(), m.group())
        for m in _PLANNED_RE.finditer(work)
        if not (m.group() == "将" and _disposal(work, m.end()))
    ]
    marks.sort(key=lambda k: k.start)
    return marks


def status_of(text: str) -> str:
    """ "planned" / "done" / "none": the first status word decides ("计划年底前完成" is planned)."""
    marks = status_marks(text)
    return marks[0].status if marks else "none"


# ---- text overlap -------------------------------------------------------------------------
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_STOP_BIGRAMS = frozenset(
    _words(
        "工作 开展 进一步 一步 全面 加强 持续 不断 有待 我们 情况 一是 二是 三是 四是 五是 六是 一要 二要 三要 "
        "是否 以来 今年 全年 同时 此外 其中 方面 进行 积极 认真 切实 深入 有效"
    )
)


def bigrams(text: str) -> set[str]:
    """Character bigrams of the content characters (punctuation, citations and digits out)."""
    clean = CITATION_RE.sub(" ", text)
    chars = [c if _CONTENT_CHAR.match(c) and not c.isdigit() else " " for c in clean]
    s = "".join(chars)
    out: set[str] = set()
    for part in s.split():
        for i in range(len(part) - 1):
            bg = part[i : i + 2]
            if bg not in _STOP_BIGRAMS:
                out.add(bg)
    return out


def coverage(of: set[str], by: set[str]) -> float:
    """Share of ``of``'s bigrams that ``by`` also has."""
    if not of:
        return 0.0
    return len(of & by) / len(of)
