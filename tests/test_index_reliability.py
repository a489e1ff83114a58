"""Crash safety and concurrency of the index: SIGKILL mid-write, the writer lock, two writers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.index.store import SectionIndex
from assistant.models import Role
from tests.conftest import ROOT, SEEDS

# The child pauses at a chosen point of the write (monkeypatched), says so, and is killed there.
CHILD = """
import sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.index import cache, store, writer

point, folder = sys.argv[1], sys.argv[2]
owner = {"commit": writer.Writer, "cache_write": cache.SidecarCache}[point]
name = {"commit": "_commit", "cache_write": "write"}[point]
original = getattr(owner, name)

def paused(self, *args, **kwargs):
    # commit: section records written, registry not yet committed;
    # cache_write: after the Chroma commit, before the local cache is updated
    print("PAUSED", flush=True)
    time.sleep(120)
    return original(self, *args, **kwargs)

setattr(owner, name, paused)
store.SectionIndex(Settings()).update([Path(folder)])
"""


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _wait_for(proc: subprocess.Popen[str], marker: str, timeout: float = 90) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if marker in line:
            return
        if proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.stderr.read() if proc.stderr else ''}")
    raise AssertionError("child never reached the pause point")


def _chroma_records(idx: SectionIndex) -> int:
    return int(idx.backend.count_sections())


@pytest.mark.parametrize("point", ["commit", "cache_write"])
def test_sigkill_mid_index_keeps_previous_index_and_rerun_completes(tmp_path: Path, point: str) -> None:
    src = tmp_path / "k"
    src.mkdir()
    for s in SEEDS[:3]:
        shutil.copy(s, src / s.name)
    idx = SectionIndex(Settings())
    idx.update([src])
    before = idx.count()
    before_reports = {r.id: r.content_hash for r in idx.reports()}
    old_heading = "二、存在的主要问题"
    assert any(e.heading == old_heading for e in idx.search(Role.PROBLEMS, "存在的主要问题", k=5))

    # a changed file and two new ones
    f = src / SEEDS[0].name
    f.write_text(f.read_text(encoding="utf-8").replace(old_heading, "二、存在问题"), encoding="utf-8")
    for s in SEEDS[3:]:
        shutil.copy(s, src / s.name)

    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, point, str(src)],
        cwd=tmp_path, env=_child_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for(proc, "PAUSED")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    after = SectionIndex(Settings())
    if point == "commit":
        # nothing was committed: exactly the previous index, still searchable
        assert after.count() == before
        assert {r.id: r.content_hash for r in after.reports()} == before_reports
        assert any(e.heading == old_heading for e in after.search(Role.PROBLEMS, "存在的主要问题", k=5))
    else:
        # committed in Chroma but the sidecar was not written: it is pulled on open
        assert after.search(Role.PROBLEMS, "存在的问题", k=3)
        assert len(after.reports()) == 5

    res = after.update([src])
    assert not res.failed
    assert after.count() == sum(len(SectionIndex._parse(after, src / s.name).sections) for s in SEEDS)
    assert {r.id for r in after.reports()} == {s.stem for s in SEEDS}
    # no leftovers of the killed run: Chroma holds exactly the committed records
    assert _chroma_records(after) == after.count()
    headings = {e.heading for e in after.search(Role.PROBLEMS, "存在问题", k=10)}
    assert "二、存在问题" in headings and old_heading not in headings


LOCKER = """
import time
from assistant.config import Settings
from assistant.index.store import SectionIndex
with SectionIndex(Settings())._lock():
    print("LOCKED", flush=True)
    time.sleep(120)
"""


def test_second_writer_waits_then_reports_busy(tmp_path: Path) -> None:
    src = tmp_path / "k"
    src.mkdir()
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCKER], cwd=tmp_path, env=_child_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for(proc, "LOCKED")
        t0 = time.monotonic()
        with pytest.raises(IndexBusyError, match="正在被另一个进程更新"):
            SectionIndex(Settings(), lock_timeout=1.0).update([src])
        assert time.monotonic() - t0 >= 1.0  # it waited before giving up
    finally:
        proc.kill()
        proc.wait(timeout=30)
    # the lock dies with its holder
    assert SectionIndex(Settings(), lock_timeout=5).update([src]).added == [SEEDS[0].stem]


def test_two_index_processes_at_once_both_land(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, seeds in ((a, SEEDS[:2]), (b, SEEDS[2:])):
        folder.mkdir()
        for s in seeds:
            shutil.copy(s, folder / s.name)
    code = "import sys; from assistant.cli import main; sys.exit(main(['index', sys.argv[1]]))"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(d)], cwd=tmp_path, env=_child_env(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for d in (a, b)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    idx = SectionIndex(Settings())
    assert {r.id for r in idx.reports()} == {s.stem for s in SEEDS}
    assert _chroma_records(idx) == idx.count()
    assert {e.report for e in idx.search(Role.PROBLEMS, "存在问题", k=10)} == {
        s.stem for s in SEEDS if s.stem != "002_f72876f833d7bc93"
    }


def test_long_lived_process_sees_vectors_written_by_another_process(tmp_path: Path) -> None:
    """The app keeps one index open while `assistant index` runs elsewhere: the new sections
    must be found by the vector side too, not only by BM25."""
    src = tmp_path / "k"
    src.mkdir()
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    app = SectionIndex(Settings())
    app.update([src])
    app.search(Role.PROBLEMS, "学习")
    shutil.copy(SEEDS[4], src / SEEDS[4].name)
    code = "import sys; from assistant.cli import main; sys.exit(main(['index', sys.argv[1]]))"
    subprocess.run([sys.executable, "-c", code, str(src)], cwd=tmp_path, env=_child_env(tmp_path),
                   check=True, capture_output=True, timeout=240)
    found = app.search(Role.PROBLEMS, "意识形态工作理解不到位", k=5)
    new = [e for e in found if e.report == SEEDS[4].stem]
    assert new and all(e.why["score_parts"]["vector_rank"] is not None for e in new)
