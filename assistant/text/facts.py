"""The user's material as numbered facts F1, F2 … with their numbers, dates, titles and status.

Users paste anything: one fact a line, bullets, "1." / "1、" / "（1）" / "①" lists, "一是…二是…"
inside a paragraph, or a whole paragraph of sentences. Each becomes one Fact; enumerators are
stripped so the drafter can reuse the words as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import Fact, FactStatus
from assistant.text.numerals import cn_to_int
from assistant.text.quantities import extract_quantities, titles
from assistant.text.status import status_of

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
    r"|[A-Ha-h]\s*[.．、)）]\s*(?=[\u4e00-\u9fff])"
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
    """ "二是" / "第二，" -> 2."""
    head = marker.lstrip("第")[:-1] if marker.startswith("第") else marker[:-1]
    return cn_to_int(head.rstrip("，,、"))


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


# Enumerators inside one line: "①A ②B", "（1）A（2）B", "1.A；2.B" (a run of two or more).
_INLINE_ENUMS = (
    re.compile(r"[①-⑳]"),
    re.compile(r"[（(]\s*\d{1,2}\s*[）)]"),
    re.compile(r"[（(][一二三四五六七八九十]{1,2}[）)]"),
    re.compile(r"(?<![\d.])\d{1,2}\s*[.．、](?!\d)"),
    re.compile(r"(?<![\u4e00-\u9fff])[一二三四五六七八九十]、"),
    re.compile(r"[一二三四五六七八九十]是"),  # "一是A二是B三是C" typed without a stop
    re.compile(r"(?:首先|其次|再次|然后|最后)是?[，,：:]?"),
)
# A clause that continues the one before it ("…为主", "其中…", "均在24小时内回应").
_CONTINUES = re.compile(r"^(?:以|并|且|但|均|其中|主要|同时|导致|造成|占|达|较|比|同比|环比|覆盖|涉及|包括|含|为|是|即|分别|共|合计)")
_CUE_OR_NUMBER = re.compile(
    r"\d|已|拟|将|计划|力争|完成|开展|仅|不足|尚未|不够|缺乏|单一|薄弱|有待|滞后|不强|不高|不深|不健全|不到位|"
    # a state said short ("软弱涣散", "流失严重", "经费紧张")
    r"不|未|没|缺|难|弱|低|少|慢|差|严重|涣散|老化|陈旧|紧张|流失"
)


_SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3, "然后": 3}


# An item that opens with an action ("推进智慧社区建设、完善议事协商机制"): a 、 list of plans.
_VERB_FRONT = re.compile(r"推进|推动|加快|加强|完善|深化|健全|提升|强化|优化|建立|实施|开展|落实|打造|探索|做好|抓好")


def _enum_value(marker: str, seen: int = 0) -> int:
    if marker[:2] in _SEQUENCE_WORDS:
        return _SEQUENCE_WORDS[marker[:2]]
    if marker.startswith("最后"):  # the last of a run, whatever its number
        return seen + 1 if seen >= 2 else 0
    inner = re.search(r"[一二三四五六七八九十]+", marker)
    if marker[0] in "（(" and inner:  # "（二）"
        return cn_to_int(inner.group())
    if "①" <= marker[0] <= "⑳":
        return ord(marker[0]) - ord("①") + 1
    if marker[0] in "一二三四五六七八九十":
        return cn_to_int(marker[0])
    digits = re.sub(r"\D", "", marker)
    return int(digits) if digits else 0


def _split_inline_enums(line: str) -> list[str]:
    for rx in _INLINE_ENUMS:
        seq: list[re.Match[str]] = []
        for m in rx.finditer(line):
            if _enum_value(m.group(), len(seq)) == len(seq) + 1:
                seq.append(m)
        if len(seq) >= 2:
            head = line[: seq[0].start()]
            parts = [head] if head.strip(_TRAIL) else []
            for j, m in enumerate(seq):
                end = seq[j + 1].start() if j + 1 < len(seq) else len(line)
                parts.append(line[m.end() : end])
            return [p.strip() for p in parts if p.strip(_TRAIL)]
    return [line]


def _split_list_sentence(text: str) -> list[str]:
    """ "A，B，C" where the commas separate facts: each clause that stands alone is one."""
    out: list[str] = []
    for clause in re.split(r"[，,]", text):
        c = clause.strip(_TRAIL)
        if not c:
            continue
        # "…，办结率100%": a rate of the thing just counted
        if out and (len(c) < 4 or _CONTINUES.match(c) or re.match(r"[\u4e00-\u9fff]{2,3}率", c)):
            out[-1] += "，" + c
        else:
            out.append(c)
    if len(out) == 1 and "、" in text:
        items = [p.strip(_TRAIL) for p in text.split("、")]
        if len(items) >= 2 and all(_VERB_FRONT.match(p) for p in items):
            # "加强…、推进…和完善…": the last item may join one more action with 和/及
            items = [*items[:-1], *re.split(r"(?:和|及|以及|并)(?=" + _VERB_FRONT.pattern + ")", items[-1])]
        if len(items) >= 2 and all(len(p) >= 4 and (_CUE_OR_NUMBER.search(p) or _VERB_FRONT.match(p)) for p in items):
            return items
    return out


def split_chat_facts(text: str) -> list[str]:
    """Facts typed in a chat message: as in the 素材 box, and besides one line may list several
    facts ("①A ②B", "（1）A（2）B") and a single sentence may list them with commas or 、
    ("排查隐患1260处，整改了1198处，应急演练12场")."""
    rows = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    # "1 推进…" / "2 建设…", and "一是…。" / "二是…。" each on its own line
    for rx, value in ((r"(\d{1,2})[ \t\u3000]+(?=\S)", int), (r"([一二三四五六七八九十]{1,2})是(?=\S)", cn_to_int)):
        nums = [re.match(rx, ln) for ln in rows]
        if len(rows) >= 2 and all(m and value(m.group(1)) == i for i, m in enumerate(nums, 1)):
            rows = [ln[m.end() :] for ln, m in zip(rows, nums, strict=True) if m]
    lines = [p for ln in rows for p in _split_inline_enums(ln)]
    facts = split_facts("\n".join(lines))
    if len(facts) == 1 and len(lines) == 1:
        return _split_list_sentence(facts[0])
    return facts


def merge_facts(existing: str, new: Sequence[str]) -> tuple[str, list[str], list[str]]:
    """Add the facts ``new`` to the material ``existing`` (one fact a line at the end).

    Returns (the material, the facts added, the facts left out because they repeat one that is
    already there: the same words, or words contained in an existing fact).
    """
    have = [norm_fact(t) for t in split_facts(existing)]
    added: list[str] = []
    repeated: list[str] = []
    for text in new:
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
