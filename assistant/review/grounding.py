"""The editor's check: every claim of a draft against the user's facts and the samples used.

``check(draft, facts, exemplars, role)`` finds, per sentence, the facts it rests on (citations
such as 〔F2〕 are verified by content, not trusted), then runs the checker's table
(``assistant.review.table``: one pure function per flag kind). It never raises: when it cannot
decide, the verdict is "unverified" and ``notes`` say why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from assistant.models import Exemplar, Fact, Flag, Review, Role, SentenceSupport
from assistant.review.context import (
    build_context,
    dedupe,
    fid_key,
    mask_markdown,
    sentence_spans,
    uniq,
)
from assistant.review.table import CHECKS, Check

__all__ = ["check", "sentence_spans"]


def check(
    draft: str,
    facts: Sequence[Fact],
    exemplars: Sequence[Exemplar] = (),
    role: Role | str | None = None,
    *,
    table: Mapping[str, Check] = CHECKS,
    kinds: Collection[str] | None = None,
    markdown: bool = True,
) -> Review:
    """Review a draft against the facts (and the exemplars it was drafted from). Never raises.

    ``role`` is what the draft is meant to be (工作情况, 存在问题, 下步打算 …) when the caller
    knows it; headings inside the draft say it too. ``table``/``kinds`` choose the checks run
    (the eval runs the first checker's table as its baseline); ``markdown`` reads a chat
    model's Markdown (### headings, **bold**, list markers) as layout, not as text.
    """
    try:
        return _check(
            draft if isinstance(draft, str) else "",
            list(facts or []),
            list(exemplars or []),
            _role(role),
            {k: fn for k, fn in table.items() if kinds is None or k in kinds},
            markdown,
        )
    except Exception as exc:  # the checker must answer, whatever the draft looks like
        ids = []
        try:
            ids = [f.id for f in facts]
        except Exception:
            ids = []
        return Review(
            verdict="unverified",
            flags=[],
            unused_facts=ids,
            sentences=[],
            notes=[f"审核时出错（{type(exc).__name__}），无法判断草稿是否与素材一致，请人工核对。"],
        )


def _role(role: Role | str | None) -> Role | None:
    if role is None or isinstance(role, Role):
        return role
    try:
        return Role(role)
    except ValueError:
        return None


def _check(
    draft: str,
    facts: list[Fact],
    exemplars: list[Exemplar],
    role: Role | None,
    table: Mapping[str, Check],
    markdown: bool,
) -> Review:
    if not draft.strip():
        return Review("unverified", [], [f.id for f in facts], [], ["草稿为空，无法审核。"])
    work = mask_markdown(draft) if markdown else draft
    ctx = build_context(work, facts, exemplars, role)
    flags: list[Flag] = []
    for kind, fn in table.items():
        flags += [f for f in fn(ctx) if f.kind == kind]
    # spans were found on the layout-free text; show the user's own characters
    flags = dedupe([replace(f, text=draft[f.start : f.end]) if markdown else f for f in flags])
    sentences = [
        SentenceSupport(draft[s:e].strip(), s, e, sorted(set(sup), key=fid_key))
        for (s, e), sup in zip(ctx.sents, ctx.supports, strict=True)
    ]
    used = {fid for sup in ctx.supports for fid in sup}
    unused = [fi.fact.id for fi in ctx.finfo if fi.fact.id not in used]
    notes = list(ctx.notes)
    if not facts:
        notes.insert(0, "没有素材，无法核对草稿中的内容。")
        verdict = "unverified"
    else:
        verdict = "pass" if not flags and not unused else "flagged"
    return Review(verdict, flags, unused, sentences, uniq(notes))
