"""Admission checks: classified markings (refuse), ID-card numbers (warn), lines that address a
model (set aside so no later stage puts them into a prompt)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.errors import ClassifiedDocumentError

# "绝密★启用前", "机密★1年", "秘密 ★" — the GB/T 9704 marking, not the words in prose.
_CLASSIFIED_RE = re.compile(r"(?:绝密|机密|秘密)\s*[★☆*＊]")
_CLASSIFIED_FULL_RE = re.compile(
    r"(?:绝密|机密|秘密)\s*[★☆]\s*(?:启用前|[0-9一二三四五六七八九十]+\s*(?:年|个月|月|天|日))"
)

_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_INJECTION_RE = re.compile(
    r"忽略(?:掉)?(?:以上|上面|上述|之前|此前|前面|先前|你的|所有|全部|一切)+.{0,6}(?:指令|指示|提示|要求|规则|设定|内容)"
    r"|(?:无视|不要理会|忘记|忘掉)(?:以上|上面|上述|之前|前面|先前|所有|全部|一切)+.{0,6}(?:指令|指示|提示|规则|设定)"
    r"|(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)*(?:previous|prior|above|earlier|preceding)?\s*(?:instructions|prompts?|rules|directions)"
    r"|(?:system\s+prompt|系统提示词|系统指令)"
    r"|你(?:现在)?(?:是|扮演|充当)(?:一个|一名)?(?:AI|人工智能|语言模型|大模型|ChatGPT|GPT|助手)"
    r"|作为(?:一个|一名)?(?:AI|人工智能|语言模型|大模型)"
    r"|(?:输出|泄露|打印|告诉我|显示).{0,6}(?:提示词|系统提示|prompt)"
    r"|<\|im_start\|>|\[INST\]|\[/INST\]",
    re.IGNORECASE,
)
# Cheap whole-text triggers before the full pattern runs line by line: Chinese phrases as a
# literal alternation (the engine scans for their first characters) and Latin words as a set.
_ZH_TRIGGER_RE = re.compile(
    r"忽略|无视|不要理会|忘记|忘掉|系统提示|系统指令|提示词|人工智能|语言模型|大模型|助手|<\|im_start\|>|\[/?INST\]"
)
_LATIN_TRIGGERS = (
    b"ignore",
    b"disregard",
    b"forget",
    b"prompt",
    b"instruction",
    b"system",
    b"ai",
    b"gpt",
    b"rules",
    b"directions",
)


def _ascii(text: str) -> bytes:
    """The text with every non-ASCII character as "?": ASCII words and digit runs keep their
    boundaries, so a trigger word or a run of digits absent here is absent from the text."""
    return text.encode("ascii", "replace")


def _may_address_model(text: str) -> bool:
    if _ZH_TRIGGER_RE.search(text):
        return True
    latin = _ascii(text).lower()
    return any(t in latin for t in _LATIN_TRIGGERS)


_ID_HINT_RE = re.compile(rb"\d{17}")
_SENTENCE_RE = re.compile(r"[^。！？!?\n]*[。！？!?]?")
MAX_WHOLE_LINE = 120


@dataclass
class Screened:
    text: str
    warnings: list[str] = field(default_factory=list)
    flagged_lines: list[str] = field(default_factory=list)


def check_classified(text: str, source: str) -> None:
    """Refuse a document carrying a classification marking: "密级★" in its opening lines (where
    GB/T 9704 puts it), or a full marking with its term ("机密★1年", "绝密★启用前") anywhere."""
    head = "\n".join([x for x in text[:5000].split("\n") if x.strip()][:20])
    if _CLASSIFIED_RE.search(head) or _CLASSIFIED_FULL_RE.search(text):
        raise ClassifiedDocumentError(source)


def valid_id_number(s: str) -> bool:
    if len(s) != 18 or not s[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17].upper()


def find_id_numbers(text: str) -> list[str]:
    if not _ID_HINT_RE.search(_ascii(text)):
        return []
    return [m.group(1) for m in _ID_RE.finditer(text) if valid_id_number(m.group(1))]


def _mask(s: str) -> str:
    return s[:4] + "*" * 10 + s[-4:]


def screen(text: str) -> Screened:
    """Set aside lines addressing a model and report ID-card numbers (text is cleaned text)."""
    out_lines: list[str] = []
    flagged: list[str] = []
    if not _may_address_model(text):
        return _with_id_warning(Screened(text=text))
    for line in text.split("\n"):
        if not _may_address_model(line) or not _INJECTION_RE.search(line):
            out_lines.append(line)
            continue
        if len(line) <= MAX_WHOLE_LINE:
            flagged.append(line)
            continue
        # a long paragraph: drop only the offending sentences
        kept: list[str] = []
        for m in _SENTENCE_RE.finditer(line):
            sent = m.group(0)
            if not sent:
                continue
            if _INJECTION_RE.search(sent):
                flagged.append(sent.strip())
            else:
                kept.append(sent)
        rest = "".join(kept).strip()
        if rest:
            out_lines.append(rest)
    warnings: list[str] = []
    if flagged:
        warnings.append(
            f"有 {len(flagged)} 处内容像是在向模型下指令（如“忽略以上所有指令”），已从正文中剔除，"
            "不会进入提示词：" + "；".join(f"“{x[:30]}”" for x in flagged[:3])
        )
    return _with_id_warning(
        Screened(text="\n".join(out_lines), warnings=warnings, flagged_lines=flagged)
    )


def _with_id_warning(screened: Screened) -> Screened:
    ids = find_id_numbers(screened.text)
    if ids:
        shown = "、".join(_mask(x) for x in ids[:3])
        screened.warnings.append(
            f"发现 {len(ids)} 个疑似居民身份证号码（{shown}），请确认已脱敏后再作为范文使用。"
        )
    return screened
