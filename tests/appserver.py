"""Serving the real app for browser tests and the app benchmark: `streamlit run` on 127.0.0.1
with its own data folder, and the Chromium that drives it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.launch import streamlit_args

if TYPE_CHECKING:
    from assistant.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "chromium"  # Debian's, on PATH (`make sysdeps`)
# Without the background-networking flags Chromium keeps dialling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FACTS = (
    "理论学习形式单一，以集中读文件为主\n"
    "基层专职宣传干部仅有3名，力量薄弱\n"
    "全年仅开展意识形态形势研判2次，研判不够深入"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(data_dir: Path) -> dict[str, str]:
    """The child's environment: ours minus any real endpoint, data in data_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        ASSISTANT_KNOWLEDGE_DIR=str(ROOT / "knowledge"),
        ANONYMIZED_TELEMETRY="False",
    )
    return env


def start_streamlit(
    script: Path, port: int, env: dict[str, str], cwd: Path, stderr: int | None = None
) -> subprocess.Popen[bytes]:
    cmd = [*streamlit_args(port, "127.0.0.1", script), "--client.toolbarMode", "minimal"]
    # Its own process group: stop() ends it and anything it started, whatever state it is in.
    return subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=stderr or subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"streamlit exited: {err[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not come up")


@contextlib.contextmanager
def served(script: Path, env: dict[str, str], cwd: Path) -> Iterator[tuple[int, str]]:
    """`streamlit run script` until the block ends (also on errors and Ctrl+C): (port, URL)."""
    port = free_port()
    proc = start_streamlit(script, port, env, cwd)
    try:
        wait_healthy(port, proc, timeout=180.0)
        yield port, f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


class BenchSkipped(Exception):
    """A benchmark cannot run here (e.g. no Chromium); the message says why."""


def indexed_data(data: Path) -> Settings:
    """Settings on ``data`` with the shipped corpus indexed, as after the app's first start."""
    from assistant.config import Settings
    from assistant.service import Assistant
    from assistant.sessions import SessionStore
    from assistant.ui.state import SEEDED_KEY

    settings = Settings(data_dir=data, knowledge_dir=ROOT / "knowledge")
    Assistant(settings).build_index()
    SessionStore(settings.sessions_path).set_app_setting(SEEDED_KEY, "1")
    return settings


@contextlib.contextmanager
def bench_setup() -> Iterator[tuple[str, Path, Settings]]:
    """What the app benchmarks start from: (Chromium, a scratch folder removed afterwards,
    settings on its data/ folder with the shipped corpus indexed)."""
    chromium = shutil.which(CHROMIUM)
    if chromium is None:
        raise BenchSkipped(f"{CHROMIUM} missing; run `make sysdeps`")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        yield chromium, work, indexed_data(work / "data")
