"""`make bench`: every speed and quality figure, each printed beside a baseline measured in the
same run. Each benchmarks/<area>.py module exposes ``run() -> None`` that prints its own table.
"""

from __future__ import annotations

import importlib
import sys
import time

from tests.appserver import BenchSkipped

AREAS = ["corpus", "chroma_floor", "index", "drafting", "check", "sessions", "app", "load"]


def main(argv: list[str] | None = None) -> int:
    wanted = (argv if argv is not None else sys.argv[1:]) or AREAS
    failed = 0
    for area in wanted:
        print(f"\n=== {area} ===", flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{area}")
        except ModuleNotFoundError as exc:
            print(f"(skipped: {exc})")
            continue
        try:
            module.run()
        except BenchSkipped as exc:
            print(f"(skipped: {exc})")
        except Exception as exc:  # a broken benchmark must not hide the others
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"({area}: {time.perf_counter() - t0:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
