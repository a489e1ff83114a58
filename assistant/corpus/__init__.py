"""Corpus stage: a sample report file -> Report (clean text, section tree, roles, shapes).

parse_file(path)  load + admission checks + clean + structure + roles
parse_text(text)  the same pipeline on already-decoded text
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.corpus.admission import check_classified, screen
from assistant.corpus.clean import clean_text
from assistant.corpus.load import DEFAULT_MAX_BYTES, load_document, read_text_file
from assistant.corpus.roles import assign_roles, corrected_roles
from assistant.corpus.structure import (
    Node,
    Tree,
    build_tree,
    find_placeholders,
    find_points,
    point_style,
    year_of,
)
from assistant.errors import EmptyFileError
from assistant.models import Report, Section, Shape


def _chars(text: str) -> int:
    """Characters without whitespace (what a user calls the length of a Chinese text)."""
    return sum(map(len, text.split()))


def _sections(tree: Tree) -> list[Section]:
    nodes = tree.nodes
    guesses = assign_roles(tree.title, nodes)
    out: list[Section] = []
    for nd, guess in zip(nodes, guesses, strict=True):
        points = find_points(nd.body)
        placeholders = find_placeholders(nd.body)
        n_leads = sum(1 for p in points if p.lead)
        has_leads = bool(nd.children) or (bool(points) and n_leads * 2 >= len(points))
        shape = Shape(
            level=nd.level,
            heading_style=nd.family,
            point_style=point_style(points),
            n_children=len(nd.children),
            n_points=len(points),
            chars=_chars(nd.body),
            placeholders=len(placeholders),
            has_leads=has_leads,
        )
        out.append(
            Section(
                id=nd.id,
                level=nd.level,
                heading=nd.heading,
                marker=nd.marker,
                title=nd.title,
                body=nd.body,
                path=_path(nodes, nd),
                role=guess.role,
                shape=shape,
                points=points,
                placeholders=placeholders,
                parent=nodes[nd.parent].id if nd.parent is not None else None,
                children=[nodes[c].id for c in nd.children],
                also_roles=list(guess.also),
                span=nd.span,
                role_confidence=round(guess.confidence, 2),
                role_evidence=guess.evidence,
            )
        )
    return out


def _path(nodes: list[Node], nd: Node) -> list[str]:
    path: list[str] = []
    cur = nd.parent
    while cur is not None:
        path.append(nodes[cur].heading)
        cur = nodes[cur].parent
    return path[::-1]


def _report(
    raw_text: str, source: str, report_id: str, content_hash: str, extra_warnings: list[str]
) -> Report:
    check_classified(raw_text, source)
    screened = screen(clean_text(raw_text))
    tree = build_tree(screened.text, fallback_title=report_id)
    sections = _sections(tree)
    warnings = list(extra_warnings) + screened.warnings
    if len(sections) == 1 and sections[0].body:
        warnings.append("没有识别到“一、”“（一）”等各级标题，全文按开头段落处理。")
    return Report(
        id=report_id,
        source=source,
        title=tree.title,
        year=year_of(tree.title),
        text=tree.text,
        sections=sections,
        content_hash=content_hash,
        warnings=warnings,
        flagged_lines=screened.flagged_lines,
    )


def apply_role_corrections(report: Report, corrections: dict[str, dict[str, str]]) -> bool:
    """Apply a user's role corrections (``{section_id: {"role", "heading"}}``) after parsing.
    True when any section changed (its role, or its confidence and reasons)."""
    if not corrections:
        return False
    changed = corrected_roles([s.outline_dict() for s in report.sections], corrections)
    for s in report.sections:
        if s.id in changed:
            s.role, s.role_evidence = changed[s.id]
            s.also_roles, s.role_confidence = [], 1.0
    return bool(changed)


def parse_text(text: str, source: str = "<text>", report_id: str | None = None) -> Report:
    """Parse already-decoded text. Raises ClassifiedDocumentError for a classified marking."""
    rid = report_id or (Path(source).stem if source and not source.startswith("<") else "text")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _report(text, source, rid, digest, [])


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Report:
    """Load, check, clean and structure one sample report (.txt/.md/.docx/.pdf).

    Every problem with the file is an ``assistant.errors.FileRejectedError`` subclass whose
    Chinese message names the file and the reason.
    """
    path = Path(path)
    text, data = load_document(path, max_bytes)
    report = _report(text, str(path), path.stem, hashlib.sha256(data).hexdigest(), [])
    if not report.text.strip() or all(not s.body and not s.heading for s in report.sections):
        raise EmptyFileError(path, "清除网页杂项后没有剩下可用的正文。")
    return report


__all__ = [
    "apply_role_corrections",
    "clean_text",
    "find_placeholders",
    "find_points",
    "parse_file",
    "parse_text",
    "read_text_file",
]
