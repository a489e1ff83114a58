"""Integrity of the hand-written eval data (not of the checker or the drafter that use it).

tests/eval/check/{dev,heldout}/*.jsonl: checker cases (issue 10.4), one JSON object a line.
tests/eval/drafting/{dev,heldout}/*.json: mixed fact sets (issue 11.5), one set a file.
tests/eval/chat_requests.json: chat messages with the facts they carry (issue 11.1).
See the README.md beside each. ``python -m tests.test_eval_data`` prints the counts per kind and
split.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

EVAL = Path(__file__).resolve().parent / "eval"
CHECK = EVAL / "check"
DRAFTING = EVAL / "drafting"
CHAT = EVAL / "chat_requests.json"
SPLITS = ("dev", "heldout")

KINDS = (
    "changed_number",
    "unsupported_number",
    "status_shift",
    "unsupported_claim",
    "unsupported_name",
    "wrong_citation",
    "unsupported_comparison",
    "role_mismatch",
)
# Kinds the current checker already reports that may stand in for a planted kind (see README).
OTHER_KINDS = ("unsupported_title", "copied_from_sample", "placeholder_left")
ROLES = (
    "preamble",
    "achievements",
    "problems",
    "causes",
    "plans",
    "principles",
    "tasks",
    "requirements",
    "closing",
    "other",
)
STYLES = ("deepseek", "qwen", "colleague", "wenku", "kimi", "doubao", "ernie")
FACT_KINDS = ("achievements", "problems", "causes", "plans", "unclear")
INTENTS = ("draft", "draft_report", "add_facts", "revise", "check")
COMPARISON_CUES = (
    "同比",
    "较上年",
    "比上年",
    "较去年",
    "比去年",
    "环比",
    "增长",
    "提高",
    "提升",
    "增加",
    "上升",
    "下降",
    "翻",
    "倍",
    "前列",
    "前三",
    "第一",
    "首位",
    "领先",
    "排名",
    "位居",
    "名列",
    "新高",
)
CITE_RE = re.compile(r"[〔\[【]F(\d+)[〕\]】]")
# Arabic numbers of a draft, citation ids excluded (F12 is a fact id, not a number).
NUM_RE = re.compile(r"(?<![F\d.])\d+(?:\.\d+)?")
# List markers ("1." or "**1." at a line start, "（2）") are enumerators, not numbers.
MARKER_RE = re.compile(r"(?m)^[\s*#>-]*\d{1,2}\s*[.．、](?!\d)|[（(]\d{1,2}[）)]")


def _load_cases(split: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted((CHECK / split).glob("*.jsonl")):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                case = json.loads(line)
                case["_where"] = f"{path.name}:{no}"
                out.append(case)
    return out


def _load_sets(split: str) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((DRAFTING / split).glob("*.json"))
    ]


CASES = {s: _load_cases(s) for s in SPLITS}
ALL_CASES = [c for s in SPLITS for c in CASES[s]]
SETS = {s: _load_sets(s) for s in SPLITS}


def _numbers(text: str) -> set[str]:
    out = set()
    text = MARKER_RE.sub(" ", text)
    for m in NUM_RE.finditer(text):
        n = m.group()
        out.add(n)
        if text[m.end() : m.end() + 1] == "万":  # 1.8万 = 18000
            out.add(str(round(float(n) * 10000)))
    return out


def kind_counts() -> dict[str, Counter[str]]:
    return {s: Counter(e["kind"] for c in CASES[s] for e in c["errors"]) for s in SPLITS}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: str(c.get("id")))
def test_check_case_shape(case: dict[str, Any]) -> None:
    assert set(case) >= {"id", "source_style", "role", "facts", "draft", "errors", "note"}
    assert case["source_style"] in STYLES
    assert case["role"] in ROLES
    assert 3 <= len(case["facts"]) <= 8 and all(f.strip() for f in case["facts"])
    assert case["draft"].strip() and case["note"].strip()
    n_facts = len(case["facts"])
    assert all(1 <= int(i) <= n_facts for i in CITE_RE.findall(case["draft"])), "citation past F-n"
    spans: list[tuple[int, int]] = []
    for err in case["errors"]:
        assert err["kind"] in KINDS, err
        assert err["note"].strip()
        assert set(err.get("also_ok", [])) <= set(KINDS + OTHER_KINDS) - {err["kind"]}
        span = err["span"]
        assert span and case["draft"].count(span) == 1, f"span not unique in draft: {span}"
        start = case["draft"].index(span)
        assert all(start >= e or start + len(span) <= s for s, e in spans), "overlapping errors"
        spans.append((start, start + len(span)))
        if err["kind"] == "changed_number":
            assert "unsupported_number" in err.get("also_ok", [])
        if err["kind"] == "unsupported_comparison":
            assert any(cue in span for cue in COMPARISON_CUES), span
        if err["kind"] == "unsupported_name" and "《" in span:
            assert "unsupported_title" in err.get("also_ok", [])
        if err["kind"] == "wrong_citation":
            assert CITE_RE.search(span), span


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: str(c.get("id")))
def test_numbers_outside_error_spans_come_from_facts(case: dict[str, Any]) -> None:
    """An Arabic number no fact gives is a planted error (inside an error span), never an accident."""
    draft = case["draft"]
    for err in case["errors"]:
        draft = draft.replace(err["span"], "")
    given = _numbers(" ".join(case["facts"]))
    assert not _numbers(draft) - given, _numbers(draft) - given


def test_check_ids_unique_and_splits_sized() -> None:
    ids = [c["id"] for c in ALL_CASES]
    assert len(ids) == len(set(ids))
    assert len(ALL_CASES) >= 150
    assert 0.25 <= len(CASES["heldout"]) / len(ALL_CASES) <= 0.4
    faithful = [c for c in ALL_CASES if not c["errors"]]
    assert len(faithful) >= 40
    assert all(any(not c["errors"] for c in CASES[s]) for s in SPLITS)


def test_every_kind_planted_often_in_both_splits() -> None:
    counts = kind_counts()
    for kind in KINDS:
        assert counts["dev"][kind] + counts["heldout"][kind] >= 15, kind
        assert counts["heldout"][kind] >= 5, kind
        spread = {c["id"] for c in ALL_CASES for e in c["errors"] if e["kind"] == kind}
        assert len(spread) >= 12, kind
    assert all(len(c["errors"]) <= 3 for c in ALL_CASES)


@pytest.mark.parametrize("split", SPLITS)
def test_drafting_fact_sets(split: str) -> None:
    sets = SETS[split]
    assert sets
    for fs in sets:
        assert set(fs) >= {"id", "topic", "unit", "facts", "note"}
        assert 5 <= len(fs["facts"]) <= 10
        assert all(f["kind"] in FACT_KINDS and f["text"].strip() for f in fs["facts"])
        texts = [f["text"] for f in fs["facts"]]
        assert len(texts) == len(set(texts)), fs["id"]
        kinds = {f["kind"] for f in fs["facts"]}
        assert {"achievements", "problems", "plans"} <= kinds, fs["id"]
    all_ids = [fs["id"] for s in SPLITS for fs in SETS[s]]
    assert len(all_ids) == len(set(all_ids)) and len(all_ids) >= 24
    unclear = [
        fs for s in SPLITS for fs in SETS[s] if any(f["kind"] == "unclear" for f in fs["facts"])
    ]
    assert len(unclear) >= 3
    assert len(SETS["dev"]) > len(SETS["heldout"])


def test_chat_requests() -> None:
    reqs = json.loads(CHAT.read_text(encoding="utf-8"))
    assert len(reqs) >= 30 and len({r["id"] for r in reqs}) == len(reqs)
    for r in reqs:
        assert r["split"] in SPLITS and r["message"].strip()
        exp = r["expected"]
        assert exp["intent"] in INTENTS
        assert exp["role"] is None or exp["role"] in ROLES
        flat = re.sub(r"\s+", "", r["message"])
        for fact in exp["facts"]:
            # a fact is carried by the message word for word (whitespace aside)
            assert re.sub(r"\s+", "", fact) in flat, fact
    assert sum(not r["expected"]["facts"] for r in reqs) >= 3
    assert {r["split"] for r in reqs} == set(SPLITS)


def main() -> int:
    counts = kind_counts()
    print("checker cases")
    for s in SPLITS:
        faithful = sum(not c["errors"] for c in CASES[s])
        print(f"  {s}: {len(CASES[s])} cases, {faithful} faithful")
    print(f"  {'kind':24} {'dev':>5} {'heldout':>8} {'total':>6}")
    for kind in KINDS:
        d, h = counts["dev"][kind], counts["heldout"][kind]
        print(f"  {kind:24} {d:>5} {h:>8} {d + h:>6}")
    print("drafting fact sets: " + ", ".join(f"{s} {len(SETS[s])}" for s in SPLITS))
    if CHAT.exists():
        reqs = json.loads(CHAT.read_text(encoding="utf-8"))
        by = Counter(r["split"] for r in reqs)
        print("chat requests: " + ", ".join(f"{s} {by[s]}" for s in SPLITS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
