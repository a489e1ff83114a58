"""Units of count and the qualifiers around a number ("20余场次", "近300篇", "约5万人").

Units that say the same thing in other words (场 ~ 场次 ~ 次) share a family, so "召开会议20场"
and "20次会议" agree. Qualifiers have a direction: 余/多/超过 say "at least", 近/不足 "at most".
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


# Longest first so "场次" wins over "场" and "个百分点" over "个".
UNITS = sorted(
    _words("""人次 场次 期次 篇次 个百分点 百分点 平方公里 平方米 公里 千米 小时 课时 学时 个月 个 次 场 篇 条 期
    家 册 元 名 人 位 项 件 起 天 户 所 处 支 批 份 本 套 台 辆 间 座 米 亩 吨 倍 类 门 节 轮 组 部 首
    幅 张 块 种 届 年 周 岁 笔 单 例 堂 讲 班 % ‰"""),
    key=len,
    reverse=True,
)

# Units that say the same thing in other words (场 ~ 场次 ~ 次); "" matches any unit.
_UNIT_FAMILY: dict[str, str] = {}
for _fam, _members in {
    "event": "次 场 场次 期 期次 轮 批 届 堂 讲 班 节",
    "item": "个 家 处 所 座 间 户 支 项 件 类 种 套 台 块 张 本 册 份 部 条 篇 篇次 首 幅 笔 单 门 组",
    "incident": "起 例",
    "person": "名 人 位 人次",
    "percent": "% 百分点 个百分点",
    "time": "年 个月 天 周 小时 课时 学时",
}.items():
    for _u in _members.split():
        _UNIT_FAMILY[_u] = _fam


def unit_family(unit: str) -> str:
    return _UNIT_FAMILY.get(unit, unit)


def units_compatible(a: str, b: str) -> bool:
    return not a or not b or unit_family(a) == unit_family(b)



# Qualifiers before a number ("超过20次", longest first) and after it ("20余次", "20次左右").
PREFIX_QUALIFIERS = ("超过", "将近", "接近", "不足", "不到", "近", "超", "约", "逾")
SUFFIX_QUALIFIERS = ("左右", "以上", "以下", "余", "多")
_BELOW = frozenset({"近", "将近", "接近", "不足", "不到", "以下"})
_ABOVE = frozenset({"余", "多", "超过", "超", "逾", "以上"})


def direction(qualifier: str) -> int:
    """-1 for "at most" (近, 不足), 1 for "at least" (余, 超过), 0 for none or "about" (约)."""
    return -1 if qualifier in _BELOW else 1 if qualifier in _ABOVE else 0
