"""Who may write, and how a process keeps up with writes made elsewhere.

* The write lock: an ``fcntl`` lock on ``write.lock`` in the index folder; a second writer
  waits (60 s by default), then gets ``IndexBusyError``. The lock dies with its holder.
* The state in Chroma (``wr-meta``) carries the index format, the embedding model, a
  generation number bumped by every commit, and a dirty flag set while a write is under way
  (a crash leaves it set, and the next writer sweeps uncommitted records).
* A process compares the generation in Chroma with the one its cache reflects and pulls the
  changed reports (``pull``); with an embedded store it also re-opens Chroma, whose in-memory
  HNSW would otherwise miss the other process's vectors (``Generations``).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import IndexBusyError
from assistant.index.cache import SidecarCache
from assistant.index.chroma import ChromaBackend
from assistant.index.records import unpack_payload


@contextmanager
def write_lock(path: Path, timeout: float) -> Iterator[None]:
    with path.open("a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(f"已等待 {timeout:.0f} 秒") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def fresh_state(version: int, embedding: str) -> dict[str, Any]:
    return {"kind": "state", "format": version, "embedding": embedding, "gen": 0, "dirty": 0}


def rebuild_reason(state: dict[str, Any] | None, legacy: bool, version: int, embedding: str) -> str | None:
    """Chinese reason the stored index cannot be used as it is, or None. ``legacy``: our
    collections exist without a state (written before the state existed)."""
    if state is None:
        return "范文库由旧版本建立（缺少版本信息）" if legacy else None
    if int(state.get("format", 0)) != version:
        return f"范文库由旧版本建立（格式 v{state.get('format')}，当前 v{version}）"
    if state.get("embedding") != embedding:
        return f"向量模型已由“{state.get('embedding')}”改为“{embedding}”"
    return None


class Generations:
    """The generation the open Chroma connection is known to reflect."""

    def __init__(self) -> None:
        self.conn_gen: int | None = None

    def observe(self, backend: ChromaBackend, gen: int) -> None:
        if self.conn_gen is not None and gen != self.conn_gen:
            backend.reconnect()
        self.conn_gen = gen

    def bump(self, state: dict[str, Any]) -> int:
        """A new generation for our own commit (this connection already sees it)."""
        state["gen"] = int(state.get("gen", 0)) + 1
        self.conn_gen = int(state["gen"])
        return self.conn_gen


def pull(backend: ChromaBackend, cache: SidecarCache, gen: int) -> None:
    """Bring the cache to the committed registry at generation ``gen``: drop reports that are
    gone, fetch the payloads of new and changed ones."""
    if gen == cache.gen():
        return
    registry = backend.registry()
    mine = cache.hashes()
    gone = [{"report": r, "deleted": True} for r in mine if r not in registry]
    changed = [m for r, m in registry.items() if mine.get(r) != m["hash"]]
    rows: list[dict[str, Any]] = []
    for packed in backend.payloads([(str(m["report"]), str(m["hash"])) for m in changed]):
        rows.extend(unpack_payload(packed))
    cache.write([*gone, *changed], rows, gen)


def begin_write(backend: ChromaBackend, state: dict[str, Any]) -> dict[str, Any]:
    """Mark a write under way (sweeping what a crashed writer left first)."""
    if int(state.get("dirty", 0)):
        sweep(backend)
    state["dirty"] = 1
    backend.put_state(state)
    return state


def end_write(backend: ChromaBackend, state: dict[str, Any]) -> None:
    state["dirty"] = 0
    backend.put_state(state)


def sweep(backend: ChromaBackend) -> None:
    """Delete records of versions no registry entry points at."""
    current = {r: str(m["hash"]) for r, m in backend.registry().items()}

    def stale(kind: str, rid: str) -> bool:
        if kind == "payload":
            report, _, h = rid.rpartition("|")
            return current.get(report) != h
        head, _, _sid = rid.rpartition("|")
        report, _, h12 = head.rpartition("|")
        return current.get(report, "")[:12] != h12

    backend.sweep(stale)

