"""wrong_citation when the cited fact shares a topic word but not the count: the count is
another fact's and the cited fact's own count is not in the stretch. Sentences written for
this table."""

from __future__ import annotations

import pytest

from tests.test_review_kinds import _flags as _kind_flags

FACTS = ["查处违规使用专项资金企业15家", "追回专项资金420万元", "开展专项资金审计培训2期"]


def _flags(draft: str) -> list[str]:
    return _kind_flags("wrong_citation", draft, FACTS)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # swapped citations: each stretch shares 专项资金 with the wrong fact
        ("查处违规使用专项资金企业15家〔F2〕，追回专项资金420万元〔F1〕。", ["〔F2〕", "〔F1〕"]),
        ("全年查处违规使用专项资金企业15家[F3]。", ["[F3]"]),
        # faithful: the right facts, one citation for two facts, a stretch with the cited count
        ("查处违规使用专项资金企业15家〔F1〕，追回专项资金420万元〔F2〕。", []),
        ("查处违规使用专项资金企业15家、追回专项资金420万元〔F1、F2〕。", []),
        ("查处违规使用专项资金企业15家，追回专项资金420万元〔F2〕。", []),
        ("围绕专项资金监管开展审计培训〔F3〕。", []),
    ],
)
def test_citation_of_another_facts_count(draft: str, expected: list[str]) -> None:
    assert _flags(draft) == expected


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("查处违规使用专项资金企业15家〔F7〕。", ["〔F7〕"]),
        ("追回专项资金420万元[F2、F9]。", ["[F2、F9]"]),
        ("追回专项资金420万元〔F2〕。", []),
    ],
)
def test_a_citation_of_a_fact_that_is_not_there(draft: str, expected: list[str]) -> None:
    assert _flags(draft) == expected
