"""The offline drafter and reviser: structure transfer from a sample section, no model.

Keeps the exemplar's frame (heading wording and marker, opening/closing formulas, point pattern,
separators, lead phrases where they fit) and fills it with the user's facts, each sentence
citing its fact 〔F1〕. Nothing of the sample's own content, numbers, names or placeholders is
copied; a slot the facts cannot fill becomes 【待补充：…】. Same input, same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from assistant.draft.frame import (
    PLACEHOLDER_LEAD,
    Frame,
    Item,
    Seg,
    parse_section,
    render,
    split_sentences,
    to_fullwidth,
    visible_len,
)
from assistant.draft.grouping import (
    LEAD_AT,
    clean_for_copy,
    group_facts,
    overlap,
    sanitise_formula,
    terms,
)
from assistant.draft.leads import PhraseTable, build_lead, load_table, mine
from assistant.draft.opening import draft_opening
from assistant.errors import NothingToAddError, RevisionNotUnderstoodError
from assistant.models import Exemplar, Fact, Role, WantedShape
from assistant.text.citations import CITATION_RE, cited_ids
from assistant.text.numerals import CN_NUM, cn_numeral, cn_to_int, cn_to_number

# Heading wording when the exemplar's own title cannot be reused.
DEFAULT_TITLES: dict[Role, str] = {
    Role.ACHIEVEMENTS: "工作开展情况",
    Role.PROBLEMS: "存在的主要问题",
    Role.CAUSES: "问题产生的原因",
    Role.PLANS: "下一步工作打算",
    Role.PRINCIPLES: "总体要求",
    Role.TASKS: "主要任务",
    Role.REQUIREMENTS: "工作要求",
    Role.OTHER: "【待补充：本部分标题】",
}
DEFAULT_MARKERS: dict[Role, str] = {
    Role.ACHIEVEMENTS: "一、",
    Role.PROBLEMS: "二、",
    Role.CAUSES: "三、",
    Role.PLANS: "三、",
    Role.PRINCIPLES: "一、",
    Role.TASKS: "二、",
    Role.REQUIREMENTS: "三、",
    Role.OTHER: "一、",
}
# Words that make a heading a role heading (reusable) rather than a content lead phrase.
ROLE_CUES: dict[Role, tuple[str, ...]] = {
    Role.ACHIEVEMENTS: ("情况", "做法", "成效", "成绩", "履职"),
    Role.PROBLEMS: ("问题", "不足", "薄弱"),
    Role.CAUSES: ("原因",),
    Role.PLANS: ("打算", "计划", "措施", "方向", "下一步", "下步", "思路"),
    Role.PRINCIPLES: ("要求", "指导思想", "原则", "目标"),
    Role.TASKS: ("任务", "工作", "要点"),
    Role.REQUIREMENTS: ("要求", "保障"),
}
_CAUSE_WORDS = ("原因", "由于", "导致", "究其")


# ---- facts -> sentences -------------------------------------------------------------------------
_BULLET = re.compile(rf"^(?:[-*•·●○◆■]\s*|F\d+[\s:：.、]+|\d{{1,2}}[.、．)）]\s*|[①-⑳]\s*|（?{CN_NUM}[、）)]\s*)")


def fact_sentence(text: str, inline: bool) -> str:
    """A fact's own words as one sentence of a point: full-width, no bullet, no final stop.

    Inside an inline point (points joined by ；) a fact's own 。/； become ， so the point
    separators stay unambiguous.
    """
    t = to_fullwidth(" ".join(text.split()))
    t = _BULLET.sub("", t, count=1).strip()
    t = t.rstrip("。；，、.;, ")
    if inline:
        t = t.replace("。", "，").replace("；", "，")
    return t


# ---- the frame of the draft ----------------------------------------------------------------------
def is_role_title(role: Role, title: str) -> bool:
    """A sample heading that names the role and nothing of the sample's own work, so a draft
    may reuse it ("存在的主要问题"). "德育工作扎实，育人成效更加明显" holds 成效 but is a
    two-clause lead phrase about the sample's work: only a single phrase is a role title."""
    cues = ROLE_CUES.get(role, ())
    return (
        bool(title)
        and not any(p in title for p in "，,；;")
        and len(title) <= 16
        and clean_for_copy(title)
        and any(c in title for c in cues)
    )


def _title_for(role: Role, frame: Frame) -> str:
    return frame.title if is_role_title(role, frame.title) else DEFAULT_TITLES.get(role, "")


def _formula(sentences: list[str]) -> list[str]:
    """The sample's formula sentences that are free of its content (at most two)."""
    out: list[str] = []
    for s in sentences:
        clean = sanitise_formula(s)
        if clean is None:
            continue
        out.append(clean if clean[-1] in "。：！？" else clean + "。")
        if len(out) == 2:
            break
    return out


def _closing(paras: list[str]) -> list[str]:
    kept: list[str] = []
    for para in paras:
        sents = split_sentences(para)
        clean = [c for s in sents if (c := sanitise_formula(s)) is not None]
        if sents and len(clean) == len(sents):
            kept.append("".join(clean))
    return kept


def build_frame(
    role: Role, exemplars: Sequence[Exemplar], shape: WantedShape | None = None
) -> tuple[Frame, list[Frame]]:
    """The draft's empty frame from exemplars[0] (formulas also from the runners-up).

    Returns the frame and the parsed frames of all exemplars (for lead phrases).
    """
    parsed = [parse_section(e.text) for e in exemplars]
    base = parsed[0] if parsed else Frame(layout="inline")
    frame = Frame(
        heading_marker=base.heading_marker or ("" if parsed else DEFAULT_MARKERS.get(role, "")),
        layout=base.layout if base.layout != "prose" else "inline",
        style=base.style,
        sep=base.sep,
        has_leads=base.has_leads,
        opening_inline=base.opening_inline,
        child_inline=base.child_inline,
    )
    if parsed and not base.heading_marker and role not in (Role.PREAMBLE, Role.CLOSING):
        frame.heading_marker = DEFAULT_MARKERS.get(role, "")
    elif frame.heading_marker and not HEADING_IS_CHILD.match(frame.heading_marker):
        # The sample's ordinal is its place in its own report ("五、存在的不足"). A lone section
        # takes its role's place in the usual report instead (一、工作情况 二、存在问题 三、下步打算,
        # the numbering of plan.default_plan), which is where a user pastes it; a section of the
        # conversation's outline gets the outline's heading from the service.
        frame.heading_marker = DEFAULT_MARKERS.get(role, frame.heading_marker)
    frame.title = _title_for(role, base) if frame.heading_marker else ""
    if frame.heading_marker and HEADING_IS_CHILD.match(frame.heading_marker):
        # A （一） sample is one part of a larger section: its heading names that part's
        # content, so the draft gets the role's own level-1 heading.
        frame.heading_marker = DEFAULT_MARKERS.get(role, "一、")
        frame.title = DEFAULT_TITLES.get(role, "")
    if base.layout == "prose":  # a sample without points: all of it is content, none formula
        base = Frame()
    frame.opening = _formula(base.opening)
    if base.opening and not frame.opening:  # the slot exists: fill it from a runner-up
        for other in parsed[1:]:
            frame.opening = _formula(other.opening)
            if frame.opening:
                break
    frame.closing = _closing(base.closing)
    if shape is not None:
        _apply_shape(frame, shape)
    return frame, parsed


HEADING_IS_CHILD = re.compile(r"^（|^\d")
_LEVEL1 = re.compile(rf"^{CN_NUM}、")


def number_lone_section(text: str, role: Role) -> str:
    """A model's draft of a lone section numbered as build_frame numbers the offline one: its
    heading "五、存在的不足" (the sample's place) becomes "二、存在的不足" (the role's place)."""
    first, sep, rest = text.partition("\n")
    m = _LEVEL1.match(first.strip())
    marker = DEFAULT_MARKERS.get(role)
    if m is None or marker is None or len(first.strip()) > 30 or "。" in first.strip()[:-1]:
        return text
    return marker + first.strip()[m.end() :] + sep + rest


def _apply_shape(frame: Frame, shape: WantedShape) -> None:
    if shape.heading_style in ("（一）", "1.", "（1）"):
        if frame.layout != "children":
            frame.layout = "children"
            frame.style = shape.heading_style
            frame.child_inline = True
        frame.has_leads = True
    elif shape.point_style and shape.point_style != "none":
        was_children = frame.layout == "children"
        frame.style = shape.point_style
        if was_children:
            frame.layout = "paragraphs"
        elif frame.layout not in ("inline", "paragraphs"):
            frame.layout = "inline"


# ---- lead phrases ---------------------------------------------------------------------------------
def _lead_pool(parsed: Sequence[Frame]) -> list[tuple[str, frozenset[str]]]:
    pool: list[tuple[str, frozenset[str]]] = []
    seen: set[str] = set()
    for fr in parsed:
        # A （一） sample's own heading is a lead phrase of the same kind as a point's.
        own = [fr.title] if HEADING_IS_CHILD.match(fr.heading_marker) else []
        leads = own + ([it.lead or "" for it in fr.items] if fr.has_leads else [])
        for lead in leads:
            if lead and lead not in seen and clean_for_copy(lead) and len(lead) <= 30:
                seen.add(lead)
                pool.append((lead, terms(lead)))
    return pool


def _pick_lead(
    topic: frozenset[str], pool: list[tuple[str, frozenset[str]]], used: set[str]
) -> str | None:
    best: tuple[float, int] = (0.0, 0)
    pick: str | None = None
    for k, (lead, lt) in enumerate(pool):
        if lead in used:
            continue
        score = overlap(topic, lt)
        if score >= LEAD_AT and (score, -k) > best:
            best, pick = (score, -k), lead
    if pick is not None:
        used.add(pick)
    return pick


# ---- the drafter ------------------------------------------------------------------------------------
def phrase_table(parsed: Sequence[Frame]) -> PhraseTable:
    """The lead-phrase table with the verbs and results of the exemplars' own lead phrases."""
    return load_table().with_mined(*mine([lead for lead, _ in _lead_pool(parsed)]))


def draft_offline(
    role: Role,
    facts: list[Fact],
    exemplars: list[Exemplar],
    shape: WantedShape | None = None,
    leads: Literal["build", "sample"] = "build",
) -> str:
    """Draft a section of ``role`` from ``facts`` in the frame of ``exemplars[0]``.

    ``leads="build"`` gives every point a lead phrase built from its own facts (the frame asks
    for them); ``"sample"`` is the earlier drafter, kept as the eval's baseline: a sample's lead
    phrase when one matches the topic, else a 【待补充】 slot.
    """
    if role is Role.PREAMBLE and leads == "build":  # an opening is prose, not points
        return draft_opening(facts, exemplars)
    frame, parsed = build_frame(role, exemplars, shape)
    inline = frame.layout == "inline" and frame.sep == "；"
    texts = [fact_sentence(f.text, inline) for f in facts]
    keep = [i for i, t in enumerate(texts) if t]
    n_max = shape.n_points if shape and shape.n_points else None
    groups = [[keep[i] for i in g] for g in group_facts([texts[i] for i in keep], n_max)]
    pool = _lead_pool(parsed) if frame.has_leads else []
    table = phrase_table(parsed) if frame.has_leads and leads == "build" else None
    used: set[str] = set()
    for k, g in enumerate(groups):
        lead: str | None = None
        if frame.has_leads:
            # A sample's lead phrase on a strong topic match (DRAFTING.md rule 3), else one
            # built from the point's own facts.
            lead = _pick_lead(frozenset().union(*(terms(texts[i]) for i in g)), pool, used)
        if lead is None and table is not None:
            lead = build_lead(role, [facts[i].text for i in g], k, table)
        frame.items.append(Item(lead, [Seg(texts[i], [facts[i].id]) for i in g]))
    if not frame.items:
        frame.items.append(Item(None, [Seg("【待补充：本部分的具体内容】", [])]))
    if n_max:
        for k in range(len(frame.items) + 1, n_max + 1):
            gap = f"【待补充：第{cn_numeral(k)}点的具体内容】"
            frame.items.append(Item(None, [Seg(gap, [])]))
    # A "问题及原因" frame has a causes slot; without facts on causes it is a visible gap.
    needs_causes = "原因" in frame.title and role in (Role.PROBLEMS, Role.CAUSES)
    if needs_causes and not any(w in f.text for f in facts for w in _CAUSE_WORDS):
        frame.closing = ["【待补充：问题产生的原因分析】", *frame.closing]
    return render(frame)


# ---- the reviser ------------------------------------------------------------------------------------
_OFFLINE_HELP = (
    "离线模式支持的修改：“压缩到300字”、“第二点再具体些”、“加一点关于网络安全的内容”、"
    "“改成（一）（二）格式”、“改成一是二是”。其他修改请配置模型接口后使用。"
)
_CN_AMOUNT = re.compile(r"([0-9]+|[一二三四五六七八九十百千两零〇]+)\s*(?:个)?字")


def _parse_amount(s: str) -> int:
    if s.isdigit():
        return int(s)
    return int(cn_to_number(s) or 0)


def _fact_numbers(text: str) -> bool:
    return bool(re.search(r"[0-9]|[一二三四五六七八九十百千万两]+(?:个|次|场|篇|条|项|名|人|家|期|批|万|亿|%)", text))


def _used_facts(frame: Frame) -> set[str]:
    return {f for it in frame.items for s in it.segs for f in s.facts}


def _point_text(it: Item) -> str:
    return (it.lead or "") + "".join(s.text for s in it.segs)


_TAIL = re.compile(rf"(?:{CITATION_RE.pattern}|[。；！？])*$", re.I)


def _trim_clause(text: str) -> str | None:
    """The text without its last clause, if that clause holds no number and no citation.

    A trailing citation and stop stay in place: "A，B〔F1〕。" -> "A〔F1〕。".
    """
    m = _TAIL.search(text)
    cut_at = m.start() if m else len(text)
    body, tail = text[:cut_at], text[cut_at:]
    clauses = body.split("，")
    last = clauses[-1]
    if len(clauses) < 2 or _fact_numbers(last) or cited_ids(last):
        return None
    return "，".join(clauses[:-1]) + tail


def shorten(frame: Frame, limit: int) -> tuple[Frame, bool]:
    """Cut a draft to ``limit`` visible characters without dropping a fact's numbers.

    Order: connectives, then (when points carry the content) the closing and opening formulas,
    then trailing clauses without numbers, longest sentence first. Returns (frame,
    connectives_on). If the numbers alone exceed the limit the result stays above it.
    """
    fr = frame.copy()
    if visible_len(render(fr)) <= limit:
        return fr, True
    steps = [None, fr.closing.clear, fr.opening.clear] if fr.items else [None]
    for step in steps:
        if step is not None:
            step()
        if visible_len(render(fr, connectives=False)) <= limit:
            return fr, False
    while visible_len(render(fr, connectives=False)) > limit:
        cands: list[tuple[int, int, int, str]] = []
        for i, it in enumerate(fr.items):
            for j, s in enumerate(it.segs):
                if (cut := _trim_clause(s.text)) is not None:
                    cands.append((len(s.text), -i, -j, cut))
        for j, para in enumerate(fr.closing if not fr.items else []):
            sents = split_sentences(para)
            for k, sent in enumerate(sents):
                if (cut := _trim_clause(sent)) is not None:
                    new_para = "".join([*sents[:k], cut, *sents[k + 1 :]])
                    cands.append((len(sent), 1, -j, new_para))
        if not cands:
            break
        _, i, j, cut = max(cands)
        if i == 1:
            fr.closing[-j] = cut
        else:
            fr.items[-i].segs[-j].text = cut
    return fr, False


_ORDINAL = re.compile(rf"第\s*({CN_NUM}|\d+)\s*(?:点|条|项|部分|段)")
_ADD = re.compile(
    r"(?:增加|添加|补充|增写|加上|加入|加|补)(?:一点|一些|一段|一条|一项|一部分|点)?(?:关于|有关)?"
    r"(.+?)(?:方面|相关)?(?:的)?(?:内容|情况|工作|表述|材料|一点|一条)?[。！!]*$"
)


def revise_offline(
    draft: str,
    instruction: str,
    facts: list[Fact],
    exemplars: list[Exemplar],
    role: Role | None = None,
) -> str:
    """Apply a usual Chinese revision request to a draft without a model.

    Raises RevisionNotUnderstoodError (listing what works offline) for anything else.
    """
    ins = to_fullwidth(instruction.strip())
    frame = parse_section(draft)
    role = role or _role_of_title(frame.title)
    by_id = {f.id: f for f in facts}
    if re.search(r"压缩|缩短|精简|删减|控制在|不超过|缩写|简短|简洁|短一些|短一点", ins):
        m = _CN_AMOUNT.search(ins)
        # Without a figure ("精简一些"), a fifth shorter.
        limit = _parse_amount(m.group(1)) if m else visible_len(draft) * 4 // 5
        fr, conn = shorten(frame, limit)
        return render(fr, connectives=conn)
    if re.search(r"（一）|（二）|\(一\)|小标题格式|分标题", ins):
        return _restyle(frame, "children", exemplars, role, by_id)
    if re.search(r"一是|二是", ins) and re.search(r"改|换|用|变", ins):
        return _restyle(frame, "一是", exemplars, role, by_id)
    if re.search(r"一要|二要", ins) and re.search(r"改|换|用|变", ins):
        return _restyle(frame, "一要", exemplars, role, by_id)
    if (m := _ORDINAL.search(ins)) and re.search(r"具体|详细|充实|展开|丰富|细化|多写", ins):
        return _elaborate(frame, cn_to_int(m.group(1)), by_id, facts)
    if (m := _ADD.search(ins)) and (topic := m.group(1).strip("“”\"'「」 ，")):
        return _add_topic(frame, topic, facts, exemplars, role)
    raise RevisionNotUnderstoodError(instruction, _OFFLINE_HELP)


def _role_of_title(title: str) -> Role:
    """The role a draft's heading names ("存在的主要问题" -> problems); 工作情况 by default."""
    for r in (Role.PROBLEMS, Role.CAUSES, Role.PLANS, Role.REQUIREMENTS, Role.TASKS):
        if any(c in title for c in ROLE_CUES.get(r, ())):
            return r
    return Role.ACHIEVEMENTS


def _item_facts(it: Item, by_id: dict[str, Fact]) -> list[str]:
    """The texts of the facts a point cites (its own words when it cites none)."""
    texts = [by_id[f].text for s in it.segs for f in s.facts if f in by_id]
    return texts or [_point_text(it)]


def _restyle(
    frame: Frame, target: str, exemplars: Sequence[Exemplar], role: Role, by_id: dict[str, Fact]
) -> str:
    fr = frame.copy()
    if target == "children":
        if fr.layout != "children":
            table = phrase_table([parse_section(e.text) for e in exemplars])
            for k, it in enumerate(fr.items):
                if not it.lead:
                    it.lead = build_lead(role, _item_facts(it, by_id), k, table)
            fr.layout, fr.style, fr.has_leads, fr.child_inline = "children", "（一）", True, True
            fr.opening_inline = False
    else:
        if fr.layout == "children":
            fr.layout = "paragraphs"
        elif fr.layout == "prose":
            fr.layout = "inline"
        fr.style = target
        if fr.layout == "inline" and not fr.has_leads:
            for it in fr.items:  # 。/；inside a fact would read as point separators
                for s in it.segs:
                    s.text = s.text.replace("。", "，").replace("；", "，")
    return render(fr)


def _elaborate(frame: Frame, k: int, by_id: dict[str, Fact], facts: list[Fact]) -> str:
    if not 1 <= k <= len(frame.items):
        raise RevisionNotUnderstoodError(
            f"第{cn_numeral(k) if k > 0 else k}点", f"草稿只有{len(frame.items)}点，请确认要修改的是第几点。"
        )
    fr = frame.copy()
    it = fr.items[k - 1]
    used = _used_facts(fr)
    topic = terms(_point_text(it))
    inline = fr.layout == "inline" and fr.sep == "；"
    related = [
        f for f in facts if f.id not in used and overlap(terms(f.text), topic) >= 1
    ]
    if not related:
        # Nothing more to say from the facts: say so rather than pad the point.
        raise NothingToAddError(cn_numeral(k))
    it.segs.extend(Seg(fact_sentence(f.text, inline), [f.id]) for f in related)
    return render(fr)


def _add_topic(
    frame: Frame, topic: str, facts: list[Fact], exemplars: Sequence[Exemplar], role: Role
) -> str:
    fr = frame.copy()
    if fr.layout == "prose":
        fr.layout = "inline"
    used = _used_facts(fr)
    tt = terms(topic)
    hits = [
        f
        for f in facts
        if f.id not in used and (topic in f.text or (tt and tt <= terms(f.text)))
    ]
    inline = fr.layout == "inline" and fr.sep == "；"
    if hits:
        lead = None
        if fr.has_leads:
            table = phrase_table([parse_section(e.text) for e in exemplars])
            lead = build_lead(role, [f.text for f in hits], len(fr.items), table)
        fr.items.append(Item(lead, [Seg(fact_sentence(f.text, inline), [f.id]) for f in hits]))
    else:
        fr.items.append(Item(None, [Seg(f"【待补充：{topic}方面的情况】", [])]))
    return render(fr)


__all__ = ["PLACEHOLDER_LEAD", "build_frame", "draft_offline", "revise_offline", "shorten"]
