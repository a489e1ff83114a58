"""The hand-written role gold (tests/gold/roles/) is complete and well-formed.

It checks the data only, not the role rules: every shipped sample has exactly one gold file in
exactly one split, roles come from the Role vocabulary, levels nest, and each gold heading is
found, in order, in the sample's raw text once half-width punctuation, spaces and page markers
are set aside (so a typo in the gold cannot silently lower the role figures).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.corpus.load import read_text_file
from assistant.models import Role
from tests.conftest import KNOWLEDGE, ROOT, SEEDS

GOLD = ROOT / "tests" / "gold" / "roles"
SPLITS = ("dev", "heldout")
SAMPLE_SUFFIXES = {".txt", ".md"}
HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def _gold_files() -> list[Path]:
    return sorted(p for split in SPLITS for p in (GOLD / split).glob("*.json"))


def _samples() -> list[Path]:
    return sorted(
        p for p in KNOWLEDGE.iterdir() if p.suffix in SAMPLE_SUFFIXES and p.name[0].isdigit()
    )


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _squash(text: str) -> str:
    """Raw text reduced to what a heading match needs: full-width punctuation, no whitespace,
    no quotes, and no doc-sharing page markers ("提\\n2、供") between characters."""
    text = text.translate(HALF_TO_FULL)
    text = re.sub(r"\n[1-9]、(?=\S)", "\n", text)
    text = re.sub(r"\s+", "", text)
    return re.sub('["“”]', "", text)


def test_every_sample_has_one_gold_file_in_one_split() -> None:
    by_stem: dict[str, list[str]] = {}
    for p in _gold_files():
        by_stem.setdefault(p.stem, []).append(p.parent.name)
    assert sorted(by_stem) == sorted(p.stem for p in _samples())
    assert {stem: splits for stem, splits in by_stem.items() if len(splits) != 1} == {}
    # the seeds are dev data: the parser and the rules were built on them
    assert all(by_stem[p.stem] == ["dev"] for p in SEEDS)


@pytest.mark.parametrize("gold", _gold_files(), ids=lambda p: f"{p.parent.name}/{p.stem[:3]}")
def test_gold_file_is_well_formed(gold: Path) -> None:
    data = _load(gold)
    sample = ROOT / data["file"]
    assert sample.stem == gold.stem and sample.exists()
    sections = data["sections"]
    assert sections, "a gold file lists at least one section"
    assert sections[0]["level"] == 1
    roles = {r.value for r in Role}
    for s in sections:
        assert s["level"] in (1, 2)
        assert s["role"] in roles, s
        assert s["heading"] == s["heading"].strip() and " " not in s["heading"]
    raw = _squash(read_text_file(sample))
    at = 0
    for s in sections:
        key = _squash("\n" + s["heading"]).rstrip("。")  # a "1、" item reads like a page marker
        found = raw.find(key, at)
        assert found >= 0, f"{s['heading']} not found (in order) in {sample.name}"
        at = found + len(key)
