"""House rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, pytest_collection_modifyitems, require_tool


def test_assistant_package_never_imports_streamlit() -> None:
    # A fresh interpreter: importing every module of assistant/ (except the UI package, which is
    # the one place allowed to use streamlit) must leave streamlit out of sys.modules.
    code = (
        "import importlib, pkgutil, sys, assistant\n"
        "for m in pkgutil.walk_packages(assistant.__path__, 'assistant.'):\n"
        "    if m.name.startswith('assistant.ui'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_only_settings_reads_the_environment() -> None:
    pattern = re.compile(r"os\.environ|os\.getenv|getenv\(")
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "assistant").rglob("*.py"))
        if p.name != "config.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ---- layering -------------------------------------------------------------------------------
# Layers, lowest first. A module may import from its own layer or below, never above. The
# stage packages share a layer but are siblings: none imports another (they meet in plan/service
# through plain data objects). Only the CLI imports the evaluations.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("models", "errors", "config", "prompts", "crypto"),
    ("text",),
    ("corpus",),
    ("draft", "review", "index", "export"),  # stages (siblings)
    ("plan", "intent"),
    ("service", "sessions", "migrations", "flag_marks"),
    ("evaluation",),
    ("ui", "cli", "launch", "app"),
)
STAGES = frozenset(LAYERS[3])
LAYER_OF = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str | None:
    """ "assistant.draft.llm" -> "draft", "assistant.service" -> "service"; None outside assistant."""
    parts = module.split(".")
    if parts[0] != "assistant":
        return None
    return parts[1] if len(parts) > 1 else "assistant"


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in a file, including function-local and
    TYPE_CHECKING ones ("from assistant import service" -> "assistant.service")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(root).parts[:-1])
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            # "from assistant import service" names a module, not an attribute
            if mod == "assistant":
                out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, mod))
    return out


def layering_violations(root: Path = ROOT) -> list[str]:
    files = [*sorted((root / "assistant").rglob("*.py")), root / "app.py"]
    problems: list[str] = []
    for path in files:
        rel = path.relative_to(root)
        unit = "app" if rel.parts == ("app.py",) else _unit(".".join((*rel.parts[:-1], path.stem)))
        if unit in ("assistant", "__init__"):  # assistant/__init__.py
            continue
        if unit not in LAYER_OF:
            problems.append(f"{rel}: module '{unit}' has no layer; add it to LAYERS in {__name__}")
            continue
        for line, target in _imports(path, root):
            dep = _unit(target)
            if dep is None or dep == unit or dep == "assistant":
                continue
            where = f"{rel}:{line} imports {target}"
            if dep not in LAYER_OF:
                problems.append(f"{where}: '{dep}' has no layer; add it to LAYERS")
            elif dep == "evaluation" and unit != "cli":
                problems.append(f"{where}: only the CLI may import the evaluations")
            elif LAYER_OF[dep] > LAYER_OF[unit]:
                problems.append(
                    f"{where}: upward import ({unit} is layer {LAYER_OF[unit]}, {dep} is layer "
                    f"{LAYER_OF[dep]}; layers: {' -> '.join('/'.join(u) for u in reversed(LAYERS))})"
                )
            elif unit in STAGES and dep in STAGES:
                problems.append(f"{where}: stage '{unit}' imports sibling stage '{dep}'")
    return problems


def test_layers_run_one_way() -> None:
    problems = layering_violations()
    assert not problems, "Layering violations:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    ("path", "source", "message"),
    [
        ("assistant/draft/x.py", "from assistant.review.grounding import check\n", "sibling stage"),
        ("assistant/index/x.py", "def f():\n    from assistant.service import Assistant\n", "upward"),
        ("assistant/text/x.py", "from assistant.corpus import parse_text\n", "upward"),
        ("assistant/ui/x.py", "from assistant.evaluation import drafting\n", "only the CLI"),
        ("assistant/corpus/x.py", "from ..draft import frame\n", "upward"),
        ("assistant/newthing.py", "import re\n", "has no layer"),
    ],
)
def test_layering_check_names_the_offending_import(
    tmp_path: Path, path: str, source: str, message: str
) -> None:
    (tmp_path / "app.py").write_text("", encoding="utf-8")
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    problems = layering_violations(tmp_path)
    assert len(problems) == 1 and message in problems[0] and path in problems[0], problems


# ---- system packages: installed by `make sysdeps`, never by a test ---------------------------
def test_a_missing_system_tool_fails_and_says_make_sysdeps() -> None:
    with pytest.raises(pytest.fail.Exception, match="make sysdeps"):
        require_tool("no-such-tool-for-this-test")


@dataclass
class _Item:
    """The parts of a collected pytest item the real-component check reads."""

    nodeid: str
    fixturenames: tuple[str, ...]
    slow: bool

    def get_closest_marker(self, name: str) -> object | None:
        return object() if self.slow and name == "slow" else None


@pytest.mark.parametrize(
    ("fixtures", "slow", "refused"),
    [
        (("chromium",), False, True),
        (("pdf", "tmp_path"), False, True),
        (("chroma_server",), True, False),
        (("tmp_path",), False, False),
    ],
)
def test_real_component_tests_must_be_marked_slow(
    fixtures: tuple[str, ...], slow: bool, refused: bool
) -> None:
    items = [_Item("tests/test_x.py::test_y", fixtures, slow)]
    if refused:
        with pytest.raises(pytest.UsageError, match=re.escape("test_x.py::test_y")):
            pytest_collection_modifyitems(items)
    else:
        pytest_collection_modifyitems(items)


def test_no_test_installs_system_packages() -> None:
    pattern = re.compile(r"apt-get|apt install|dnf install|yum install|brew install")
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("tests", "benchmarks")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p.name != "test_architecture.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "install system packages in scripts/sysdeps.sh (make sysdeps)"
