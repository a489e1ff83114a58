"""The Chroma side of the index: an embedded store in the data folder or a shared server.

Chroma is the source of truth. Collections (all prefixed ``wr-``):

* ``wr-sec-<role>``: one record per section, vector only (id = report | hash12 | section id);
  one collection per role, so "role filter first" is a plain HNSW query (a filtered query over
  one big collection was 15x slower at 20k records). No documents and no metadata: the text
  and the fields live in the payload and the local cache, and writing them here cost more
  than half of the indexing time.
* ``wr-meta``: the state (format, embedding model, generation, dirty flag) and one registry
  entry per report (content hash, source, ...). Writing a report's entry is its commit.
* ``wr-payload``: per report and content hash, its cache rows (compressed), so a client that
  does not have the files can fill its cache.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexUnavailableError
from assistant.models import Role

PREFIX = "wr"
META = f"{PREFIX}-meta"
PAYLOAD = f"{PREFIX}-payload"
SECTIONS = f"{PREFIX}-sec-"
STATE_ID = "__state__"
WRITE_STEP = 5000  # records per Chroma call
_HEADER_LINE = re.compile(r"^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*?)\s*$")


def collection_name(role: Role) -> str:
    return f"{SECTIONS}{role.value}"


def parse_headers(text: str | None) -> dict[str, str]:
    """Headers for the Chroma server from ``ASSISTANT_CHROMA_HEADERS``: a JSON object
    (``{"X-Chroma-Token": "abc"}``) or ``Name: value`` pairs separated by newlines or ``;``.
    Raises ValueError with a Chinese reason on anything else."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"不是合法的 JSON（{exc.msg}）") from None
        if not all(isinstance(k, str) and isinstance(v, str | int) for k, v in obj.items()):
            raise ValueError("JSON 中每个请求头的名称和值都应是字符串")
        return {k: str(v) for k, v in obj.items()}
    out: dict[str, str] = {}
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        m = _HEADER_LINE.match(part)
        if not m or not m.group(2):
            raise ValueError(f"“{part.strip()}”不是“名称: 值”的形式")
        out[m.group(1)] = m.group(2)
    return out


def _refusal(exc: Exception) -> str | None:
    """A Chinese reason when the server (or the proxy in front of it) refused us."""
    text = f"{type(exc).__name__}: {exc}"
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status in (401, 403) or re.search(r"\b(401|403)\b|Unauthorized|Forbidden", text):
        code = status or re.search(r"\b(401|403)\b", text)
        code_s = code if isinstance(code, int) else (code.group(1) if code else "401/403")
        return (
            f"服务器拒绝访问（HTTP {code_s}）：请检查 ASSISTANT_CHROMA_HEADERS 中的访问令牌"
            "是否已配置且正确（团队的 Chroma 服务器在反向代理后面，需要令牌）"
        )
    return None


def connect(url: str | None, folder: Path, headers: str | None = None) -> Any:
    """A chromadb client: HTTP when ``url`` is set, else persistent in ``folder``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False)
    try:
        extra = parse_headers(headers)
    except ValueError as exc:
        raise IndexUnavailableError(url or str(folder), f"ASSISTANT_CHROMA_HEADERS 格式不对：{exc}") from None
    try:
        if url:
            from urllib.parse import urlparse

            u = urlparse(url if "://" in url else f"http://{url}")
            ssl = u.scheme == "https"
            client = chromadb.HttpClient(
                host=u.hostname or "localhost", port=u.port or (443 if ssl else 80), ssl=ssl,
                headers=extra or None, settings=cs,
            )
            client.heartbeat()
            # The heartbeat may be left open by a proxy; a real call proves the token works.
            client.list_collections(limit=1)
            return client
        return chromadb.PersistentClient(path=str(folder), settings=cs)
    except Exception as exc:  # connection refused, refused token, bad folder, ...
        reason = _refusal(exc) if url else None
        raise IndexUnavailableError(url or str(folder), reason or f"{type(exc).__name__}: {exc}") from exc


class ChromaBackend:
    """Collections, state, registry and payloads of one Chroma store (connected on first use:
    a writer connects after taking the lock, so it never starts from a view of the store that
    another writer is about to change)."""

    def __init__(self, url: str | None, folder: Path, headers: str | None = None) -> None:
        self.url = url
        self.folder = folder
        self.headers = headers
        self._client_obj: Any = None
        self._cols: dict[str, Any] = {}
        self._watch: sqlite3.Connection | None = None
        self._seen_version: int | None = None

    @property
    def client(self) -> Any:
        if self._client_obj is None:
            self._client_obj = connect(self.url, self.folder, self.headers)
        return self._client_obj

    def reconnect(self) -> None:
        """Open an embedded store afresh: its in-memory HNSW would miss vectors another process
        added (records read fine). A server always answers from its current state."""
        if self.url or self._client_obj is None:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        # Drop only this folder's cached system (others holding it keep theirs).
        with suppress(Exception):
            SharedSystemClient._identifier_to_system.pop(str(self.folder), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.folder), None)
        self._client_obj = None
        self._cols = {}

    def maybe_changed(self) -> bool:
        """False only when the embedded store's database has certainly not been written since
        the last call (SQLite's ``data_version``, read from our own read-only connection: a few
        microseconds, where asking Chroma for the state cost as much as the vector query). A
        server is always asked."""
        if self.url:
            return True
        try:
            if self._watch is None:
                uri = f"file:{self.folder / 'chroma.sqlite3'}?mode=ro"
                self._watch = sqlite3.connect(uri, uri=True, check_same_thread=False)
            version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            self._watch = None
            return True
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def _get(self, name: str, create: bool = True, cosine: bool = False) -> Any:
        col = self._cols.get(name)
        if col is None:
            if create:
                conf = {"configuration": {"hnsw": {"space": "cosine"}}} if cosine else {}
                col = self.client.get_or_create_collection(name, embedding_function=None, **conf)
            else:
                col = self.client.get_collection(name, embedding_function=None)
            self._cols[name] = col
        return col

    def names(self) -> list[str]:
        return [getattr(c, "name", str(c)) for c in self.client.list_collections()]

    def sections(self, role: Role) -> Any:
        return self._get(collection_name(role), cosine=True)

    # ---- state and registry (wr-meta) ----------------------------------------------
    def state(self) -> dict[str, Any] | None:
        try:
            meta = self._get(META, create=False)
        except Exception:  # chromadb raises NotFoundError (1.x) or ValueError (older)
            return None
        got = meta.get(ids=[STATE_ID], include=["metadatas"])
        metas = got.get("metadatas") or []
        return dict(metas[0]) if metas and metas[0] is not None else None

    def put_state(self, state: dict[str, Any], entries: Sequence[dict[str, Any]] = ()) -> None:
        """Write the state and registry entries in one Chroma call: this is the commit point."""
        ids = [STATE_ID] + [f"report:{e['report']}" for e in entries]
        self._get(META).upsert(ids=ids, embeddings=[[1.0]] * len(ids), metadatas=[state, *entries])

    def registry(self) -> dict[str, dict[str, Any]]:
        got = self._get(META).get(where={"kind": "report"}, include=["metadatas"])
        return {str(m["report"]): dict(m) for m in (got.get("metadatas") or []) if m}

    def unregister(self, report_id: str) -> None:
        self._get(META).delete(ids=[f"report:{report_id}"])

    # ---- users' role corrections (wr-meta, beside the registry) -----------------------
    def corrections(self) -> dict[str, dict[str, dict[str, str]]]:
        """``{report: {section_id: {"role", "heading"}}}``: roles users set by hand."""
        got = self._get(META).get(where={"kind": "roles"}, include=["metadatas"])
        return {str(m["report"]): json.loads(str(m["roles"])) for m in (got.get("metadatas") or []) if m}

    def put_corrections(self, report_id: str, roles: dict[str, dict[str, str]]) -> None:
        meta = {"kind": "roles", "report": report_id, "roles": json.dumps(roles, ensure_ascii=False)}
        self._get(META).upsert(ids=[f"roles:{report_id}"], embeddings=[[1.0]], metadatas=[meta])

    def move_section(self, rid: str, old: Role, new: Role) -> None:
        """Copy one section's vector into another role's collection (the caller deletes the old
        copy after its commit)."""
        got = self.sections(old).get(ids=[rid], include=["embeddings"])
        vecs = got.get("embeddings")
        if vecs is None or len(vecs) == 0:
            return
        self.sections(new).upsert(ids=[rid], embeddings=[list(map(float, vecs[0]))])

    # ---- section vectors -------------------------------------------------------------
    def add_sections(self, role: Role, ids: Sequence[str], vectors: np.ndarray) -> None:
        col = self.sections(role)
        for j in range(0, len(ids), WRITE_STEP):
            # add, not upsert (~10% faster): an id already present is the same report at the
            # same content hash, and leftovers of a killed run were swept beforehand.
            col.add(ids=list(ids[j : j + WRITE_STEP]), embeddings=vectors[j : j + WRITE_STEP])

    def nearest(self, role: Role, vector: np.ndarray, n: int) -> list[tuple[float, str]]:
        """``(cosine distance, record id)`` of the ``n`` nearest sections of one role."""
        got = self.sections(role).query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        dists = (got.get("distances") or [[]])[0]
        return [(float(d), str(rid)) for rid, d in zip(got["ids"][0], dists, strict=False)]

    def delete_sections(self, ids: Sequence[str], roles: Sequence[Role]) -> None:
        names = set(self.names())
        for role in roles:
            if collection_name(role) in names:
                col = self.sections(role)
                for j in range(0, len(ids), WRITE_STEP):
                    col.delete(ids=list(ids[j : j + WRITE_STEP]))

    # ---- payloads --------------------------------------------------------------------
    def add_payloads(self, items: Sequence[tuple[str, str, str]]) -> None:
        """``(report, hash, packed rows)`` per report."""
        col = self._get(PAYLOAD)
        for j in range(0, len(items), 500):
            part = items[j : j + 500]
            col.add(
                ids=[f"{r}|{h}" for r, h, _ in part],
                embeddings=[[1.0]] * len(part),
                metadatas=[{"report": r, "hash": h, "payload": p} for r, h, p in part],
            )

    def payloads(self, keys: Sequence[tuple[str, str]]) -> list[str]:
        """Packed rows of the given ``(report, hash)`` versions (missing ones are skipped)."""
        col = self._get(PAYLOAD)
        ids = [f"{r}|{h}" for r, h in keys]
        out: list[str] = []
        for i in range(0, len(ids), 200):
            got = col.get(ids=ids[i : i + 200], include=["metadatas"])
            out.extend(str(m["payload"]) for m in (got.get("metadatas") or []) if m)
        return out

    def delete_payloads(self, report_id: str, keep_hash: str | None = None) -> None:
        where: dict[str, Any] = {"report": report_id}
        if keep_hash is not None:
            where = {"$and": [where, {"hash": {"$ne": keep_hash}}]}
        self._get(PAYLOAD).delete(where=where)

    # ---- housekeeping ------------------------------------------------------------------
    def sweep(self, is_stale: Callable[[str, str], bool]) -> None:
        """Delete records no committed registry entry points at (left by a crash).
        ``is_stale(kind, id)`` with kind "section" or "payload"."""
        for name in self.names():
            if name == PAYLOAD:
                kind = "payload"
            elif name.startswith(SECTIONS):
                kind = "section"
            else:
                continue
            col = self._get(name, create=False)
            ids = [rid for rid in col.get(include=[])["ids"] if is_stale(kind, rid)]
            for i in range(0, len(ids), WRITE_STEP):
                col.delete(ids=ids[i : i + WRITE_STEP])

    def wipe(self) -> None:
        """Drop every collection of ours (a rebuild)."""
        for name in self.names():
            if name.startswith(PREFIX):
                self.client.delete_collection(name)
        self._cols = {}

    def has_legacy(self) -> bool:
        return any(n.startswith(PREFIX) and n != META for n in self.names())

    def count_sections(self) -> int:
        return sum(self._get(n, create=False).count() for n in self.names() if n.startswith(SECTIONS))
