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

from assistant.errors import AssistantError
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
) -> list[UploadOutcome]:
    outcomes: list[UploadOutcome] = []
    for upload in files:
        name = upload.name
        report = progress_for(name) if progress_for else (lambda _f, _t: None)
        report(0.05, f"{name}：正在保存…")
        if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
            msg = f"文件“{name}”无法导入：不支持的文件格式，请上传 .txt、.md、.docx 或 .pdf 文件。"
            report(1.0, f"{name}：失败")
            outcomes.append(UploadOutcome(name, False, msg))
            continue
        path = save_upload(upload_dir, name, upload.getvalue())

        def on_progress(
            done: int, total: int, _item: str, _name: str = name, _report: FileProgress = report
        ) -> None:
            _report(0.1 + 0.9 * done / max(total, 1), f"{_name}：正在建立索引…")

        try:
            result = assistant.build_index([path], progress=on_progress)
        except AssistantError as exc:
            outcomes.append(UploadOutcome(name, False, str(exc)))
            path.unlink(missing_ok=True)
            report(1.0, f"{name}：失败")
            continue
        if result.failed:
            msg = "；".join(err for _p, err in result.failed)
            outcomes.append(UploadOutcome(name, False, msg, warnings=list(result.messages)))
            path.unlink(missing_ok=True)
            report(1.0, f"{name}：失败")
            continue
        ids = [*result.added, *result.updated, *result.skipped]
        state = (
            "已更新"
            if result.updated
            else ("已在范文库中（内容未变）" if result.skipped else "已导入")
        )
        outcomes.append(
            UploadOutcome(name, True, f"“{name}”{state}。", ids, warnings=list(result.messages))
        )
        report(1.0, f"{name}：完成")
    return outcomes
