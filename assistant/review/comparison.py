"""unsupported_comparison: "同比增长""较上年翻了一番""位居全市前列" that no fact gives.

A comparison is a claim about another year or other units; the facts must say it, not merely
the number it rests on. Each comparison belongs to a family (year-on-year, multiple, ranking,
change); a fact with a comparison of the same family supports it.
"""

from __future__ import annotations

import re

from assistant.models import Flag
from assistant.review.context import Context, short

_BOUND = r"[^，,。；;：:！？!?\n]"
# family -> pattern; the families a draft's comparison may be backed by are the fact's families
FAMILIES: dict[str, re.Pattern[str]] = {
    "yoy": re.compile(
        r"同比|环比|较上年|较去年|比上年|比去年|较上一年|与上年相比|与去年相比|较往年|较以往"
        r"|较(?:19|20)\d{2}年|比(?:19|20)\d{2}年|较同期|比同期|较上一轮"
    ),
    "multiple": re.compile(
        r"翻了?[一两二三]番|翻番|(?:增长|增加|提高|提升)了?(?:\d+(?:\.\d+)?|[一二两三四五六七八九十])倍"
    ),
    "ranking": re.compile(
        rf"位居{_BOUND}{{0,8}}?前列|位列{_BOUND}{{0,8}}?前|走在{_BOUND}{{0,8}}?前列"
        rf"|(?:位居|位列|居){_BOUND}{{0,8}}?第[一二三四五六七八九十\d]+"
        rf"|排名{_BOUND}{{0,8}}?第[一二三四五六七八九十\d]+|排在{_BOUND}{{0,8}}?第[一二三四五六七八九十\d]+"
        rf"|名列前茅|名列{_BOUND}{{0,8}}?第[一二三四五六七八九十\d]+|居{_BOUND}{{0,6}}?首位"
        r"|创历史新高|创新高|历史最好|历史最高|历年最好"
        r"|(?:全国|全省|全市|全区|全县|全州|同类|系统内)第[一二三四五六七八九十\d]+"
    ),
    "change": re.compile(
        r"(?:增长|提高|提升|上升|增加|下降|减少|降低)了?(?=\s*(?:\d|百分之|[近约超逾]\d))"
        r"|(?:大幅|显著|明显|成倍)(?:增长|上升|下降|减少|增加)"
    ),
}
_LABEL = {
    "yoy": "与往年的比较",
    "multiple": "倍数变化",
    "ranking": "排名或名次",
    "change": "增减变化",
}


def comparisons(text: str) -> list[tuple[str, int, int]]:
    """(family, start, end) of every comparison in ``text``, overlapping ones merged."""
    found = sorted(
        (fam, m.start(), m.end()) for fam, rx in FAMILIES.items() for m in rx.finditer(text)
    )
    found.sort(key=lambda x: x[1])
    out: list[tuple[str, int, int]] = []
    for fam, s, e in found:
        if out and s <= out[-1][2]:
            pf, ps, pe = out[-1]
            out[-1] = (pf, ps, max(pe, e))
            continue
        out.append((fam, s, e))
    return out


def _families(text: str) -> set[str]:
    return {fam for fam, rx in FAMILIES.items() if rx.search(text)}


def unsupported_comparison(ctx: Context) -> list[Flag]:
    backed = set().union(*(_families(f.text) for f in ctx.facts)) if ctx.facts else set()
    out = []
    for fam, s, e in comparisons(ctx.draft):
        # "较上年翻了一番": the merged span needs every family in it backed
        fams = _families(ctx.draft[s:e]) or {fam}
        missing = fams - backed
        if not missing:
            continue
        what = "、".join(_LABEL[f] for f in sorted(missing))
        out.append(
            Flag(
                "unsupported_comparison",
                ctx.draft[s:e],
                s,
                e,
                f"“{short(ctx.draft[s:e])}”是{what}，素材中没有这样的比较，请核对或删除",
            )
        )
    return out
