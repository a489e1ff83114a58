"""Shared fixtures. Tests never touch the network; data folders live in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SEEDS = sorted(p for p in KNOWLEDGE.glob("*.txt"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every data folder at tmp_path and drop any real model endpoint configuration."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(KNOWLEDGE))
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ASSISTANT_OPENAI_API_KEY",
        "ASSISTANT_OPENAI_BASE_URL",
        "ASSISTANT_CHROMA_URL",
        "ASSISTANT_ENGINE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def seeds() -> list[Path]:
    return SEEDS
