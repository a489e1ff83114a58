"""Lexical side of the index: jieba tokens and a BM25 over the same section records.

Tokens come from rjieba (jieba-rs: jieba's algorithm and default dictionary in Rust), which
gave the same tokens as jieba 0.42 (dictionary mode) on every line of the seeds at ~16x the
speed; README ("Retrieval and embeddings") has the figures. The BM25 is persisted next to the
sidecar with the generation it was built for, so start-up loads it instead of re-indexing; when
the generation differs it is rebuilt from the stored tokens (the tokenizer never runs at
start-up).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Function words and report boilerplate that carry no topic (kept short on purpose: BM25's
# idf already discounts frequent words; this list only keeps them out of "shared terms").
STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "在", "是", "对", "为", "把", "将", "从", "以", "等", "中", "上", "下", "不", "有", "也", "并", "而", "或", "其", "这", "那", "之", "于", "被", "由", "向", "一是", "二是", "三是", "四是", "五是", "六是", "一要", "二要", "三要", "四要", "五要", "六要", "首先", "其次", "最后", "同时", "进一步", "一步", "我们", "工作", "情况", "方面", "开展", "加强", "进行", "持续", "坚持", "推动", "深入", "全面", "切实", "不断", "认真", "积极", "有效", "做好"]
)
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")


def tokenize(text: str) -> list[str]:
    """Dictionary-mode tokens (no HMM: faster and stable), lower-cased, without punctuation
    and stop words."""
    import rjieba

    out: list[str] = []
    for t in rjieba.cut(text, False):
        kept = _KEPT.get(t)
        if kept is None:
            kept = t.lower() if _WORD.search(t) and t not in STOPWORDS else ""
            if len(_KEPT) < 500_000:  # a word list, bounded: tokens repeat across sections
                _KEPT[t] = kept
        if kept:
            out.append(kept)
    return out


# token -> what is kept of it ("" = dropped): one dict lookup instead of a regex per token,
# which was 40% of tokenising
_KEPT: dict[str, str] = {}


def tokenize_joined(texts: list[str]) -> list[str]:
    """Tokens of each text joined by spaces (how the sidecar stores them; picklable for workers)."""
    return [" ".join(tokenize(t)) for t in texts]


def topic_terms(tokens: Sequence[str]) -> list[str]:
    """Tokens that can name a topic in an explanation (two characters or more, no digits)."""
    return [t for t in tokens if len(t) >= 2 and not any(c.isdigit() for c in t)]


class Lexical:
    """BM25 (Lucene variant, k1=1.5, b=0.75: bm25s's default, and the same scores) over
    pre-tokenised records, addressed by row number.

    Stored as term-major postings (CSC: ``indptr`` per term, row ``indices``, precomputed
    ``idf * tf-part`` weights), built with a few vectorised numpy passes and scored with one
    ``bincount``: bm25s built this index in Python loops (15 s of a 20k-section run) and scored
    a query with ``np.add.at``, the largest part of a query at 100k sections.
    """

    K1 = 1.5
    B = 0.75

    def __init__(self, tokens: Sequence[Sequence[str]]) -> None:
        self.n = len(tokens)
        flat = [t for toks in tokens for t in toks]
        # C-level passes (dict.fromkeys, map): a Python loop over every token was most of the build
        self.vocab = {t: i for i, t in enumerate(dict.fromkeys(flat))}
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=self.n)
        term = np.fromiter(map(self.vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
        vocab = self.vocab
        row = np.repeat(np.arange(self.n, dtype=np.int64), lengths)
        # one (term, row) pair per distinct occurrence, sorted by term then row; tf = its count
        pairs, tf = np.unique(term * max(self.n, 1) + row, return_counts=True)
        p_term, p_row = pairs // max(self.n, 1), pairs % max(self.n, 1)
        self.df = np.bincount(p_term, minlength=len(vocab)).astype(np.int64)
        idf = np.log(1 + (self.n - self.df + 0.5) / (self.df + 0.5))
        avg = float(lengths.mean()) if self.n and lengths.sum() else 1.0
        norm = self.K1 * ((1 - self.B) + self.B * lengths[p_row] / avg)
        self.data = (idf[p_term] * tf / (norm + tf)).astype(np.float32)
        self.indices = p_row.astype(np.int32)
        self.indptr = np.concatenate(([0], np.cumsum(self.df))).astype(np.int64)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row (zeros when no query term is known)."""
        known = [self.vocab[t] for t in dict.fromkeys(query_tokens) if t in self.vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        spans = [slice(int(self.indptr[t]), int(self.indptr[t + 1])) for t in known]
        rows = np.concatenate([self.indices[s] for s in spans])
        weights = np.concatenate([self.data[s] for s in spans])
        return np.bincount(rows, weights=weights, minlength=self.n).astype(np.float32)

    def idf(self, term: str) -> float:
        df = int(self.df[self.vocab[term]]) if term in self.vocab else 0
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    # ---- persistence -------------------------------------------------------------
    def save(self, folder: Path, stamp: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stamp.json").unlink(missing_ok=True)  # half-written files are never loaded
        np.savez(folder / "postings.npz", indptr=self.indptr, indices=self.indices, data=self.data, df=self.df)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        # Written last: a folder without a matching stamp is never loaded.
        (folder / "stamp.json").write_text(json.dumps({"stamp": stamp, "n": self.n}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, stamp: str) -> Lexical | None:
        try:
            meta = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
            if meta.get("stamp") != stamp:
                return None
            self = cls.__new__(cls)
            self.n = int(meta["n"])
            terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            self.vocab = {t: i for i, t in enumerate(terms)}
            with np.load(folder / "postings.npz") as z:
                self.indptr, self.indices, self.data, self.df = z["indptr"], z["indices"], z["data"], z["df"]
            return self
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None
