"""Users' role corrections, stored with the index so every client of a shared store sees them.

A correction is ``{section_id: {"role", "heading"}}`` per report, kept in ``wr-meta`` beside the
registry. It is applied after parsing whenever the report is indexed again, and at once when
made: the corrected sections' vectors move to their new role's collection (their text, hence
their vector, is unchanged) and the report's rows are committed under a new version key
(``<content hash>+<corrections digest>``), so other clients pull the corrected rows like any
other update. The file-content part of the key still decides whether a file needs re-indexing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from assistant.errors import ReportNotFoundError, SectionNotFoundError
from assistant.index.cache import SidecarCache
from assistant.index.chroma import ChromaBackend
from assistant.index.records import pack_payload, unpack_payload
from assistant.index.sync import Generations
from assistant.models import Role

Corrections = dict[str, dict[str, str]]


def base_hash(version: Any) -> str:
    """The file-content hash of a stored version key."""
    return str(version or "").split("+", 1)[0]


def version_key(content_hash: str, corrections: Corrections | None) -> str:
    if not corrections:
        return content_hash
    raw = json.dumps(corrections, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return f"{content_hash}+{hashlib.sha1(raw).hexdigest()[:10]}"


def correct(
    backend: ChromaBackend,
    cache: SidecarCache,
    gens: Generations,
    state: dict[str, Any],
    report_id: str,
    section_id: str,
    role: Role,
) -> dict[str, Any]:
    """Store one correction and apply it (under the caller's write lock and begin/end write).

    Returns ``{"before", "after", "changed"}``: the section's outline entry before and after,
    and the ids of every section whose role changed (children that had inherited follow).
    """
    from assistant.corpus.roles import corrected_roles

    registry = backend.registry()
    entry = registry.get(report_id)
    if entry is None:
        raise ReportNotFoundError(report_id)
    rows = [row for packed in backend.payloads([(report_id, str(entry["hash"]))]) for row in unpack_payload(packed)]
    outline = [json.loads(str(r["outline"])) for r in rows]
    target = next((o for o in outline if str(o["id"]) == section_id), None)
    if target is None:
        raise SectionNotFoundError(report_id, section_id, [str(o["id"]) for o in outline])
    before = dict(target)
    corrections = backend.corrections().get(report_id, {})
    corrections[section_id] = {"role": role.value, "heading": str(target.get("heading", ""))}
    key = version_key(base_hash(entry["hash"]), corrections)
    changed = corrected_roles(outline, corrections)
    moves: list[tuple[str, Role, Role]] = []
    for row, o in zip(rows, outline, strict=True):
        sid = str(o["id"])
        if sid not in changed:
            continue
        new, evidence = changed[sid]
        old = Role(str(row["role"]))
        o.update(role=new.value, role_confidence=1.0, role_evidence=evidence, also_roles=[])
        row["role"] = new.value
        row["outline"] = json.dumps(o, ensure_ascii=False)
        if new is not old:
            moves.append((str(row["rid"]), old, new))
    result = {"before": before, "after": target, "changed": [rid.rsplit("|", 1)[-1] for rid, _, _ in moves]}
    if key == entry["hash"]:
        return result  # the same correction again: nothing to write
    backend.put_corrections(report_id, corrections)
    for rid, old, new in moves:
        backend.move_section(rid, old, new)
    backend.add_payloads([(report_id, key, pack_payload(rows))])
    entry = {**entry, "hash": key}
    gen = gens.bump(state)
    backend.put_state(state, [entry])  # the commit: readers now see the corrected version
    for rid, old, _ in moves:
        backend.delete_sections([rid], [old])
    backend.delete_payloads(report_id, keep_hash=key)
    cache.write([entry], rows, gen)
    return result


__all__ = ["base_hash", "correct", "version_key"]
