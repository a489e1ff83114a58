"""Uploaded sample files -> saved under data/uploads and indexed one by one (no Streamlit).

Each file is handled on its own: a bad file gets its Chinese error and the others are still
indexed. The sidebar gives every file its own progress bar through ``progress_for``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.models import IndexResult
from assistant.service import Progress

ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
FileProgress = Callable[[float, str], None]


class Indexer(Protocol):
    """What we use of the Assistant (or the UI's thread-owning wrapper of it)."""

    def build_index(
        self,
        paths: Sequence[str | Path] | None = ...,
        prune: bool = ...,
        progress: Progress | None = ...,
    ) -> IndexResult: ...


class UploadLike(Protocol):
    """What we use of streamlit's UploadedFile."""

    @property
    def name(self) -> str: ...

    def getvalue(self) -> bytes: ...


@dataclass
class UploadOutcome:
    name: str
    ok: bool
    message: str  # Chinese, for the user
    report_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def safe_name(name: str) -> str:
    """The file name without folders or characters that are awkward on disk."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r'[\x00-\x1f<>:"/|?*]', "_", base).strip(" .") or "upload"
    return base[:120]


def save_upload(upload_dir: Path, name: str, data: bytes) -> Path:
    """Write the bytes; a different file of the same name gets a suffix, the same file is kept."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / safe_name(name)
    stem, suffix = target.stem, target.suffix
    n = 1
    while target.exists():
        if hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest():
            return target
        n += 1
        target = upload_dir / f"{stem}_{n}{suffix}"
    target.write_bytes(data)
    return target


def ingest_uploads(
    assistant: Indexer,
    files: Sequence[UploadLike],
    upload_dir: Path,
    progress_for: Callable[[str], FileProgress] | None = None,
    check: Callable[[], None] = lambda: None,
) -> list[UploadOutcome]:
    """Save the files and index them in ONE index update, so the upload is one commit of the
    index writer: ``check`` (called before each file) may raise to cancel, and a cancelled
    upload leaves the index as it was and no file behind. A bad file does not stop the rest."""
    outcomes: dict[str, UploadOutcome] = {}
    saved: dict[Path, str] = {}  # path on disk -> the name the user uploaded
    reports: dict[str, FileProgress] = {}
    for upload in files:
        name = upload.name
        report = reports[name] = progress_for(name) if progress_for else (lambda _f, _t: None)
        report(0.05, f"{name}：正在保存…")
        if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
            msg = f"文件“{name}”无法导入：不支持的文件格式，请上传 .txt、.md、.docx 或 .pdf 文件。"
            report(1.0, f"{name}：失败")
            outcomes[name] = UploadOutcome(name, False, msg)
            continue
        saved[save_upload(upload_dir, name, upload.getvalue())] = name
    by_file = {path.name: name for path, name in saved.items()}
    current: list[str] = []

    def on_progress(done: int, total: int, item: str) -> None:
        check()  # before the file: a cancel here is before the writer's commit
        if current:
            reports[current[0]](1.0, f"{current[0]}：已读取")
        current[:] = [by_file.get(item, item)]
        if current[0] in reports:
            reports[current[0]](0.1 + 0.8 * done / max(total, 1), f"{current[0]}：正在建立索引…")

    result = None
    try:
        if saved:
            result = assistant.build_index(list(saved), progress=on_progress)
    except BaseException:
        for path in saved:  # nothing of a cancelled (or failed) upload stays on disk
            path.unlink(missing_ok=True)
        raise
    failed = {Path(p).name: err for p, err in (result.failed if result else [])}
    for path, name in saved.items():
        if path.name in failed:
            path.unlink(missing_ok=True)
            outcomes[name] = UploadOutcome(name, False, failed[path.name])
            reports[name](1.0, f"{name}：失败")
            continue
        added, updated, skipped = (
            [i for i in ids if _of_file(i, path)]
            for ids in ((result.added, result.updated, result.skipped) if result else ([], [], []))
        )
        state = "已更新" if updated else ("已在范文库中（内容未变）" if skipped and not added else "已导入")
        outcomes[name] = UploadOutcome(name, True, f"“{name}”{state}。", added + updated + skipped)
        reports[name](1.0, f"{name}：完成")
    if result and result.messages:  # notices of the index (e.g. rebuilt), said once
        first = next((o for o in outcomes.values() if o.ok), None)
        if first:
            first.warnings = list(result.messages)
    return [outcomes[u.name] for u in files if u.name in outcomes]


def _of_file(report_id: str, path: Path) -> bool:
    """A report id the index gave this file: its stem, or the stem with a suffix when another
    folder has a file of the same name (assistant/index/store.py)."""
    return report_id == path.stem or report_id.startswith(path.stem + "-")
