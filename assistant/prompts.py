"""Prompt templates kept as files in ``prompts/``, loaded and checked by name.

A prompt file starts with a header line ``<!-- name: draft_section, version: 1 -->`` (or a
``---`` front-matter block with ``name:`` and ``version:``), then a ``## system`` part and a
``## user`` part. Variables are written ``{facts}``; literal braces are doubled (``{{``), as in
``str.format``. Rendering checks that every variable is supplied and that nothing supplied is
left unused, so a renamed variable fails loudly instead of sending a broken prompt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import PromptTemplateError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

_HEADER_COMMENT = re.compile(r"^\s*<!--\s*(?P<body>.*?)\s*-->\s*$")
_PART = re.compile(r"^##\s*(system|user)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt: its name, version and the two message templates."""

    name: str
    version: int
    system: str
    user: str

    @property
    def variables(self) -> frozenset[str]:
        return _variables(self.name, self.system) | _variables(self.name, self.user)

    def check(self, values: Mapping[str, object]) -> None:
        """Raise PromptTemplateError unless ``values`` supplies exactly the template's variables."""
        missing = sorted(self.variables - values.keys())
        extra = sorted(values.keys() - self.variables)
        problems = []
        if missing:
            problems.append("缺少变量 " + "、".join(f"{{{v}}}" for v in missing))
        if extra:
            problems.append("模板中没有这些变量 " + "、".join(f"{{{v}}}" for v in extra))
        if problems:
            raise PromptTemplateError(self.name, "；".join(problems) + "。")

    def render(self, **values: object) -> tuple[str, str]:
        """(system, user) texts with the variables filled in; values are inserted verbatim."""
        self.check(values)
        return self.system.format(**values), self.user.format(**values)


def _variables(name: str, template: str) -> frozenset[str]:
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        raise PromptTemplateError(name, f"花括号不成对（{exc}），字面花括号请写成 {{{{ 或 }}}}。") from exc
    for _, field, spec, _conv in parsed:
        if field is None:
            continue
        if not _NAME.match(field) or spec:
            raise PromptTemplateError(name, f"变量 {{{field}}} 的写法不对，只允许 {{小写名字}}。")
        found.add(field)
    return frozenset(found)


def _header(name: str, lines: list[str]) -> tuple[dict[str, str], int]:
    """The header fields and the index of the first line after the header."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines):
        raise PromptTemplateError(name, "文件为空。")
    fields: dict[str, str] = {}
    m = _HEADER_COMMENT.match(lines[i])
    if m:
        for item in re.split(r"[,，;；]", m.group("body")):
            key, sep, value = item.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip()
        return fields, i + 1
    if lines[i].strip() == "---":
        for j in range(i + 1, len(lines)):
            if lines[j].strip() == "---":
                return fields, j + 1
            key, sep, value = lines[j].partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip()
        raise PromptTemplateError(name, "开头的 --- 信息块没有结束行 ---。")
    raise PromptTemplateError(name, "第一行应是 <!-- name: 名字, version: 版本号 -->。")


def parse_prompt(name: str, text: str) -> Prompt:
    """Parse a prompt file's text; ``name`` is the name it was loaded by and must match."""
    lines = text.splitlines()
    fields, start = _header(name, lines)
    if fields.get("name") != name:
        raise PromptTemplateError(name, f"文件头写的名字是“{fields.get('name', '')}”，与文件名不符。")
    version = fields.get("version", "")
    if not version.isdigit():
        raise PromptTemplateError(name, f"文件头的 version 应是整数，现为“{version}”。")
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[start:]:
        m = _PART.match(line.strip())
        if m:
            key = m.group(1).lower()
            if key in parts:
                raise PromptTemplateError(name, f"“## {key}”出现了两次。")
            current = parts.setdefault(key, [])
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise PromptTemplateError(name, "正文须以 ## system 或 ## user 开始。")
    if "user" not in parts:
        raise PromptTemplateError(name, "缺少 ## user 部分。")
    prompt = Prompt(
        name=name,
        version=int(version),
        system="\n".join(parts.get("system", [])).strip(),
        user="\n".join(parts["user"]).strip(),
    )
    _ = prompt.variables  # validate the placeholders now, not at first use
    return prompt


@lru_cache(maxsize=32)
def _load_cached(name: str, directory: Path, mtime_ns: int) -> Prompt:
    return parse_prompt(name, (directory / f"{name}.md").read_text(encoding="utf-8"))


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Load ``prompts/<name>.md``; cached until the file changes."""
    if not _NAME.match(name):
        raise PromptTemplateError(name, "名字只能包含小写字母、数字和下划线。")
    folder = (directory or PROMPTS_DIR).resolve()
    path = folder / f"{name}.md"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise PromptTemplateError(name, f"找不到文件 {path}。") from exc
    return _load_cached(name, folder, mtime)
