"""Loading: a file on disk -> raw bytes + decoded text, with typed errors for bad input.

Text encodings are detected from the bytes (BOM, strict UTF-8, GB18030 ⊃ GBK, UTF-16 without a
BOM, then charset-normalizer), never guessed from the extension.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from assistant.corpus.patterns import TABLE_SEP
from assistant.errors import (
    BinaryFileError,
    DecodeFailedError,
    EmptyFileError,
    EncryptedPdfError,
    FileRejectedError,
    FileTooLargeError,
    MalformedDocxError,
    MalformedPdfError,
    NoTextLayerError,
    UnsupportedFormatError,
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}

# Signatures of binary formats that users rename to .txt by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"PK\x03\x04", "ZIP 压缩包或 Office 文档"),
    (b"%PDF-", "PDF 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（.doc/.xls）"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "GZIP 压缩包"),
    (b"\x7fELF", "可执行程序"),
    (b"RIFF", "音视频文件"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_MD_HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ ]+", re.M)
_MD_BOLD_LINE_RE = re.compile(r"^\*\*([^*\n]+)\*\*[ ]*$", re.M)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes after the size checks (no read at all when the file is too large)."""
    path = Path(path)
    if not path.exists():
        raise FileRejectedError(path, "文件不存在。")
    if path.is_dir():
        raise FileRejectedError(path, "这是一个文件夹，不是文件。")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(
                path, f"文件大小 {_mb(size)}，超过了允许的上限 {_mb(max_bytes)}。"
            )
        if size == 0:
            raise EmptyFileError(path)
        data = path.read_bytes()
    except OSError as exc:
        raise FileRejectedError(path, f"无法读取文件（{exc.strerror or exc}）。") from exc
    if len(data) > max_bytes:  # grew while we looked
        raise FileTooLargeError(path, f"文件超过了允许的上限 {_mb(max_bytes)}。")
    if not data.strip():
        raise EmptyFileError(path)
    return data


def _sniff_binary(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


_TEXTLIKE_RE = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\n\r\t“”‘’—…·]")


def _text_score(text: str) -> float:
    """Share of characters that ordinary Chinese/Latin text is made of."""
    sample = text[:20_000]
    if not sample:
        return 0.0
    return len(_TEXTLIKE_RE.findall(sample)) / len(sample)


def _try_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the endianness whose decoding reads like text, if any."""
    if len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _text_score(text)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best else None


def _plausible(text: str) -> bool:
    if not text.strip():
        return True
    bad = len(_BAD_CHARS_RE.findall(text[:200_000]))
    return bad <= max(2, len(text[:200_000]) // 200)


def decode_bytes(data: bytes, path: str | Path = "<text>") -> str:
    """Decode text bytes; BinaryFileError for binary data, DecodeFailedError when nothing fits."""
    what = _sniff_binary(data)
    if what:
        raise BinaryFileError(path, f"这不是文本文件（内容是{what}，可能只是改了扩展名）。")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise DecodeFailedError(path) from exc
            if not _plausible(text):
                raise BinaryFileError(path)
            return text.lstrip("\ufeff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible(text):
            return text
        raise BinaryFileError(path)
    if b"\x00" in data[:8192]:
        text16 = _try_utf16(data)
        if text16 is not None:
            return text16
        raise BinaryFileError(path)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible(text) and _text_score(text) >= 0.8:
            return text
    text16 = _try_utf16(data)
    if text16 is not None:
        return text16
    guessed = _charset_normalizer_decode(data)
    if guessed is None:
        raise DecodeFailedError(path)
    if not _plausible(guessed):
        raise BinaryFileError(path)
    return guessed


def _charset_normalizer_decode(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a plain text file (facts, drafts) with the same detection and errors as the corpus."""
    data = read_bytes(Path(path), max_bytes)
    text = decode_bytes(data, path)
    if not text.strip():
        raise EmptyFileError(path)
    return text


def _strip_markdown(text: str) -> str:
    """Heading hashes and whole-line **bold** would hide "一、" markers; "**区" slots stay."""
    text = _MD_HEADING_RE.sub("", text)
    return _MD_BOLD_LINE_RE.sub(r"\1", text)


# ---- docx ---------------------------------------------------------------------------------
def _docx_text(data: bytes, path: Path) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    from assistant.corpus.wordnum import (
        W,
        paragraph_numpr,
        parse_numbering,
        style_numbering,
    )

    if data.startswith(_OLE_MAGIC):
        # password-protected .docx files are OLE containers, as are old .doc files
        raise MalformedDocxError(
            path, "文件设置了打开密码，或是旧版 .doc 格式；请解除密码或另存为 .docx 后再上传。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MalformedDocxError(path)
    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise MalformedDocxError(path) from exc
    except Exception as exc:  # python-docx/lxml raise many kinds on broken parts
        raise MalformedDocxError(path) from exc

    part = doc.part
    numbering_root: Any = None
    styles_root: Any = None
    try:
        numbering_root = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_root = None
    try:
        styles_root = part.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        styles_root = None
    numbering = parse_numbering(numbering_root)
    style_numpr = style_numbering(styles_root)

    lines: list[str] = []

    def para_text(p_el: Any) -> str:
        parts: list[str] = []
        for node in p_el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText"):
            tag = node.tag
            if tag == f"{W}t":
                parts.append(node.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        # deleted text (tracked changes) is skipped above by not appending delText
        text = "".join(parts)
        numpr = paragraph_numpr(p_el, style_numpr)
        if numpr is not None:
            label = numbering.label(*numpr)
            if label and not text.lstrip().startswith(label):
                text = label + text.lstrip()
        return text

    def walk(container: Any) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                lines.append(para_text(child))
            elif tag == f"{W}tbl":
                for tr in child.iter(f"{W}tr"):
                    cells: list[str] = []
                    for tc in tr.findall(f"{W}tc"):
                        cell = " ".join(
                            t for t in (para_text(p).strip() for p in tc.iter(f"{W}p")) if t
                        )
                        if cell and (not cells or cells[-1] != cell):
                            cells.append(cell)
                    if cells:
                        lines.append(TABLE_SEP.join(cells))
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    walk(content)

    try:
        walk(doc.element.body)
    except Exception as exc:
        raise MalformedDocxError(
            path, f"Word 文件内容结构异常，无法读取（{type(exc).__name__}）。"
        ) from exc
    return "\n".join(lines)


# ---- pdf ----------------------------------------------------------------------------------
def _pdf_text(data: bytes, path: Path) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise MalformedPdfError(path) from exc
    except Exception as exc:
        raise MalformedPdfError(path) from exc
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except (DependencyError, NotImplementedError, PdfReadError) as exc:
            raise EncryptedPdfError(path) from exc
        if not ok:
            raise EncryptedPdfError(path)
    pages: list[str] = []
    try:
        for page in reader.pages:
            pages.append(page.extract_text() or "")
    except FileNotDecryptedError as exc:
        raise EncryptedPdfError(path) from exc
    except Exception as exc:
        raise MalformedPdfError(path) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise NoTextLayerError(path)
    return text


def load_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """(decoded text, raw bytes) of a .txt/.md/.docx/.pdf file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix == ".doc":
            raise UnsupportedFormatError(
                path, "不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再上传。"
            )
        raise UnsupportedFormatError(path)
    data = read_bytes(path, max_bytes)
    if suffix == ".docx":
        text = _docx_text(data, path)
    elif suffix == ".pdf":
        if not data.lstrip().startswith(b"%PDF"):
            raise MalformedPdfError(path)
        text = _pdf_text(data, path)
    else:
        text = decode_bytes(data, path)
        if suffix in (".md", ".markdown"):
            text = _strip_markdown(text)
    if not text.strip():
        raise EmptyFileError(path)
    return text, data
