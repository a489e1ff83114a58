"""Lexical side of the index: jieba tokens and a BM25 (bm25s) over the same section records.

The BM25 is persisted next to the sidecar with the generation it was built for, so start-up
loads it instead of re-indexing; when the generation differs it is rebuilt from the stored
tokens (jieba never runs at start-up).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Function words and report boilerplate that carry no topic (kept short on purpose: BM25's
# idf already discounts frequent words; this list only keeps them out of "shared terms").
STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "在", "是", "对", "为", "把", "将", "从", "以", "等", "中", "上", "下", "不", "有", "也", "并", "而", "或", "其", "这", "那", "之", "于", "被", "由", "向", "一是", "二是", "三是", "四是", "五是", "六是", "一要", "二要", "三要", "四要", "五要", "六要", "首先", "其次", "最后", "同时", "进一步", "一步", "我们", "工作", "情况", "方面", "开展", "加强", "进行", "持续", "坚持", "推动", "深入", "全面", "切实", "不断", "认真", "积极", "有效", "做好"]
)
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")

_jieba_ready = False


def _jieba() -> object:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    """jieba tokens (dictionary mode, no HMM: faster and stable), without punctuation."""
    jieba = _jieba()
    toks = jieba.lcut(text, HMM=False)  # type: ignore[attr-defined]
    return [t.lower() for t in toks if _WORD.search(t) and t not in STOPWORDS]


def tokenize_joined(texts: list[str]) -> list[str]:
    """Tokens of each text joined by spaces (how the sidecar stores them; picklable for workers)."""
    return [" ".join(tokenize(t)) for t in texts]


def topic_terms(tokens: Sequence[str]) -> list[str]:
    """Tokens that can name a topic in an explanation (two characters or more, no digits)."""
    return [t for t in tokens if len(t) >= 2 and not any(c.isdigit() for c in t)]


class Lexical:
    """BM25 over pre-tokenised records, addressed by row number."""

    def __init__(self, tokens: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.n = len(tokens)
        self.df: Counter[str] = Counter()
        for toks in tokens:
            self.df.update(set(toks))
        self._bm25 = bm25s.BM25()
        if self.n:
            self._bm25.index([list(t) or [""] for t in tokens], show_progress=False)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row (zeros when no query term is known)."""
        if not self.n:
            return np.zeros(0, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        known = [t for t in dict.fromkeys(query_tokens) if t in vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def idf(self, term: str) -> float:
        return float(np.log(1 + (self.n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5)))

    # ---- persistence -------------------------------------------------------------
    def save(self, folder: Path, stamp: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stamp.json").unlink(missing_ok=True)  # half-written files are never loaded
        if self.n:
            self._bm25.save(str(folder), show_progress=False)
        (folder / "df.json").write_text(json.dumps(self.df, ensure_ascii=False), encoding="utf-8")
        # Written last: a folder without a matching stamp is never loaded.
        (folder / "stamp.json").write_text(json.dumps({"stamp": stamp, "n": self.n}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, stamp: str) -> Lexical | None:
        import bm25s

        try:
            meta = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
            if meta.get("stamp") != stamp:
                return None
            self = cls.__new__(cls)
            self.n = int(meta["n"])
            self.df = Counter(json.loads((folder / "df.json").read_text(encoding="utf-8")))
            self._bm25 = bm25s.BM25.load(str(folder), show_progress=False) if self.n else bm25s.BM25()
            return self
        except (OSError, ValueError, KeyError):
            return None
