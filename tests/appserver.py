"""Serving the real app for browser tests and the app benchmark: `streamlit run` on 127.0.0.1
with its own data folder, and the Chromium that drives it."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from assistant.launch import streamlit_args

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
    return subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
