"""`make run`: make sure the data folder exists, then hand the process over to Streamlit.

The app indexes knowledge/ itself on first start (with a progress bar), so the page comes up
at once instead of after a silent indexing step here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings

APP = Path(__file__).resolve().parent.parent / "app.py"


def streamlit_args(port: int = 8501, address: str = "localhost", script: Path = APP) -> list[str]:
    """The command line that serves the app (headless, no usage statistics)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.port",
        str(port),
        "--server.address",
        address,
        # Streamlit runs a full gc.collect(2) after every script run, holding the GIL while it
        # walks the process's millions of long-lived objects (index, tokenizer dictionaries):
        # with many users those collections queue up. Python's own generational GC still runs.
        "--runner.postScriptGC",
        "false",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    # Run from the repository root so .streamlit/config.toml, .env and relative paths apply
    # the same way whatever folder `make run` or `python -m assistant.launch` started in.
    os.chdir(APP.parent)
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    args = streamlit_args()
    print(f"公文报告起草助手：http://localhost:8501  （数据文件夹：{settings.data_dir.resolve()}）")
    sys.stdout.flush()
    os.execv(sys.executable, [*args, *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
