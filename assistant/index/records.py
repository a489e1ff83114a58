"""What the index stores per section, built from a parsed report (no Chroma, no SQLite).

A section becomes one ``Record``: its id (report | content hash | section id), its role (which
Chroma collection holds its vector), the text it is found by (embedded and tokenised, never
stored in Chroma) and its cache row (texts, outline, shape, tokens). A report's cache rows
travel as one compressed payload so another client of a shared server can fill its cache.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.models import Report, Role, Section

SUFFIXES = (".txt", ".md", ".docx", ".pdf")
THIN_BODY = 80  # a level-0/1 body shorter than this gets its children's openings in its record

# Columns of a cache row (the sidecar's `sections` table and the payload rows).
ROW_COLS = (
    "rid", "report", "ord", "section_id", "role", "level", "heading", "path_json", "heading_style",
    "child_style", "point_style", "n_points", "n_children", "body", "subtree", "outline", "tokens",
)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def first_sentence(text: str, limit: int = 80) -> str:
    """The first sentence of a body (up to 。！？；), at most ``limit`` characters."""
    text = text.strip()
    m = re.search(r"[。！？；!?;]", text)
    return (text[: m.end()] if m else text)[:limit]


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to index under ``paths`` (sorted), and (path, message) for paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if (
                    f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and f.name.lower() != "readme.md"
                    and not any(part.startswith(".") for part in rel)
                ):
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            missing.append((str(p), f"“{p}”不存在（既不是文件也不是文件夹）。"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


@dataclass
class Record:
    rid: str
    role: Role
    text: str  # what the section is found by: embedded and tokenised, not stored
    row: dict[str, Any]  # cache row (ROW_COLS); "tokens" is filled in bulk later


def record_text(report: Report, s: Section) -> str:
    """What a section is found by: heading path + heading + body (+ children's openings if thin)."""
    head = " > ".join([*s.path, s.heading]) if s.heading else report.title
    parts = [head, s.body]
    if s.level <= 1 and len(s.body) < THIN_BODY and s.children:
        for cid in s.children:
            try:
                child = report.section(cid)
            except KeyError:
                continue
            parts.append(f"{child.heading} {first_sentence(child.body)}")
    return "\n".join(p for p in parts if p)


def build_records(report: Report, fhash: str) -> list[Record]:
    """The records of one report, without tokens."""
    records: list[Record] = []
    for i, s in enumerate(report.sections):
        try:
            subtree = report.subtree_text(s.id)
        except (KeyError, IndexError):
            subtree = ""
        if not subtree:
            subtree = "\n".join(x for x in (s.heading, s.body) if x)
        child_style = "none"
        if s.children:
            with suppress(KeyError):
                child_style = report.section(s.children[0]).shape.heading_style
        rid = f"{report.id}|{fhash[:12]}|{s.id}"
        row: dict[str, Any] = {
            "rid": rid,
            "report": report.id,
            "ord": i,
            "section_id": s.id,
            "role": str(s.role),
            "level": s.level,
            "heading": s.heading,
            "path_json": json.dumps(s.path, ensure_ascii=False),
            "heading_style": s.shape.heading_style,
            "child_style": child_style,
            "point_style": s.shape.point_style,
            "n_points": s.shape.n_points,
            "n_children": s.shape.n_children,
            "body": s.body,
            "subtree": subtree,
            "outline": json.dumps(s.outline_dict(), ensure_ascii=False),
            "tokens": "",
        }
        records.append(Record(rid, s.role, record_text(report, s), row))
    return records


def registry_entry(report: Report, fhash: str, abspath: str, n_sections: int, seq: int) -> dict[str, Any]:
    """A report's registry entry (Chroma metadata of ``report:<id>``; writing it commits)."""
    return {
        "kind": "report", "report": report.id, "hash": fhash, "title": report.title,
        "source": report.source, "abspath": abspath,
        "year": report.year if report.year is not None else -1,
        "n_sections": n_sections, "seq": seq,
    }


def pack_payload(rows: Sequence[dict[str, Any]]) -> str:
    """A report's cache rows as one compact string (stored in Chroma for other clients)."""
    raw = json.dumps([[r[c] for c in ROW_COLS] for r in rows], ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 1)).decode("ascii")


def unpack_payload(text: str) -> list[dict[str, Any]]:
    rows: list[list[Any]] = json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))
    return [dict(zip(ROW_COLS, r, strict=True)) for r in rows]
