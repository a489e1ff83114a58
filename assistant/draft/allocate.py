"""Which of the user's facts belong in which section when a whole report is drafted.

A user pastes one list of facts for the whole report; the 工作情况 section should get the
things done, 存在问题 the shortcomings and 下步打算 the plans. Pure function over Fact.status and
cue words, deterministic, table-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.draft.opening import opening_facts
from assistant.models import Fact, Role
from assistant.text.factkind import fact_kind, kind_is_clear, marked_against

__all__ = ["fact_kind", "kind_is_clear", "marked_against"]  # re-exported: callers import them from here too

_PLAN_ROLES = (Role.PLANS, Role.TASKS, Role.REQUIREMENTS)
# Roles whose facts are sorted by kind; other roles (总体要求, 开头…) take the facts as given.
SORTED_ROLES = (Role.ACHIEVEMENTS, Role.PROBLEMS, Role.CAUSES, *_PLAN_ROLES)


@dataclass
class Selection:
    """The facts one section is drafted from, and where the others would go."""

    role: Role
    used: list[Fact]
    unclear: list[str] = field(default_factory=list)  # used, though their kind is unclear
    forced: list[str] = field(default_factory=list)  # used because the user asked for them
    elsewhere: dict[Role, list[str]] = field(default_factory=dict)  # not used: the role they fit
    # typed with the request: used though their words alone would put them elsewhere ...
    leaned: list[str] = field(default_factory=list)
    # ... or, marked clearly as another kind, not used
    moved: list[str] = field(default_factory=list)
    # forced facts whose kind is another section's, with that kind (the note warns of them)
    misplaced: dict[str, Role] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "role": str(self.role),
            "used": [f.id for f in self.used],
            "unclear": list(self.unclear),
            "forced": list(self.forced),
            "elsewhere": {str(r): ids for r, ids in self.elsewhere.items()},
            "leaned": list(self.leaned),
            "moved": list(self.moved),
            "misplaced": {i: str(r) for i, r in self.misplaced.items()},
        }


# The user's own word on a fact's kind ("F5是问题"), keyed by the fact's text so renumbering or
# editing other facts does not move it. It beats the rules everywhere a kind is used.
KindOverrides = Mapping[str, Role]


def kind_of(fact: Fact, kinds: KindOverrides | None = None) -> Role:
    """The fact's kind: the user's word when given, else the rules' (text.factkind.fact_kind)."""
    return (kinds or {}).get(fact.text) or fact_kind(fact)


def _clear(fact: Fact, kinds: KindOverrides | None) -> bool:
    return fact.text in (kinds or {}) or kind_is_clear(fact)


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
    lean: Sequence[str] = (),
    keep: Sequence[str] | None = None,
    kinds: KindOverrides | None = None,
) -> Selection:
    """The facts a single-section request uses: those that fit ``role`` by the same allocation
    whole-report drafting uses, plus facts of unclear kind (marked), adjusted by the user's words
    ("只用F1到F3" -> only, "把F5也写进去" -> add, "不用F2" -> drop).

    ``lean``: facts typed in the same message as the request; they are the section's unless
    their own words clearly mark another kind (text.factkind.marked_against). ``keep``: the facts
    of the draft being redone, kept as they are (only ``add`` counts as forced then).
    ``kinds``: the user's word on facts' kinds (fact text -> role), beating the rules and ``lean``."""
    known = {f.id for f in facts}
    sel = Selection(role, [])
    if keep is not None or only is not None:
        base = [i for i in (keep if keep is not None else only or ()) if i in known]
        asked = [i for i in (add if keep is not None else base) if i in known]
        sel.used = [f for f in facts if f.id in base or f.id in asked]
        sel.forced = [i for i in asked if i not in base or keep is None]
    elif role is Role.PREAMBLE and not lean:
        # an opening sums up: the most general results; the rest are said to belong elsewhere
        chosen = {f.id for f in opening_facts(facts)}
        for f in facts:
            if f.id in chosen or f.id in add:
                sel.used.append(f)
            else:
                sel.elsewhere.setdefault(kind_of(f, kinds), []).append(f.id)
        sel.forced = [i for i in add if i in known and i not in chosen]
    else:
        fits = role not in SORTED_ROLES
        shares = allocate_facts([role], facts, kinds) if not fits else {}
        own = {f.id for f in shares.get(role, [])}
        told = kinds or {}
        for f in facts:
            if fits:
                sel.used.append(f)
            elif not _clear(f, kinds):
                sel.used.append(f)
                sel.unclear.append(f.id)
            elif f.id in own:
                sel.used.append(f)
            elif f.id in add:
                sel.used.append(f)
                sel.forced.append(f.id)
            elif f.id in lean and f.text not in told and marked_against(f, role) is None:
                sel.used.append(f)
                sel.leaned.append(f.id)
            else:
                sel.elsewhere.setdefault(kind_of(f, kinds), []).append(f.id)
                if f.id in lean:
                    sel.moved.append(f.id)
    if drop:
        sel.used = [f for f in sel.used if f.id not in drop]
        sel.unclear = [i for i in sel.unclear if i not in drop]
        sel.forced = [i for i in sel.forced if i not in drop]
        sel.leaned = [i for i in sel.leaned if i not in drop]
    if role in SORTED_ROLES:
        by_id = {f.id: f for f in facts}
        for fid in sel.forced:
            f = by_id[fid]
            if _clear(f, kinds) and allocate_facts([role], [f], kinds).get(role) != [f]:
                sel.misplaced[fid] = kind_of(f, kinds)
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
    plain = [i for i in sel.forced if i not in sel.misplaced]
    if plain:
        parts.append(f"{fact_ranges(plain)} 是按您的要求写入的")
    for kind in dict.fromkeys(sel.misplaced.values()):
        ids = [i for i, k in sel.misplaced.items() if k is kind]
        parts.append(f"{fact_ranges(ids)} 看起来属于“{kind_label(kind)}”，已按您的要求写入本部分")
    if sel.leaned:
        parts.append(f"{fact_ranges(sel.leaned)} 是随这次要求给出的，写在本部分")
    if sel.unclear:
        other = "成绩" if sel.role in (Role.PROBLEMS, Role.CAUSES) else "问题"  # a section not this one
        parts.append(
            f"{fact_ranges(sel.unclear)} 看不出属于哪一部分，按您的要求写在这里，请核对；"
            f"如属于别的部分，可以说“{sel.unclear[0]}是{other}”"
        )
    moved = set(sel.moved)
    for kind, ids in sel.elsewhere.items():
        mine = [i for i in ids if i in moved]
        if mine:
            parts.append(f"您随要求给出的 {fact_ranges(mine)} 看起来属于“{kind_label(kind)}”，没有写入本部分")
    others = [
        f"{fact_ranges(rest)} 适合“{kind_label(r)}”"
        for r, ids in sel.elsewhere.items()
        if (rest := [i for i in ids if i not in moved])
    ]
    if others:
        parts.append("，".join(others))
    return "；".join(parts) + "。"


def kind_label(role: Role) -> str:
    """What a kind of fact is called when the user is told where it goes ("存在问题")."""
    return KIND_LABELS.get(role, role.label)


def allocate_facts(
    roles: Sequence[Role], facts: Sequence[Fact], kinds: KindOverrides | None = None
) -> dict[Role, list[Fact]]:
    """Split facts over the roles of a report's outline, keeping the user's order.

    A fact goes to the section of its kind when the outline has one; causes fall back to
    problems, plans to tasks/requirements, achievements to tasks (a 工作要点 has no 工作情况).
    A fact whose kind has no section at all goes nowhere: it is returned under Role.OTHER so the
    caller can tell the user rather than push it into a section where it does not belong.
    ``kinds``: the user's word on facts' kinds (fact text -> role), beating the rules.
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
        out[target(kind_of(fact, kinds))].append(fact)
    return out
