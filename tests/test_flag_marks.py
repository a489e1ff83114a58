"""Flags marked as checked by the editor: which remain, how marks follow an edit, how they are
stored (pure parts; the flow through the app is in tests/test_desk.py)."""

from __future__ import annotations

import pytest

from assistant.flag_marks import (
    FlagId,
    carry_marks,
    dump_marks,
    load_marks,
    marked_flags,
    remaining,
)
from assistant.models import Flag, Review
from assistant.ui.render import export_warning, verdict_long, verdict_short

CLAIM = Flag("unsupported_claim", "健全网络舆情快速反应机制", 10, 22, "没有素材支持这一说法")
NUMBER = Flag("changed_number", "5名", 40, 42, "数字与素材不一致")
GAP = Flag("placeholder_left", "【待补充】", 50, 55, "待补充")


@pytest.mark.parametrize(
    ("flags", "marks", "left"),
    [
        ([CLAIM, NUMBER], set(), [CLAIM, NUMBER]),
        ([CLAIM, NUMBER], {("unsupported_claim", "健全网络舆情快速反应机制", 10)}, [NUMBER]),
        # the same text at another place is another flag
        ([CLAIM], {("unsupported_claim", "健全网络舆情快速反应机制", 11)}, [CLAIM]),
        # the same text flagged for another reason is another flag
        ([NUMBER], {("unsupported_number", "5名", 40)}, [NUMBER]),
        # a 【待补充】 slot is filled, never marked away
        ([GAP], {("placeholder_left", "【待补充】", 50)}, [GAP]),
        (
            [CLAIM, NUMBER],
            {("unsupported_claim", CLAIM.text, 10), ("changed_number", "5名", 40)},
            [],
        ),
    ],
)
def test_remaining_leaves_out_only_marked_flags(
    flags: list[Flag], marks: set[FlagId], left: list[Flag]
) -> None:
    review = Review("flagged", flags, [], [])
    out = remaining(review, marks)
    assert out.flags == left
    assert out.verdict == "flagged"  # never turned into a pass
    assert len(marked_flags(flags, marks)) == len(flags) - len(left)
    assert review.flags == flags  # the stored review is untouched


MOVED = Flag("unsupported_claim", CLAIM.text, 30, 42, "没有素材支持这一说法")


@pytest.mark.parametrize(
    ("marks", "new_flags", "carried"),
    [
        # an edit before the flagged clause moves it: still checked
        (
            {("unsupported_claim", CLAIM.text, 10)},
            [MOVED, NUMBER],
            {("unsupported_claim", CLAIM.text, 30)},
        ),
        # the clause was rewritten: its new flag has not been seen
        (
            {("unsupported_claim", CLAIM.text, 10)},
            [Flag("unsupported_claim", "实行24小时值班", 10, 18, "")],
            set(),
        ),
        (set(), [CLAIM, NUMBER], set()),
        ({("placeholder_left", "【待补充】", 50)}, [GAP], set()),
    ],
)
def test_marks_carry_to_a_new_version_by_kind_and_text(
    marks: set[FlagId], new_flags: list[Flag], carried: set[FlagId]
) -> None:
    assert carry_marks(marks, new_flags) == carried


@pytest.mark.parametrize(
    ("raw", "marks"),
    [
        (None, set()),
        ("", set()),
        ("not json", set()),
        ('{"kind": "x"}', set()),
        (
            '[{"kind": "changed_number", "text": "5名", "start": 40}, {"text": "缺kind"}]',
            {("changed_number", "5名", 40)},
        ),
    ],
)
def test_stored_marks_read_back_or_count_as_none(raw: str | None, marks: set[FlagId]) -> None:
    assert load_marks(raw) == marks


def test_marks_round_trip() -> None:
    marks = {("unsupported_claim", CLAIM.text, 10), ("changed_number", "5名", 40)}
    assert load_marks(dump_marks(marks)) == marks


@pytest.mark.parametrize(
    ("flags", "marks", "badge", "warning"),
    [
        ([NUMBER], set(), "有待核实之处]", "还有 1 处待核实"),
        ([NUMBER], {("changed_number", "5名", 40)}, "已由您逐条核实", None),
        ([NUMBER, CLAIM], {("changed_number", "5名", 40)}, "有待核实之处]", "还有 1 处待核实"),
        ([NUMBER, GAP], {("changed_number", "5名", 40)}, "待补充 1 处", "还有 1 处待补充"),
    ],
)
def test_badge_and_export_warning_count_only_open_flags(
    flags: list[Flag], marks: set[FlagId], badge: str, warning: str | None
) -> None:
    review = Review("flagged", flags, [], [])
    shown = remaining(review, marks)
    n = len(marked_flags(flags, marks))
    assert badge in verdict_short(shown, n)
    assert "审核通过" not in verdict_short(shown, n) + verdict_long(shown, n)
    said = export_warning([shown])
    assert (said is None) if warning is None else (said is not None and warning in said)


@pytest.mark.parametrize(
    ("flags", "marks", "said"),
    [
        ([NUMBER], set(), "审核发现待核实之处（1 处）"),
        ([NUMBER], {("changed_number", "5名", 40)}, "1 处有待核实之处已由您逐条核实"),
        ([NUMBER, CLAIM], {("changed_number", "5名", 40)}, "（1 处）；另有 1 处已由您核实。"),
        (
            [NUMBER, GAP],
            {("changed_number", "5名", 40)},
            "需要补充素材后改写；另有 1 处已由您核实。",
        ),
    ],
)
def test_review_sentence_tells_open_flags_from_checked_ones(
    flags: list[Flag], marks: set[FlagId], said: str
) -> None:
    review = Review("flagged", flags, [], [])
    assert said in verdict_long(remaining(review, marks), len(marked_flags(flags, marks)))
