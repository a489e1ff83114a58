"""Scale out: a real Chroma server (`chroma run`) shared by two clients with their own data dirs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexUnavailableError
from assistant.index.embeddings import HashEmbedder
from assistant.index.store import SectionIndex
from assistant.models import Role
from tests.conftest import SEEDS

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / "chroma.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
def test_index_and_search_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "k"
    src.mkdir()
    for s in SEEDS[:3]:
        shutil.copy(s, src / s.name)
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_server)
    alice = SectionIndex(Settings(data_dir=tmp_path / "alice"))
    res = alice.update([src])
    assert len(res.added) == 3
    found = alice.search(Role.PROBLEMS, "学习形式单一", k=2)
    assert found and found[0].role == Role.PROBLEMS
    assert not (tmp_path / "alice" / "index" / "chroma").exists()  # vectors live on the server

    # a teammate with an empty data folder sees the same index through the server
    bob = SectionIndex(Settings(data_dir=tmp_path / "bob"))
    assert bob.count() == alice.count()
    assert [(e.report, e.section_id) for e in bob.search(Role.PROBLEMS, "学习形式单一", k=2)] == [
        (e.report, e.section_id) for e in found
    ]
    assert bob.report_outline(SEEDS[0].stem) == alice.report_outline(SEEDS[0].stem)

    # bob adds a report; alice picks it up on her next search
    shutil.copy(SEEDS[4], src / SEEDS[4].name)
    assert bob.update([src]).added == [SEEDS[4].stem]
    assert SEEDS[4].stem in {e.report for e in alice.search(Role.PROBLEMS, "意识形态工作理解不到位", k=10)}
    bob.remove(SEEDS[0].stem)
    assert SEEDS[0].stem not in {r.id for r in alice.reports()}

    # carol runs another embedding model, and one teammate's file is not on her machine:
    # the shared index is not wiped from her side, she is told why
    (src / SEEDS[1].name).unlink()
    carol = SectionIndex(Settings(data_dir=tmp_path / "carol"), embedder=HashEmbedder(dim=128))
    with pytest.raises(IndexUnavailableError, match="不能在本机重建"):
        carol.search(Role.PROBLEMS, "学习", k=1)
    assert alice.count() == bob.count() > 0


def test_unreachable_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(IndexUnavailableError, match="无法打开范文库"):
        SectionIndex(Settings()).count()
