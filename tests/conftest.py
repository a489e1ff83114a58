"""Shared fixtures. Tests never touch the network; data folders live in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.postgres import backend, postgresql_server, postgresql_url

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

# Fixtures for every test module: a real PostgreSQL server, and `backend` (the store's database,
# SQLite and PostgreSQL in turn).
__all__ = ["backend", "postgresql_server", "postgresql_url"]

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
# The five seed reports the parser gold (tests/gold/*.json) was written for, named explicitly:
# knowledge/ also holds the wider sample corpus (1NN_*.txt), which is not seed gold.
SEED_NAMES = (
    "000_13674df05d4d43f5.txt",
    "001_6871ccfa1eb11807.txt",
    "002_f72876f833d7bc93.txt",
    "003_621ea8ff99c05a1b.txt",
    "004_3ef5befa1f9c2fd7.txt",
)
SEEDS = [KNOWLEDGE / name for name in SEED_NAMES]

# Fixtures that run a real component (a browser, LibreOffice, a Chroma or PostgreSQL server). The
# tests using them must be marked slow: `make test` runs them, `make test-fast` leaves them out.
REAL_COMPONENT_FIXTURES = frozenset(
    {"chromium", "soffice", "pdf", "chroma_server", "postgresql_server", "postgresql_url"}
)


def require_tool(*commands: str) -> str:
    """The path of the first of ``commands`` installed. Tests never install system packages: a
    missing one fails the test (never a silent skip) and says how to get it."""
    for command in commands:
        if found := shutil.which(command):
            return found
    pytest.fail(
        f"缺少系统工具 {' / '.join(commands)}：请先运行 make sysdeps（run make sysdeps）",
        pytrace=False,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if item.get_closest_marker("slow") is None
        and (
            REAL_COMPONENT_FIXTURES & set(getattr(item, "fixturenames", ()))
            or "postgresql" in getattr(getattr(item, "callspec", None), "params", {}).values()
        )
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests running a real component must be marked @pytest.mark.slow:\n  "
            + "\n  ".join(unmarked)
        )


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
        "ASSISTANT_CHROMA_HEADERS",
        "ASSISTANT_ENGINE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def app() -> Iterator[AppTest]:
    """The Streamlit app after its first run (the shipped corpus indexed), fresh caches."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    yield at
    st.cache_resource.clear()


@pytest.fixture
def seeds() -> list[Path]:
    return SEEDS
