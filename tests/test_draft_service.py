"""The offline drafter through the service on the shipped corpus: retrieval → draft → review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.draft.frame import parse_section
from assistant.errors import RevisionNotUnderstoodError
from assistant.evaluation.drafting import conformity_parts
from assistant.models import Role, WantedShape
from assistant.service import Assistant
from tests.conftest import KNOWLEDGE, ROOT, SEEDS

DATA = ROOT / "tests" / "data"
FORBIDDEN = {"unsupported_number", "copied_from_sample", "status_shift", "changed_number"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One index of the shipped corpus for the whole module (built once, read many times)."""
    data = tmp_path_factory.mktemp("draft_service") / "data"
    assistant = Assistant(Settings(data_dir=data, knowledge_dir=KNOWLEDGE))
    assistant.build_index()
    return assistant


@pytest.fixture(scope="module")
def seed_app(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An index of the five seeds only: DRAFTING.md's worked example was written on seed 000,
    and the wider corpus holds other samples whose 存在问题 sections share its words."""
    root = tmp_path_factory.mktemp("draft_seeds")
    knowledge = root / "knowledge"
    knowledge.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, knowledge / seed.name)
    assistant = Assistant(Settings(data_dir=root / "data", knowledge_dir=knowledge))
    assistant.build_index()
    return assistant


def facts_text(name: str) -> str:
    return (DATA / f"facts_{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("role", "name"),
    [(Role.ACHIEVEMENTS, "achievements"), (Role.PROBLEMS, "problems"), (Role.PLANS, "plans")],
)
def test_offline_draft_on_shipped_corpus(app: Assistant, role: Role, name: str) -> None:
    draft = app.draft(role, facts_text(name), engine="offline")
    assert draft.engine == "offline" and draft.exemplars
    # every fact is cited and keeps its numbers as written
    for fact in draft.facts:
        assert f"〔{fact.id}〕" in draft.text
        for q in fact.quantities:
            assert q.text in draft.text, (fact.id, q.text)
    # the review finds nothing invented, copied from a sample, or turned from planned into done
    bad = [(f.kind, f.text) for f in draft.review.flags if f.kind in FORBIDDEN]
    assert bad == []
    assert draft.review.unused_facts == []
    # the best exemplar's point pattern is kept: as the drafter reads it, and as the corpus
    # parser's point finder reads the draft against the exemplar's indexed shape
    want = parse_section(draft.exemplars[0].text)
    got = parse_section(draft.text)
    assert got.style == want.style
    assert got.layout == (want.layout if want.layout != "prose" else "inline")
    parts = conformity_parts(draft.exemplars[0], draft.text)
    assert parts["point_pattern_ok"] and parts["heading_style_ok"], parts


def test_offline_draft_is_deterministic_across_processes_state(app: Assistant) -> None:
    first = app.draft(Role.PROBLEMS, facts_text("problems"), engine="offline").text
    other = Assistant(app.settings)  # a fresh service over the same index
    second = other.draft(Role.PROBLEMS, facts_text("problems"), engine="offline").text
    assert first.encode() == second.encode()


def test_stream_draft_offline_yields_chunks_then_result(app: Assistant) -> None:
    stream = app.stream_draft("plans", facts_text("plans"), engine="offline")
    assert stream.result is None
    chunks = list(stream)
    assert len(chunks) >= 2  # streamed by paragraph: heading first
    assert stream.result is not None
    assert "".join(chunks) == stream.result.text
    assert stream.result.engine == "offline" and stream.result.notice is None
    assert chunks[0] == stream.result.text.split("\n")[0]


def test_stream_revision_offline(app: Assistant) -> None:
    draft = app.draft(Role.PROBLEMS, facts_text("problems"), engine="offline")
    revised = app.stream_revision(draft, "改成（一）（二）格式", engine="offline").run()
    assert "（一）" in revised.text and "（二）" in revised.text
    assert all(f"〔{f.id}〕" in revised.text for f in draft.facts)
    assert not [f for f in revised.review.flags if f.kind in FORBIDDEN]
    shorter = app.stream_revision(draft, "压缩到150字", engine="offline").run()
    assert len(shorter.text) < len(draft.text)
    with pytest.raises(RevisionNotUnderstoodError, match="离线"):
        app.stream_revision(draft, "换个更有气势的说法", engine="offline").run()


def test_cli_draft_json(app: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(app.settings.data_dir))
    facts = tmp_path / "facts.txt"
    facts.write_text(facts_text("problems"), encoding="utf-8")
    assert cli.main(["draft", "--role", "problems", "--facts", str(facts), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "offline"
    assert out["draft"] == app.draft(Role.PROBLEMS, facts_text("problems"), engine="offline").text
    assert {f["id"] for f in out["facts"]} == {f"F{i}" for i in range(1, 6)}
    assert not [f for f in out["review"]["flags"] if f["kind"] in FORBIDDEN]


def test_wanted_children_shape_through_the_service(app: Assistant) -> None:
    draft = app.draft(
        Role.ACHIEVEMENTS, facts_text("achievements"), engine="offline",
        shape=WantedShape(heading_style="（一）"),
    )  # fmt: skip
    lines = draft.text.split("\n")
    children = [ln for ln in lines if ln.startswith("（")]
    assert [c[:3] for c in children] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"][: len(children)]
    assert len(children) >= 4
    assert not [f for f in draft.review.flags if f.kind in FORBIDDEN]


def test_worked_example_end_to_end(seed_app: Assistant) -> None:
    """DRAFTING.md's example through retrieval: the sample it was written from comes first."""
    facts = "理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有3名，力量薄弱\n全年仅开展意识形态形势研判2次，研判不够深入"
    draft = seed_app.draft("problems", facts, engine="offline")
    assert draft.exemplars[0].report.startswith("000_")
    assert draft.text == (
        "二、存在的主要问题\n"
        "回顾今年以来的工作，虽然取得了一些成绩，但仍然存在一些问题和不足。"
        "一是理论学习形式单一，以集中读文件为主〔F1〕；二是基层专职宣传干部仅有3名，力量薄弱〔F2〕；"
        "三是全年仅开展意识形态形势研判2次，研判不够深入〔F3〕。"
    )
    assert draft.review.verdict == "pass"


def test_worked_example_on_the_wider_corpus(app: Assistant) -> None:
    """On the whole shipped corpus the same request still gets a 存在问题 exemplar and a draft
    that cites every fact and passes the review (which sample wins may differ)."""
    facts = "理论学习形式单一，以集中读文件为主\n基层专职宣传干部仅有3名，力量薄弱\n全年仅开展意识形态形势研判2次，研判不够深入"
    draft = app.draft("problems", facts, engine="offline")
    assert draft.exemplars[0].role == Role.PROBLEMS
    for fid in ("F1", "F2", "F3"):
        assert f"〔{fid}〕" in draft.text
    assert draft.review.verdict == "pass"
