"""User-facing errors. Each carries a Chinese message that names what went wrong and why.

The CLI prints ``str(error)`` and exits 2; the UI shows it with ``st.error``. Never raise a bare
exception to the user: wrap it in one of these.
"""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base of every error meant for a user; ``str()`` is the Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FileRejectedError(AssistantError):
    """A file that cannot be taken into the corpus. The message names the file and the reason."""

    reason_text = "无法读取"

    def __init__(self, path: str | Path, reason: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason or self.reason_text
        super().__init__(f"文件“{Path(self.path).name}”无法导入：{self.reason}")


class EmptyFileError(FileRejectedError):
    reason_text = "文件为空，没有可读取的内容。"


class BinaryFileError(FileRejectedError):
    reason_text = "这不是文本文件（内容为二进制数据，可能是图片或压缩包改了扩展名）。"


class FileTooLargeError(FileRejectedError):
    reason_text = "文件过大，超过了允许的上限。"


class UnsupportedFormatError(FileRejectedError):
    reason_text = "不支持的文件格式，请上传 .txt、.md、.docx 或 .pdf 文件。"


class DecodeFailedError(FileRejectedError):
    reason_text = "无法识别文本编码（已尝试 UTF-8、GBK、GB18030、UTF-16）。"


class MalformedDocxError(FileRejectedError):
    reason_text = "不是有效的 Word（.docx）文件，文件可能已损坏或只是改了扩展名。"


class MalformedPdfError(FileRejectedError):
    reason_text = "不是有效的 PDF 文件，文件可能已损坏。"


class EncryptedPdfError(FileRejectedError):
    reason_text = "PDF 已加密，请先解除密码保护后再上传。"


class NoTextLayerError(FileRejectedError):
    reason_text = "PDF 中没有可提取的文字（可能是扫描件），请先进行文字识别（OCR）。"


class ClassifiedDocumentError(FileRejectedError):
    reason_text = "文件带有密级标志（绝密★/机密★/秘密★），涉密文件不得导入本系统。"


class IndexBusyError(AssistantError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("范文库正在被另一个进程更新，请稍后再试。" + (f"（{detail}）" if detail else ""))


class IndexEmptyError(AssistantError):
    def __init__(self) -> None:
        super().__init__("范文库为空：请先运行 `assistant index` 或在侧栏上传范文。")


class ReportNotFoundError(AssistantError):
    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(f"范文库中没有找到“{report}”。")


class SectionNotFoundError(AssistantError):
    def __init__(self, report: str, section: str, known: list[str] | None = None) -> None:
        self.report = report
        self.section = section
        hint = f"可用的段落编号：{'、'.join(known[:30])}。" if known else ""
        super().__init__(f"范文“{report}”中没有编号为“{section}”的段落。{hint}")


class RoleGoldMissingError(AssistantError):
    def __init__(self, where: str) -> None:
        super().__init__(f"没有找到段落类型的标注文件（{where} 下的 dev/ 或 heldout/ 中的 .json）。")


class UnknownRoleError(AssistantError):
    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(
            f"不认识的段落类型“{role}”。可用：preamble 开头、achievements 工作情况、problems 存在问题、"
            "causes 原因分析、plans 下步打算、principles 总体要求、tasks 主要任务、"
            "requirements 工作要求、closing 结尾。"
        )


class NoFactsError(AssistantError):
    def __init__(self) -> None:
        super().__init__("还没有提供素材：请先在“素材”框里写下本单位的情况（每行一条）。")


class TooManyFactsError(AssistantError):
    """More facts than one conversation may draft from (Settings.max_facts)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"素材共 {count} 条，超过每个对话 {limit} 条的上限："
            "请删去用不上的条目，或分到几个对话里起草（素材已保留）。"
        )


class FactTooLongError(AssistantError):
    """One fact longer than Settings.max_fact_chars."""

    def __init__(self, fact_id: str, chars: int, limit: int) -> None:
        super().__init__(
            f"{fact_id} 有 {chars} 字，超过每条素材 {limit} 字的上限："
            "请把它拆成几条（每行一条）（素材已保留）。"
        )


class TextTooLongError(AssistantError):
    """A text to check or an edited draft longer than Settings.max_draft_chars."""

    def __init__(self, what: str, chars: int, limit: int) -> None:
        super().__init__(f"{what}有 {chars} 字，超过 {limit} 字的上限：请分成几段分别处理。")


class PromptTemplateError(AssistantError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"提示词模板“{name}”有误：{detail}")


class LLMUnavailableError(AssistantError):
    """The model endpoint failed; ``reason`` says how, in Chinese, for the fallback notice."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"模型接口不可用：{reason}")


class SessionNotFoundError(AssistantError):
    def __init__(self, what: str) -> None:
        super().__init__(f"没有找到{what}，可能已被删除。")


class AccessDeniedError(AssistantError):
    """A user asked for another user's conversation, draft or log, or for a 范文库 change that
    needs the editor role."""

    def __init__(self, what: str, reason: str = "它属于另一位用户") -> None:
        self.what = what
        super().__init__(f"无权访问{what}：{reason}。")


class SessionStoreError(AssistantError):
    """The conversations database cannot be opened or written (corrupt file, disk, newer schema)."""

    def __init__(self, path: str | Path, detail: str) -> None:
        self.path = str(path)
        super().__init__(f"会话记录库“{self.path}”无法使用：{detail}")


class EmbeddingUnavailableError(AssistantError):
    """The configured embedding endpoint failed (index issue)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"向量模型接口不可用：{reason}")


class IndexUnavailableError(AssistantError):
    """The Chroma store (local folder or shared server) cannot be opened (index issue)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"无法打开范文库（{where}）：{reason}")


class RevisionNotUnderstoodError(AssistantError):
    """An offline revision request the rule-based reviser cannot carry out."""

    def __init__(self, instruction: str, help_text: str) -> None:
        self.instruction = instruction
        super().__init__(f"无法按“{instruction}”离线修改。{help_text}")


class NothingToAddError(AssistantError):
    """ "第二点再具体些" when every fact behind that point is already in the draft."""

    def __init__(self, point: str) -> None:
        self.point = point
        super().__init__(
            f"第{point}点依据的素材已经全部写进去了，没有更多可用的情况。"
            f"可以在“素材”里补充这一点的具体做法、数据和成效，再说“第{point}点再具体些”。"
        )


class EvalCorpusError(AssistantError):
    def __init__(self, where: str) -> None:
        super().__init__(f"评测需要至少两篇范文，但在“{where}”中没有找到足够的 .txt/.md/.docx/.pdf 文件。")


class EmptyDraftError(AssistantError):
    """The editor's desk or an in-app edit got no text to check or save."""

    def __init__(self, message: str = "没有要审核的文字：请把稿子粘贴到“待审稿件”框里，或上传 .txt/.docx 文件。") -> None:
        super().__init__(message)
