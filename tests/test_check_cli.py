"""`assistant check --facts F --draft D [--json]` end to end through assistant.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main

FACTS = "1. 召开党组理论学习中心组学习会议12次\n2. 拟新建新时代文明实践示范点12个\n3. 基层专职宣传干部仅有3名\n"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return str(p)


def test_check_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = _write(tmp_path, "facts.txt", FACTS)
    draft = _write(
        tmp_path,
        "draft.txt",
        "召开党组理论学习中心组学习会议15次〔F1〕。已新建新时代文明实践示范点12个〔F2〕。"
        "印发《宣传工作手册》。开展宣讲X场。",
    )
    code = main(["check", "--facts", facts, "--draft", draft, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) >= {"verdict", "flags", "unused_facts", "sentences"}
    assert out["verdict"] == "flagged"
    kinds = [f["kind"] for f in out["flags"]]
    assert kinds == ["changed_number", "status_shift", "unsupported_title", "placeholder_left"]
    for f in out["flags"]:
        assert set(f) >= {"kind", "text", "start", "end", "reason", "fact", "exemplar"}
        assert isinstance(f["start"], int) and isinstance(f["end"], int) and f["reason"]
    assert out["flags"][0]["fact"] == "F1" and out["flags"][0]["text"] == "15次"
    assert out["unused_facts"] == ["F3"]
    assert all(set(s) >= {"text", "facts"} for s in out["sentences"])
    assert out["sentences"][0]["facts"] == ["F1"]


def test_check_pass_gbk_and_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = _write(tmp_path, "facts.txt", FACTS, encoding="gbk")
    draft = _write(
        tmp_path,
        "draft.txt",
        "一是召开党组理论学习中心组学习会议12次；二是拟新建新时代文明实践示范点12个；"
        "三是基层专职宣传干部仅有3名。",
    )
    assert main(["check", "--facts", facts, "--draft", draft, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "pass"
    assert main(["check", "--facts", facts, "--draft", draft]) == 0
    assert "审核结论：通过" in capsys.readouterr().out


@pytest.mark.parametrize("missing", ["facts", "draft"])
def test_missing_file_exits_2_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], missing: str
) -> None:
    facts = _write(tmp_path, "facts.txt", FACTS)
    draft = _write(tmp_path, "draft.txt", "召开会议12次。")
    args = {"facts": facts, "draft": draft}
    args[missing] = str(tmp_path / "没有这个文件.txt")
    code = main(["check", "--facts", args["facts"], "--draft", args["draft"], "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "没有这个文件.txt" in captured.err
    assert "Traceback" not in captured.err
    assert any("\u4e00" <= c <= "\u9fff" for c in captured.err.replace("没有这个文件", ""))


def test_flagged_verdict_and_kinds_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = _write(tmp_path, "facts.txt", FACTS)
    draft = _write(tmp_path, "draft.txt", "召开党组理论学习中心组学习会议15次，较上年翻了一番。")
    assert main(["check", "--facts", facts, "--draft", draft]) == 0
    out = capsys.readouterr().out
    assert "审核结论：有待核实" in out
    assert "[数字与素材不一致]" in out and "[比较无素材依据]" in out
    assert "changed_number" not in out
