"""Long work off the request path: drafts run in worker threads owned by the process, not by a
browser session. A job saves its own result with the conversation, so a request survives its
tab closing (the answer is there when the user comes back), and it can be cancelled.

No Streamlit here: the chat shows a job's progress and its 取消 button (assistant/ui/chat.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# A few workers: drafting is CPU-bound Python, more threads would only share the GIL thinner;
# requests beyond them wait their turn (the job says 排队中) instead of stalling the server.
WORKERS = 4


class Cancelled(Exception):
    """Raised inside a job's work when its user pressed 取消."""


class Reported(Exception):
    """A job's failure that the job has already said in its conversation."""


@dataclass
class Job:
    owner: str  # the store's user id: jobs are looked up per user, never across users
    conversation: int
    label: str
    cancel_event: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    text: str = ""  # what a streamed answer has said so far
    progress: str = ""  # where a job of several steps is, e.g. "（第2/4节）"
    cancel_notice: str = ""  # what 取消 says in the conversation, when not the default
    fraction: float = 0.0  # of the work done, for a progress bar
    future: Future[Any] | None = None

    def check(self) -> None:
        """Called by the work between steps: stop here if cancelled."""
        if self.cancel_event.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def done(self) -> bool:
        return self.future is not None and self.future.done()

    @property
    def status(self) -> str:
        if self.done:
            return "已完成"
        if self.cancelled:
            return "正在取消"
        return "正在处理" if self.started.is_set() else "排队中"


class JobRunner:
    """The process's workers and its running jobs, one per (user, conversation)."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assistant-job")
        self._lock = threading.Lock()
        self._jobs: dict[tuple[str, int], Job] = {}

    def submit(self, owner: str, conversation: int, label: str, work: Callable[[Job], Any]) -> Job:
        job = Job(owner, conversation, label)

        def run() -> Any:
            job.started.set()
            try:
                job.check()
                return work(job)
            finally:
                with self._lock:
                    if self._jobs.get((owner, conversation)) is job:
                        del self._jobs[(owner, conversation)]

        with self._lock:
            self._jobs[(owner, conversation)] = job
            job.future = self._pool.submit(run)
        return job

    def running(self, owner: str, conversation: int) -> Job | None:
        with self._lock:
            return self._jobs.get((owner, conversation))

    def cancel(self, owner: str, conversation: int) -> bool:
        """Cancel the conversation's job and let go of it at once: a job blocked on a stalled
        model stops (saving nothing) when its call returns, but the conversation is free for
        the next request now. False when there was nothing (left) to cancel."""
        with self._lock:
            job = self._jobs.get((owner, conversation))
            if job is None or job.done:
                return False
            del self._jobs[(owner, conversation)]
        job.cancel()
        return True
