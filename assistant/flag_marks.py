"""Flags the editor has checked and found fine ("标为已核实"): which flags remain, and how the
marks follow a section to its next version. Pure functions; the UI stores the marks.

A mark names a flag by kind, text and start in one version of a section. The checker still
flags some faithful paraphrases, so the editor needs to set such a flag aside without the
verdict ever claiming the text passed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace

from assistant.models import Flag, Review

FlagId = tuple[str, str, int]  # kind, text, start

# A 【待补充】 slot is a gap to fill, not a claim to check: it cannot be marked.
UNMARKABLE_KINDS = frozenset({"placeholder_left"})


def flag_id(flag: Flag) -> FlagId:
    return (flag.kind, flag.text, flag.start)


def markable(flag: Flag) -> bool:
    return flag.kind not in UNMARKABLE_KINDS


def marks_key(section_key: str, version: int) -> str:
    """The conversation meta key holding the marks of one version of a section."""
    return f"checked_flags:{section_key}:{version}"


def dump_marks(marks: Iterable[FlagId]) -> str:
    return json.dumps(
        [{"kind": k, "text": t, "start": s} for k, t, s in sorted(set(marks))], ensure_ascii=False
    )


def load_marks(raw: str | None) -> set[FlagId]:
    """The stored marks; anything unreadable counts as no mark (the flag shows again)."""
    try:
        items = json.loads(raw) if raw else []
    except json.JSONDecodeError:
        return set()
    out: set[FlagId] = set()
    for item in items if isinstance(items, list) else []:
        try:
            out.add((str(item["kind"]), str(item["text"]), int(item["start"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def marked_flags(flags: Iterable[Flag], marks: set[FlagId]) -> list[Flag]:
    return [f for f in flags if markable(f) and flag_id(f) in marks]


def remaining(review: Review, marks: set[FlagId]) -> Review:
    """The review as the editor now sees it: the flags not marked as checked. The verdict is
    kept, so a text whose flags are all marked is still told apart from one that passed."""
    left = [f for f in review.flags if not (markable(f) and flag_id(f) in marks)]
    return replace(review, flags=left)


def carry_marks(marks: set[FlagId], new_flags: Iterable[Flag]) -> set[FlagId]:
    """The marks for a new version: a flag of the same kind on the same text stays checked
    wherever the edit moved it; a flag the editor has not seen is not marked."""
    seen = {(kind, text) for kind, text, _ in marks}
    return {flag_id(f) for f in new_flags if markable(f) and (f.kind, f.text) in seen}
