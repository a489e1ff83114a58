"""`assistant eval check`: recall per kind and false flags, dev and held-out, beside the first
checker; held-out reported as figures only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.evaluation import check as check_eval

CASES = {
    "dev": [
        {
            "id": "t1",
            "role": "achievements",
            "facts": [
                "拟新建新时代文明实践示范点6个",
                "处置网络舆情9起",
                "在市级以上媒体发稿126篇",
            ],
            "draft": "新建新时代文明实践示范点6个，已于年内全部投入使用。"
            "在市级以上媒体发稿126篇〔F3〕，妥善处置网络舆情9起〔F3〕。",
            "errors": [
                {
                    "kind": "status_shift",
                    "span": "新建新时代文明实践示范点6个，已于年内全部投入使用",
                },
                {"kind": "wrong_citation", "span": "妥善处置网络舆情9起〔F3〕"},
            ],
        },
        {
            "id": "t2",
            "role": "achievements",
            "facts": ["召开党组理论学习中心组学习会14次"],
            "draft": "今年以来，局党组认真落实意识形态工作责任制。全年召开党组理论学习中心组学习会十四次。",
            "errors": [],
        },
    ],
    "heldout": [
        {
            "id": "h1",
            "role": "achievements",
            "facts": ["在市级以上媒体发稿126篇"],
            "draft": "在市级以上媒体发稿126篇，较上年翻了一番。",
            "errors": [{"kind": "unsupported_comparison", "span": "较上年翻了一番"}],
        }
    ],
}


@pytest.fixture
def cases_dir(tmp_path: Path) -> Path:
    for split, cases in CASES.items():
        (tmp_path / split).mkdir()
        text = "\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n"
        (tmp_path / split / "a.jsonl").write_text(text, encoding="utf-8")
    return tmp_path


def test_scores_current_beside_first(cases_dir: Path) -> None:
    res = check_eval.evaluate_check(cases_dir, seeded=False)
    dev, held = res["splits"]["dev"], res["splits"]["heldout"]
    assert dev["current"]["by_kind"]["status_shift"]["caught"] == 1
    assert dev["current"]["by_kind"]["wrong_citation"]["caught"] == 1
    assert (
        dev["first"]["by_kind"]["wrong_citation"]["caught"] == 0
    )  # the first checker's blind spot
    assert dev["current"]["false_flag_rate"] == 0.0 and dev["current"]["faithful"] == 1
    assert held["current"]["recall"] == 1.0 and held["first"]["recall"] == 0.0
    # held-out: figures only, no case content to tune on
    assert "missed" not in held["current"] and "false_flags" not in held["current"]
    assert "missed" in dev["current"]


def test_cli_prints_chinese_table_and_json(
    cases_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_eval, "CASES_DIR", cases_dir)
    assert main(["eval", "check"]) == 0
    out = capsys.readouterr().out
    assert "开发集" in out and "留出集" in out and "原审核" in out
    assert main(["eval", "check", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert set(res["splits"]) == {"dev", "heldout"}
    assert {"current", "first"} <= set(res["splits"]["dev"])
    assert res["seeded"]["current"]["recall"] >= res["seeded"]["first"]["recall"]


def test_missing_cases_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="没有找到审核评测用例"):
        check_eval.load_cases("dev", tmp_path)


def test_an_xx_slot_in_a_faithful_text_is_a_reminder_not_a_dispute() -> None:
    """The strict false-flag rate counts it (the target is judged on that); the second figure
    shows how many faithful texts had a flag that disputes the facts."""
    cases = [
        check_eval.CheckCase(
            "x1", "achievements", ["召开党组理论学习中心组学习会14次"],
            "XX局党组全年召开理论学习中心组学习会14次。",
        ),
        check_eval.CheckCase(
            "x2", "achievements", ["召开党组理论学习中心组学习会14次"],
            "局党组全年召开理论学习中心组学习会14次。",
        ),
    ]
    res = check_eval.score(cases, check_eval.current_checker)
    assert res["false_flags_by_kind"] == {"placeholder_left": 1}
    assert res["false_flag_rate"] == 0.5 and res["disputed_faithful_rate"] == 0.0
    # still listed among the faithful cases' flags, for the dev report
    assert [f["case"] for f in res["false_flags"]] == ["x1"]
