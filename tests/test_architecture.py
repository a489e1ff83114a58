"""House rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


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
