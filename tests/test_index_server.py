"""Scale out: a real Chroma server (`chroma run`) shared by two clients with their own data dirs."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexUnavailableError
from assistant.index.chroma import parse_headers
from assistant.index.embeddings import HashEmbedder
from assistant.index.store import SectionIndex
from assistant.models import Role
from tests.conftest import SEEDS

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(cmd: list[str], log: Path, up: Callable[[], bool], env: dict[str, str] | None = None) -> Iterator[None]:
    """Run a server until the block ends; ``up()`` says when it answers."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while not up():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text())
                time.sleep(0.2)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    with _serving(cmd, tmp_path / "chroma.log", lambda: _answers(f"{url}/api/v2/heartbeat"), env):
        yield url


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


TOKEN = "s3cret-token"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The README's snippet, with the ports filled in: the proxy refuses any request without the token.
NGINX_CONF = """
user {user};
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 100m;
    location / {{
      if ($http_x_chroma_token != "{token}") {{ return 401; }}
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_read_timeout 300s;
    }}
  }}
}}
"""


@pytest.fixture
def guarded_chroma(chroma_server: str, tmp_path: Path) -> Iterator[str]:
    """`chroma run` behind Debian's nginx, which checks an X-Chroma-Token header."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make sysdeps` (installs Debian's nginx)")
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            user=pwd.getpwuid(os.geteuid()).pw_name, tmp=tmp_path, port=port, token=TOKEN,
            upstream=chroma_server.rsplit(":", 1)[1],
        ),
        encoding="utf-8",
    )
    def up() -> bool:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        return False

    with _serving([NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"], tmp_path / "nginx.log", up):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_chroma_behind_a_token_checking_proxy(
    guarded_chroma: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "k"
    src.mkdir()
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", guarded_chroma)
    # the proxy really refuses a request without the token
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{guarded_chroma}/api/v2/heartbeat", timeout=5)
    assert refused.value.code == 401

    # no token, then a wrong one: a clear Chinese error that names the setting
    for headers in (None, "X-Chroma-Token: wrong"):
        if headers:
            monkeypatch.setenv("ASSISTANT_CHROMA_HEADERS", headers)
        with pytest.raises(IndexUnavailableError, match=r"服务器拒绝访问（HTTP 401）：请检查 ASSISTANT_CHROMA_HEADERS"):
            SectionIndex(Settings(data_dir=tmp_path / "nobody")).count()

    # with the token (either spelling) it indexes and searches through the proxy
    monkeypatch.setenv("ASSISTANT_CHROMA_HEADERS", f"X-Chroma-Token: {TOKEN}")
    alice = SectionIndex(Settings(data_dir=tmp_path / "alice"))
    assert alice.update([src]).added == [SEEDS[0].stem]
    found = alice.search(Role.PROBLEMS, "学习形式单一", k=2)
    assert found and found[0].role == Role.PROBLEMS
    monkeypatch.setenv("ASSISTANT_CHROMA_HEADERS", f'{{"X-Chroma-Token": "{TOKEN}"}}')
    bob = SectionIndex(Settings(data_dir=tmp_path / "bob"))
    assert [(e.report, e.section_id) for e in bob.search(Role.PROBLEMS, "学习形式单一", k=2)] == [
        (e.report, e.section_id) for e in found
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, {}),
        ("", {}),
        ("X-Chroma-Token: abc", {"X-Chroma-Token": "abc"}),
        ("Authorization: Bearer a:b ; X-Team: 宣传部", {"Authorization": "Bearer a:b", "X-Team": "宣传部"}),
        ("X-A: 1\nX-B: 2\n", {"X-A": "1", "X-B": "2"}),
        ('{"X-Chroma-Token": "abc", "X-N": 3}', {"X-Chroma-Token": "abc", "X-N": "3"}),
        ("X-Chroma-Token abc", ValueError("不是“名称: 值”的形式")),
        ("X-Chroma-Token:", ValueError("不是“名称: 值”的形式")),
        ('{"X-Chroma-Token": ', ValueError("不是合法的 JSON")),
        ('{"X-Chroma-Token": ["a"]}', ValueError("都应是字符串")),
    ],
)
def test_parse_headers(text: str | None, expected: dict[str, str] | ValueError) -> None:
    if isinstance(expected, ValueError):
        with pytest.raises(ValueError, match=str(expected)):
            parse_headers(text)
    else:
        assert parse_headers(text) == expected


def test_bad_headers_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("ASSISTANT_CHROMA_HEADERS", "token=abc")
    with pytest.raises(IndexUnavailableError, match="ASSISTANT_CHROMA_HEADERS 格式不对"):
        SectionIndex(Settings()).count()
