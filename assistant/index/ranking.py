"""Ranking for structural retrieval: reciprocal rank fusion, shape bonus and the "why".

Pure functions over plain values (no Chroma, no SQLite): ``SectionIndex.search`` (store.py)
gathers the BM25 scores and the vector candidates of the wanted roles and calls ``rank``;
``explain`` builds the ``why`` of each exemplar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.models import WantedShape

RRF_K = 60
# A full shape match is worth as much as being ranked first by one retriever.
SHAPE_WEIGHT = 1.0 / (RRF_K + 1)
# Best possible fused score (first in both lists plus a full shape match): scores are divided
# by it so they read as 0..1.
MAX_SCORE = 2.0 / (RRF_K + 1) + SHAPE_WEIGHT


@dataclass(frozen=True)
class ShapeInfo:
    """The shape fields of a stored section that the bonus compares."""

    level: int
    heading_style: str
    child_style: str  # heading style of its children ("none" without children)
    point_style: str
    n_points: int
    n_children: int

    @property
    def units(self) -> int:
        """How many parts the section has: its children if any, else its points."""
        return self.n_children or self.n_points


def rrf(ranks: Mapping[str, Mapping[int, int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: ``ranks[name][row] = 1-based rank`` -> fused score per row."""
    fused: dict[int, float] = {}
    for per in ranks.values():
        for row, rank in per.items():
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def heading_fit(cand: ShapeInfo, style: str) -> float:
    """How well a section serves "write it with （一）（二） headings": a section whose children
    use that style is the frame to copy (1.0); a single child that is itself a （一） heading is
    only a fragment of such a frame (0.25)."""
    if cand.child_style == style:
        return 1.0
    return 0.25 if cand.heading_style == style else 0.0


def shape_bonus(cand: ShapeInfo, wanted: WantedShape | None) -> float:
    """0..SHAPE_WEIGHT: how well the section's form fits the wanted form (0 when none is given)."""
    if wanted is None:
        return 0.0
    parts: list[float] = []
    if wanted.heading_style:
        parts.append(heading_fit(cand, wanted.heading_style))
    if wanted.point_style:
        parts.append(1.0 if cand.point_style == wanted.point_style else 0.0)
    if wanted.n_points:
        parts.append(1.0 - min(abs(cand.units - wanted.n_points), 3) / 3.0)
    if not parts:
        return 0.0
    return SHAPE_WEIGHT * sum(parts) / len(parts)


def describe_shape(s: ShapeInfo) -> str:
    """Short Chinese description of a section's form: "下设4个（一）式小标题"、"3点（一是式）"."""
    bits: list[str] = []
    if s.n_children:
        style = f"{s.child_style}式" if s.child_style not in ("", "none") else ""
        bits.append(f"下设{s.n_children}个{style}小标题")
    if s.n_points:
        style = f"（{s.point_style}式）" if s.point_style not in ("", "none") else ""
        bits.append(f"{s.n_points}点{style}")
    return "，".join(bits) or "整段，不分点"


def compare_shape(s: ShapeInfo, wanted: WantedShape | None) -> str:
    """The Chinese shape line of ``why``: the section's form, and how it compares if asked."""
    mine = describe_shape(s)
    if wanted is None:
        return f"本段{mine}"
    notes: list[str] = []
    if wanted.heading_style:
        fit = heading_fit(s, wanted.heading_style)
        how = "相同" if fit == 1.0 else ("本段只是其中一个小标题" if fit else "不同")
        notes.append(f"下级标题样式{how}（要求{wanted.heading_style}）")
    if wanted.point_style:
        same = s.point_style == wanted.point_style
        notes.append(f"分点方式{'相同' if same else '不同'}（要求{wanted.point_style}）")
    if wanted.n_points:
        diff = s.units - wanted.n_points
        notes.append(
            f"点数相同（{wanted.n_points}点）"
            if diff == 0
            else f"比要求{'多' if diff > 0 else '少'}{abs(diff)}点（要求{wanted.n_points}点）"
        )
    return f"本段{mine}；" + "，".join(notes) if notes else f"本段{mine}"


def shared_terms(
    query_tokens: Sequence[str], doc_tokens: Sequence[str], idf: Mapping[str, float], n: int = 8
) -> list[str]:
    """Topic words the query and the section share, rarest (most telling) first."""
    doc = set(doc_tokens)
    common = [t for t in dict.fromkeys(query_tokens) if t in doc and len(t) >= 2]
    return sorted(common, key=lambda t: (-idf.get(t, 0.0), t))[:n]


def order(fused: Mapping[int, float], bonus: Mapping[int, float]) -> list[tuple[int, float]]:
    """Rows by fused score plus shape bonus, ties by row number (deterministic)."""
    total = {row: s + bonus.get(row, 0.0) for row, s in fused.items()}
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


def score_parts(
    bm25_rank: int | None, vector_rank: int | None, fused: float, bonus: float, vector_sim: float | None
) -> dict[str, Any]:
    return {
        "bm25_rank": bm25_rank,
        "vector_rank": vector_rank,
        "vector_similarity": None if vector_sim is None else round(vector_sim, 4),
        "rrf": round(fused, 6),
        "shape_bonus": round(bonus, 6),
    }


@dataclass(frozen=True)
class Hit:
    """One ranked row: ``score`` is the fused score plus shape bonus over MAX_SCORE (0..1)."""

    row: int
    score: float
    parts: dict[str, Any]


def bm25_ranks(scores: np.ndarray, mask: np.ndarray, m: int) -> dict[int, int]:
    """1-based BM25 ranks of the best ``m`` eligible rows; a row sharing no term is not ranked.
    Ties break by row number, so the same query always gives the same list."""
    s = np.where(mask, scores, 0.0)
    nz = np.flatnonzero(s > 0)
    if len(nz) > m:
        nz = nz[np.argpartition(-s[nz], m)[:m]]
    top = nz[np.lexsort((nz, -s[nz]))]
    return {int(r): i + 1 for i, r in enumerate(top)}


def vector_ranks(
    candidates: Sequence[tuple[float, int]], m: int
) -> tuple[dict[int, int], dict[int, float]]:
    """``(cosine distance, row)`` pairs (from one or several role collections) -> 1-based ranks
    and similarities of the nearest ``m``."""
    best = sorted(candidates)[:m]
    return {row: i + 1 for i, (_, row) in enumerate(best)}, {row: 1.0 - d for d, row in best}


def rank(
    bm_rank: Mapping[int, int],
    vec_rank: Mapping[int, int],
    vec_sim: Mapping[int, float],
    shapes: Sequence[ShapeInfo],
    wanted: WantedShape | None,
    n: int,
    fallback: Sequence[int] = (),
) -> list[Hit]:
    """The top ``n`` rows by RRF of the two rank lists plus the shape bonus. When neither list
    ranked anything (an empty topic), the ``fallback`` rows keep their order."""
    fused = rrf({"bm25": bm_rank, "vector": vec_rank})
    if not fused:
        fused = {int(r): 0.0 for r in fallback[:n]}
    bonus = {row: shape_bonus(shapes[row], wanted) for row in fused}
    return [
        Hit(
            row,
            total / MAX_SCORE,
            score_parts(bm_rank.get(row), vec_rank.get(row), fused[row], bonus[row], vec_sim.get(row)),
        )
        for row, total in order(fused, bonus)[:n]
    ]


def explain(
    role_match: str,
    role_label: str,
    query_tokens: Sequence[str],
    doc_tokens: Sequence[str],
    idf: Mapping[str, float],
    shape: ShapeInfo,
    wanted: WantedShape | None,
    parts: dict[str, Any],
) -> dict[str, Any]:
    """The ``why`` of an exemplar, as the UI and ``--json`` show it."""
    return {
        "role_match": role_match,
        "role": role_label,
        "shared_terms": shared_terms(query_tokens, doc_tokens, idf),
        "shape": compare_shape(shape, wanted),
        "score_parts": parts,
    }
