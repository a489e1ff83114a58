"""Text overlap for the review: content-character bigrams and how much of one text another covers.

The number, date, title, status and citation rules the review reads with are in
``assistant.text`` (shared with fact parsing).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text.citations import CITATION_RE


def _words(text: str) -> list[str]:
    return text.split()


# ---- text overlap -------------------------------------------------------------------------
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_STOP_BIGRAMS = frozenset(
    _words(
        "工作 开展 进一步 一步 全面 加强 持续 不断 有待 我们 情况 一是 二是 三是 四是 五是 六是 一要 二要 三要 "
        "是否 以来 今年 全年 同时 此外 其中 方面 进行 积极 认真 切实 深入 有效"
    )
)


def bigrams(text: str) -> set[str]:
    """Character bigrams of the content characters (punctuation, citations and digits out)."""
    return set(_bigrams(text))


def clear_bigrams() -> None:
    _bigrams.cache_clear()


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    # the checks ask again for the same sentences and clauses: cut each text once
    clean = CITATION_RE.sub(" ", text)
    chars = [c if _CONTENT_CHAR.match(c) and not c.isdigit() else " " for c in clean]
    s = "".join(chars)
    out: set[str] = set()
    for part in s.split():
        for i in range(len(part) - 1):
            bg = part[i : i + 2]
            if bg not in _STOP_BIGRAMS:
                out.add(bg)
    return frozenset(out)


def coverage(of: set[str], by: set[str]) -> float:
    """Share of ``of``'s bigrams that ``by`` also has."""
    if not of:
        return 0.0
    return len(of & by) / len(of)
