"""role_mismatch when a shortcoming is told as a success: the draft keeps the fact's own
shortfall word ("逾期", "积压") but writes the matter as cleared or improved. Sentences written
for this table."""

from __future__ import annotations

import pytest

from assistant.models import Role
from tests.test_review_kinds import _flags as _kind_flags

FACTS = [
    "逾期未办结的信访件仍有27件",
    "积压的不动产登记申请310件",
    "全年受理群众来信来访1860件次",
]


def _flags(draft: str, role: Role | None) -> list[str]:
    return _kind_flags("role_mismatch", draft, FACTS, role)


@pytest.mark.parametrize(
    ("draft", "role", "expected"),
    [
        # the shortcoming told as work done or improved, its own word kept
        ("信访积案化解有力，办结逾期信访件27件。", Role.ACHIEVEMENTS, "办结逾期信访件27件"),
        ("登记服务持续优化，清理积压的不动产登记申请310件。", Role.ACHIEVEMENTS, "310件"),
        # faithful: the shortcoming told as one in 存在问题, or with a shortfall word of the draft's own
        ("逾期未办结的信访件仍有27件，化解难度较大。", Role.PROBLEMS, None),
        ("积压的不动产登记申请达310件，办理压力较大。", Role.ACHIEVEMENTS, None),
        # faithful: a result told as a result
        ("全年受理群众来信来访1860件次，办理质量明显提高。", Role.ACHIEVEMENTS, None),
        # the section is unsure: nothing is judged
        ("办结逾期信访件27件。", None, None),
    ],
)
def test_shortcoming_told_as_success(draft: str, role: Role | None, expected: str | None) -> None:
    texts = _flags(draft, role)
    if expected is None:
        assert texts == []
    else:
        assert any(expected in t for t in texts)
