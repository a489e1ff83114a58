"""Settings find the shipped corpus whatever folder a command starts in."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("knowledge", PROJECT_ROOT / "knowledge"),  # relative to the project, cwd elsewhere
        ("here", Path("here")),  # exists under the working directory: kept as given
        ("nowhere", Path("nowhere")),  # exists nowhere: kept, the loader reports it
    ],
)
def test_knowledge_dir_resolution(
    value: str, expected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "here").mkdir()  # conftest chdirs into tmp_path
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", value)
    assert Settings().knowledge_dir == expected


def test_default_knowledge_dir_is_the_shipped_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_KNOWLEDGE_DIR", raising=False)
    assert sorted(p.name for p in Settings().knowledge_dir.glob("0*.txt"))[:1] == [
        "000_13674df05d4d43f5.txt"
    ]
