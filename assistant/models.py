"""Plain data objects passed between the stages (corpus -> index -> draft -> review -> UI).

Every stage takes these and returns new ones; none of them knows Chroma, LangChain or Streamlit.
Objects that cross a process or storage boundary offer ``to_dict``/``from_dict``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Role(StrEnum):
    """What a section does in its report."""

    PREAMBLE = "preamble"
    ACHIEVEMENTS = "achievements"
    PROBLEMS = "problems"
    CAUSES = "causes"
    PLANS = "plans"
    PRINCIPLES = "principles"
    TASKS = "tasks"
    REQUIREMENTS = "requirements"
    CLOSING = "closing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.PREAMBLE: "开头",
    Role.ACHIEVEMENTS: "工作情况/主要做法",
    Role.PROBLEMS: "存在问题",
    Role.CAUSES: "原因分析",
    Role.PLANS: "下步打算/工作措施",
    Role.PRINCIPLES: "总体要求/工作原则",
    Role.TASKS: "主要任务",
    Role.REQUIREMENTS: "工作要求",
    Role.CLOSING: "结尾",
    Role.OTHER: "其他",
}

# Roles that can stand in for each other when a role has too few sections in the corpus.
RELATED_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.PLANS: (Role.TASKS, Role.REQUIREMENTS),
    Role.TASKS: (Role.PLANS, Role.REQUIREMENTS),
    Role.REQUIREMENTS: (Role.TASKS, Role.PLANS),
    Role.PROBLEMS: (Role.CAUSES,),
    Role.CAUSES: (Role.PROBLEMS,),
    Role.PRINCIPLES: (Role.REQUIREMENTS,),
    Role.ACHIEVEMENTS: (),
    Role.PREAMBLE: (Role.CLOSING,),
    Role.CLOSING: (Role.PREAMBLE,),
    Role.OTHER: (),
}


def _role(value: Any) -> Role:
    """A stored role value back to a Role; unknown values (older data) become OTHER."""
    try:
        return Role(value)
    except ValueError:
        return Role.OTHER


# Heading style of a section: the marker family of its heading ("none" for the preamble).
HeadingStyle = Literal["none", "一、", "（一）", "1.", "（1）"]
# Enumerator family of in-paragraph points ("none" when the section has no points).
PointStyle = Literal["none", "一是", "一要", "一抓", "首先", "第一"]


@dataclass(frozen=True)
class Placeholder:
    """An anonymised slot in a sample ("X", "xx", "**", "×", "n", "XX局"), offsets in the section body."""

    text: str
    start: int
    end: int


@dataclass
class Point:
    """One in-paragraph enumerated point (一是…, 一要…, 首先…) of a section body."""

    index: int  # 1-based
    marker: str  # the enumerator as written: "一是", "二要", "首先", "第一，"
    lead: str | None  # short lead phrase ("坚持理论学习宣讲，把稳思想'方向盘'") or None
    text: str  # the whole point including marker and lead
    start: int  # offsets in the section body
    end: int


@dataclass
class Shape:
    """The measurable form of a section."""

    level: int
    heading_style: str  # a HeadingStyle value
    point_style: str  # a PointStyle value
    n_children: int
    n_points: int
    chars: int
    placeholders: int
    has_leads: bool = False  # points or children carry lead phrases of their own

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Shape:
        return cls(
            level=int(d["level"]),
            heading_style=d.get("heading_style", "none"),
            point_style=d.get("point_style", "none"),
            n_children=int(d.get("n_children", 0)),
            n_points=int(d.get("n_points", 0)),
            chars=int(d.get("chars", 0)),
            placeholders=int(d.get("placeholders", 0)),
            has_leads=bool(d.get("has_leads", False)),
        )


@dataclass
class Section:
    """A node of a report's section tree, stored flat in document order."""

    id: str  # hierarchical: "0" preamble, "1", "1.2", "1.2.3"
    level: int  # 0 preamble/closing, 1 一、, 2 （一）, 3 1./（1）
    heading: str  # full heading line incl. marker ("一、工作情况"); "" for the preamble
    marker: str  # "一、", "（二）", "3." or ""
    title: str  # heading without marker ("工作情况")
    body: str  # the section's own cleaned text, without its children
    path: list[str]  # headings of the ancestors, outermost first
    role: Role
    shape: Shape
    points: list[Point] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    parent: str | None = None  # id of the parent section
    children: list[str] = field(default_factory=list)  # ids of the child sections
    also_roles: list[Role] = field(default_factory=list)  # e.g. causes in "存在问题及原因"
    span: tuple[int, int] = (0, 0)  # character span of the whole subtree in Report.text
    role_confidence: float = 1.0  # 0-1: how sure the role is (1.0: named by the heading or a user)
    role_evidence: str = ""  # Chinese reasons for the role, "；"-separated

    def outline_dict(self) -> dict[str, Any]:
        """This section as one entry of `assistant outline --json` (a public shape)."""
        return {
            "id": self.id,
            "level": self.level,
            "heading": self.heading,
            "role": str(self.role),
            "path": list(self.path),
            "n_children": self.shape.n_children,
            "n_points": self.shape.n_points,
            "chars": self.shape.chars,
            "placeholders": self.shape.placeholders,
            "text": self.body,
            # added fields (not in the original contract)
            "also_roles": [str(r) for r in self.also_roles],
            "heading_style": self.shape.heading_style,
            "point_style": self.shape.point_style,
            "points": [{"marker": p.marker, "lead": p.lead} for p in self.points],
            "role_confidence": self.role_confidence,
            "role_evidence": self.role_evidence,
        }


@dataclass
class Report:
    """A sample report after load, clean, structure and roles."""

    id: str  # stable id, the file stem by default ("000_13674df05d4d43f5")
    source: str  # path as given
    title: str
    year: int | None
    text: str  # the cleaned full text
    sections: list[Section]  # flat, document order; sections[0] is the level-0 preamble
    content_hash: str  # sha256 of the raw bytes
    warnings: list[str] = field(default_factory=list)  # Chinese, shown to users
    flagged_lines: list[str] = field(default_factory=list)  # lines addressing a model: never prompt

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def subtree_text(self, section_id: str) -> str:
        """The section with all its descendants as cleaned text (headings on their own lines)."""
        s = self.section(section_id)
        return self.text[s.span[0] : s.span[1]].strip()


FactStatus = Literal["done", "planned", "none"]


@dataclass(frozen=True)
class Quantity:
    """A number in a fact or a draft, normalised: "1.2万人次" -> value 12000, unit "人次"."""

    text: str  # surface form as written ("20余场次")
    value: float
    unit: str  # "场次", "%", "" …
    qualifier: str  # "余", "近", "超过", "约", "左右" or ""
    start: int
    end: int
    kind: Literal["quantity", "date", "year"] = "quantity"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quantity:
        return cls(
            text=d["text"],
            value=float(d["value"]),
            unit=d.get("unit", ""),
            qualifier=d.get("qualifier", ""),
            start=int(d.get("start", 0)),
            end=int(d.get("end", 0)),
            kind=d.get("kind", "quantity"),
        )


@dataclass
class Fact:
    """One statement the user supplied, numbered F1, F2 …"""

    id: str
    text: str
    quantities: list[Quantity] = field(default_factory=list)  # incl. dates and years (by kind)
    titles: list[str] = field(default_factory=list)  # 《…》 titles, with the brackets
    status: FactStatus = "none"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fact:
        return cls(
            id=d["id"],
            text=d["text"],
            quantities=[Quantity.from_dict(q) for q in d.get("quantities", [])],
            titles=list(d.get("titles", [])),
            status=d.get("status", "none"),
        )


@dataclass
class Exemplar:
    """A retrieved sample section and why it was chosen."""

    report: str  # report id
    title: str  # report title
    source: str  # report source path
    section_id: str
    heading: str
    path: list[str]
    role: Role
    level: int
    n_points: int
    n_children: int
    heading_style: str
    point_style: str
    score: float
    why: dict[str, Any]  # role match, shared terms, shape comparison, score parts
    text: str  # the whole subtree as cleaned text: heading line, body, children
    body: str = ""  # the section's own body only

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["role"] = str(self.role)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Exemplar:
        return cls(
            report=d["report"],
            title=d.get("title", ""),
            source=d.get("source", ""),
            section_id=d.get("section_id", ""),
            heading=d.get("heading", ""),
            path=list(d.get("path", [])),
            role=_role(d.get("role", "other")),
            level=int(d.get("level", 0)),
            n_points=int(d.get("n_points", 0)),
            n_children=int(d.get("n_children", 0)),
            heading_style=d.get("heading_style", "none"),
            point_style=d.get("point_style", "none"),
            score=float(d.get("score", 0.0)),
            why=dict(d.get("why", {})),
            text=d.get("text", ""),
            body=d.get("body", ""),
        )


FlagKind = Literal[
    "unsupported_number",
    "changed_number",
    "copied_from_sample",
    "status_shift",
    "unsupported_title",
    "placeholder_left",
    "unsupported_claim",
    "unsupported_name",
    "wrong_citation",
    "unsupported_comparison",
    "role_mismatch",
]


@dataclass
class Flag:
    kind: str  # a FlagKind
    text: str  # the flagged span's text
    start: int  # offsets in the draft
    end: int
    reason: str  # Chinese, for the user
    fact: str | None = None  # fact id involved, if any
    exemplar: str | None = None  # exemplar (report id / heading) involved, if any

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Flag:
        return cls(
            kind=d["kind"],
            text=d.get("text", ""),
            start=int(d.get("start", 0)),
            end=int(d.get("end", 0)),
            reason=d.get("reason", ""),
            fact=d.get("fact"),
            exemplar=d.get("exemplar"),
        )


@dataclass
class SentenceSupport:
    text: str
    start: int
    end: int
    facts: list[str]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SentenceSupport:
        return cls(
            text=d["text"],
            start=int(d.get("start", 0)),
            end=int(d.get("end", 0)),
            facts=list(d.get("facts", [])),
        )


Verdict = Literal["pass", "flagged", "unverified"]


@dataclass
class Review:
    verdict: str  # a Verdict
    flags: list[Flag]
    unused_facts: list[str]
    sentences: list[SentenceSupport]
    notes: list[str] = field(default_factory=list)  # e.g. why the verdict is "unverified"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "flags": [asdict(f) for f in self.flags],
            "unused_facts": list(self.unused_facts),
            "sentences": [
                {"text": s.text, "facts": list(s.facts), "start": s.start, "end": s.end}
                for s in self.sentences
            ],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Review:
        return cls(
            verdict=d.get("verdict", "unverified"),
            flags=[Flag.from_dict(f) for f in d.get("flags", [])],
            unused_facts=list(d.get("unused_facts", [])),
            sentences=[SentenceSupport.from_dict(s) for s in d.get("sentences", [])],
            notes=list(d.get("notes", [])),
        )


@dataclass
class Draft:
    """A drafted section with everything the review panel shows beside it."""

    role: Role
    text: str
    engine: str  # "offline" or "llm"
    exemplars: list[Exemplar]
    facts: list[Fact]
    review: Review
    notice: str | None = None  # e.g. "模型接口不可用（连接被拒绝），已改用离线起草。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": self.text,
            "engine": self.engine,
            "role": str(self.role),
            "notice": self.notice,
            "exemplars": [e.to_dict() for e in self.exemplars],
            "facts": [f.to_dict() for f in self.facts],
            "review": self.review.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Draft:
        """Inverse of ``to_dict`` (the text is stored under "draft")."""
        review = d.get("review")
        return cls(
            role=_role(d.get("role", "other")),
            text=d.get("draft", d.get("text", "")),
            engine=d.get("engine", "offline"),
            exemplars=[Exemplar.from_dict(e) for e in d.get("exemplars", [])],
            facts=[Fact.from_dict(f) for f in d.get("facts", [])],
            review=Review.from_dict(review) if review else Review("unverified", [], [], []),
            notice=d.get("notice"),
        )


@dataclass
class WantedShape:
    """The form a user asks for ("按（一）（二）格式写", "写三点"); None = take the exemplar's."""

    heading_style: str | None = None  # "（一）" for children, "一、" …
    point_style: str | None = None  # "一是", "一要", "首先" …
    n_points: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WantedShape:
        return cls(
            heading_style=d.get("heading_style"),
            point_style=d.get("point_style"),
            n_points=d.get("n_points"),
        )


@dataclass
class ReportInfo:
    """One report in the index, for listings."""

    id: str
    title: str
    source: str
    year: int | None
    n_sections: int
    content_hash: str = ""


@dataclass
class IndexResult:
    """What one `assistant index` run did. Messages are Chinese, for users."""

    added: list[str] = field(default_factory=list)  # report ids
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged (same content hash)
    removed: list[str] = field(default_factory=list)  # pruned or deleted
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, Chinese error message)
    n_sections: int = 0  # records in the index after the run
    rebuilt: bool = False  # the whole index was rebuilt (older version / other embedding)
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["failed"] = [{"path": p, "error": e} for p, e in self.failed]
        return d
