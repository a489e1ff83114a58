"""The section index on the real seeds, in a real Chroma store under tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.corpus import parse_file
from assistant.errors import IndexEmptyError, ReportNotFoundError
from assistant.index.embeddings import HashEmbedder
from assistant.index.store import INDEX_FORMAT, SectionIndex
from assistant.models import Role, WantedShape
from tests.conftest import ROOT, SEEDS


def _copy_seeds(dest: Path, seeds: list[Path] = SEEDS) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        shutil.copy(s, dest / s.name)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SectionIndex:
    """One index of the five seeds shared by the read-only tests of this module."""
    root = tmp_path_factory.mktemp("idx")
    idx = SectionIndex(Settings(data_dir=root / "data"))
    res = idx.update([_copy_seeds(root / "knowledge")])
    assert sorted(res.added) == sorted(p.stem for p in SEEDS)
    return idx


def test_one_record_per_section(built: SectionIndex) -> None:
    expected = sum(len(parse_file(p).sections) for p in SEEDS)
    assert built.count() == expected
    infos = {r.id: r for r in built.reports()}
    assert set(infos) == {p.stem for p in SEEDS}
    assert infos["000_13674df05d4d43f5"].title == "2022年市局党组意识形态工作情况报告"
    assert infos["000_13674df05d4d43f5"].year == 2022


def test_report_outline_is_the_parsed_outline(built: SectionIndex) -> None:
    report = parse_file(SEEDS[1])
    outline = built.report_outline(report.id)
    assert [o["id"] for o in outline] == [s.id for s in report.sections]
    assert [o["role"] for o in outline] == [str(s.role) for s in report.sections]
    assert [o["text"] for o in outline] == [s.body for s in report.sections]
    assert {"id", "level", "heading", "role", "path", "n_children", "n_points", "chars",
            "placeholders", "text"} <= set(outline[0])
    with pytest.raises(ReportNotFoundError):
        built.report_outline("no-such-report")


def test_search_returns_problem_sections_with_reasons(built: SectionIndex) -> None:
    found = built.search(Role.PROBLEMS, "网络舆情 学习形式单一", k=3)
    assert len(found) == 3
    assert all(e.role == Role.PROBLEMS for e in found)
    top = found[0]
    assert top.why["role_match"] == "exact"
    assert set(top.why["shared_terms"]) & {"学习", "形式", "单一", "网络", "舆情"}
    assert top.why["shape"].startswith("本段")
    parts = top.why["score_parts"]
    assert {"bm25_rank", "vector_rank", "rrf", "shape_bonus"} <= set(parts)
    # text is the whole subtree (heading line first), body the section's own text
    assert top.text.splitlines()[0].strip() == top.heading
    assert top.body and top.body in top.text
    assert top.title and top.source and top.section_id
    scores = [e.score for e in found]
    assert scores == sorted(scores, reverse=True)


def test_search_subtree_text_includes_children(built: SectionIndex) -> None:
    found = built.search(Role.ACHIEVEMENTS, "意识形态工作开展基本情况", k=10)
    with_children = [e for e in found if e.n_children]
    assert with_children, "seed 001/004 have achievements sections with （一） children"
    e = with_children[0]
    assert "（一）" in e.text and len(e.text) > len(e.body)


def test_search_is_deterministic(built: SectionIndex) -> None:
    a = built.search(Role.PLANS, "加强理论武装 网络阵地", k=5)
    b = built.search(Role.PLANS, "加强理论武装 网络阵地", k=5)
    assert [(e.report, e.section_id, e.score) for e in a] == [(e.report, e.section_id, e.score) for e in b]


def test_exclude_reports_and_related_role_fallback(built: SectionIndex) -> None:
    # tasks only occur in seed 002: excluded, the search falls back to plans/requirements
    found = built.search(Role.TASKS, "意识形态工作任务", k=3, exclude_reports=("002_f72876f833d7bc93",))
    assert found
    assert all(e.report != "002_f72876f833d7bc93" for e in found)
    assert all(e.role in (Role.PLANS, Role.REQUIREMENTS) for e in found)
    assert all(e.why["role_match"] == "related" for e in found)
    # when enough exact sections exist, exact ones come first
    mixed = built.search(Role.TASKS, "意识形态工作任务", k=12)
    roles = [e.why["role_match"] for e in mixed]
    assert roles[0] == "exact" and roles == sorted(roles, key=lambda r: r != "exact")


def test_wanted_shape_moves_matching_sections_up(built: SectionIndex) -> None:
    topic = "下一步工作打算 加强理论武装"
    plain = built.search(Role.PLANS, topic, k=10)
    wanted = WantedShape(point_style="一要", n_points=3)
    shaped = built.search(Role.PLANS, topic, shape=wanted, k=10)
    target = [e for e in shaped if e.point_style == "一要" and e.n_points == 3]
    assert target, "seed 000's plans section is written with 一要…三要"
    pos_plain = [(e.report, e.section_id) for e in plain].index((target[0].report, target[0].section_id))
    pos_shaped = [(e.report, e.section_id) for e in shaped].index((target[0].report, target[0].section_id))
    assert pos_shaped == 0 and pos_shaped <= pos_plain
    assert target[0].why["score_parts"]["shape_bonus"] > 0
    assert "点数相同" in target[0].why["shape"]


def test_incremental_update_remove_and_prune(tmp_path: Path) -> None:
    src = _copy_seeds(tmp_path / "k", SEEDS[:3])
    (src / "README.md").write_text("# 说明\n这不是范文。", encoding="utf-8")
    idx = SectionIndex(Settings())
    first = idx.update([src])
    assert len(first.added) == 3 and not first.failed  # README.md is skipped
    n3 = idx.count()

    again = idx.update([src])
    assert sorted(again.skipped) == sorted(first.added) and not again.added and not again.updated
    assert idx.count() == n3

    # change a file: its records are replaced, never duplicated
    f = src / SEEDS[0].name
    f.write_text(f.read_text(encoding="utf-8").replace("二、存在的主要问题", "二、存在问题"), encoding="utf-8")
    changed = idx.update([src])
    assert changed.updated == [SEEDS[0].stem]
    assert idx.count() == n3
    headings = [o["heading"] for o in idx.report_outline(SEEDS[0].stem)]
    assert "二、存在问题" in headings and "二、存在的主要问题" not in headings
    assert all(e.heading != "二、存在的主要问题" for e in idx.search(Role.PROBLEMS, "存在的主要问题", k=10))

    # a second handle (another process would be the same) sees the same index
    other = SectionIndex(Settings())
    assert other.count() == n3

    other.remove(SEEDS[1].stem)
    assert SEEDS[1].stem not in {r.id for r in idx.reports()}
    with pytest.raises(ReportNotFoundError):
        idx.remove(SEEDS[1].stem)

    (src / SEEDS[2].name).unlink()
    pruned = idx.update([src], prune=True)
    assert pruned.removed == [SEEDS[2].stem]
    assert pruned.added == [SEEDS[1].stem]  # removed by hand, but its file is still in the folder
    assert {r.id for r in idx.reports()} == {SEEDS[0].stem, SEEDS[1].stem}


def test_bad_file_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    src = _copy_seeds(tmp_path / "k", SEEDS[:2])
    (src / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (src / "empty.md").write_bytes(b"")
    res = SectionIndex(Settings()).update([src, tmp_path / "missing-folder"])
    assert sorted(res.added) == sorted(p.stem for p in SEEDS[:2])
    failed = dict(res.failed)
    assert set(failed) == {str(src / "scan.txt"), str(src / "empty.md"), str(tmp_path / "missing-folder")}
    assert "scan.txt" in failed[str(src / "scan.txt")] and "不是文本文件" in failed[str(src / "scan.txt")]
    assert "为空" in failed[str(src / "empty.md")]
    assert "不存在" in failed[str(tmp_path / "missing-folder")]


def test_empty_index_search_says_so() -> None:
    with pytest.raises(IndexEmptyError, match="范文库为空"):
        SectionIndex(Settings()).search(Role.PROBLEMS, "问题")


def test_chroma_default_embedding_function_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.utils import embedding_functions as ef

    def boom(self: object, input: object) -> None:  # Chroma checks the signature
        raise AssertionError("Chroma's default embedding function ran (it downloads a model)")

    def no_download(self: object, *args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma tried to download its default embedding model")

    monkeypatch.setattr(ef.DefaultEmbeddingFunction, "__call__", boom)
    monkeypatch.setattr(ef.ONNXMiniLM_L6_V2, "__call__", boom)
    monkeypatch.setattr(ef.ONNXMiniLM_L6_V2, "_download_model_if_not_exists", no_download)
    idx = SectionIndex(Settings())
    idx.update([_copy_seeds(tmp_path / "k", SEEDS[:2])])
    assert idx.search(Role.PLANS, "加强理论学习", k=2)
    idx.remove(SEEDS[0].stem)


class _OtherEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=128)


def test_switching_embedding_rebuilds_cleanly(tmp_path: Path) -> None:
    src = _copy_seeds(tmp_path / "k", SEEDS[:2])
    idx = SectionIndex(Settings())
    idx.update([src])
    n = idx.count()
    other = SectionIndex(Settings(), embedder=_OtherEmbedder())
    res = other.update([src])
    assert res.rebuilt
    assert any("向量模型已由" in m and "重建" in m for m in res.messages)
    assert other.count() == n  # rebuilt from the recorded sources, nothing mixed or lost
    assert other.search(Role.PROBLEMS, "学习", k=1)[0].role == Role.PROBLEMS


def test_older_index_format_is_rebuilt_with_a_message(tmp_path: Path) -> None:
    src = _copy_seeds(tmp_path / "k", SEEDS[:2])
    idx = SectionIndex(Settings())
    idx.update([src])
    n = idx.count()
    # make the stored index look like one written by an older version
    state = idx.backend.state()
    assert state is not None and state["format"] == INDEX_FORMAT
    state["format"] = INDEX_FORMAT - 1
    idx.backend.put_state(state)
    fresh = SectionIndex(Settings())
    assert fresh.search(Role.PROBLEMS, "学习", k=1)  # searching first rebuilds, then answers
    res = fresh.update([src])
    assert res.rebuilt and any("旧版本" in m for m in res.messages)
    assert fresh.count() == n


def test_same_file_name_in_two_folders_keeps_both(tmp_path: Path) -> None:
    a = _copy_seeds(tmp_path / "a", SEEDS[:1])
    b = _copy_seeds(tmp_path / "b", SEEDS[:1])
    f = b / SEEDS[0].name
    f.write_text(f.read_text(encoding="utf-8").replace("2022年", "2023年"), encoding="utf-8")
    idx = SectionIndex(Settings())
    first = idx.update([a, b])
    assert len(first.added) == 2 and len(set(first.added)) == 2
    assert idx.count() == 2 * len(parse_file(SEEDS[0]).sections)
    again = idx.update([a, b])
    assert sorted(again.skipped) == sorted(first.added) and not again.updated


@pytest.mark.parametrize("topic", ["", "。。。"])
def test_empty_topic_still_gives_role_sections(built: SectionIndex, topic: str) -> None:
    found = built.search(Role.PROBLEMS, topic, k=3)
    assert len(found) == 3 and all(e.role == Role.PROBLEMS for e in found)
    assert all(e.why["shared_terms"] == [] for e in found)


def test_asking_for_yi_children_finds_whole_frames_not_fragments(built: SectionIndex) -> None:
    # "按（一）（二）格式写工作情况": the exemplars are 工作情况 sections with （一） children
    facts = (ROOT / "tests" / "data" / "facts_achievements.txt").read_text(encoding="utf-8")
    found = built.search(
        Role.ACHIEVEMENTS, facts, shape=WantedShape(heading_style="（一）"), k=3
    )
    assert [(e.level, e.heading_style) for e in found] == [(1, "一、")] * 3
    assert all(e.n_children >= 4 for e in found)


def test_worker_processes_build_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big jobs prepare records, tokens and vectors in worker processes: same index as in-process."""
    from assistant.index import store

    reports = [(parse_file(p), f"h-{p.stem}") for p in SEEDS]
    serial = SectionIndex(Settings(data_dir=tmp_path / "serial"))
    serial.index_reports(reports)
    monkeypatch.setattr(store, "PARALLEL_MIN", 1)
    monkeypatch.setattr(store.Writer, "__init__", _small_chunks(store.Writer.__init__))
    parallel = SectionIndex(Settings(data_dir=tmp_path / "parallel"))
    parallel.index_reports(reports)
    assert parallel.count() == serial.count()
    for role, topic in ((Role.PROBLEMS, "网络舆情 学习形式单一"), (Role.PLANS, "加强理论武装")):
        a = parallel.search(role, topic, k=5)
        b = serial.search(role, topic, k=5)
        assert [(e.report, e.section_id, e.score, e.why) for e in a] == [
            (e.report, e.section_id, e.score, e.why) for e in b
        ]


def _small_chunks(init: Any) -> Any:
    """Writer.__init__ with worker tasks of one report each (several tasks even for the seeds)."""

    def wrapped(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        assert self.workers._pool is not None, "the worker pool did not start"
        self.workers.CHUNK = 1

    return wrapped
