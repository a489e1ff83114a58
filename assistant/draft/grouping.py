"""Topic terms, grouping of facts into points, lead-phrase matching, and the "clean sentence" test.

Everything here is deterministic: jieba's default dictionary, sorted ties, user order kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# Words every section of this genre uses: sharing them says nothing about a shared topic.
GENERIC = frozenset(
    """
    工作 开展 进一步 加强 强化 全年 今年 去年 明年 年度 累计 完成 组织 意识形态 情况 方面 不够 有待
    存在 问题 计划 预计 已经 相关 持续 深入 推进 提升 提高 推动 以上 共计 活动 全面 积极 认真 切实
    不断 坚持 落实 开展 重点 主要 做好 抓好 建设 工作者 单位 部门 全局 全区 全市 全县 干部 党员
    一些 目前 当前 仍然 还是 没有 部分 个别 比较 较为 不足 及时 有效 进行 实现 达到 力争 争取
    其中 通过 围绕 结合 按照 根据 以来 期间 今后 下一步 下步 继续 扎实 稳步 同时 此外 成效
    """.split()  # noqa: SIM905
)

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """Topic-bearing words of a text (jieba words of 2+ Chinese characters, generic ones out).

    A four-character compound also yields its halves (网络安全 -> 网络, 安全) so it meets the
    same topic written as separate words.
    """
    out: set[str] = set()
    for w in jieba.lcut(text):
        if _CJK_WORD.match(w) and w not in GENERIC:
            out.add(w)
            if len(w) == 4:
                out.update(h for h in (w[:2], w[2:]) if h not in GENERIC)
    return frozenset(out)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared-term weight: 1 per shared word, 1 more for words of 4+ characters (网络安全)."""
    return float(sum(2 if len(w) >= 4 else 1 for w in a & b))


MERGE_AT = 2.0  # facts sharing this much merge into one point
LEAD_AT = 2.0  # a sample's lead phrase is reused only at this topic match or above


def group_facts(texts: Sequence[str], n_max: int | None = None) -> list[list[int]]:
    """Indices of facts grouped by shared topic, each group and the groups in user order.

    A fact joins the earliest group with which it shares enough key terms; otherwise it starts
    its own. With ``n_max`` the closest adjacent groups are merged until at most n_max remain.
    """
    groups: list[list[int]] = []
    group_terms: list[set[str]] = []
    for i, text in enumerate(texts):
        t = terms(text)
        for g, gt in zip(groups, group_terms, strict=True):
            if any(overlap(t, terms(texts[j])) >= MERGE_AT for j in g):
                g.append(i)
                gt.update(t)
                break
        else:
            groups.append([i])
            group_terms.append(set(t))
    while n_max is not None and n_max >= 1 and len(groups) > n_max:
        # Merge the pair of neighbours with the most shared terms (first such pair on ties).
        best = max(
            range(len(groups) - 1),
            key=lambda k: (overlap(frozenset(group_terms[k]), frozenset(group_terms[k + 1])), -k),
        )
        groups[best].extend(groups.pop(best + 1))
        group_terms[best].update(group_terms.pop(best + 1))
    return groups


# ---- what may be copied from a sample -----------------------------------------------------------
# Number words that are not quantities ("进一步", "一些", "统一").
_SAFE_NUMBER_WORDS = (
    "进一步", "一些", "一步", "一定", "统一", "一起", "一同", "一体", "唯一", "一直", "一切", "之一",
    "一致", "一线", "一般", "一道", "万无一失", "一贯", "专一", "一以贯之", "一如既往", "千方百计",
)  # fmt: skip
_NUMBER_CHARS = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千万亿两]")
_PLACEHOLDER = re.compile(r"[xX×＊*]|(?<![A-Za-z])n(?![A-Za-z])|某|【|待补充")
# Units, places and persons of a sample: a draft must not name them.
_NAMES = re.compile(
    r"党组|党委|党工委|机关|人大|政府|政协|本人|我区|我市|我县|我局|我镇|本局|本区|本市|全区|全市|全县|全局"
    r"|区委|市委|县委|省委|镇委|办公室|镇街|街道|[市区县省]级|社区|村居|乡镇|[省市区县局镇村]"
    r"(?:[\u4e00-\u9fff]{0,2}(?:局|委|厅|办|中心))"
)
_SUBJECT = re.compile(
    r"(^|，)(?:[\u4e00-\u9fff]{0,4}(?:党组|党委|党工委)|局|本局|我局|我区|我市|本人|区委|市委|县委)"
    r"(?=将|要|还|在|继续|始终|坚持|要求)"
)
# Normalisations of formulas (the genre's tighter wording).
_POLISH = {"但是仍然": "但仍然", "但是仍": "但仍"}


def clean_for_copy(sentence: str) -> bool:
    """True if a sample sentence names no number, date, placeholder, title, unit or place."""
    s = sentence
    for w in _SAFE_NUMBER_WORDS:
        s = s.replace(w, "")
    if _NUMBER_CHARS.search(s) or _PLACEHOLDER.search(s) or "《" in s:
        return False
    return not _NAMES.search(s)


def sanitise_formula(sentence: str) -> str | None:
    """A formula sentence fit to copy (sample's unit as subject dropped), or None if it isn't."""
    s = _SUBJECT.sub(r"\1", sentence)
    for a, b in _POLISH.items():
        s = s.replace(a, b)
    return s if clean_for_copy(s) else None
