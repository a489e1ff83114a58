"""Planning a whole report: outline from a sample, facts per section, section-by-section drafting
and the order of the sections in an export.

Pure: it takes a sample's outline (dicts shaped like `assistant outline --json` sections) and the
user's facts, and calls back for the drafting itself, so the UI and the CLI plan the same way.
The plan is plain data (``Plan.to_json``) stored with its conversation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from assistant.draft.allocate import KindOverrides, allocate_facts
from assistant.draft.frame import HEADING_RE, cn_numeral
from assistant.draft.offline import DEFAULT_TITLES, is_role_title
from assistant.models import Fact, Role, WantedShape

# Order of sections in an assembled report when no outline was chosen.
ROLE_ORDER = (
    Role.PREAMBLE, Role.PRINCIPLES, Role.ACHIEVEMENTS, Role.TASKS, Role.PROBLEMS, Role.CAUSES,
    Role.PLANS, Role.REQUIREMENTS, Role.CLOSING, Role.OTHER,
)  # fmt: skip
DEFAULT_ROLES = (Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS)
# The opening and closing summarise the whole report: written last, by the user.
NOT_DRAFTED = (Role.PREAMBLE, Role.CLOSING, Role.OTHER)
META_KEY = "plan"  # SessionStore.set_meta key of a conversation's plan


@dataclass
class PlanItem:
    """One level-1 section of the planned report."""

    key: str  # section key of its drafts ("problems", "achievements-2")
    role: Role
    heading: str  # the heading line the draft uses, marker included ("二、存在的主要问题")
    sample_heading: str = ""  # the sample's own heading line
    n_children: int = 0
    n_points: int = 0
    point_style: str | None = None
    children: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)

    @property
    def drafted(self) -> bool:
        return self.role not in NOT_DRAFTED

    @property
    def display_heading(self) -> str:
        return self.heading or self.sample_heading or "（开头）"

    @property
    def form(self) -> str:
        """The sample section's form in words: "（2个小标题，4点）", or ""."""
        form = [f"{self.n_children}个小标题"] if self.n_children else []
        form += [f"{self.n_points}点"] if self.n_points else []
        return f"（{'，'.join(form)}）" if form else ""

    def shape(self) -> WantedShape | None:
        """The form the sample's section has, asked of the draft."""
        if self.n_children:
            return WantedShape(heading_style="（一）")
        if self.n_points and self.point_style and self.point_style != "none":
            return WantedShape(point_style=self.point_style)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "role": str(self.role),
            "heading": self.heading,
            "sample_heading": self.sample_heading,
            "n_children": self.n_children,
            "n_points": self.n_points,
            "point_style": self.point_style,
            "children": list(self.children),
            "fact_ids": list(self.fact_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlanItem:
        try:
            role = Role(str(d.get("role")))
        except ValueError:
            role = Role.OTHER
        return cls(
            key=str(d.get("key") or role),
            role=role,
            heading=str(d.get("heading") or ""),
            sample_heading=str(d.get("sample_heading") or ""),
            n_children=int(d.get("n_children") or 0),
            n_points=int(d.get("n_points") or 0),
            point_style=d.get("point_style"),
            children=[str(c) for c in d.get("children") or []],
            fact_ids=[str(f) for f in d.get("fact_ids") or []],
        )


@dataclass
class Plan:
    """A report's outline with the facts each section is drafted from."""

    items: list[PlanItem]
    report_id: str | None = None  # the sample it follows; None for the default plan
    report_title: str | None = None
    unplaced: list[str] = field(default_factory=list)  # facts no section of the plan fits

    def item(self, key: str) -> PlanItem | None:
        return next((it for it in self.items if it.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "report_title": self.report_title,
            "sections": [it.to_dict() for it in self.items],
            "unplaced": list(self.unplaced),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        return cls(
            items=[PlanItem.from_dict(s) for s in d.get("sections") or []],
            report_id=d.get("report_id"),
            report_title=d.get("report_title"),
            unplaced=[str(f) for f in d.get("unplaced") or []],
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Plan | None:
        """The stored plan, or None when there is none or it cannot be read."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return cls.from_dict(data) if isinstance(data, dict) else None


# ---- outline -> plan --------------------------------------------------------------------------
def draft_heading(role: Role, sample_heading: str, marker: str) -> str:
    """The heading a drafted section gets: the sample's wording when it names the role and
    nothing of the sample's own content (no unit, number, place), else the role's usual title."""
    m = HEADING_RE.match(sample_heading)
    title = sample_heading[m.end() :] if m else sample_heading
    title = title.split("。")[0].strip().rstrip("：:")
    if not is_role_title(role, title):
        title = DEFAULT_TITLES.get(role, title)
    return f"{marker}{title}" if marker else title


def _key(role: Role, seen: dict[Role, int]) -> str:
    seen[role] = seen.get(role, 0) + 1
    return str(role) if seen[role] == 1 else f"{role}-{seen[role]}"


def plan_from_outline(
    outline: Sequence[Mapping[str, Any]],
    report_id: str | None = None,
    report_title: str | None = None,
) -> Plan:
    """The plan of a report that follows a sample's level-0/1 structure.

    Sections of role "other" without a heading are dropped; the level-1 sections are numbered
    一、二、… in order, so the outline shows exactly the headings the drafts will carry.
    """
    items: list[PlanItem] = []
    seen: dict[Role, int] = {}
    n = 0
    for s in outline:
        level = int(s.get("level") or 0)
        if level > 1:
            continue
        try:
            role = Role(str(s.get("role") or Role.OTHER))
        except ValueError:
            role = Role.OTHER
        heading = str(s.get("heading") or "")
        if role is Role.OTHER and not heading:
            continue
        children = [
            str(c.get("heading") or "")
            for c in outline
            if int(c.get("level") or 0) == 2 and heading and list(c.get("path") or [])[-1:] == [heading]
        ]
        if heading and role not in (Role.PREAMBLE, Role.CLOSING):
            n += 1
            planned = draft_heading(role, heading, f"{cn_numeral(n)}、")
        else:
            planned = ""
        items.append(
            PlanItem(
                key=_key(role, seen),
                role=role,
                heading=planned,
                sample_heading=heading,
                n_children=int(s.get("n_children") or 0),
                n_points=int(s.get("n_points") or 0),
                point_style=s.get("point_style"),
                children=children,
            )
        )
    return Plan(items=items, report_id=report_id, report_title=report_title)


def default_plan() -> Plan:
    """The usual 工作情况—存在问题—下步打算 report, when no sample was chosen."""
    items = [
        PlanItem(key=str(r), role=r, heading=f"{cn_numeral(i)}、{DEFAULT_TITLES[r]}")
        for i, r in enumerate(DEFAULT_ROLES, 1)
    ]
    return Plan(items=items)


def allocate(plan: Plan, facts: Sequence[Fact], kinds: KindOverrides | None = None) -> Plan:
    """The plan with each drafted section's facts (first section of a role gets them all) and
    the facts that fit no section listed as unplaced. ``kinds``: the user's word on facts' kinds
    (fact text -> role), beating the rules."""
    drafted = [it for it in plan.items if it.drafted]
    shares = allocate_facts([it.role for it in drafted], facts, kinds)
    given: set[Role] = set()
    items: list[PlanItem] = []
    for it in plan.items:
        ids: list[str] = []
        if it.drafted and it.role not in given:
            given.add(it.role)
            ids = [f.id for f in shares.get(it.role, [])]
        items.append(PlanItem(**{**it.to_dict(), "role": it.role, "fact_ids": ids}))
    unplaced = [f.id for f in shares.get(Role.OTHER, [])]
    return Plan(items=items, report_id=plan.report_id, report_title=plan.report_title, unplaced=unplaced)


# ---- drafting section by section --------------------------------------------------------------
D = TypeVar("D")


@dataclass
class SectionStep(Generic[D]):
    """What happened to one plan item: drafted (``result``), skipped, without facts, or failed."""

    item: PlanItem
    status: str  # "drafted" | "skipped" | "empty" | "failed"
    result: D | None = None
    error: str | None = None


def draft_report(
    plan: Plan,
    facts: Sequence[Fact],
    draft_section: Callable[[PlanItem, list[Fact]], D],
    on_error: type[Exception] = Exception,
) -> Iterator[SectionStep[D]]:
    """Draft the plan's sections in order, each from its own facts (the plan must be allocated).

    Preamble and closing are skipped (they summarise the finished report); a section whose role
    got no facts is reported "empty" rather than drafted from facts that do not belong to it.
    """
    by_id = {f.id: f for f in facts}
    for it in plan.items:
        if not it.drafted:
            yield SectionStep(it, "skipped")
            continue
        own = [by_id[i] for i in it.fact_ids if i in by_id]
        if not own:
            yield SectionStep(it, "empty")
            continue
        try:
            yield SectionStep(it, "drafted", draft_section(it, own))
        except on_error as exc:
            yield SectionStep(it, "failed", error=str(exc))


def assembly_order(plan: Plan | None, keys: Sequence[str]) -> list[str]:
    """Drafted section keys in the order of the plan, then by the usual role order."""
    plan_keys = [it.key for it in plan.items] if plan else []
    plan_roles = [str(it.role) for it in plan.items] if plan else []

    def order(key: str) -> tuple[int, int, str]:
        if key in plan_keys:
            return (0, plan_keys.index(key), key)
        role = key.split("-")[0]
        if role in plan_roles:
            return (0, plan_roles.index(role), key)
        try:
            return (1, ROLE_ORDER.index(Role(role)), key)
        except ValueError:
            return (2, 0, key)

    return sorted(keys, key=order)
