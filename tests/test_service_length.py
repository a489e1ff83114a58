"""A revision that cannot reach the asked length says so instead of failing silently."""

from __future__ import annotations

import pytest

from assistant.service import draft_length, length_notice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一是召开会议12次〔F1〕；二是开展宣讲3场〔F2、F3〕。", 19),
        ("二、存在问题\n\n  回顾今年", 10),
        ("", 0),
    ],
)
def test_draft_length_counts_what_a_reader_counts(text: str, expected: int) -> None:
    assert draft_length(text) == expected


@pytest.mark.parametrize(
    ("instruction", "text", "says"),
    [
        ("压缩到10字", "一是召开会议12次〔F1〕；二是开展宣讲3场〔F2〕。", "超过要求的10字"),
        ("压缩到300字", "一是召开会议12次〔F1〕。", None),  # short enough
        ("第二点再具体些", "一是召开会议12次〔F1〕。" * 50, None),  # not a length request
        ("控制在15字以内", "一是召开会议12次〔F1〕；二是开展宣讲3场〔F2〕。", "超过要求的15字"),
    ],
)
def test_length_notice(instruction: str, text: str, says: str | None) -> None:
    notice = length_notice(instruction, text)
    if says is None:
        assert notice is None
    else:
        assert notice is not None and says in notice
