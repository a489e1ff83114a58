"""The prompt loader: files in prompts/ with a name/version header, checked variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.errors import PromptTemplateError
from assistant.prompts import PROMPTS_DIR, load_prompt, parse_prompt
from tests.conftest import ROOT

GOOD = """<!-- name: demo, version: 3 -->
## system
你是秘书。字面花括号写作 {{这样}}。

## user
事实：{facts}
范文：{exemplars}
"""


def test_prompts_dir_is_the_repository_folder() -> None:
    assert PROMPTS_DIR == ROOT / "prompts"


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("draft_section", {"role_label", "shape_hint", "exemplars", "facts"}),
        ("revise_section", {"instruction", "draft", "exemplars", "facts"}),
        ("ping", {"question"}),
    ],
)
def test_shipped_prompts_load_with_their_variables(name: str, variables: set[str]) -> None:
    prompt = load_prompt(name)
    assert prompt.name == name
    assert prompt.version >= 1
    assert prompt.variables == variables
    assert prompt.system  # every shipped prompt has rules in a system part


def test_render_fills_variables_and_keeps_literal_braces() -> None:
    prompt = parse_prompt("demo", GOOD)
    assert prompt.version == 3
    system, user = prompt.render(facts="F1. 开展宣讲{20}场", exemplars="范文")
    assert "{这样}" in system
    # Values go in verbatim: braces inside a fact are not treated as variables.
    assert "事实：F1. 开展宣讲{20}场" in user


def test_front_matter_header_is_accepted() -> None:
    text = "---\nname: demo\nversion: 2\n---\n## user\n{facts}\n"
    assert parse_prompt("demo", text).version == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"facts": "F1"}, "缺少变量 {exemplars}"),
        ({}, "缺少变量 {exemplars}、{facts}"),
        ({"facts": "F1", "exemplars": "x", "role": "problems"}, "模板中没有这些变量 {role}"),
    ],
)
def test_render_rejects_missing_or_left_over_variables(values: dict[str, str], message: str) -> None:
    prompt = parse_prompt("demo", GOOD)
    with pytest.raises(PromptTemplateError) as err:
        prompt.render(**values)
    assert "提示词模板“demo”有误" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "文件为空"),
        ("## user\n{facts}\n", "第一行应是"),
        ("<!-- name: other, version: 1 -->\n## user\n{facts}\n", "与文件名不符"),
        ("<!-- name: demo -->\n## user\n{facts}\n", "version 应是整数"),
        ("<!-- name: demo, version: 1 -->\n## system\n只有系统部分\n", "缺少 ## user"),
        ("<!-- name: demo, version: 1 -->\n前言\n## user\n{facts}\n", "须以 ## system 或 ## user 开始"),
        ("<!-- name: demo, version: 1 -->\n## user\n{facts\n", "花括号不成对"),
        ("<!-- name: demo, version: 1 -->\n## user\n{facts.text}\n", "写法不对"),
        ("<!-- name: demo, version: 1 -->\n## user\na\n## user\nb\n", "出现了两次"),
        ("---\nname: demo\nversion: 1\n## user\n{facts}\n", "没有结束行"),
    ],
)
def test_malformed_prompt_files_are_rejected_clearly(text: str, message: str) -> None:
    with pytest.raises(PromptTemplateError, match=message):
        parse_prompt("demo", text)


def test_load_prompt_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(PromptTemplateError, match="找不到文件"):
        load_prompt("nothing_here", directory=tmp_path)


def test_load_prompt_sees_an_edited_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.md"
    path.write_text(GOOD, encoding="utf-8")
    assert load_prompt("demo", directory=tmp_path).version == 3
    path.write_text(GOOD.replace("version: 3", "version: 4"), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # mtime granularity
    assert load_prompt("demo", directory=tmp_path).version == 4
