"""unsupported_name: an organisation, place, person or meeting the facts do not name.

A model rewrites "市委党校" as "省委党校", "城关镇" as "城南镇", "二十届三中全会" as
"二十届四中全会". Names are found by their head word (党校, 宣传部, 中心, 镇, 全会 …) and the
characters before it; a name is flagged when no fact has it and either a fact has the same
head with other characters before it (a changed name) or the name is specific by itself (an
office of a named level, a numbered local meeting, a person with 同志). Generic bodies
(市委, 上级党委, 党中央) and national meetings a draft cites as framing (党的二十大) are not
names to check unless a fact names a different one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import Flag
from assistant.review.context import Context, squash
from assistant.review.formulas import cut_words, tag
from assistant.text.quantities import QUOTE_RE, TITLE_RE, mask

_CJK = r"[\u4e00-\u9fff]"
# Heads of organisation names, longest first.
ORG_HEADS = sorted(
    (  # noqa: SIM905 - a word list reads better as one string
        "党校 宣传部 组织部 统战部 网信办 文明办 融媒体中心 新时代文明实践中心 新时代文明实践所 "
        "新时代文明实践站 图书馆 文化馆 博物馆 纪念馆 档案馆 展览馆 美术馆 电视台 广播电视台 日报社 报社 "
        "日报 学院 大学 中学 小学 学校 党工委 管委会 纪委 监委 委员会 人大常委会 政协 研究院 研究所 研究会 "
        "协会 学会 联合会 基金会 集团 公司 医院 法院 检察院 公安局 教育局 文旅局 宣传中心 服务中心 "
        "党群服务中心 文化站 综合文化站 工作站 服务站 讲习所 讲堂"
    ).split(),
    key=len,
    reverse=True,
)
PLACE_HEADS = ("街道", "社区", "镇", "乡", "村")
# Level words that make an office a named one: 省委党校, 市融媒体中心, 县图书馆.
_LEVEL = r"(?:(?<![全各本该我两多每])[省市县区州旗]委?|中央|国家)"
# Only names with a level word are told apart ("市委党校" vs "省委党校"); a bare head
# ("党校") is the same name in any text.
_ORG_RE = re.compile(rf"(?P<pre>{_LEVEL}{_CJK}{{0,3}}?)(?P<head>{'|'.join(ORG_HEADS)})")
# A place: two or three name characters before 镇/乡/村/街道/社区 ("城关镇", "红旗村").
_PLACE_RE = re.compile(
    rf"(?P<pre>{_CJK}{{2,3}})(?P<head>街道|社区|镇|乡|村)(?![\u4e00-\u9fff]?[级民委干])"
)
# Characters that end a name's left side (verbs and particles before a name).
_LEFT_STOP = set("在与和及到赴由向对从为把被将于共同的了是组织邀请依托联合会同开展举办召开参加")
# Words before a place head that make it generic, not a name.
_GENERIC_PLACE = re.compile(
    r"各|全|每|所有|基层|农村|城乡|城市|城镇|乡镇|村居|和谐|文明|示范|试点|重点|偏远|相关|辖区|周边|"
    r"个|所|我|本|该|社区|行政|自然|贫困|美丽|乡村|特色|下|进|驻|入|回|返|走|包|联|到|完成|建成|新建|打造|改善"
    r"|建设|推进|覆盖|实现|开展|每|量|等|成|了"
)
_GENERIC_PERSON = re.compile(
    r"全体|广大|青年|老|女|各位|党员|干部|基层|机关|年轻|新|优秀|先进|领导"
)
# Meetings: 二十届三中全会, 党的二十大, 第三次党代会, 市委十三届五次全会.
_MEETING_RE = re.compile(
    r"(?P<name>(?:[省市县区]委)?(?:[一二三四五六七八九十]{1,3}|\d{1,2})届(?:[一二三四五六七八九十\d]{1,3})(?:中|次)全会"
    r"|(?:党的)?(?:十[一二三四五六七八九]?|二十[一二三四五六七八九]?)大"
    r"|第[一二三四五六七八九十\d]{1,3}次(?:党代会|党员代表大会|代表大会|全会|全体会议))"
)
# Levels of an honour or a body: 省级示范校 vs 市级示范校, 国家级 vs 省级.
_LEVEL_WORD = re.compile(r"(?:国家|省|市|县|区|镇|乡|村|地市|州)级")
_LEVEL_NAME = re.compile(
    rf"(?P<level>(?:国家|省|市|县|区|镇|乡|地市|州)级)(?P<tail>(?:{_CJK}|[“”\"]){{1,14}}?)"
    r"(?=[，,。；;、：:\n（(〔\[【]|\d|$|[个家名所项次人])"
)
# Ordinal names: 第四次全国经济普查, 第五届文化节.
_ORDINAL_NAME = re.compile(
    rf"第[一二三四五六七八九十百\d]{{1,4}}[次届批期轮](?P<tail>{_CJK}{{2,12}})"
)
# Heads of a named institution, and national bodies every report may name as framing.
_INSTITUTION_HEADS = ("大学", "学院", "研究院", "研究所", "医院", "出版社", "日报", "电视台")
_NATIONAL_BODIES = frozenset(
    [
        "党中央",
        "中共中央",
        "国务院",
        "中央",
        "全国人大",
        "全国政协",
        "人民法院",
        "人民检察院",
        "共青团",
        "人民政府",
        "解放军",
        "中国共产党",
    ]
)
# Words jieba knows as place names that are not names of a place in a report's sense.
_NOT_PLACES = frozenset(
    [
        "中国",
        "全国",
        "国家",
        "中央",
        "全省",
        "全市",
        "全县",
        "全区",
        "全镇",
        "基层",
        "农村",
        "城乡",
        "地方",
        "本地",
        "当地",
        "国内",
        "国际",
        "海外",
        "省外",
        "市外",
        "县城",
        "城区",
        "城市",
        "城镇",
        "乡村",
        "社区",
        "中华",
        "华夏",
        "祖国",
        "东部",
        "西部",
        "中部",
        "南方",
        "北方",
    ]
)
_PERSON_RE = re.compile(rf"(?P<name>{_CJK}{{2,3}})同志")
# A person by surname and title: "李明教授", "县长刘伟", "王强同志".
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤"
)
_TITLES = (
    "教授|副教授|研究员|书记|副书记|局长|副局长|县长|副县长|市长|副市长|区长|镇长|乡长|主任|副主任|部长"
    "|副部长|校长|副校长|院长|处长|科长|董事长|总经理|经理|老师|专家|主席|厅长|所长|站长|队长|村支书"
)
_TITLE_THEN_NAME = re.compile(
    rf"(?P<title>{_TITLES})(?P<name>[{_SURNAMES}]{_CJK}{{1,2}}?)(?=[、，,。；;和及与等带作为在率同出主参讲指强到]|$)"
)
_NAME_THEN_TITLE = re.compile(
    rf"(?<![{_SURNAMES}])(?P<name>[{_SURNAMES}]{_CJK}{{1,2}}?)(?P<title>{_TITLES})"
)


@dataclass(frozen=True)
class Name:
    kind: str  # "org" | "place" | "meeting" | "person"
    text: str
    head: str
    start: int
    end: int


def _trim_left(text: str, s: int, e: int, head_len: int) -> int:
    """Move a name's start past verbs and particles caught before it ("邀请省委党校" -> 省委党校)."""
    while s < e - head_len and text[s] in _LEFT_STOP:
        s += 1
    return s


def names(text: str, cut: list[tuple[int, str]] | None = None) -> list[Name]:
    """Organisation, place, meeting and person names in ``text`` (titles and quotes aside).
    ``cut``: the text's words from ``cut_words``, when the caller has them."""
    work = mask(text, [(m.start(), m.end()) for m in TITLE_RE.finditer(text)])
    unquoted = mask(work, [(m.start(), m.end()) for m in QUOTE_RE.finditer(work)])
    out: list[Name] = []
    for m in _MEETING_RE.finditer(work):
        out.append(Name("meeting", text[m.start() : m.end()], "会", m.start(), m.end()))
    for m in _ORG_RE.finditer(work):
        s = m.start()
        out.append(Name("org", text[s : m.end()], m.group("head"), s, m.end()))
    for m in _PLACE_RE.finditer(unquoted):
        pre = m.group("pre")
        if (
            m.group("head") in pre
            or _GENERIC_PLACE.search(pre + m.group("head"))
            or any(n.start <= m.start() < n.end for n in out)
        ):
            continue
        s = _trim_left(text, m.start(), m.end(), len(m.group("head")))
        if m.end() - s - len(m.group("head")) < 2:
            continue
        out.append(Name("place", text[s : m.end()], m.group("head"), s, m.end()))
    for m in _LEVEL_NAME.finditer(work):
        out.append(
            Name("level", text[m.start() : m.end()], m.group("tail")[-2:], m.start(), m.end())
        )
    for m in _ORDINAL_NAME.finditer(work):
        tail = m.group("tail")[:4]
        out.append(Name("ordinal", text[m.start() : m.end()], tail, m.start(), m.end()))
    tokens = cut if cut is not None else cut_words(text)
    for i, (pos, w) in enumerate(tokens):
        # a named institution: jieba knows it ("北京师范大学"), or its head follows a name
        # ("中国" + "传媒大学")
        start = pos
        if w.endswith(_INSTITUTION_HEADS) and i > 0:
            ppos, pw = tokens[i - 1]
            if ppos + len(pw) == pos and tag(pw) in ("ns", "nz", "nt"):
                start = ppos
        head = next((h for h in _INSTITUTION_HEADS if w.endswith(h)), "")
        # a head with a name before it, not a bare "学院"/"高校"
        named = bool(head) and (start < pos or len(w) > len(head) + 1)
        if named and w not in _NATIONAL_BODIES and not any(n.start <= start < n.end for n in out):
            out.append(Name("institution", text[start : pos + len(w)], "机构", start, pos + len(w)))
            continue
        if (
            tag(w) == "ns"
            and w not in _NOT_PLACES
            and len(w) >= 2
            and not w.endswith(("化", "性"))
            and not any(n.start <= pos < n.end for n in out)
        ):
            out.append(Name("place", w, "ns", pos, pos + len(w)))
    for rx in (_TITLE_THEN_NAME, _NAME_THEN_TITLE):
        for m in rx.finditer(unquoted):
            if not any(n.start <= m.start("name") < n.end for n in out):
                out.append(Name("person", m.group(), "人", m.start(), m.end()))
    for m in _PERSON_RE.finditer(unquoted):
        if _GENERIC_PERSON.search(m.group("name")):
            continue
        s = _trim_left(text, m.start(), m.end(), 2)
        out.append(Name("person", text[s : m.end()], "同志", s, m.end()))
    return sorted(out, key=lambda n: n.start)


def _specific(n: Name, text: str) -> bool:
    """A name worth checking even when no fact has a name of its kind: a person, a place the
    draft says someone went to ("赴浙江", "到井冈山")."""
    if n.kind == "meeting":
        return bool(re.match(r"[省市县区]委", n.text)) or n.text.startswith("第")
    if n.kind == "institution":
        return True
    if n.kind == "place" and n.head == "ns":
        return bool(re.search(r"(?:赴|到|去|前往|来自|走进)$", text[max(0, n.start - 2) : n.start]))
    return n.kind == "person"


def _rivals(n: Name, fact_names: Sequence[Name], fact_text: str) -> list[str]:
    """What the facts call the thing a draft's name names, when they call it otherwise."""
    core = squash(n.text)
    if n.kind == "level":
        # the same honour at another level ("市级智慧校园示范校" for "省级…")
        return [
            f.text
            for f in fact_names
            if f.kind == "level" and f.head == n.head and squash(f.text) != core
        ] or [m.group() for m in _LEVEL_WORD.finditer(fact_text) if m.group() not in n.text][:1]
    if n.kind == "meeting" and "全会" in n.text:
        return [f.text for f in fact_names if f.kind == "meeting"] or (
            ["全会"] if "全会" in fact_text else []
        )
    return [
        f.text
        for f in fact_names
        if f.head == n.head and f.kind == n.kind and squash(f.text) != core
    ]


_KIND_LABEL = {
    "org": "单位名称",
    "place": "地名",
    "meeting": "会议名称",
    "person": "人名",
    "level": "级别",
    "ordinal": "名称",
    "institution": "单位名称",
}


@lru_cache(maxsize=16)
def fact_names_of(fact_text: str) -> tuple[Name, ...]:
    """The names in a fact set, cut once per fact set (a desk re-check or the next section's
    check reads the same facts)."""
    return tuple(names(fact_text))


def unsupported_name(ctx: Context) -> list[Flag]:
    fact_sq = ctx.fact_text_sq
    fact_names = fact_names_of("\n".join(f.text for f in ctx.facts))
    out: list[Flag] = []
    for n in names(ctx.draft, ctx.once("cut", lambda: cut_words(ctx.draft))):
        core = squash(n.text)
        if core in fact_sq or squash(n.text.removeprefix("党的")) in fact_sq:
            continue
        if n.kind == "level" and squash(_LEVEL_WORD.match(n.text).group()) in fact_sq:  # type: ignore[union-attr]
            continue  # the level is the facts' own; the words after it are the claim's business
        rivals = _rivals(n, fact_names, "\n".join(f.text for f in ctx.facts))
        if not rivals and not _specific(n, ctx.draft):
            continue
        label = _KIND_LABEL[n.kind]
        if rivals:
            reason = f"素材中是“{rivals[0]}”，草稿写成了“{n.text}”，请核对{label}"
        else:
            reason = f"素材中没有提到“{n.text}”，请核对{label}或删除"
        out.append(Flag("unsupported_name", n.text, n.start, n.end, reason))
    return out
