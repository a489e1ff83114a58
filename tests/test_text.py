"""assistant.text: the one citation pattern and the numeral rules every stage shares."""

from __future__ import annotations

import pytest

from assistant.text.citations import (
    canonical_citations,
    citations,
    cited_ids,
    strip_citations,
)
from assistant.text.headings import MARKER_RE, heading_marker, line_level, match_heading
from assistant.text.numerals import cn_numeral, cn_to_int, cn_to_number
from assistant.text.spans import clause_spans, sentence_spans
from assistant.text.status import status_of


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("力量薄弱〔F2〕。", ["F2"]),
        ("力量薄弱[F2]；", ["F2"]),
        ("力量薄弱【F2】", ["F2"]),
        ("力量薄弱（F2）", ["F2"]),
        ("力量薄弱(F2)", ["F2"]),
        ("力量薄弱［F2］", ["F2"]),
        ("力量薄弱[f2]", ["F2"]),
        ("研判〔F3、F4〕", ["F3", "F4"]),
        ("见 [F1, F2]", ["F1", "F2"]),
        ("见 (F1和F5)", ["F1", "F5"]),
        ("区间〔F1-F3〕", ["F1", "F3"]),
        ("两次〔F2〕〔F2〕", ["F2"]),
        ("【待补充：具体数字】", []),
        ("【待补充：F1 对应的数字】", []),
        ("第[1]条与〔一〕", []),
        ("Firefox[FX]", []),
    ],
)
def test_every_reader_sees_the_same_citations(text: str, ids: list[str]) -> None:
    assert cited_ids(text) == ids
    # what export strips is exactly what the review counts
    assert (strip_citations(text) != text) == bool(ids)
    assert len(citations(text)) >= (1 if ids else 0)


def test_canonical_form_is_one_bracket_per_fact() -> None:
    assert canonical_citations("A[F1, F2]。B【F3】") == "A〔F1〕〔F2〕。B〔F3〕"
    assert canonical_citations("C〔F4〕") == "C〔F4〕"


def test_numerals_round_trip() -> None:
    for n in range(1, 1000):
        cn = cn_numeral(n)
        assert cn_to_number(cn) == n, cn
        if n < 100:
            assert cn_to_int(cn) == n, cn


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_written_markers_are_read_back_at_their_level(level: int) -> None:
    for n in (1, 2, 10, 12):
        marker = heading_marker(level, n)
        assert line_level(marker + "工作情况") == level
        found = match_heading(marker + "工作情况")
        assert found is not None and found[2] == n


@pytest.mark.parametrize(
    ("cn", "value"),
    [("千万", 10_000_000), ("百万", 1_000_000), ("百", 100), ("两千三百", 2300), ("〇", 0),
     ("二〇二四", 2024), ("十二三", None), ("三F", None), ("", None)],
)  # fmt: skip
def test_numerals_cn2an_does_not_read_alone(cn: str, value: float | None) -> None:
    assert cn_to_number(cn) == value


@pytest.mark.parametrize(
    ("marker", "n"), [("二二", 0), ("两", 0), ("一百", 0), ("一十", 10), ("12", 12)]
)
def test_marker_ordinals_are_strict(marker: str, n: int) -> None:
    assert cn_to_int(marker) == n


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a time still ahead before the first status word makes a plan, done verb or not
        ("年底前建成县应急指挥中心", "planned"),
        ("明年3月前完成验收", "planned"),
        ("力争2027年实现全覆盖", "planned"),
        ("到2027年建成5个示范点", "planned"),
        ("2025年前完成老旧管网改造", "planned"),
        ("年内建成10个站点", "planned"),
        ("下半年完成系统上线", "planned"),
        ("二季度组织一线人员业务轮训", "planned"),
        # ... unless the work is said to have happened, or the time is past
        ("上半年已建成3个", "done"),
        ("年底前已完成全部整改", "done"),
        ("年内累计完成投资5亿元", "done"),
        ("截至2025年底建成充电桩300个", "done"),
        ("一季度完成投资3亿元", "done"),
        # a time ahead after the first status word does not change it
        ("建成指挥中心，年底前投入使用", "done"),
        ("开展培训3期", "none"),
    ],
)
def test_a_time_ahead_before_the_status_word_is_a_plan(text: str, status: str) -> None:
    assert status_of(text) == status


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "一是学习形式单一，以读文件为主；二是力量薄弱。",
            ["一是学习形式单一", "以读文件为主", "二是力量薄弱"],
        ),
        ("下一步：加强学习", ["下一步", "加强学习"]),
        ("，，。", []),
    ],
)
def test_clause_spans_cut_at_clause_marks(text: str, clauses: list[str]) -> None:
    assert [text[a:b] for a, b in clause_spans(text)] == clauses
    assert [(a + 5, b + 5) for a, b in clause_spans(text)] == clause_spans(text, 5)


def test_sentence_spans_keep_a_citation_after_the_stop() -> None:
    text = "理论学习以读文件为主。〔F1〕力量薄弱；\n"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "理论学习以读文件为主。〔F1〕",
        "力量薄弱；",
    ]


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("二、存在的主要问题", "二、"),
        (" （三）强化阵地", " （三）"),
        ("1.建立台账", "1."),
        ("（2）开展培训", "（2）"),
        ("一是加强学习", "一是"),
        ("第一，开展宣讲", "第一，"),
        ("一.加强学习", "一."),
        ("加强学习", None),
        ("12.5万人次", None),
    ],
)
def test_marker_re_reads_every_heading_and_point_marker(line: str, marker: str | None) -> None:
    m = MARKER_RE.match(line)
    assert (m.group() if m else None) == marker
