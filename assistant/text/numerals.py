"""Chinese numerals: parse ("二十" -> 20, "二〇二四" -> 2024) and format (12 -> 十二), via cn2an.

cn2an (0.5.24) passed every case of the project's numeral tables (tests/test_text.py,
test_facts.py, test_corpus_structure.py, test_export.py, test_intent.py, test_corpus_docx.py),
every numeral run in knowledge/ and tests/, and the checker eval gave the same figures, so it
replaced the three hand-written parsers and three formatters. What stays ours, and why:
- a numeral opening with 百/千/万/亿 ("千万元以上" in knowledge/108, "百万", a lone "百" in
  "压缩到百字") raises in cn2an; we read it with an implied 一 (一千万), as our old parser did;
- "十二三" (twelve or thirteen) is no number for cn2an (None; our old parser said 13), which
  is right for a checker: an estimate is not a claim to compare;
- cn2an's "normal" mode reads "二二" as 22. Heading markers must not ("二二、" is no heading),
  so ``cn_to_int`` uses "strict" mode, which in turn rejects 两 and 〇 (never in markers);
- a cn2an call costs ~10 µs (ten times our old parser) and its import ~0.2 s: calls are cached
  and the import happens on first use, so parsing speed and CLI start-up do not change;
- formatting: ``an2cn`` matched our formatter on 1..999. Word's legal digits now follow cn2an
  (10 -> 壹拾, 105 -> 壹佰零伍; ours wrote 拾 and 壹百零伍).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Ordinal characters of heading markers and point enumerators (一、 （二） 三是 第四，).
CN_DIGITS = "一二三四五六七八九十"
CN_NUM = f"[{CN_DIGITS}]{{1,3}}"
# Every character a Chinese numeral in running text may use.
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_MARKER_CHARS = frozenset("零一二三四五六七八九十")


def _cn2an() -> Any:
    import cn2an  # ~0.2 s: only when a numeral is first read or written

    return cn2an


@lru_cache(maxsize=4096)
def cn_to_number(text: str) -> float | None:
    """ "二十" -> 20, "十五" -> 15, "两千三百" -> 2300, "一万二千" -> 12000, "二〇二四" -> 2024.

    None when ``text`` is not a Chinese numeral.
    """
    if not text or any(c not in CN_NUM_CHARS for c in text):
        return None
    if text[0] in "百千万亿":  # "千万" is 一千万; cn2an wants the 一
        text = "一" + text
    try:
        return float(_cn2an().cn2an(text, "normal"))
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def cn_to_int(s: str) -> int:
    """A marker's ordinal up to 99 ("十一", "二十", "三", "12") -> int; 0 when not one."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _MARKER_CHARS for c in s):
        return 0
    try:
        n = int(_cn2an().cn2an(s, "strict"))
    except ValueError:
        return 0
    return n if n < 100 else 0


def small_number(text: str) -> int | None:
    """A small count as a request says it: "三" -> 3, "十二" -> 12, "两" -> 2, "7" -> 7.

    None for anything with 零/百/千/万 or other characters, which a request never means here.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in "一二两三四五六七八九十" for c in text):
        return None
    value = cn_to_number(text)
    return int(value) if value is not None else None


@lru_cache(maxsize=1024)
def cn_numeral(n: int, legal: bool = False) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五, 110 -> 一百一十.

    ``legal``: the financial digits Word's chineseLegalSimplified uses (105 -> 壹佰零伍).
    """
    return str(_cn2an().an2cn(n, "up" if legal else "low"))
