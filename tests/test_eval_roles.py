"""`assistant eval roles`: accuracy per level and a confusion matrix, beside the keyword baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import Settings
from assistant.evaluation.roles import evaluate_roles, format_roles, norm_heading
from tests.conftest import SEEDS


def _gold(dirpath: Path, seed: Path, sections: list[tuple[int, str, str]]) -> None:
    dirpath.mkdir(parents=True, exist_ok=True)
    data = {
        "file": f"knowledge/{seed.name}",
        "genre": "工作要点",
        "sections": [{"level": lv, "heading": h, "role": r} for lv, h, r in sections],
    }
    (dirpath / f"{seed.stem}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("a", "b"),
    [("一、工作情况", "一、 工作情况"), ("（一）强化组织领导。", "(一)强化组织领导"), ("三、下步打算：", "三、下步打算")],
)
def test_headings_match_after_normalising(a: str, b: str) -> None:
    assert norm_heading(a) == norm_heading(b)


def test_scores_both_splits_beside_the_baseline(tmp_path: Path) -> None:
    seed = next(p for p in SEEDS if p.name.startswith("002"))
    gold = tmp_path / "gold"
    _gold(
        gold / "dev",
        seed,
        [
            (1, "一、总体要求", "principles"),
            (1, "三、主要工作", "tasks"),
            (2, "（一）认真总结，统筹谋划。", "tasks"),
            (2, "（一）强化组织领导。", "requirements"),
            (1, "五、并不存在的标题", "plans"),  # the parser finds no such heading
        ],
    )
    _gold(gold / "heldout", seed, [(1, "四、工作要求", "plans")])  # a wrong gold: counted wrong
    res = evaluate_roles(Settings(), gold_dir=gold)
    dev, held = res["splits"]
    assert dev["ours"]["1"] == {"correct": 2, "total": 3, "accuracy": 0.6667}
    assert dev["ours"]["2"]["accuracy"] == 1.0
    assert dev["ours"]["confusion"]["plans"] == {"missing": 1}
    assert dev["baseline"]["1"]["total"] == 3
    assert held["ours"]["1"]["accuracy"] == 0.0
    assert held["ours"]["confusion"]["plans"] == {"requirements": 1}
    assert not res["met"]
    text = format_roles(res)
    for words in ("开发集", "留出集", "关键词基线", "混淆矩阵", "未达标"):
        assert words in text


def test_cli_without_gold_is_a_chinese_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import assistant.evaluation.roles as roles_eval

    monkeypatch.setattr(roles_eval, "GOLD_DIR", tmp_path / "none")
    monkeypatch.setattr(roles_eval.evaluate_roles, "__defaults__", (tmp_path / "none", roles_eval.SPLITS))
    assert main(["eval", "roles"]) == 2
    assert "标注文件" in capsys.readouterr().err
