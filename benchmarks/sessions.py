"""Session store speed (SQLite): the calls one chat rerun makes, per call, beside bare sqlite3
running the same SQL on the same file, once with one connection per call (how the store worked
before SQLAlchemy) and once with one open connection (the floor).

`.venv/bin/python -m benchmarks.run sessions`
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.sessions import SessionStore

READS = 300
WRITES = 100


def _per_call_ms(fn: Callable[[], object], n: int) -> float:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n * 1000)
    return statistics.median(runs)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sessions.sqlite3"
        store = SessionStore(path)
        cid = store.create_conversation("基准").id
        store.set_facts(cid, "理论学习形式单一\n宣传干部仅有3名")
        for i in range(10):
            store.add_message(cid, "user", f"第{i}条")

        def store_read() -> None:
            store.get_conversation(cid)
            store.messages(cid)
            store.get_facts(cid)

        def store_write() -> None:
            store.add_message(cid, "assistant", "好的")

        # The SQL of the three store calls, one function per call (each its own connection in
        # the old style).
        def bare_conversation(db: sqlite3.Connection) -> None:
            db.execute("SELECT * FROM conversations WHERE id = ?", (cid,)).fetchone()

        def bare_messages(db: sqlite3.Connection) -> None:
            db.execute("SELECT * FROM conversations WHERE id = ?", (cid,)).fetchone()
            db.execute("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (cid,)).fetchall()

        bare_reads = (bare_conversation, bare_messages, bare_conversation)

        def bare_write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO messages (conversation_id, role, content, kind, created)"
                " VALUES (?, 'assistant', '好的', 'text', 'now')",
                (cid,),
            )
            db.execute("UPDATE conversations SET updated = 'now' WHERE id = ?", (cid,))
            db.execute("COMMIT")

        def connect() -> sqlite3.Connection:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = NORMAL")
            return db

        def per_call(*fns: Callable[[sqlite3.Connection], None]) -> Callable[[], None]:
            def call() -> None:
                for fn in fns:
                    db = connect()
                    try:
                        fn(db)
                    finally:
                        db.close()

            return call

        def kept_call(*fns: Callable[[sqlite3.Connection], None]) -> Callable[[], None]:
            def call() -> None:
                for fn in fns:
                    fn(kept)

            return call

        kept = connect()
        rows = [
            ("3 reads (conversation, messages, facts)", store_read,
             per_call(*bare_reads), kept_call(*bare_reads), READS),
            ("1 write (add a message)", store_write,
             per_call(bare_write), kept_call(bare_write), WRITES),
        ]  # fmt: skip
        print(f"{'per call, ms (median of 3)':<42}{'store':>8}{'conn/call':>11}{'floor':>8}{'ratio':>8}")
        for label, ours, old_style, floor, n in rows:
            a, b, c = _per_call_ms(ours, n), _per_call_ms(old_style, n), _per_call_ms(floor, n)
            print(f"{label:<42}{a:8.3f}{b:11.3f}{c:8.3f}{a / b:7.2f}×")
        kept.close()
        store.close()
        print("(conn/call: bare sqlite3, one connection per call as the pre-SQLAlchemy store;"
              " floor: one open connection; ratio: store / conn/call)")  # fmt: skip
