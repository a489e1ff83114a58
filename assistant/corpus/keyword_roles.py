"""The heading-keyword role rules as they were before roles.py read context and body.

Kept unchanged and callable as the baseline of `assistant eval roles`: the figures of the new
rules are always printed beside these, measured in the same run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from assistant.models import Role


class RoleNodeLike(Protocol):
    title: str
    body: str
    parent: int | None
    kind: str

# Ordered: the first matching role is the section's role; later matches become also_roles.
_HEADING_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (
        Role.PROBLEMS,
        re.compile(
            r"存在.{0,6}(?:问题|不足|差距)|问题(?:和|与|及)?不足|不足(?:之处|和问题)|主要问题|"
            r"薄弱环节|短板|差距和不足|困难和问题|问题及原因|问题与原因|突出问题"
        ),
    ),
    (
        Role.CAUSES,
        re.compile(r"原因分析|原因剖析|问题原因|产生.{0,4}原因|^原因|及原因|和原因|与原因"),
    ),
    (
        Role.PLANS,
        re.compile(
            r"下一步|下步|打算|工作计划|工作措施|改进措施|整改措施|努力方向|今后|明年|"
            r"工作思路|工作设想|意见建议|对策建议|对策措施"
        ),
    ),
    (
        Role.PRINCIPLES,
        re.compile(
            r"总体要求|指导思想|工作原则|基本原则|目标任务|工作目标|总体目标|主要目标|总体思路"
        ),
    ),
    (
        Role.TASKS,
        re.compile(r"主要工作|重点工作|主要任务|重点任务|工作要点|工作任务|工作安排|具体措施"),
    ),
    (
        Role.REQUIREMENTS,
        re.compile(
            r"工作要求|保障措施|组织保障|有关要求|相关要求|工作保障|组织实施|实施步骤|纪律要求"
        ),
    ),
    (
        Role.ACHIEVEMENTS,
        re.compile(
            r"工作情况|基本情况|主要做法|开展情况|主要成效|履职情况|工作成效|取得的成效|取得的成绩|"
            r"成绩|做法|落实情况|完成情况|工作回顾|工作总结|经验|亮点|主要工作成效|进展"
        ),
    ),
)

# Body cues, used only when the heading says nothing: the genre's opening formulas.
_BODY_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.PROBLEMS, re.compile(r"^.{0,30}(?:存在.{0,8}(?:问题|不足)|差距和不足|不足之处)")),
    (Role.PLANS, re.compile(r"^(?:下一步|下步|今后|明年|新的一年|我们将)")),
    (Role.CAUSES, re.compile(r"^.{0,20}原因")),
    (
        Role.ACHIEVEMENTS,
        re.compile(
            r"^(?:今年以来|一年来|20\d{2}年以来|\d{4}年，|近年来|自.{0,10}以来).{0,60}(?:取得|开展|完成|推进)"
        ),
    ),
)


def classify_heading(title: str) -> tuple[Role, list[Role]]:
    """Role of a section from its heading text (with or without marker), plus secondary roles.

    "存在问题及原因" -> (problems, [causes]); unknown headings -> (other, []).
    """
    hits: list[Role] = []
    for role, rx in _HEADING_CUES:
        if rx.search(title) and role not in hits:
            hits.append(role)
    if not hits:
        return Role.OTHER, []
    # a heading about problems that also names achievements ("成绩与不足") stays problems
    return hits[0], hits[1:]


_RETROSPECTIVE_HEADING_RE = re.compile(r"一年来|今年以来|年来|回顾|取得|完成|开展")
_RETROSPECTIVE_DOC_RE = re.compile(r"总结|汇报|述职|情况报告|情况的报告|研判报告|履职")
_FORWARD_DOC_RE = re.compile(r"要点|计划|方案|安排|意见|打算|规划")


def in_document(
    role: Role, also: list[Role], title: str, doc_title: str
) -> tuple[Role, list[Role]]:
    """ "主要工作" is what was done in a summary but what is to be done in a work plan: settle the
    tasks/achievements ambiguity from the heading's own words, then from the report's title."""
    if role is not Role.TASKS:
        return role, also
    retrospective = bool(_RETROSPECTIVE_HEADING_RE.search(title)) or (
        bool(_RETROSPECTIVE_DOC_RE.search(doc_title)) and not _FORWARD_DOC_RE.search(doc_title)
    )
    if retrospective:
        return Role.ACHIEVEMENTS, [Role.TASKS, *[r for r in also if r is not Role.ACHIEVEMENTS]]
    return role, also


def classify_body(body: str) -> Role:
    """Role from the body's opening when the heading is silent (other when nothing fits)."""
    opening = body.lstrip()[:120]
    for role, rx in _BODY_CUES:
        if rx.search(opening):
            return role
    return Role.OTHER


def child_role(parent: Role, title: str) -> tuple[Role, list[Role]]:
    """A child inherits its parent's role, unless a merged parent splits into its parts
    ("二、存在问题及原因" -> "（一）存在问题" / "（二）原因分析") or the parent is unknown."""
    own, also = classify_heading(title)
    if parent is Role.OTHER and own is not Role.OTHER:
        return own, also
    if parent in (Role.PROBLEMS, Role.CAUSES) and own in (Role.PROBLEMS, Role.CAUSES):
        return own, also
    return parent, []


def keyword_roles(doc_title: str, nodes: Sequence[RoleNodeLike]) -> list[tuple[Role, list[Role]]]:
    """Today's rules over a whole tree (nodes in document order, parents before children)."""
    out: list[tuple[Role, list[Role]]] = []
    for nd in nodes:
        extra: list[Role] = []
        if nd.kind == "preamble":
            role = Role.PREAMBLE
        elif nd.kind == "closing":
            role = Role.CLOSING
        elif nd.parent is None:
            role, extra = classify_heading(nd.title)
            role, extra = in_document(role, extra, nd.title, doc_title)
            if role is Role.OTHER:
                role = classify_body(nd.body)
        else:
            role, extra = child_role(out[nd.parent][0], nd.title)
        out.append((role, extra))
    return out
