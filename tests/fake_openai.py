"""A small OpenAI-compatible chat-completions server for tests, on 127.0.0.1 with a free port.

Each test scripts what the server does with successive requests (the last step repeats):
``Reply`` (a normal answer, streamed as SSE when the request asks for ``stream``), ``Fail`` (an
HTTP error with an OpenAI-style JSON body), ``Raw`` (any body, e.g. malformed SSE). The server
records every request so tests can read the prompt the real client sent.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class Reply:
    text: str
    chunks: list[str] | None = None  # explicit SSE pieces; default: `chunk_chars` at a time
    chunk_chars: int = 3
    delay: float = 0.0  # seconds before the response starts (to provoke a client timeout)
    finish_reason: str | None = "stop"  # None: the stream ends without one (a cut stream)
    done: bool = True  # send "data: [DONE]"
    pause_after: int | None = None  # stall after this many pieces …
    pause: float = 0.0  # … for this many seconds (a stream that stops mid-way)

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return self.chunks
        n = self.chunk_chars
        return [self.text[i : i + n] for i in range(0, len(self.text), n)]


@dataclass
class Fail:
    status: int
    message: str = "scripted failure"
    headers: dict[str, str] = field(default_factory=lambda: {"retry-after-ms": "10"})


@dataclass
class Raw:
    body: str
    status: int = 200
    content_type: str = "text/event-stream"
    sent_bytes: int | None = None  # declare the whole length but send only this many bytes


Step = Reply | Fail | Raw


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """All message contents of the request, joined."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


class FakeOpenAI:
    """Use as a context manager: ``with FakeOpenAI([Fail(429), Reply("好")]) as srv: srv.base_url``."""

    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (once per test) from adding half a second.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()  # wakes handlers sleeping in a scripted delay
        self._server.shutdown()
        self._server.server_close()

    def _next_step(self, seen: Seen) -> Step:
        with self._lock:
            self.requests.append(seen)
            index = min(len(self.requests), len(self.script)) - 1
            return self.script[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                step = fake._next_step(seen)
                # The client may give up (timeout) or close early.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._play(step, body)

            def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _play(self, step: Step, body: dict[str, Any]) -> None:
                if isinstance(step, Fail):
                    err = {"error": {"message": step.message, "type": "error", "code": step.status}}
                    self._json(step.status, err, step.headers)
                    return
                if isinstance(step, Raw):
                    data = step.body.encode()
                    self.send_response(step.status)
                    self.send_header("Content-Type", step.content_type)
                    if step.sent_bytes is not None:
                        self.send_header("Content-Length", str(len(data)))
                        data = data[: step.sent_bytes]
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if step.delay and fake._stop.wait(step.delay):
                    return
                model = str(body.get("model", "fake"))
                if body.get("stream"):
                    self._sse(step, model)
                else:
                    message = {"role": "assistant", "content": step.text}
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [{"index": 0, "message": message, "finish_reason": step.finish_reason}],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                        },
                    )

            def _sse(self, step: Reply, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()

                def chunk(delta: dict[str, Any], finish: str | None = None) -> None:
                    payload = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    }
                    self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()

                chunk({"role": "assistant", "content": ""})
                for i, piece in enumerate(step.pieces()):
                    if i == step.pause_after and fake._stop.wait(step.pause):
                        return
                    chunk({"content": piece})
                if step.finish_reason is not None:
                    chunk({}, step.finish_reason)
                if step.done:
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()

        return Handler


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
