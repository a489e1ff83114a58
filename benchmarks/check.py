"""Checking speed: a 2,000-character model-style draft checked against its facts, p50/p95 over
repeated runs; target <= 200 ms. Printed beside the first checker (the table before the
model-style kinds) measured in the same run, as a ratio, since the machine is shared.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from assistant.evaluation.check import load_cases
from assistant.models import Fact
from assistant.review.grounding import check
from assistant.review.table import FIRST_CHECKS
from assistant.text.facts import make_fact

TARGET_MS = 200.0
ROUNDS = 15
CHARS = 2000


def _draft() -> tuple[str, list[Fact]]:
    """About 2,000 characters of dev cases' drafts, with all their facts renumbered."""
    parts: list[str] = []
    facts: list[Fact] = []
    for case in load_cases("dev"):
        if sum(len(p) for p in parts) >= CHARS:
            break
        base = len(facts)
        text = case.draft
        for i in range(len(case.facts), 0, -1):  # F2 -> F(base+2), highest first
            text = text.replace(f"F{i}〕", f"F{base + i}〕").replace(f"F{i}]", f"F{base + i}]")
        facts += [make_fact(f"F{base + i + 1}", t) for i, t in enumerate(case.facts)]
        parts.append(text)
    return "\n\n".join(parts)[:CHARS], facts


def _time(fn: Callable[[], object]) -> tuple[float, float]:
    fn()  # warm: jieba's dictionary, the phrase table
    samples = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    s = sorted(samples)
    return statistics.median(s), s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def run() -> None:
    draft, facts = _draft()
    cur50, cur95 = _time(lambda: check(draft, facts, []))
    old50, old95 = _time(lambda: check(draft, facts, [], table=FIRST_CHECKS, markdown=False))
    print(f"draft: {len(draft)} characters, {len(facts)} facts")
    print(f"{'checker':<28}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'current (11 kinds)':<28}{cur50:>10.1f}{cur95:>10.1f}")
    print(f"{'first checker (6 kinds)':<28}{old50:>10.1f}{old95:>10.1f}")
    print(
        f"ratio current/first p50: {cur50 / old50:.2f}x; target p50 <= {TARGET_MS:.0f} ms: "
        f"{'met' if cur50 <= TARGET_MS else 'NOT met'}"
    )


if __name__ == "__main__":
    run()
