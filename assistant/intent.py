"""Chat requests in Chinese -> what the assistant should do (pure; no Streamlit, no I/O).

``parse_request("帮我写存在问题部分")`` -> ``Intent(kind="draft", role=Role.PROBLEMS)``.
Rules are ordered tables of cue words, so a new phrasing is one table row, not new code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.models import ReportInfo, Role, WantedShape
from assistant.text.numerals import small_number

IntentKind = Literal[
    "draft", "revise", "outline", "draft_all", "add_facts", "select_facts", "set_kind", "check", "help",
    "unknown",
]

HELP_TEXT = (
    "我可以根据您提供的情况，参照范文库中的范文起草或修改报告段落。可以这样说：\n"
    "- 起草一个部分：“帮我写存在问题部分”“写一下下步打算”“起草工作情况”\n"
    "- 连同素材一起说：“根据以下情况帮我写存在问题部分：理论学习形式单一；宣传干部仅有3名”，"
    "或在要求下面逐行粘贴素材；“补充一条：……”把新情况加入素材\n"
    "- 指定用哪些素材：“只用F1到F3”“把F5也写进去”“不用F2”\n"
    "- 指定素材属于哪一部分：“F5是问题”“F3、F4算成绩”“F6放到下步打算”“F2是原因”\n"
    "- 指定格式：“按（一）（二）格式写工作情况”“用一是二是写三点成绩”\n"
    "- 修改上一稿：“第二点再具体些”“压缩到300字”“加一点关于网络安全的内容”\n"
    "- 整篇报告：“按第一篇范文的结构列个提纲”“参照《2022年市局党组意识形态工作情况报告》列提纲”，"
    "然后说“逐节起草全文”\n"
    "- 核对别处写好的稿子：“帮我核对这段稿子：……”（可在稿子后另起一行写“素材：……”），"
    "或打开上方的“审稿台”粘贴、上传稿子和素材；每一稿都可以点“修改文字”直接改，保存后重新审核"
)

# Cue words per role; the longest cue found in the request wins ("保障措施" beats "措施").
ROLE_CUES: dict[Role, tuple[str, ...]] = {
    Role.PROBLEMS: (
        "存在问题",
        "存在的问题",
        "存在的主要问题",
        "存在的不足",
        "问题和不足",
        "问题与不足",
        "问题",
        "不足",
        "短板",
        "薄弱环节",
        "差距",
    ),
    Role.CAUSES: ("原因分析", "问题原因", "原因"),
    Role.PLANS: (
        "下步打算",
        "下一步打算",
        "下一步工作打算",
        "下步工作打算",
        "下一步工作",
        "下步工作",
        "下一步",
        "下步",
        "打算",
        "工作计划",
        "工作措施",
        "下一步措施",
        "努力方向",
        "改进措施",
        "整改措施",
        "措施",
    ),
    Role.ACHIEVEMENTS: (
        "工作情况",
        "主要做法",
        "做法",
        "成绩",
        "成效",
        "主要成效",
        "基本情况",
        "履职情况",
        "工作开展情况",
        "开展情况",
        "工作成效",
        "亮点",
        "经验做法",
    ),
    Role.PRINCIPLES: ("总体要求", "指导思想", "工作原则", "目标任务", "总体目标"),
    Role.TASKS: ("主要任务", "重点任务", "重点工作", "主要工作", "工作要点"),
    Role.REQUIREMENTS: ("工作要求", "保障措施", "组织保障", "组织领导"),
    Role.PREAMBLE: ("开头", "导语", "引言", "前言", "开篇"),
    Role.CLOSING: ("结尾", "结束语", "结语"),
}

_DRAFT_VERBS = r"(?:写|起草|撰写|草拟|拟写|拟|生成|形成|来)"
_HELP = re.compile(
    r"^(?:帮助|help|\?|？|怎么用|如何使用|使用说明)$|你能做什么|能做些?什么|你会什么|有什么功能|怎么用",
    re.IGNORECASE,
)
_DRAFT_ALL = re.compile(
    r"逐[节段个]|分节起草|起草全文|写全文|全文起草|整篇|一整篇|全篇|完整的?报告|全部[章节部分]|"
    r"(?:一篇|一份|完整的?)[^，。；]{0,12}(?:总结|报告|汇报)"
)
_OUTLINE = re.compile(r"提纲|大纲|框架|目录|篇章结构|列个?结构")
# Cues that ask to change the last draft rather than write a new one.
_REVISE = re.compile(
    r"压缩|精简|缩短|缩减|删减|控制在|不超过|\d+\s*字(?:以内|以下|左右)|扩写|扩充|展开|"
    r"具体[些点一]|详细[些点一]|充实|丰富|加[一上入]?[点些段句条]|增加|补充|添加|加入|"
    r"删[去掉除]|去掉|改[成为得]|换成|换个|调整|润色|简洁|精炼|凝练|生动|口语|正式|语气|"
    r"再[^，。]{0,4}[些点]|重写|重新写|改一下|修改"
)
_ORDINAL = re.compile(r"第\s*([一二三四五六七八九十\d]+)\s*篇")
_TITLE = re.compile(r"《([^》]+)》")
_COUNT = re.compile(
    r"(?<![第一二三四五六七八九十\d])([两二三四五六七八九十\d]+)\s*(?:点|条|个方面|个部分|项|层意思)"
)


# Wanted heading style of the children, checked in this order ("（1）" before "1.").
_HEADING_STYLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[（(]\s*一\s*[)）]"), "（一）"),
    (re.compile(r"[（(]\s*1\s*[)）]"), "（1）"),
    (re.compile(r"一、\s*二、|一、二、|“一、”"), "一、"),
    (re.compile(r"(?<![\d.])1[.、．]\s*2[.、．]|“1[.、．]”"), "1."),
)
_POINT_STYLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"一是"), "一是"),
    (re.compile(r"一要"), "一要"),
    (re.compile(r"一抓"), "一抓"),
    (re.compile(r"首先"), "首先"),
    (re.compile(r"第一[，,、]?\s*第二"), "第一"),
)


@dataclass
class Intent:
    """What a chat request asks for."""

    kind: IntentKind
    text: str = ""
    role: Role | None = None
    shape: WantedShape | None = None
    instruction: str | None = None  # the revision instruction as the user wrote it
    report_hint: str | None = None  # a report title (fragment) named in 《…》
    report_index: int | None = None  # "第一篇范文" -> 1 (as numbered in the 范文库 list)
    suggestion: str | None = None  # Chinese, shown for "help" and "unknown"
    notes: list[str] = field(default_factory=list)
    facts_text: str | None = None  # facts typed with the request ("根据以下情况…：A；B")
    fact_only: list[str] | None = None  # "只用F1到F3" -> ["F1", "F2", "F3"]
    fact_add: list[str] = field(default_factory=list)  # "把F5也写进去"
    fact_drop: list[str] = field(default_factory=list)  # "不用F2"
    draft_text: str | None = None  # "帮我核对这段稿子：…": the text to check
    fact_kinds: dict[str, Role] = field(default_factory=dict)  # "F5是问题" -> {"F5": PROBLEMS}


def find_role(text: str) -> tuple[Role, int, int] | None:
    """The role the request names, with the span of the cue (longest cue, then earliest)."""
    best: tuple[Role, int, int] | None = None
    for role, cues in ROLE_CUES.items():
        for cue in cues:
            pos = text.find(cue)
            if pos < 0:
                continue
            cand = (role, pos, pos + len(cue))
            if best is None or (cand[2] - cand[1], -cand[1]) > (best[2] - best[1], -best[1]):
                best = cand
    return best


def wanted_shape(text: str) -> WantedShape | None:
    """The form a request asks for: heading style of children, point style, number of points."""
    heading = next((style for pat, style in _HEADING_STYLES if pat.search(text)), None)
    point = next((style for pat, style in _POINT_STYLES if pat.search(text)), None)
    n_points: int | None = None
    for m in _COUNT.finditer(text):
        n = small_number(m.group(1))
        if n is not None and 2 <= n <= 20:
            n_points = n
            break
    if heading is None and point is None and n_points is None:
        return None
    return WantedShape(heading_style=heading, point_style=point, n_points=n_points)


def _asks_to_draft(text: str, role_span: tuple[int, int]) -> bool:
    """A drafting verb shortly before the role cue: "帮我写存在问题", "写三点成绩"."""
    head = text[: role_span[0]]
    return re.search(_DRAFT_VERBS + r"[^，。；！？]{0,12}$", head) is not None


# ---- facts typed into the chat ------------------------------------------------------------------
# "根据以下情况", "素材如下", "下列数据": the request announces facts that follow it.
_FACTS_CUE = re.compile(r"(?:以下|如下|下面|下列|下述|这些|这几条|这么几|几条|几点)|根据|结合|依据|素材|材料|情况")
# "补充一条：…", "再加一条问题：…", "新增情况：…": facts only, nothing to draft yet.
_ADD_FACTS = re.compile(
    r"^(?:请|再|另外|还有)?(?:帮我)?(?:补充|新增|增加|添加|追加|加上|再加|加|还有)"
    r"(?:[一两二三四五六七八九十\d]+|几)?(?:条|点|项|个)?(?:新的)?"
    r"(?P<kind>问题|不足|成绩|成效|做法|打算|计划|措施|原因)?"
    r"(?:素材|情况|材料|事实|内容|数据)?(?:如下)?(?:没写|漏写了?|漏了|忘了写?|也要写上?|要加上)?$"
)
# The section a word names when the user says which part facts belong to ("再加一条问题：…",
# "F5是问题").
_KIND_WORDS: dict[str, Role] = {
    "存在问题": Role.PROBLEMS, "存在的问题": Role.PROBLEMS, "问题": Role.PROBLEMS, "不足": Role.PROBLEMS,
    "短板": Role.PROBLEMS, "工作情况": Role.ACHIEVEMENTS, "成绩": Role.ACHIEVEMENTS,
    "成效": Role.ACHIEVEMENTS, "成果": Role.ACHIEVEMENTS, "做法": Role.ACHIEVEMENTS,
    "工作成效": Role.ACHIEVEMENTS, "已做的工作": Role.ACHIEVEMENTS, "下步打算": Role.PLANS,
    "下一步打算": Role.PLANS, "下一步": Role.PLANS, "打算": Role.PLANS, "计划": Role.PLANS,
    "措施": Role.PLANS, "原因分析": Role.CAUSES, "原因": Role.CAUSES,
}  # fmt: skip
# Where a request and its facts part: sentence and clause ends, a colon that is not part of a
# time (10:30) or a URL (http://), a line break.
_BOUNDARY = re.compile(
    r"[。！!？?；;\n，,：】]|:(?!//)(?!\d)|—+|[ \t\u3000](?=[ \t\u3000]*(?:请|你|麻烦|帮我|帮忙|以上|上述)[^\n]{0,20}$)"
)
# "情况：", "素材如下：", "我们局今年的情况是这样的：": a label before the facts, not a fact.
_LABEL = re.compile(
    r"^[^，。；\n：:]{0,16}?(?:情况|素材|材料|内容|数据|原因|问题|如下|以下|这样的|主要是|包括|"
    r"[一二两三四五六七八九十几\d]+(?:条|点|个方面))"
    r"[^，。；\n：:]{0,6}[：:](?!//)\s*"
)
# "内容包括加强…、推进…": a label run into its facts, without a colon.
_LABEL_RUN_ON = re.compile(r"^(?:内容|素材|情况|材料|要点|主要内容|具体内容)(?:包括|包含|主要有|有|是)[：:]?\s*")
# "急！", "你好，": a call opening a message is no part of the request.
_CALL_START = re.compile(r"^(?:急+|紧急|你好|您好|在吗|老师好)[！!，,。\s]+")
# "写团委工作情况，素材\n1、…": a label alone on its line, without a colon.
_LABEL_LINE = re.compile(r"^(?:素材|材料|情况|数据|内容|具体情况|主要情况|有关情况)(?:如下|是|有)?[ \t]*\n")
_INNER_LABEL = re.compile(r"(?:^|[。；;，,\n])\s*(?:素材|情况|内容|材料|数据|具体情况)(?:如下)?[：:](?!//)\s*")
# A second part that steers the draft ("重点写理论学习", "控制在300字") is part of the request.
_STEER = re.compile(
    r"(?:请|要|多|少|再)?(?:重点|突出|侧重|注意|要求|字数|控制|不超过|写[得成]|语气|风格|参照|按照?|用|"
    r"加一点|加点|补充一点|删)"
)
# "帮我写一段", "请起草一下": asks for a draft without naming the section (the head names it).
_BARE_ASK = re.compile(
    r"^(?:请|你|麻烦)?(?:帮我|帮忙|给我)?(?:写|起草|拟写|撰写|扩写|改写|整理|组织|串|连)(?:一下)?(?:成|为)?"
    r"(?:一下|一段话?|一篇|个|段落|一段文字|文字|材料|一段话)?$"
)
_CHECK = re.compile(
    r"核对|核查|校对|检查一下|审核|审一下|对一下|是否一致|有没有错|对不对|审查|审校|把关|"
    r"检查(?=这|那|下|以下|如下|上面|以上|全文|一遍|稿|文字)|有没有问题|有无错误|是否准确|是否属实"
)


_ASKS = ("draft", "draft_all", "outline")
# "…。谢谢！", "辛苦了": thanks closing a message are neither a fact nor a request.
_COURTESY_END = re.compile(r"[，,。！!\s]*(?:谢谢|多谢|辛苦了?|麻烦了|感谢|拜托了?|谢啦)[您你啦了啊！!。~～\s]*$")


def _is_request_head(head: str) -> bool:
    h = head.strip().rstrip("：:，, ")
    if not h or len(h) > 60 or re.search(r"[。；;！!？?\n]", h):  # a request is one clause
        return False
    if _ADD_FACTS.match(h):
        return True
    intent = _parse_plain(h)
    kind = intent.kind
    if kind == "draft" and not re.search(_DRAFT_VERBS, h) and not _FACTS_CUE.search(h):
        # "存在问题：…" names a section; "基层专职网格员不足；…" is a fact with a cue word in it
        found = find_role(h)
        return found is not None and len(h) - (found[2] - found[1]) <= 4
    if kind in ("draft", "draft_all", "outline", "check"):
        return True
    return kind != "revise" and bool(_FACTS_CUE.search(h))


def _is_request_tail(tail: str) -> bool:
    """ "…12场。帮我写成工作成效那一段", "…。帮我写一段": a closing clause that asks for a draft."""
    t = tail.strip()
    if not t or len(t) > 30:
        return False
    if _BARE_ASK.match(t):
        return True
    if not re.search(_DRAFT_VERBS, t):
        return False
    return _parse_plain(t).kind in ("draft", "draft_all") or bool(_BARE_ASK.match(t))


def split_request(text: str) -> tuple[str, str | None]:
    """A chat message -> (the request, the text typed with it or None).

    The request is the message's first clause ("根据以下情况帮我写存在问题部分：A；B；C", "写下步打算，
    一是…", the first line of a pasted list) or its last one ("A，B，C，帮我写写党建工作成绩");
    what lies between is the facts, a label such as "情况：" dropped.
    """
    raw = _CALL_START.sub("", _COURTESY_END.sub("", text.strip()))
    if _fact_choice(raw) is not None:  # "把F6加上，写下步打算" names facts, carries none
        return raw, None
    bounds = [m.start() for m in _BOUNDARY.finditer(raw)]
    # "存在问题 首先是…": a short request parted from its facts by a space
    lead = re.match(r"[^\s，,。；;：:]{2,20}(?=[ \t\u3000]+\S)", raw)
    rest = raw[lead.end() :] if lead else ""
    if lead and len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 4 and _parse_plain(lead.group()).kind in _ASKS:
        bounds = sorted({lead.end(), *bounds})
    head_end = next((b for b in bounds if b <= 80 and _is_request_head(raw[:b])), None)
    if head_end is not None and _parse_plain(raw[:head_end].strip()).kind not in _ASKS:
        # "我把情况贴在下面，你帮我写主要成效：…": the request follows the announcement
        for b in bounds:
            if b <= head_end:
                continue
            if "\n" in raw[head_end:b] or b - head_end > 40:
                break
            clause = raw[head_end + 1 : b].strip()
            if re.search(_DRAFT_VERBS, clause) and _parse_plain(clause).kind in _ASKS:
                head_end = b
                break
    tail_start = None
    for b in reversed(bounds):
        tail = raw[b + 1 :].strip(" \t。！!？?；;，,")
        if tail:
            if _is_request_tail(tail):
                tail_start = b
                # "…。以上是存在的问题，帮我写一段": the clause pointing back belongs to the request
                prev = max((p for p in bounds if p < b), default=-1)
                if re.match(r"\s*(?:以上|上面|上述|这些|这几条|前面)", raw[prev + 1 : b]):
                    tail_start = prev
            break
    if head_end is None and tail_start is None:
        return raw, None
    start = head_end + 1 if head_end is not None else 0
    end = tail_start if tail_start is not None and tail_start >= start else len(raw)
    body = raw[start:end].strip(" \t\n，,：:—")
    # "…，包括工作情况、存在问题和下步打算。素材：1.…": the request runs on up to the label.
    label = _INNER_LABEL.search(body)
    body = body[label.end() :] if label else _LABEL.sub("", body, count=1)
    body = _LABEL_LINE.sub("", body.strip(), count=1).strip()
    body = _LABEL_RUN_ON.sub("", body, count=1)
    if not body.strip(" 。！!？?；;，,") or _STEER.match(body):
        return raw, None
    parts = [raw[:head_end] if head_end is not None else "", raw[end + 1 :] if end < len(raw) else ""]
    request = "，".join(p.strip(" \t\n。！!？?；;，,：:") for p in parts if p.strip(" \t\n。！!？?；;，,：:"))
    return request, body


# ---- choosing facts in words ---------------------------------------------------------------------
_FACT_IDS = re.compile(r"[Ff]\s*(\d+)(?:\s*(?:到|至|-|–|—|~|～)\s*[Ff]?\s*(\d+))?")
_ONLY = re.compile(r"只用|仅用|只要|只写|仅写|只根据|仅根据|只保留|仅保留|只选")
_DROP = re.compile(r"不用|不要|去掉|删[去掉除]|拿掉|不写|别用|剔除|删")
_ADD = re.compile(r"也|加上|加入|补上|写进|放进|用上|纳入|加进|增加|添加|补充")


def fact_ids(text: str) -> list[str]:
    """ "F1到F3、F5" -> ["F1", "F2", "F3", "F5"] (ranges expanded, order kept, no repeats)."""
    out: list[str] = []
    for m in _FACT_IDS.finditer(text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        for n in range(a, b + 1) if b >= a and b - a < 100 else (a,):
            if f"F{n}" not in out:
                out.append(f"F{n}")
    return out


def _fact_choice(raw: str) -> tuple[list[str] | None, list[str], list[str]] | None:
    """(only, add, drop) when the request names facts by number, else None."""
    ids = fact_ids(raw)
    if not ids:
        return None
    if _ONLY.search(raw):
        return ids, [], []
    if _DROP.search(raw):
        return None, [], ids
    if _ADD.search(raw):
        return None, ids, []
    return None


# ---- the user's word on a fact's kind ----------------------------------------------------------------
# "F5是问题", "F3、F4算成绩", "把F6放到下步打算里", "F2属于原因分析": the whole message says which
# section facts belong to (a request such as "把F5也写进去" names no kind and is not one).
_KIND_SET = re.compile(
    r"^(?:请|麻烦)?(?:把|将)?(?P<ids>[Ff]\s*\d+(?:\s*(?:[、，,和及与跟]|到|至|-|–|—|~|～)\s*[Ff]?\s*\d+)*)"
    r"\s*(?:都|也|应该|应当|其实|实际上)?(?:是|属于|算作?|算成|归为|归入|归到|归于|放到|放在|放进|划为|划入|划到|"
    r"改为|改成|标为|当作|作为)\s*(?:一条|一个)?(?:是)?[“\"]?(?P<kind>"
    + "|".join(sorted(_KIND_WORDS, key=len, reverse=True))
    + r")[”\"]?(?:的)?(?:素材|内容|部分|那一?部分|这一?部分|里|中|里面|那一?块|类)?(?:吧|了|啊)?[。！!，,\s]*$"
)


def kind_setting(text: str) -> dict[str, Role] | None:
    """ "F3、F4算成绩" -> {"F3": ACHIEVEMENTS, "F4": ACHIEVEMENTS}; None when the message is
    anything else."""
    m = _KIND_SET.match(text.strip())
    if m is None:
        return None
    role = _KIND_WORDS[m.group("kind")]
    return {fid: role for fid in fact_ids(m.group("ids"))}


# ---- a text pasted to be checked -------------------------------------------------------------------
# A request to check asks someone ("帮我核对…", "请审核以下内容", "这段写得对不对"); "完成审核12件"
# in a list of facts does not.
_CHECK_ASK = re.compile(r"帮|请|麻烦|一下|这|那|以上|上面|下面|以下|如下|是否|有没有|对不对|有无|吗|[？?]")
# Inside the pasted part: where the facts begin ("素材：…") and a label before the draft ("原文：").
_CHECK_FACTS_LABEL = re.compile(
    r"(?:^|\n)[ \t]*[【\[]?(?:所?依据的|参考|相关|原始)?(?:素材|事实|材料|情况)(?:如下)?[】\]]?[ \t]*[：:](?!//)\s*"
)
_CHECK_DRAFT_LABEL = re.compile(
    r"^[ \t]*[【\[]?(?:稿子|稿件|原稿|原文|文稿|草稿|正文|全文|内容)(?:如下)?[】\]]?[ \t]*[：:](?!//)\s*"
)


def _asks_to_check(clause: str) -> bool:
    c = clause.strip(" \t\n。！!？?；;，,：:")
    m = _CHECK.search(c)
    return bool(c) and len(c) <= 60 and m is not None and m.start() <= 16 and bool(_CHECK_ASK.search(c))


def check_request(text: str) -> Intent | None:
    """ "帮我核对这段稿子：<稿子>[素材：<素材>]" or "<稿子>……帮我检查一下": a check of the pasted
    text (its facts, when labelled, in ``facts_text``), whatever words the text holds (citations
    〔F1〕 in it are not a choice of facts, its 问题/打算 not a request to draft). None when the
    message carries no text besides the request."""
    raw = text.strip()
    bounds = [m.start() for m in _BOUNDARY.finditer(raw)]
    first = next((b for b in bounds if raw[:b].strip(" \t\n。！!？?；;，,：:")), None)
    if first is not None and _asks_to_check(raw[:first]):
        body = raw[first + 1 :]
    else:
        last = next((b for b in reversed(bounds) if raw[b + 1 :].strip(" \t\n。！!？?；;，,")), None)
        if last is None or len(raw) - last > 32 or not _asks_to_check(raw[last + 1 :]):
            return None
        body = raw[:last]
    body = body.strip(" \t\n，,：:")
    facts: str | None = None
    label = _CHECK_FACTS_LABEL.search(body)
    if label is not None:
        before, after = body[: label.start()], body[label.end() :]
        # "素材：…\n稿子：…" puts the facts first
        draft_label = re.search(_CHECK_DRAFT_LABEL.pattern.replace("^", "(?:^|\\n)", 1), after)
        if not before.strip() and draft_label is not None:
            before, after = after[draft_label.end() :], after[: draft_label.start()]
        body, facts = before, after.strip() or None
    body = _CHECK_DRAFT_LABEL.sub("", body, count=1).strip()
    if not body:
        return None
    return Intent("check", raw, draft_text=body, facts_text=facts)


def parse_request(text: str) -> Intent:
    """Map one chat message to an Intent; unknown requests carry a suggestion of what works.

    Facts typed with the request are returned in ``facts_text``: with a request to draft the
    intent is that request; alone ("补充一条：…") it is ``add_facts``. A text pasted to be
    checked is ``check`` with the text in ``draft_text`` (never a request to draft).
    """
    raw = text.strip()
    kinds = kind_setting(raw)
    if kinds:
        return Intent("set_kind", raw, fact_kinds=kinds)
    checked = check_request(raw)
    if checked is not None:
        return checked
    request, facts_text = split_request(raw)
    if facts_text is None:
        return _parse_plain(raw)
    intent = _parse_plain(request)
    if intent.kind == "revise" and intent.role is not None:
        # "工作成效：A；B。帮我扩写成一段话": new facts and a section make a draft, not a revision
        intent = Intent("draft", request, role=intent.role, shape=wanted_shape(request))
    if intent.kind == "check":  # the pasted text is the draft to check, not facts
        intent.text, intent.draft_text = raw, facts_text
        return intent
    added = _ADD_FACTS.match(request.strip())
    if intent.kind not in ("draft", "draft_all", "outline") or added:
        m = added
        kind = m.group("kind") if m else None
        intent = Intent("add_facts", request, role=_KIND_WORDS.get(kind) if kind else None)
    intent.text = raw
    intent.facts_text = facts_text
    return intent


def _parse_plain(raw: str) -> Intent:
    if not raw:
        return Intent("unknown", raw, suggestion="请输入要起草或修改的内容。\n\n" + HELP_TEXT)
    choice = _fact_choice(raw)
    if choice is not None:
        only, add, drop = choice
        found = find_role(raw)
        kind: IntentKind = "draft" if found is not None else "select_facts"
        return Intent(
            kind,
            raw,
            role=found[0] if found else None,
            shape=wanted_shape(raw) if found else None,
            fact_only=only,
            fact_add=add,
            fact_drop=drop,
        )
    if _HELP.search(raw):
        return Intent("help", raw, suggestion=HELP_TEXT)
    if _CHECK.search(raw) and (_asks_to_check(raw) or len(raw) <= 6):  # not "完成审核12件"
        return Intent("check", raw)

    if _DRAFT_ALL.search(raw) and not _OUTLINE.search(raw):
        return Intent("draft_all", raw)

    if _OUTLINE.search(raw):
        title = _TITLE.search(raw)
        ordinal = _ORDINAL.search(raw)
        hint = title.group(1).strip() if title else None
        index = small_number(ordinal.group(1)) if ordinal else None
        outline_kind: IntentKind = "draft_all" if _DRAFT_ALL.search(raw) else "outline"
        return Intent(outline_kind, raw, report_hint=hint, report_index=index)

    found = find_role(raw)
    shape = wanted_shape(raw)
    revise = _REVISE.search(raw) is not None
    if found is not None:
        role, start, end = found
        if not revise or _asks_to_draft(raw, (start, end)):
            return Intent("draft", raw, role=role, shape=shape)
        # "润色一下开头": the opening of the current draft, not a section of its own
        role_ = None if role in (Role.PREAMBLE, Role.CLOSING) else role
        return Intent("revise", raw, role=role_, instruction=raw)
    if revise or re.search(r"第\s*[一二三四五六七八九十\d]+\s*[点条段句]", raw):
        return Intent("revise", raw, instruction=raw)
    return Intent(
        "unknown",
        raw,
        suggestion=f"抱歉，我没有理解“{raw}”。\n\n" + HELP_TEXT,
    )


def _norm_title(s: str) -> str:
    return re.sub(r"[\s…．.。·、“”\"'《》【】\[\]]+", "", s)


def match_report(intent: Intent, reports: Sequence[ReportInfo]) -> ReportInfo | None:
    """The report a request points at: by number in the list or by (a fragment of) its title."""
    if intent.report_index is not None:
        i = intent.report_index - 1
        return reports[i] if 0 <= i < len(reports) else None
    if intent.report_hint:
        hint = _norm_title(intent.report_hint)
        if not hint:
            return None
        for r in reports:
            title = _norm_title(r.title)
            if hint == title or hint == r.id:
                return r
        for r in reports:
            title = _norm_title(r.title)
            if title.startswith(hint) or hint in title or (len(title) >= 6 and title in hint):
                return r
    return None
