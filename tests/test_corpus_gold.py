"""The five seeds against their gold outlines.

Two layers: the issue's hand-written level-1 gold (roles and counts, below) and the full fixtures
in tests/gold/*.json (every section, heading, role, count and cleaned body, reviewed by hand).
Regenerate the fixtures after an intended parser change with
``.venv/bin/python -m tests.test_corpus_gold`` and review the diff before committing it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import outline_dict
from assistant.corpus import parse_file, parse_text
from assistant.models import Report
from tests.conftest import ROOT, SEEDS

GOLD_DIR = ROOT / "tests" / "gold"

# Level-1 gold from the issue: (role, n_children, n_points) per top-level section, in order.
ISSUE_GOLD: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "000": (
        "2022年市局党组意识形态工作情况报告",
        [("preamble", 0, 0), ("achievements", 0, 4), ("problems", 0, 3), ("plans", 0, 3)],
    ),
    "001": (
        "党工委书记关于2022年落实意识形态主体责任履职情况汇报",
        [("preamble", 0, 0), ("achievements", 5, 0), ("problems", 0, 3), ("plans", 0, 6)],
    ),
    "002": (
        "【xx局】20xx年意识形态工作要点",
        [
            ("preamble", 0, 0),
            ("principles", 0, 0),
            ("principles", 0, 0),
            ("tasks", 6, 0),
            ("requirements", 3, 0),
        ],
    ),
    "003": (
        "2020年X市人大机关党组关于落实意识形态工作责任制情况的报告",
        [("preamble", 0, 0), ("achievements", 4, 0), ("problems", 0, 2), ("plans", 0, 3)],
    ),
    "004": (
        "2024年意识形态工作分析研判报告",
        [("preamble", 0, 0), ("achievements", 5, 0), ("problems", 2, 0), ("plans", 1, 0)],
    ),
}

# Strings of web junk the seeds carry; none may survive cleaning.
JUNK = [
    "SUCAI198",
    "专注党建行政公文写作范文",
    "admin",
    "加入收藏",
    "预计阅读时长",
    "申明敬告",
    "本文档由用户上传",
    "当前文档由用户上传",
    "网站客服QQ",
    "403074932",
    "查看更多",
    "领取福利",
    "微信扫码",
    "VIP专免",
    "相关推荐",
    "摘要",
    "展开>>",
    "收起<<",
    "37.5 KB",
    "44.11 KB",
    "12.66KB",
    "2021-04-12",
    "2022-03-28",
    "2024-11-11",
    "文档介绍",
    "221381",
    ".docx",
    "分类:综合文库",
    "作者:公文格式标准",
    "...",
]


def _seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


def fixture_of(report: Report) -> dict[str, Any]:
    data = outline_dict(report)
    data["source"] = Path(report.source).name
    data["id"] = report.id
    data["year"] = report.year
    for d, s in zip(data["sections"], report.sections, strict=True):
        # confidence and reasons explain a role; the reviewed gold is the role itself
        d.pop("role_confidence")
        d.pop("role_evidence")
        d["has_leads"] = s.shape.has_leads
        d["subtree_chars"] = len(report.subtree_text(s.id))
    return data


@pytest.mark.parametrize("prefix", sorted(ISSUE_GOLD))
def test_level1_outline_matches_issue_gold(prefix: str) -> None:
    title, top = ISSUE_GOLD[prefix]
    r = parse_file(_seed(prefix))
    assert r.title == title
    got = [(str(s.role), s.shape.n_children, s.shape.n_points) for s in r.sections if s.level <= 1]
    assert got == top


@pytest.mark.parametrize("prefix", sorted(ISSUE_GOLD))
def test_outline_matches_fixture(prefix: str) -> None:
    path = _seed(prefix)
    expected = json.loads((GOLD_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert fixture_of(parse_file(path)) == expected


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_no_junk_survives_cleaning(seed: Path) -> None:
    r = parse_file(seed)
    for junk in JUNK:
        assert junk not in r.text, junk
    # no extraction spaces left between Chinese characters
    assert not re.search(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]", r.text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_subtrees_tile_the_text(seed: Path) -> None:
    """Headings sit on their own lines; a top-level subtree holds its heading, body and children."""
    r = parse_file(seed)
    for s in r.sections:
        sub = r.subtree_text(s.id)
        if s.heading:
            assert sub.split("\n", 1)[0] == s.heading
        assert s.body.strip() in sub
        for cid in s.children:
            assert r.subtree_text(cid) in sub
    top = [r.subtree_text(s.id) for s in r.sections if s.level <= 1]
    assert "\n".join([r.title, *top]) == r.text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_cleaned_text_and_excerpts_parse_back_the_same(seed: Path) -> None:
    """Cleaning is idempotent, and each top-level section re-parsed alone (as exemplar text is)
    keeps its role, children and points."""
    r = parse_file(seed)
    assert parse_text(r.text).text == r.text
    for s in r.sections:
        if s.level != 1:
            continue
        again = [x for x in parse_text(r.subtree_text(s.id)).sections if x.level == 1]
        assert [(x.heading, x.role, x.shape.n_children, x.shape.n_points) for x in again] == [
            (s.heading, s.role, s.shape.n_children, s.shape.n_points)
        ]


def test_seed_specific_quirks() -> None:
    r0 = parse_file(_seed("000"))
    assert r0.text.count("2022年市局党组意识形态工作情况报告") == 1  # duplicated title removed
    assert "领导权。\n三要" in r0.text  # stray page-break numeral removed
    assert r0.sections[1].points[0].lead == "坚持理论学习宣讲，把稳思想“方向盘”"
    r2 = parse_file(_seed("002"))
    assert "意识形态" in r2.text and "意 识形态" not in r2.text
    assert r2.year is None  # "20xx年"
    r3 = parse_file(_seed("003"))
    assert not any(s.level == 3 for s in r3.sections)  # "1. 1、本文档…" notices are gone
    r4 = parse_file(_seed("004"))
    assert r4.sections[0].body.startswith("根据区委办《关于开展意识形态工作分析研判的通知》要求")
    assert "二十届三中全会" in r4.text  # hard wrap "二\n十届三 中全会" rejoined


def regenerate() -> None:
    GOLD_DIR.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        data = fixture_of(parse_file(seed))
        out = GOLD_DIR / f"{seed.stem}.json"
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
