"""Roles: what each section does, from its heading, the report's genre, its place among its
siblings and the evidence in its body; every role carries a confidence and Chinese reasons.

Most real reports name the work in their headings, not the role ("一、加强理论学习，政治站位不断
提高"). Such a topical heading is an achievement in a 总结/汇报 (before 存在问题), a task in a
要点/方案, and a plan after 存在问题; its body confirms or corrects that (done: 开展/完成/14次;
shortcoming: 不够/有待; intention: 将/力争). A heading that only names a role ("三、需要关注的
问题") is decisive. Children inherit their parent's role unless their own heading says otherwise.

Pure functions; the word lists are ``prompts/role_words.toml``. Today's heading-keyword rules
stay callable as the baseline in ``keyword_roles``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from assistant.models import Role
from assistant.text.status import status_marks

WORDS_FILE = Path(__file__).resolve().parents[2] / "prompts" / "role_words.toml"


class Genre(StrEnum):
    RETROSPECTIVE = "retrospective"  # 总结, 汇报, 述职, 情况报告
    PROSPECTIVE = "prospective"  # 要点, 计划, 方案, 意见
    MIXED = "mixed"  # "2024年工作总结和2025年工作思路"
    UNKNOWN = "unknown"


GENRE_LABELS: dict[Genre, str] = {
    Genre.RETROSPECTIVE: "总结汇报类",
    Genre.PROSPECTIVE: "计划部署类",
    Genre.MIXED: "总结与计划合一",
    Genre.UNKNOWN: "体裁未识别",
}


USER_EVIDENCE = "用户已更正"
INHERITED_PREFIX = "沿用上级标题"


class RoleNode(Protocol):
    """What role assignment reads of a section (``structure.Node`` has these fields)."""

    level: int
    title: str
    body: str
    parent: int | None
    kind: str


@dataclass
class RoleGuess:
    role: Role
    also: list[Role] = field(default_factory=list)
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        return "；".join(self.reasons)


# ---- word tables --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Words:
    heading: tuple[tuple[Role, re.Pattern[str]], ...]
    max_keyword_chars: int
    lean: dict[Role, re.Pattern[str]]
    genre_retro: tuple[str, ...]
    genre_prosp: tuple[str, ...]
    genre_containers: tuple[str, ...]
    genre_mixed: re.Pattern[str]
    pre_retro: re.Pattern[str]
    pre_prosp: re.Pattern[str]
    pre_achievements: re.Pattern[str]
    done: re.Pattern[str]
    short: re.Pattern[str]
    intent: re.Pattern[str]


def _rx(items: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{x})" for x in items))


def _words_from(data: Mapping[str, Any]) -> _Words:
    h = data["heading"]
    g = data["genre"]
    p = data["preamble"]
    b = data["body"]
    return _Words(
        heading=tuple((Role(name), _rx(h[name])) for name in h["order"]),
        max_keyword_chars=int(data["heading_shape"]["max_keyword_chars"]),
        lean={Role(k): _rx(v) for k, v in data["heading_lean"].items()},
        genre_retro=tuple(g["retrospective"]),
        genre_prosp=tuple(g["prospective"]),
        genre_containers=tuple(g["containers"]),
        genre_mixed=_rx(g["mixed"]),
        pre_retro=_rx(p["retrospective"]),
        pre_prosp=_rx(p["prospective"]),
        pre_achievements=_rx(p["achievements"]),
        done=_rx(b["done"]),
        short=_rx(b["shortcoming"]),
        intent=_rx(b["intent"]),
    )


@lru_cache(maxsize=1)
def words() -> _Words:
    with WORDS_FILE.open("rb") as fh:
        return _words_from(tomllib.load(fh))


# ---- genre --------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenreGuess:
    genre: Genre
    reason: str


def detect_genre(title: str, preamble: str = "") -> GenreGuess:
    """The report's genre from its title (the genre word nearest the end), else its preamble."""
    w = words()
    if w.genre_mixed.search(title):
        return GenreGuess(Genre.MIXED, f"标题“{title}”既总结又谋划")
    best: tuple[int, Genre, str] | None = None
    fallback: tuple[int, Genre, str] | None = None
    for genre, vocab in ((Genre.RETROSPECTIVE, w.genre_retro), (Genre.PROSPECTIVE, w.genre_prosp)):
        for word in vocab:
            pos = title.rfind(word)
            if pos < 0:
                continue
            hit = (pos + len(word), genre, word)
            if word in w.genre_containers:
                fallback = max(fallback, hit) if fallback else hit
            else:
                best = max(best, hit) if best else hit
    chosen = best or fallback
    if chosen:
        return GenreGuess(chosen[1], f"标题含“{chosen[2]}”")
    head = preamble[:400]
    m_retro, m_prosp = w.pre_retro.search(head), w.pre_prosp.search(head)
    if m_prosp and not m_retro:
        return GenreGuess(Genre.PROSPECTIVE, f"开头说“{m_prosp.group(0)}”")
    if m_retro:
        return GenreGuess(Genre.RETROSPECTIVE, f"开头说“{m_retro.group(0)}”")
    return GenreGuess(Genre.UNKNOWN, "")


# ---- heading cues -------------------------------------------------------------------------
_STRIP = "。．.：:；;，, "
_TOPICAL_SEP_RE = re.compile(r"[，,；;：:、]")


@dataclass(frozen=True)
class HeadingCue:
    role: Role
    also: tuple[Role, ...]
    word: str  # the cue as written in the heading
    strong: bool  # the heading names the role (not a topical heading that mentions a word)


@lru_cache(maxsize=4096)
def heading_cue(title: str) -> HeadingCue | None:
    """The role a heading names. Strong when the heading is short and untopical ("存在问题",
    "2024年工作推进情况"), or the cue is its head noun (at its end); weak inside a topical
    heading ("强化组织保障，确保主体责任层层落实到位")."""
    t = re.sub(r"\s+", "", title).strip(_STRIP)
    if not t:
        return None
    w = words()
    hits: list[tuple[Role, re.Match[str]]] = []
    for role, rx in w.heading:
        m = rx.search(t)
        if m and all(r is not role for r, _ in hits):
            hits.append((role, m))
    if not hits:
        return None
    role, m = hits[0]
    # Chinese nouns are head-final: "目标任务完成情况" is about what was done
    last = max(hits, key=lambda h: h[1].end())
    if (
        last[0] is Role.ACHIEVEMENTS
        and last[1].end() == len(t)
        and role in (Role.PRINCIPLES, Role.TASKS, Role.REQUIREMENTS)
    ):
        role, m = last
    also = tuple(r for r, _ in hits if r is not role)
    topical = len(t) > w.max_keyword_chars or bool(_TOPICAL_SEP_RE.search(t))
    at_end = any(mm.end() == len(t) and r in (role, *also) for r, mm in hits)
    strong = not topical or (at_end and len(t) <= 2 * w.max_keyword_chars and "，" not in t)
    return HeadingCue(role, also, m.group(0), strong)


def heading_lean(title: str) -> tuple[Role, str] | None:
    """A topical heading's weak lean ("正视不足，…" -> problems; "明确方向，…" -> plans)."""
    for role, rx in words().lean.items():
        m = rx.search(title)
        if m:
            return role, m.group(0)
    return None


# ---- body evidence ------------------------------------------------------------------------
_OPENERS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.PROBLEMS, re.compile(r"^.{0,30}(?:存在.{0,8}(?:问题|不足)|差距和不足|不足之处)")),
    (Role.PLANS, re.compile(r"^(?:下一步|下步|今后|明年|新的一年|我们将|20\d{2}年，?我们将)")),
    (Role.CAUSES, re.compile(r"^.{0,20}原因")),
    (
        Role.ACHIEVEMENTS,
        re.compile(
            r"^(?:今年以来|一年来|年初以来|20\d{2}年以来|\d{4}年，|近年来|自.{0,10}以来).{0,60}"
            r"(?:取得|开展|完成|推进)"
        ),
    ),
)


@dataclass(frozen=True)
class BodyEvidence:
    done: tuple[str, ...]
    short: tuple[str, ...]
    intent: tuple[str, ...]
    opener: Role | None = None

    def lean(self, floor: float = 2, margin: float = 1.5) -> Role | None:
        """The role the body leans to, when one kind of evidence clearly dominates (scores at
        least ``floor`` and ``margin`` times the next)."""
        scores = {
            Role.ACHIEVEMENTS: len(self.done),
            Role.PROBLEMS: 1.5 * len(self.short),
            Role.PLANS: 0.8 * len(self.intent),
        }
        if self.opener in scores:
            scores[self.opener] += 3
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        (top, s1), (_, s2) = ranked[0], ranked[1]
        if s1 >= floor and s1 >= margin * s2:
            return top
        return None

    def describe(self, role: Role) -> str:
        found = {
            Role.ACHIEVEMENTS: ("已完成事项", self.done),
            Role.PROBLEMS: ("不足和问题", self.short),
            Role.PLANS: ("打算和要求", self.intent),
            Role.TASKS: ("打算和要求", self.intent),
        }.get(role)
        if not found:
            return ""
        label, items = found
        uniq = list(dict.fromkeys(items))[:3]
        opener = "开头即说明" if self.opener is role else ""
        if not uniq:
            return f"正文{opener}多为{label}" if opener else ""
        return f"正文{opener}多为{label}（{'、'.join(uniq)}）"


def body_evidence(text: str) -> BodyEvidence:
    """Done, shortcoming and intention words of a body, in order of appearance. Done/planned
    status words are the review's (``assistant.text.status``); the rest is role_words.toml."""
    w = words()
    opener = None
    head = text.lstrip()[:120]
    for role, rx in _OPENERS:
        if rx.search(head):
            opener = role
            break
    marks = status_marks(text)
    done = [(m.start, m.text) for m in marks if m.status == "done"]
    planned = [(m.start, m.text) for m in marks if m.status == "planned"]
    done += [(m.start(), m.group(0)) for m in w.done.finditer(text)]
    planned += [(m.start(), m.group(0)) for m in w.intent.finditer(text)]
    return BodyEvidence(
        done=tuple(t for _, t in sorted(done)),
        short=tuple(m.group(0) for m in w.short.finditer(text)),
        intent=tuple(t for _, t in sorted(planned)),
        opener=opener,
    )


# ---- assignment ---------------------------------------------------------------------------
_CHILD_OVERRIDES: dict[Role, frozenset[Role]] = {
    Role.PROBLEMS: frozenset({Role.CAUSES}),
    Role.CAUSES: frozenset({Role.PROBLEMS}),
    Role.ACHIEVEMENTS: frozenset({Role.PROBLEMS, Role.CAUSES, Role.PLANS}),
    Role.OTHER: frozenset(Role),
}
_TOPICAL_LABEL = {
    Genre.RETROSPECTIVE: "总结汇报类报告",
    Genre.MIXED: "总结与计划合一的报告",
    Genre.PROSPECTIVE: "计划部署类文件",
}


def _subtree_texts(nodes: Sequence[RoleNode]) -> list[str]:
    """Each node's body followed by its descendants' headings and bodies, leaving out a child
    whose own heading names its role ("（二）存在的不足" says nothing about its parent)."""
    texts = [[nd.body] for nd in nodes]
    for i in range(len(nodes) - 1, -1, -1):
        p = nodes[i].parent
        if p is None:
            continue
        cue = heading_cue(nodes[i].title)
        if cue is not None and cue.strong:
            continue
        texts[p].extend([nodes[i].title, *texts[i]])
    return ["\n".join(x for x in t if x) for t in texts]


def _quote(title: str, limit: int = 14) -> str:
    t = title.strip(_STRIP)
    return t if len(t) <= limit else t[:limit] + "…"


def _retro_like(genre: Genre) -> bool:
    return genre in (Genre.RETROSPECTIVE, Genre.MIXED)


_DONE_HEADING_RE = re.compile(r"一年来|今年以来|年来|回顾|取得|完成|开展")


def _from_cue(
    cue: HeadingCue,
    title: str,
    genre: Genre,
    after_problems: bool,
    after_work: bool,
    lean: Role | None = None,
) -> RoleGuess:
    role, also = cue.role, list(cue.also)
    reasons = [f"标题含“{cue.word}”"]
    # "主要工作"/"重点工作" were done in a summary, are to be done in a plan, and are the next
    # year's plans once a summary has told its problems
    if role is Role.TASKS and (
        _DONE_HEADING_RE.search(title) or (genre is Genre.UNKNOWN and lean is Role.ACHIEVEMENTS)
    ):
        role, also = Role.ACHIEVEMENTS, [Role.TASKS]
        reasons.append("标题或正文说的是已做的工作")
    elif role is Role.TASKS and _retro_like(genre):
        if after_problems or (genre is Genre.MIXED and after_work):
            role, also = Role.PLANS, [Role.TASKS]
            reasons.append("位于回顾和问题之后")
        else:
            role, also = Role.ACHIEVEMENTS, [Role.TASKS]
            reasons.append(f"{_TOPICAL_LABEL[genre]}中回顾已做的工作")
    return RoleGuess(role, also, 0.95, reasons)


def _topical(
    title: str,
    ev: BodyEvidence,
    genre: GenreGuess,
    cue: HeadingCue | None,
    after_problems: bool,
    after_plans: bool,
    problems_follow: bool,
    preamble_says: str,
    is_last: bool = False,
) -> RoleGuess:
    """Role of a level-1 heading that does not name its role."""
    lean = ev.lean()
    hl = heading_lean(title)
    base: Role | None = None
    reasons: list[str] = []
    g = genre.genre
    if after_problems:
        base = Role.PLANS
        reasons.append("位于“存在问题”之后的主题式标题")
    elif after_plans:
        base = Role.PLANS
        reasons.append("位于“下步打算”之后的主题式标题")
    elif _retro_like(g):
        base = Role.ACHIEVEMENTS
        where = "位于“存在问题”之前的" if problems_follow else f"{_TOPICAL_LABEL[g]}（{genre.reason}）中的"
        reasons.append(f"{where}主题式标题")
        if preamble_says:
            reasons.append(f"开头说“{preamble_says}”")
    elif g is Genre.PROSPECTIVE:
        base = Role.TASKS
        # "强化组织保障，…" closing a plan is its requirements; earlier it is one more task
        if cue is not None and cue.role is Role.REQUIREMENTS and is_last:
            base = cue.role
            reasons.append(f"最后一部分，标题含“{cue.word}”")
        reasons.append(f"{_TOPICAL_LABEL[g]}（{genre.reason}）中的主题式标题")
    if lean is Role.PLANS and g is Genre.PROSPECTIVE:
        lean = Role.TASKS

    if base is not None:
        if lean is None or lean is base:
            said = ev.describe(base) if lean is base else ""
            if said:
                reasons.append(said)
            conf = 0.9 if lean is base else 0.75
            return RoleGuess(base, [], conf, reasons)
        # the body contradicts the place: believe it only when the heading leans the same way
        # or the place is a weak guess (no 存在问题 anchor in a summary)
        if (hl and hl[0] is lean) or (
            base is Role.ACHIEVEMENTS
            and not problems_follow
            and lean in (Role.PROBLEMS, Role.PLANS)
            and ev.opener is lean
        ):
            out = [ev.describe(lean)]
            if hl and hl[0] is lean:
                out.insert(0, f"主题式标题含“{hl[1]}”")
            return RoleGuess(lean, [], 0.7, [x for x in out if x])
        reasons.append(f"{ev.describe(lean)}，但按位置判断")
        return RoleGuess(base, [], 0.6, reasons)

    # genre unknown: the body, then the heading's lean, then a weak cue word
    if lean is not None:
        return RoleGuess(lean, [], 0.6, [ev.describe(lean)])
    if hl is not None:
        return RoleGuess(hl[0], [], 0.5, [f"主题式标题含“{hl[1]}”"])
    if cue is not None:
        return RoleGuess(cue.role, list(cue.also), 0.5, [f"主题式标题含“{cue.word}”"])
    return RoleGuess(Role.OTHER, [], 0.3, ["标题和正文都没有可判断类型的线索"])


def assign_roles(title: str, nodes: Sequence[RoleNode]) -> list[RoleGuess]:
    """One RoleGuess per node (document order; nodes[i].parent indexes into ``nodes``)."""
    preamble = next((nd.body for nd in nodes if nd.kind == "preamble"), "")
    genre = detect_genre(title, preamble)
    m_pre = words().pre_achievements.search(preamble[-200:]) if preamble else None
    preamble_says = m_pre.group(0) if m_pre else ""
    texts = _subtree_texts(nodes)
    out: list[RoleGuess | None] = [None] * len(nodes)

    tops = [i for i, nd in enumerate(nodes) if nd.kind == "section" and nd.parent is None]
    cues = {i: heading_cue(nodes[i].title) for i in tops}
    strong = {i: c for i, c in cues.items() if c is not None and c.strong}
    problem_at = [i for i, c in strong.items() if c.role in (Role.PROBLEMS, Role.CAUSES)]
    seen_problems = seen_plans = seen_work = False
    for i in tops:
        cue = cues[i]
        if i in strong:
            assert cue is not None
            ev = body_evidence(texts[i])
            lean = ev.lean()
            guess = _from_cue(cue, nodes[i].title, genre.genre, seen_problems, seen_work, lean)
            if lean is guess.role:
                guess.confidence = 0.98
                guess.reasons.append(ev.describe(lean))
        else:
            guess = _topical(
                nodes[i].title,
                body_evidence(texts[i]),
                genre,
                cue,
                seen_problems,
                seen_plans,
                any(k > i for k in problem_at),
                preamble_says,
                i == tops[-1],
            )
        out[i] = guess
        seen_problems |= guess.role in (Role.PROBLEMS, Role.CAUSES)
        seen_plans |= guess.role is Role.PLANS
        seen_work |= guess.role in (Role.ACHIEVEMENTS, Role.TASKS)

    for i, nd in enumerate(nodes):
        if nd.kind == "preamble":
            out[i] = RoleGuess(Role.PREAMBLE, [], 1.0, ["第一个标题之前的开头部分"])
        elif nd.kind == "closing":
            out[i] = RoleGuess(Role.CLOSING, [], 0.9, ["最后一个标题之后的结尾段"])
        elif nd.parent is not None:
            parent = out[nd.parent]
            assert parent is not None  # parents come first in document order
            out[i] = _child(nd.title, texts[i], parent, nodes[nd.parent].title, genre)
    return [g if g is not None else RoleGuess(Role.OTHER, [], 0.3, []) for g in out]


def _child(
    title: str, text: str, parent: RoleGuess, parent_title: str, genre: GenreGuess
) -> RoleGuess:
    """A child inherits its parent's role unless its own heading names another one that fits."""
    cue = heading_cue(title)
    allowed = _CHILD_OVERRIDES.get(parent.role, frozenset()) | frozenset(parent.also)
    if cue is not None and cue.strong and cue.role is not parent.role and cue.role in allowed:
        return _from_cue(cue, title, genre.genre, parent.role in (Role.PROBLEMS, Role.CAUSES), True)
    if parent.role is Role.OTHER:
        ev = body_evidence(text)
        return _topical(title, ev, genre, cue, False, False, False, "")
    # strong own evidence without a naming heading: the heading leans ("正视差距，补齐短板")
    # and the body agrees (不够, 有待, 短板 …)
    hl = heading_lean(title)
    if hl is not None and hl[0] is not parent.role and hl[0] in allowed:
        ev = body_evidence(text)
        if ev.lean() is hl[0]:
            return RoleGuess(hl[0], [], 0.7, [f"主题式标题含“{hl[1]}”", ev.describe(hl[0])])
    reasons = [f"{INHERITED_PREFIX}“{_quote(parent_title)}”的类型"]
    conf = round(min(parent.confidence, 0.95) * 0.97, 2)
    if cue is not None and cue.role is parent.role:
        reasons.insert(0, f"标题含“{cue.word}”")
        conf = max(conf, 0.95)
    return RoleGuess(parent.role, [], conf, reasons)


def corrected_roles(
    outline: Sequence[Mapping[str, Any]], corrections: Mapping[str, Mapping[str, str]]
) -> dict[str, tuple[Role, str]]:
    """Roles after a user's corrections: ``{section id: (role, evidence)}`` for the sections that
    change. ``outline`` holds `assistant outline --json` entries in document order;
    ``corrections`` is ``{section_id: {"role", "heading"}}``.

    A correction holds for the section with that id while it still has the heading it was made
    on; if the file changed and ids moved, the section with that heading takes it. Children that
    had inherited their parent's role follow their corrected parent.
    """
    by_id = {str(d["id"]): d for d in outline}
    by_heading = {str(d["heading"]): str(d["id"]) for d in outline if d.get("heading")}
    explicit: dict[str, Role] = {}
    for sid, corr in corrections.items():
        try:
            role = Role(corr["role"])
        except (KeyError, ValueError):
            continue
        d = by_id.get(sid)
        heading = corr.get("heading")
        if d is None or (heading is not None and d.get("heading") != heading):
            target = by_heading.get(heading or "")
            if target is None:
                continue
            sid = target
        explicit[sid] = role
    out: dict[str, tuple[Role, str]] = {}
    key_of = {tuple([*d.get("path", []), d.get("heading", "")]): str(d["id"]) for d in outline}
    for d in outline:
        sid = str(d["id"])
        if sid in explicit:
            out[sid] = (explicit[sid], USER_EVIDENCE)
            continue
        path = list(d.get("path", []))
        parent = key_of.get(tuple(path)) if path else None
        if (
            parent in out
            and str(d.get("role_evidence", "")).startswith(INHERITED_PREFIX)
            and Role(out[parent][0]) is not _role_of(d)
        ):
            out[sid] = (out[parent][0], f"{INHERITED_PREFIX}“{_quote(path[-1])}”的更正")
    return {sid: v for sid, v in out.items() if v[0] is not _role_of(by_id[sid]) or sid in explicit}


def _role_of(d: Mapping[str, Any]) -> Role:
    try:
        return Role(str(d.get("role")))
    except ValueError:
        return Role.OTHER


__all__ = [
    "GENRE_LABELS",
    "BodyEvidence",
    "Genre",
    "GenreGuess",
    "HeadingCue",
    "RoleGuess",
    "RoleNode",
    "assign_roles",
    "body_evidence",
    "corrected_roles",
    "detect_genre",
    "heading_cue",
    "heading_lean",
    "words",
]
