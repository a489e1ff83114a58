"""`assistant eval roles`: section roles against hand-written gold, beside the keyword baseline.

Gold: ``tests/gold/roles/{dev,heldout}/*.json``, one file per sample report:
``{"file": ..., "genre": ..., "sections": [{"level", "heading", "role"}]}``. The rules were
tuned on ``dev`` only; ``heldout`` is measured, never looked at. Gold sections are matched to
parsed sections by normalised heading text (a heading the parser missed counts as wrong).
Both splits are scored for the current rules (``corpus.roles``) and for the heading-keyword
rules they replaced (``corpus.keyword_roles``), in the same run.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.corpus import parse_file
from assistant.corpus.keyword_roles import keyword_roles
from assistant.errors import RoleGoldMissingError
from assistant.models import Report, Role

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "tests" / "gold" / "roles"
SPLITS = ("dev", "heldout")
TARGETS = {1: 0.95, 2: 0.90}
MISSING = "missing"  # the parser found no section with the gold heading


@dataclass
class _Node:
    """A parsed section as the baseline rules read it."""

    level: int
    title: str
    body: str
    parent: int | None
    kind: str


def norm_heading(text: str) -> str:
    """Heading text for matching: NFKC, no whitespace, no trailing punctuation."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    return t.rstrip("。.：:；;，,")


def baseline_roles(report: Report) -> list[Role]:
    """Today's heading-keyword rules over a parsed report (one role per section)."""
    pos = {s.id: i for i, s in enumerate(report.sections)}
    nodes = [
        _Node(
            level=s.level,
            title=s.title,
            body=s.body,
            parent=pos.get(s.parent) if s.parent is not None else None,
            kind="preamble" if i == 0 else ("closing" if s.level == 0 else "section"),
        )
        for i, s in enumerate(report.sections)
    ]
    return [role for role, _ in keyword_roles(report.title, nodes)]


def _resolve(name: str, settings: Settings) -> Path:
    p = Path(name)
    for cand in (p, ROOT / p, settings.knowledge_dir / p.name, ROOT / "knowledge" / p.name):
        if cand.is_file():
            return cand
    return ROOT / p


def _empty_scores() -> dict[str, Any]:
    return {
        str(level): {"correct": 0, "total": 0, "accuracy": None} for level in TARGETS
    } | {"confusion": {}}


def _score(scores: dict[str, Any], level: int, gold: str, pred: str) -> None:
    if level in TARGETS:
        row = scores[str(level)]
        row["total"] += 1
        row["correct"] += gold == pred
    conf = scores["confusion"].setdefault(gold, {})
    conf[pred] = conf.get(pred, 0) + 1


def _finish(scores: dict[str, Any]) -> None:
    for level in TARGETS:
        row = scores[str(level)]
        row["accuracy"] = round(row["correct"] / row["total"], 4) if row["total"] else None


def evaluate_split(split: str, settings: Settings, gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    files = sorted((gold_dir / split).glob("*.json"))
    ours, base = _empty_scores(), _empty_scores()
    per_genre: dict[str, dict[str, int]] = {}
    errors: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    for gf in files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        path = _resolve(str(gold["file"]), settings)
        report = parse_file(path, max_bytes=int(settings.max_file_mb * 1024 * 1024))
        base_roles = baseline_roles(report)
        by_heading: dict[str, list[int]] = {}
        for i, s in enumerate(report.sections):
            if s.heading:
                by_heading.setdefault(norm_heading(s.heading), []).append(i)
        genre = str(gold.get("genre", ""))
        g_row = per_genre.setdefault(genre, {"correct": 0, "total": 0, "baseline_correct": 0})
        n_scored = 0
        for g in gold["sections"]:
            level = int(g["level"])
            if level == 0:
                continue  # 开头/结尾 are given by the parser's layout, not by the role rules
            cands = by_heading.get(norm_heading(str(g["heading"])), [])
            same_level = [i for i in cands if report.sections[i].level == level]
            idx: int | None = (same_level or cands or [-1])[0]
            if idx == -1:
                idx = None
            pred = str(report.sections[idx].role) if idx is not None else MISSING
            bpred = str(base_roles[idx]) if idx is not None else MISSING
            role = str(g["role"])
            _score(ours, level, role, pred)
            _score(base, level, role, bpred)
            n_scored += 1
            if level == 1:
                g_row["total"] += 1
                g_row["correct"] += role == pred
                g_row["baseline_correct"] += role == bpred
            # held-out mistakes are counted, never listed: the rules must not be tuned on them
            if role != pred and level in TARGETS and split != "heldout":
                sec = report.sections[idx] if idx is not None else None
                errors.append(
                    {
                        "file": path.name,
                        "level": level,
                        "heading": g["heading"],
                        "gold": role,
                        "predicted": pred,
                        "confidence": sec.role_confidence if sec else None,
                        "evidence": sec.role_evidence if sec else "",
                    }
                )
        reports.append({"file": path.name, "genre": genre, "sections": n_scored})
    _finish(ours)
    _finish(base)
    return {
        "split": split,
        "reports": len(files),
        "ours": ours,
        "baseline": base,
        "by_genre": per_genre if split != "heldout" else {},
        "errors": errors,
        "files": reports,
    }


def evaluate_roles(
    settings: Settings, gold_dir: Path = GOLD_DIR, splits: Sequence[str] = SPLITS
) -> dict[str, Any]:
    results = [evaluate_split(s, settings, gold_dir) for s in splits]
    if not any(r["reports"] for r in results):
        raise RoleGoldMissingError(str(gold_dir))
    met = all(
        r["ours"][str(level)]["accuracy"] is None or r["ours"][str(level)]["accuracy"] >= t
        for r in results
        for level, t in TARGETS.items()
    )
    return {"targets": {str(k): v for k, v in TARGETS.items()}, "splits": results, "met": met}


_SPLIT_LABEL = {"dev": "开发集（规则按它调整）", "heldout": "留出集（规则未见过）"}


def _acc(row: dict[str, Any]) -> str:
    if row["accuracy"] is None:
        return "   —  "
    return f"{row['accuracy']:.3f} ({row['correct']}/{row['total']})"


def _confusion(conf: dict[str, dict[str, int]]) -> list[str]:
    roles = [str(r) for r in Role] + [MISSING]
    used = [r for r in roles if r in conf or any(r in row for row in conf.values())]
    label = {str(r): r.label.split("/")[0] for r in Role} | {MISSING: "未识别标题"}
    head = "    " + f"{'标准＼判为':<10}" + "".join(f"{label[r]:>8}" for r in used)
    lines = [head]
    for g in used:
        if g not in conf:
            continue
        row = conf[g]
        lines.append("    " + f"{label[g]:<10}" + "".join(f"{row.get(p, 0):>8}" for p in used))
    return lines


def format_roles(res: dict[str, Any]) -> str:
    t = res["targets"]
    lines = [f"段落类型评测：目标 一级标题 ≥ {t['1']:.2f}，二级标题 ≥ {t['2']:.2f}"]
    for r in res["splits"]:
        lines += ["", f"{_SPLIT_LABEL.get(r['split'], r['split'])}：{r['reports']} 篇范文"]
        if not r["reports"]:
            lines.append("  （没有标注文件）")
            continue
        lines.append(f"  {'方法':<22}{'一级准确率':<18}{'二级准确率':<18}")
        for name, key in (("本系统（标题+体裁+位置+正文）", "ours"), ("关键词基线（仅标题词）", "baseline")):
            s = r[key]
            lines.append(f"  {name:<22}{_acc(s['1']):<18}{_acc(s['2']):<18}")
        # per genre for dev only: held-out figures stay aggregate (nothing to tune on)
        if r["split"] != "heldout":
            lines.append("  按体裁（一级，本系统/基线）：")
        for genre, g in sorted(r["by_genre"].items()) if r["split"] != "heldout" else ():
            if g["total"]:
                lines.append(
                    f"    {genre or '未标体裁'}：{g['correct']}/{g['total']}，基线 {g['baseline_correct']}/{g['total']}"
                )
        lines.append("  混淆矩阵（本系统，一二级合计；行为标准答案）：")
        lines += _confusion(r["ours"]["confusion"])
        if r["errors"]:
            lines.append(f"  判错 {len(r['errors'])} 处：")
            for e in r["errors"][:40]:
                lines.append(
                    f"    {e['file']} {e['heading'][:24]}：标准 {e['gold']}，判为 {e['predicted']}"
                    + (f"（{e['evidence']}）" if e["evidence"] else "")
                )
    lines += ["", "达标" if res["met"] else "未达标"]
    return "\n".join(lines)


__all__ = ["baseline_roles", "evaluate_roles", "evaluate_split", "format_roles", "norm_heading"]
