"""A light Streamlit client: one browser session spoken over the app's own protocol (BackMsg /
ForwardMsg protobufs on ws://HOST:PORT/_stcore/stream), without a browser.

The server cannot tell it from a browser tab: it gets its own session, runs the script for it,
keeps its widgets' state and reruns its fragments (``run_every``) as a browser would. It only
does not lay out or paint, which on the user's own machine costs the server nothing. What it
"sees" is the text of the elements the server sent (markdown, captions, alerts, widget labels).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class StreamlitClient:
    """``async with StreamlitClient(port) as c: await c.run(); await c.wait_text("素材")``."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.widgets: dict[str, str] = {}  # user key -> widget id of the latest run
        self.texts: dict[tuple[int, ...], str] = {}  # element path -> its text
        self.runs_finished = 0
        self._touched: set[tuple[int, ...]] = set()  # paths the current full run has sent
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._auto: dict[str, asyncio.Task[None]] = {}  # fragment id -> its rerun timer
        self._changed = asyncio.Event()

    async def __aenter__(self) -> StreamlitClient:
        self._ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None  # type: ignore[list-item]
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in [*self._auto.values(), *([self._reader] if self._reader else [])]:
            task.cancel()
        await self._ws.close()

    # ---- what the user does ------------------------------------------------------------

    async def run(self, fragment_id: str = "", **widgets: Any) -> None:
        """A rerun, as a browser sends it: ``widgets`` maps a widget's key to its new value
        (str: a text widget; True: a button click; ("chat", text): a chat input's Enter)."""
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = ""
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        for key, value in widgets.items():
            w = state.widget_states.widgets.add()
            w.id = self.widgets[key]
            if value is True:
                w.trigger_value = True
            elif isinstance(value, tuple):
                w.chat_input_value.data = value[1]
            else:
                w.string_value = value
        await self._ws.send(msg.SerializeToString())

    async def wait_text(self, needle: str, timeout: float) -> None:
        await self.wait(lambda: any(needle in t for t in self.texts.values()), timeout)

    async def wait(self, condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"页面没有出现预期内容：{self.summary()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    def summary(self, limit: int = 6) -> str:
        """The last few texts on the page (for a report of what a stuck page showed)."""
        parts = [t.strip().replace("\n", " ")[:60] for t in self.texts.values() if t.strip()]
        return " | ".join(parts[-limit:])

    # ---- what the server sends -----------------------------------------------------------

    async def _read(self) -> None:
        async for raw in self._ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            self._handle(msg)
            self._changed.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session" and not msg.metadata.run.fragment_ids:
            # A full run: fragments re-register their timers; what it does not send again
            # is stale and leaves the page when it finishes (as in the browser).
            for task in self._auto.values():
                task.cancel()
            self._auto.clear()
            self._touched = set()
            self.widgets = {}
        elif kind == "delta":
            path = tuple(msg.metadata.delta_path)
            self._touched.add(path)
            delta = msg.delta.WhichOneof("type")
            if delta in ("new_element", "add_block"):  # an element, or a block (expander...)
                element = getattr(msg.delta, delta)
                body = getattr(element, element.WhichOneof("type") or "", None)
                self.texts[path] = str(getattr(body, "body", "") or getattr(body, "label", ""))
                wid = str(getattr(body, "id", ""))
                if wid.startswith("$$ID-") and "-" in wid[5:]:
                    self.widgets[wid[5:].split("-", 1)[1]] = wid
        elif kind == "script_finished":
            self.runs_finished += 1
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.texts = {p: t for p, t in self.texts.items() if p in self._touched}
        elif kind == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid not in self._auto:
                self._auto[fid] = asyncio.create_task(self._rerun_every(fid, every))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                if fid in self._auto:
                    self._auto.pop(fid).cancel()

    async def _rerun_every(self, fragment_id: str, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.run(fragment_id=fragment_id)
