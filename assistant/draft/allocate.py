"""Which of the user's facts belong in which section when a whole report is drafted.

A user pastes one list of facts for the whole report; the 工作情况 section should get the
things done, 存在问题 the shortcomings and 下步打算 the plans. Pure function over Fact.status and
cue words, deterministic, table-tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.models import Fact, Role

# Words that mark a shortcoming ("形式单一", "力量薄弱", "仅有3名", "有待提高", "不到2人").
_PROBLEM_RE = re.compile(
    r"不足|不够|不强|不高|不深|不到位|不全|不完善|不健全|不规范|不平衡|不充分|不畅|不严|不会|不到\d|"
    r"单一|薄弱|欠缺|缺乏|短缺|缺(?![失席])|"
    r"有待|短板|滞后|落后|老化|流失|偏少|偏低|偏高|较少|较弱|仅有|只有|仅|尚未|尚不|未能|未及时|"
    r"(?<![全从])未(?!发生|出现|发现)(?=[\u4e00-\u9fff])|"
    r"存在.{0,6}问题|问题突出|问题仍|仍存在|仍然存在|差距|难(?!度)|慢|弱|低(?!于)|"
    r"压力大|流动大|同质化|卡顿|漏报|多为兼职|"
    # the genre's usual shortfall wording beyond the dev sets' own
    r"不明显|不突出|不理想|不稳定|不协调|不匹配|不一致|参差不齐|流于形式|走过场|形式主义|"
    r"针对性不强|覆盖面窄|较窄|偏窄|空白|盲区|死角|欠账|匮乏|紧缺|紧张|乏力|疲软|缓慢|下滑|"
    r"积压|超期|未达|未完成|未落实|未按期|未实现|未覆盖|低于|瓶颈|制约|"
    r"不多|不大|不少.{0,4}(?:问题|隐患)|较大差距|有差距|投诉|"
    r"没有|无法|难以|跟不上|不适应|不相适应|亟需|亟待|急需|不容乐观|不尽|一般化|"
    # grammar of a shortfall rather than topic words: 偏/过 + degree ("年龄偏大", "过于集中"),
    # a worn state ("老旧"), "only" before a count ("只接入了3套"), a thing too few ("特色课程少"),
    # a problem said to grow ("问题日益突出"), recurring trouble ("时有发生")
    r"偏[大重长多小窄]|过[大多长重快于]|(?:老旧|陈旧)(?=$|[，,。；;、])|只[\u4e00-\u9fff]{0,4}了?\d|"
    r"(?<![多减缺不很较最至稀年])少(?=$|[，,。；;、）)])|问题.{0,4}突出|时有发生|屡禁不止|"
    r"意识[差弱淡]|(?<![反])差(?=$|[，,。；;、])"
)
# A rank outside the first three ("排名全市第9", "全省第15位") is a shortfall; 第1–3 is a result.
_RANK_RE = re.compile(r"(?:排名|排位|位列|位居|居).{0,6}第\s*(\d+)")
# Words that mark a cause ("由于…", "根源在于…", "意识淡薄", "重视不够").
_CAUSE_RE = re.compile(
    r"原因|根源|由于|导致|源于|归因|意识淡薄|认识不到位|认识不足|重视不够|重视程度不够|"
    r"精力投入不够|待遇低|晋升难|脱节|边界不清|缺乏.{0,4}依据|根本在于|主要在于|受.{1,12}影响|"
    r"客观上|主观上|究其|因为|以致|致使"
)
# Words that mark an intention when the status words of the facts parser did not fire.
_PLAN_RE = re.compile(
    r"^(?:下一步|下步|明年|今后|来年|\d{4}年将|将要|要|需要|必须|加快|着力|持续|进一步|全面|"
    r"积极|稳步|深入|推动|筹备|谋划|启动|确保)|力争|计划|拟|打算|争取|目标|预计|"
    r"准备|筹建|将于|今年将|明年将"
)
# A time still ahead at the front ("汛前开展隐患排查", "二季度组织轮训", "年底前建成指挥中心"):
# an intention even when a done verb follows, unless 已 says it happened.
_AHEAD_RE = re.compile(
    r"^(?:新学期|下学期|下半年|[一二三四]季度|汛前|年底前|年内|月底前|春节前|\d{1,2}月底前)(?!.*已)"
)

# Words that mark something done; a fact with none of these (and no other cue) is of unclear
# kind. A count with its measure word ("化解积案17件", "智慧教室24间") reports a result.
_DONE_RE = re.compile(
    r"已|开展|召开|举办|举行|组织|完成|建成|建立|成立|出台|印发|制定|修订|发稿|发布|刊发|推出|处置|"
    r"培训|累计|共计|全年|先后|实现|覆盖|获得|荣获|评为|签订|落实|推进|创建|打造|同比|增长|率达|达到|"
    r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:[万亿](?![\u4e00-\u9fff])|[万亿]?\s*"
    r"(?:次|场|篇|期|个|人次|名|条|项|家|%|节|户|件|起|间|人|元|轮|处|所|座|亩|公里|批|支|部|套|台|"
    r"吨|辆|张|份|册|本|场次|课时|学时|小时|天|家次|车次|宗|单|笔|株|棵|平方米|米))"
)

_PLAN_ROLES = (Role.PLANS, Role.TASKS, Role.REQUIREMENTS)
# Roles whose facts are sorted by kind; other roles (总体要求, 开头…) take the facts as given.
SORTED_ROLES = (Role.ACHIEVEMENTS, Role.PROBLEMS, Role.CAUSES, *_PLAN_ROLES)


def fact_kind(fact: Fact) -> Role:
    """The section role a fact most naturally serves: achievements, problems, causes or plans."""
    text = fact.text
    if fact.status == "planned" or _AHEAD_RE.search(text) or (fact.status != "done" and _PLAN_RE.search(text)):
        return Role.PLANS
    if _CAUSE_RE.search(text):
        return Role.CAUSES
    # a shortfall word outranks a count: "仅开展2次" is a problem, not a result
    if _PROBLEM_RE.search(text) or _low_rank(text):
        return Role.PROBLEMS
    return Role.ACHIEVEMENTS


def _low_rank(text: str) -> bool:
    m = _RANK_RE.search(text)
    return m is not None and int(m.group(1)) > 3


def kind_is_clear(fact: Fact) -> bool:
    """False for a fact that names no result, shortcoming, cause or intention ("网络安全")."""
    if fact_kind(fact) is not Role.ACHIEVEMENTS:
        return True
    return fact.status == "done" or bool(_DONE_RE.search(fact.text))


@dataclass
class Selection:
    """The facts one section is drafted from, and where the others would go."""

    role: Role
    used: list[Fact]
    unclear: list[str] = field(default_factory=list)  # used, though their kind is unclear
    forced: list[str] = field(default_factory=list)  # used because the user asked for them
    elsewhere: dict[Role, list[str]] = field(default_factory=dict)  # not used: the role they fit

    def to_dict(self) -> dict[str, object]:
        return {
            "role": str(self.role),
            "used": [f.id for f in self.used],
            "unclear": list(self.unclear),
            "forced": list(self.forced),
            "elsewhere": {str(r): ids for r, ids in self.elsewhere.items()},
        }


def _fact_number(fid: str) -> int:
    return int(fid[1:]) if fid[1:].isdigit() else 0


def fact_ranges(ids: Iterable[str]) -> str:
    """ "F1、F2、F3、F5" -> "F1–F3、F5" (ids in the order given; runs of three or more)."""
    runs: list[list[str]] = []
    for fid in ids:
        if runs and _fact_number(fid) == _fact_number(runs[-1][-1]) + 1:
            runs[-1].append(fid)
        else:
            runs.append([fid])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(r) for r in runs)


def select_facts(
    role: Role,
    facts: Sequence[Fact],
    only: Sequence[str] | None = None,
    add: Sequence[str] = (),
    drop: Sequence[str] = (),
) -> Selection:
    """The facts a single-section request uses: those that fit ``role`` by the same allocation
    whole-report drafting uses, plus facts of unclear kind (marked), adjusted by the user's words
    ("只用F1到F3" -> only, "把F5也写进去" -> add, "不用F2" -> drop)."""
    known = {f.id for f in facts}
    sel = Selection(role, [])
    if only is not None:
        wanted = [i for i in only if i in known]
        sel.used = [f for f in facts if f.id in wanted]
        sel.forced = list(wanted)
    else:
        fits = role not in SORTED_ROLES
        shares = allocate_facts([role], facts) if not fits else {}
        own = {f.id for f in shares.get(role, [])}
        for f in facts:
            if fits:
                sel.used.append(f)
            elif not kind_is_clear(f):
                sel.used.append(f)
                sel.unclear.append(f.id)
            elif f.id in own:
                sel.used.append(f)
            elif f.id in add:
                sel.used.append(f)
                sel.forced.append(f.id)
            else:
                sel.elsewhere.setdefault(fact_kind(f), []).append(f.id)
    if drop:
        sel.used = [f for f in sel.used if f.id not in drop]
        sel.unclear = [i for i in sel.unclear if i not in drop]
        sel.forced = [i for i in sel.forced if i not in drop]
    return sel


# Short names of the sections facts are sorted into, as a drafter says them.
KIND_LABELS: dict[Role, str] = {
    Role.ACHIEVEMENTS: "工作情况",
    Role.PROBLEMS: "存在问题",
    Role.CAUSES: "原因分析",
    Role.PLANS: "下步打算",
}


def selection_note(sel: Selection) -> str:
    """ "本部分用了 F1–F4；F5 适合“存在问题”，F6 适合“下步打算”" in plain Chinese."""
    parts = [f"本部分用了 {fact_ranges(f.id for f in sel.used)}" if sel.used else "本部分没有可用的素材"]
    if sel.forced:
        parts.append(f"{fact_ranges(sel.forced)} 是按您的要求写入的")
    if sel.unclear:
        parts.append(f"{fact_ranges(sel.unclear)} 看不出属于哪一部分，按您的要求写在这里，请核对")
    others = [f"{fact_ranges(ids)} 适合“{KIND_LABELS.get(r, r.label)}”" for r, ids in sel.elsewhere.items()]
    if others:
        parts.append("，".join(others))
    return "；".join(parts) + "。"


def allocate_facts(roles: Sequence[Role], facts: Sequence[Fact]) -> dict[Role, list[Fact]]:
    """Split facts over the roles of a report's outline, keeping the user's order.

    A fact goes to the section of its kind when the outline has one; causes fall back to
    problems, plans to tasks/requirements, achievements to tasks (a 工作要点 has no 工作情况).
    A fact whose kind has no section at all goes nowhere: it is returned under Role.OTHER so the
    caller can tell the user rather than push it into a section where it does not belong.
    """
    present = list(dict.fromkeys(roles))
    out: dict[Role, list[Fact]] = {r: [] for r in present}
    out.setdefault(Role.OTHER, [])

    def target(kind: Role) -> Role:
        candidates: tuple[Role, ...]
        if kind is Role.CAUSES:
            candidates = (Role.CAUSES, Role.PROBLEMS)
        elif kind is Role.PLANS:
            candidates = _PLAN_ROLES
        elif kind is Role.ACHIEVEMENTS:
            candidates = (Role.ACHIEVEMENTS, Role.TASKS)
        else:
            candidates = (kind,)
        return next((r for r in candidates if r in out and r is not Role.OTHER), Role.OTHER)

    for fact in facts:
        out[target(fact_kind(fact))].append(fact)
    return out
