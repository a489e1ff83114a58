"""A user's role correction: stored with the index, used by the next search at once, seen by
another client of the same store, kept when the file is indexed again (changed or not)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import Settings
from assistant.errors import ReportNotFoundError, SectionNotFoundError, UnknownRoleError
from assistant.index.store import SectionIndex
from assistant.service import Assistant

SAMPLE = """XX局2024年工作总结
今年以来，我局认真落实各项部署，现将有关情况报告如下：
一、加强理论学习，政治站位不断提高
（一）抓好中心组学习
全年开展中心组专题学习14次，组织宣讲活动20余场。
（二）抓好青年理论学习
组织青年干部读书班3期，累计培训120人次。
二、坚持守正创新，宣传阵地持续巩固
全年发布政务信息186条，完成网站改版。
三、存在的问题
学习深度不够，宣传形式单一，队伍能力有待提升。
四、下一步打算
下一步，我们将进一步加强学习，力争全年举办培训班4期。
"""
REPORT = "sample"


def _role_of(app: Assistant, section_id: str) -> dict[str, object]:
    return next(o for o in app.report_outline(REPORT) if o["id"] == section_id)


def _found(app: Assistant, role: str) -> set[str]:
    return {e.section_id for e in app.search(role, "宣传阵地 政务信息 网站改版", k=10) if e.report == REPORT and str(e.role) == role}


@pytest.fixture
def app(tmp_path: Path) -> Assistant:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / f"{REPORT}.txt").write_text(SAMPLE, encoding="utf-8")
    a = Assistant(Settings(data_dir=tmp_path / "data", knowledge_dir=folder))
    assert a.build_index().added == [REPORT]
    return a


def test_correction_is_used_by_the_next_search(app: Assistant) -> None:
    assert _role_of(app, "2")["role"] == "achievements"
    assert "2" in _found(app, "achievements")
    res = app.correct_role(REPORT, "2", "工作要求")
    assert res["before"]["role"] == "achievements" and res["after"]["role"] == "requirements"
    assert "2" in _found(app, "requirements")
    assert "2" not in _found(app, "achievements")
    entry = _role_of(app, "2")
    assert entry["role_confidence"] == 1.0 and entry["role_evidence"] == "用户已更正"


def test_children_that_inherited_follow_their_parent(app: Assistant) -> None:
    res = app.correct_role(REPORT, "1", "plans")
    assert sorted(res["changed"]) == ["1", "1.1", "1.2"]
    assert [_role_of(app, s)["role"] for s in ("1", "1.1", "1.2")] == ["plans"] * 3
    assert "更正" in str(_role_of(app, "1.1")["role_evidence"])


def test_correction_survives_reindexing_and_is_seen_by_another_client(app: Assistant, tmp_path: Path) -> None:
    app.correct_role(REPORT, "2", "requirements")
    again = app.build_index()
    assert again.skipped == [REPORT] and not again.updated
    other = SectionIndex(app.settings)  # another process on the same store
    assert next(o for o in other.report_outline(REPORT) if o["id"] == "2")["role"] == "requirements"
    # the file changes (a new closing line): parsed afresh, the correction applied again
    path = app.settings.knowledge_dir / f"{REPORT}.txt"
    path.write_text(SAMPLE + "特此报告。\n", encoding="utf-8")
    assert app.build_index().updated == [REPORT]
    assert _role_of(app, "2")["role"] == "requirements"
    assert "2" in _found(app, "requirements")
    assert next(o for o in other.report_outline(REPORT) if o["id"] == "2")["role"] == "requirements"


@pytest.mark.parametrize(
    ("report", "section", "role", "error"),
    [
        ("no-such", "1", "plans", ReportNotFoundError),
        (REPORT, "9.9", "plans", SectionNotFoundError),
        (REPORT, "1", "成绩", UnknownRoleError),
    ],
)
def test_bad_corrections_are_typed_errors(app: Assistant, report: str, section: str, role: str, error: type) -> None:
    with pytest.raises(error):
        app.correct_role(report, section, role)


def test_cli_role(app: Assistant, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(app.settings.data_dir))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(app.settings.knowledge_dir))
    assert main(["role", REPORT, "1", "下步打算"]) == 0
    out = capsys.readouterr().out
    assert "改为“下步打算/工作措施”" in out and "1.1" in out
    from assistant.sessions import SessionStore

    [entry] = SessionStore.from_settings(app.settings).audit_log("library")
    assert (entry.action, entry.target) == ("role", REPORT) and "下步打算" in entry.detail
    for argv, words in (
        (["role", "no-such", "1", "plans"], "范文库中没有找到“no-such”"),
        (["role", REPORT, "7", "plans"], "没有编号为“7”的段落"),
        (["role", REPORT, "1", "成绩"], "不认识的段落类型"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    from tests import test_index_server as srv

    port = srv._free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(srv.CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    with srv._serving(cmd, tmp_path / "chroma.log", lambda: srv._answers(f"{url}/api/v2/heartbeat"), env):
        yield url


@pytest.mark.slow
def test_a_teammate_on_the_shared_server_searches_with_the_correction(
    chroma_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / f"{REPORT}.txt").write_text(SAMPLE, encoding="utf-8")
    alice = Assistant(Settings(data_dir=tmp_path / "alice", knowledge_dir=folder, chroma_url=chroma_url))
    alice.build_index()
    bob = Assistant(Settings(data_dir=tmp_path / "bob", knowledge_dir=folder, chroma_url=chroma_url))
    assert "2" in _found(bob, "achievements")
    alice.correct_role(REPORT, "2", "requirements")
    assert "2" in _found(bob, "requirements")
    assert "2" not in _found(bob, "achievements")
    assert _role_of(bob, "2")["role_evidence"] == "用户已更正"
