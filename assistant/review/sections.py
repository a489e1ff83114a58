"""Which role each sentence of a draft plays: from the draft's own headings ("二、存在的主要问题"),
from the opening formulas of its paragraphs ("下一步，…"), else from the role the caller gave.

A pasted draft often holds several sections; a 存在问题 sentence is judged as a problem and a
下步打算 sentence as a plan, whatever the caller said about the whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.corpus.roles import heading_cue
from assistant.models import Role

# A heading line: an enumerator of level 1-2 and a short text, or a short line without a stop.
_HEADING_LINE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])\s*(?P<t>[^\n]{1,40})$"
)
_PARA_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.PLANS, re.compile(r"^\s*(?:下一步|下步|今后|明年|新的一年|我们将|接下来)")),
    (
        Role.PROBLEMS,
        re.compile(r"^\s*.{0,30}(?:存在.{0,8}(?:问题|不足|差距)|差距和不足|不足之处|问题和不足)"),
    ),
)
# Roles whose sentences state work done, problems, or plans (the others are left as they are).
RETRO = frozenset({Role.ACHIEVEMENTS})
PLAN = frozenset({Role.PLANS, Role.TASKS, Role.PRINCIPLES, Role.REQUIREMENTS})


def roles_by_offset(
    text: str, default: Role | None, sentences: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, Role | None]]:
    """(start offset, role) for each stretch of ``text`` whose role is known, in order.

    Heading lines set the role; so does a sentence that opens with a section's formula
    ("下一步，…", "…但仍存在一些问题和不足"), up to the next heading.
    """
    found: list[tuple[int, Role | None]] = [(0, default)]
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        m = _HEADING_LINE.match(line)
        role: Role | None = None
        if m and not re.search(r"[。；]", m.group("t")[:-1]):
            role = _heading_role(m.group("t"))
        elif stripped and len(stripped) <= 20 and not re.search(r"[。；，]", stripped):
            role = _heading_role(stripped)
        if role is not None:
            found.append((pos, role))
        pos += len(line) + 1
    for s, e in sentences:
        for cue_role, rx in _PARA_CUES:
            if rx.match(text[s:e]):
                found.append((s, cue_role))
                break
    found.sort(key=lambda x: x[0])
    return found


def _heading_role(title: str) -> Role | None:
    cue = heading_cue(title)
    if cue is None or not cue.strong:
        return None  # a topical heading ("强化理论武装") keeps the section's role
    # "主要工作成效" names work done, though "主要工作" alone is a 工作要点's task list
    if cue.role in PLAN and re.search(r"成效|成绩|情况|做法|回顾|总结|进展", title):
        return Role.ACHIEVEMENTS
    return cue.role if cue.role != Role.OTHER else None


def role_at(spans: list[tuple[int, Role | None]], pos: int) -> Role | None:
    role = None
    for start, r in spans:
        if start > pos:
            break
        role = r
    return role
