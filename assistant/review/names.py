"""unsupported_name: an organisation, place, person or meeting the facts do not name.

A model rewrites "市委党校" as "省委党校", "城关镇" as "城南镇", "二十届三中全会" as
"二十届四中全会". Names are found by their head word (党校, 宣传部, 中心, 镇, 全会 …) and the
characters before it; a name is flagged when no fact has it and either a fact has the same
head with other characters before it (a changed name) or the name is specific by itself (an
office of a named level, a numbered local meeting, a person with 同志). Generic bodies
(市委, 上级党委, 党中央) and national meetings a draft cites as framing (党的二十大) are not
names to check unless a fact names a different one.

Places and people are found by structure, not by a list: a place is the jieba words before a
head (社区/街道/村/镇/乡) up to a verb, particle, number or generic word ("在和平里社区" ->
和平里社区; "各社区", "辖区社区", "全镇28个村", "乡村振兴" name none); a person is a surname and
a given name next to a title or a role ("老党员周桂兰", "刘建华研究员") and is compared by the
name alone, so a moved or dropped title is the same person. A body without a level word is
found the same way before its head (小学/公司/医院/局 …) when a proper word or a level starts
it ("宏达建材公司", "县卫健局"); a body the facts give in a shorter or longer form ("县医院" for
县人民医院) is theirs. An honour after 荣获/被评为 with a level, a “quoted” campaign and a
surname with a title ("李书记") are checked against the facts' own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba

from assistant.models import Flag
from assistant.review.context import Context, squash
from assistant.review.formulas import cut_words, tag, word_freq
from assistant.review.numbers import bigrams, coverage
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
# A place: the characters before 社区/街道/村/镇/乡 that name it ("和平里社区", "石桥村"), found
# by jieba's words before the head: a verb, a particle, a measure word or a generic word ends it.
_PLACE_HEAD = re.compile(r"社区|街道|村|镇|乡")
# A head followed by these makes a common word, not a name's end (村庄, 村民, 乡镇, 乡村).
_NOT_HEAD_END = {
    "村": re.compile(r"[庄民级干务落规容居医官情]"),
    "乡": re.compile(r"[村镇土亲情贤愁风音间下里]"),
    "镇": re.compile(r"[级压静痛定守住]"),
    "街道": re.compile(r"[口边旁]"),
    "社区": re.compile(r"(?!x)x"),
}
# Characters that end a name's left side (verbs and particles before a name).
_LEFT_STOP = set("在与和及到赴由向对从为把被将于共同的了是组织邀请依托联合会同开展举办召开参加")
# A word that begins with the head and goes on as a body of the place ("村委会", "镇党委").
_BODY_AFTER = re.compile(r"委|党|两委|政府|人民|卫生院|办")
# Parts of speech of a word that is a name ("城关镇" ns, "红星村" nr), or that jieba lacks.
_NAME_POS = frozenset(["ns", "nr", "nz", "nt", "s", "nrt", ""])
# A word of these parts of speech right before the head is no name ("健全街道", "工业强镇").
_NOT_NAME_POS = frozenset("v vn a ad d i l an".split())  # noqa: SIM905
# Parts of speech that end a name's left side: verbs, particles, pronouns, numbers, adverbs.
_STOP_POS = frozenset("p c u uj ul ug uz uv ud v vd vn d r m mq q b ad x".split())  # noqa: SIM905
# Words before a place head that make it generic, not a name.
_GENERIC_PLACE = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "各 全 每 所有 全部 其他 其余 多个 部分 个别 基层 农村 城乡 城市 城镇 乡镇 村居 和谐 文明 "
        "示范 试点 重点 偏远 边远 相关 辖区 周边 附近 所在 所属 我 本 该 社区 街道 行政 自然 贫困 "
        "脱贫 美丽 乡村 特色 老旧 安置 搬迁 拆迁 城郊 城中 中心 星级 智慧 完整 平安 书香 红色 党建 "
        "模范 先进 典型 薄弱 后进 软弱涣散 涉农 指导 新建 加强 健全 绿色 宜居 样板 标杆 新型 传统 "
        "一般 相邻 毗邻 沿线 沿街 城区 郊区 山区 库区 景区 园区 牧区 林区 矿区 老区 新区"
    ).split()
)
_GENERIC_PERSON = re.compile(
    r"全体|广大|青年|老|女|各位|党员|干部|基层|机关|年轻|新|优秀|先进|领导|负责"
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
        "山区",
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
# Roles that come before a person's name only ("老党员周桂兰", "志愿者代表李红梅").
_ROLES = (
    "党员|居民|村民|志愿者|代表|网格员|职工|教师|医生|护士|民警|辅警|村医|社工|学生|家长|退役军人|讲师"
    "|工程师|技术员|律师|法官|检察官|记者|作家|企业家|负责人|带头人|致富能手|劳模|馆长|会长|社长|主编"
    "|院士|博士|医师|调解员|宣讲员|辅导员|指导员|联络员|专干|干事|支书|第一书记|同学|师傅|女士|先生"
)
_TITLE_THEN_NAME = re.compile(
    rf"(?P<title>{_TITLES}|{_ROLES})(?P<name>[{_SURNAMES}]{_CJK}{{1,2}})"
    r"(?=[、，,。；;和及与等带作为在率同出主参讲指强到分介发说表获被荣领牵负组开深走上宣担任（(（”]|$)"
)
_NAME_THEN_TITLE = re.compile(
    rf"(?<![{_SURNAMES}])(?P<name>[{_SURNAMES}]{_CJK}{{1,2}}?)(?P<title>{_TITLES})"
)


def _person_name(name: str) -> bool:
    """A surname and a given name, not a word that starts with a surname's character ("严格",
    "江苏省", "高度")."""
    return not any(word_freq(w) and not tag(w).startswith("nr") for w in (name, name[:2]))


# An honour with a level, after the verb that confers it ("荣获全国五四红旗团委称号").
_HONOUR_RE = re.compile(
    r"(?:被评为|评为|荣获|获评|获得|入选|被授予|授予|被命名为|命名为|被确定为|确定为|成功创建|创成)"
    r"(?P<name>(?:全国|国家级|省级|市级|县级|全省|全市|全县|中国|[省市县])"
    r"[^，,。；;、：:\n（(〔\[【“”《》]{2,16}?)"
    r"(?=称号|荣誉|等|[，,。；;、（(〔\[\n]|$)"
)
# A meeting or event of a level ("全县安全生产工作会议", "全市职工运动会").
# A bare 省/市/县/区 is a level only where a word cannot end in it ("社区…会议" is no 区 level).
_EVENT_LEVEL = (
    r"全国|全省|全市|全县|全区|全镇|(?<![\u4e00-\u9fff])(?:国家级|省级|市级|县级|[省市县区])"
    r"|(?<=召开|参加|举办|出席|组织|承办)(?:国家级|省级|市级|县级|[省市县区])"
)
_EVENT_RE = re.compile(
    rf"(?P<level>{_EVENT_LEVEL})(?P<rest>{_CJK}{{2,14}}?)"
    r"(?P<head>工作会议|会议|大会|推进会|现场会|座谈会|观摩会|培训班|研讨会|论坛|大赛|运动会|文化节|艺术节)"
)
# A named campaign in quotes ("“暖心护航”志愿服务活动").
_ACTIVITY_RE = re.compile(
    r"“(?P<q>[^“”\n]{2,12})”(?:专项行动|系列活动|主题活动|志愿服务活动|志愿服务|行动|活动|工程|计划"
    r"|品牌|工作法|服务队|项目|工作室|讲堂|课堂)"
)
# A person by surname and title alone ("李书记", "王局长").
_SURNAME_TITLE = re.compile(
    rf"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[由和与及向请在对经据陪]))"
    rf"(?P<name>[{_SURNAMES.replace('向', '').replace('于', '')}])"
    r"(?P<title>书记|局长|县长|市长|区长|镇长|乡长|主任|部长|校长|院长|处长|科长|所长|站长|队长|经理"
    r"|主席|厅长|董事长|总经理|老师|教授)"
)


@dataclass(frozen=True)
class Name:
    kind: str  # "org" | "place" | "meeting" | "person"
    text: str
    head: str
    start: int
    end: int
    core: str = ""  # a person's name without the title ("刘建华" of "刘建华研究员")


def _trim_left(text: str, s: int, e: int, head_len: int) -> int:
    """Move a name's start past verbs and particles caught before it ("邀请省委党校" -> 省委党校)."""
    while s < e - head_len and text[s] in _LEFT_STOP:
        s += 1
    return s


def _words(text: str, base: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, part of speech) of every jieba word of ``text``, single characters too
    (offsets from ``base``)."""
    out = []
    pos = base
    for w in jieba.lcut(text, HMM=False):
        out.append((pos, pos + len(w), tag(w)))
        pos += len(w)
    return out


def _places(text: str) -> list[Name]:
    """Places named by a head word and the words before it: "在和平里社区" -> 和平里社区; a
    generic "各社区", "辖区社区", "全镇28个村", "乡村振兴" names none."""
    out: list[Name] = []
    for m in _PLACE_HEAD.finditer(text):
        head, hs, he = m.group(), m.start(), m.end()
        if _NOT_HEAD_END[head].match(text, he) or (head == "镇" and text[hs - 1 : hs] == "乡"):
            continue
        # jieba on the head's neighbourhood only (a name is at most 4 characters before it): the
        # whole draft cut once more cost a third of the check
        lo = max(0, hs - 8)
        words = _words(text[lo : he + 4], lo)
        # the head ends a word ("社区", "石桥|村", "城关镇") or begins a body's word ("村委会");
        # inside a common word ("农村", "示范村", "村容村貌") it names no place
        at = next(w for w in words if w[0] <= hs < w[1])
        if at[1] > he and not (at[0] == hs and _BODY_AFTER.match(text[he : at[1]])):
            continue
        if at[0] < hs and (at[2] not in _NAME_POS or text[at[0] : at[1]] in _GENERIC_PLACE):
            continue  # "城镇" is ns to jieba, and no name
        start = hs
        for ws, we, pos in reversed(words):
            if ws >= hs:
                continue
            part = text[ws : min(we, hs)]
            if (
                not re.fullmatch(rf"{_CJK}+", part)
                or (we <= hs and pos in _STOP_POS)
                or part in _GENERIC_PLACE
                or any(part.startswith(g) for g in ("各", "全", "每", "本", "该", "我"))
                or hs - ws > 4
            ):
                break
            start = ws
        pre = text[start:hs]
        last = next((w for w in reversed(words) if w[0] < hs), None)
        if (
            hs - start < 2
            or any(pre.endswith(g) for g in _GENERIC_PLACE if len(g) > 1)
            # a verb or a quality before the head ("指导街道", "健全街道", "工业强镇")
            or (
                last is not None
                and last[2] in _NOT_NAME_POS
                and (last[0] == start or last[1] - last[0] == 1)
            )
        ):
            continue
        out.append(Name("place", text[start:he], head, start, he))
    return out


# Heads of a body's name without a level word ("红星小学", "宏达建材公司", "县卫健局"), longest first.
_BODY_HEAD = re.compile(
    r"卫生院|卫生室|幼儿园|合作社|基金会|研究院|研究所|委员会|办公室|检察院|派出所|"
    r"医院|小学|中学|学校|大学|学院|公司|集团|协会|商会|学会|银行|党校|法院|中心|局|厅|"
    # halls and sites: a named museum, reservoir, park or industrial park ("红旗水库")
    r"博物馆|纪念馆|图书馆|文化馆|美术馆|档案馆|展览馆|科技馆|体育馆|水库|大桥|隧道|工业园|产业园|"
    r"开发区|景区|公园|广场|小区|大道|机场"
)
_SITE_HEADS = frozenset("水库 大桥 隧道 工业园 产业园 开发区 景区 公园 广场 小区 大道 机场".split())  # noqa: SIM905
# A body's name part ends at these parts of speech (a verb of two characters or more too).
_BODY_STOP_POS = frozenset("p c u uj ul ug uz uv ud r d q m mq x".split())  # noqa: SIM905
_LEVEL_WORDS = frozenset("省 市 县 区 州 旗 国家 中央 中国 全国 省委 市委 县委 区委".split())  # noqa: SIM905
# Words that make a body a class of bodies ("县级医院", "定点医院", "中小学校").
_GENERIC_BODY = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "各 全 本 该 我 有关 相关 上级 各级 基层 所属 辖区 多家 部分 各类 重点 定点 民营 公立 私立 "
        "村级 乡镇 市级 县级 省级 国有 中小 其他 全市 全县 全区 全省 全镇 驻地 属地 周边 合作 签约 "
        "新建 建成 打造 建设 新增 病险 老旧 老旧小区 城镇 城市 城市公园 口袋公园 文化广场 养老 居家 嵌入式 区域性 社区 普惠性 普惠 中小学 中小学校 高等院校 "
        "职业院校 医疗机构"
    ).split()
)


def _bodies(text: str) -> list[Name]:
    """Bodies named by a head and a name part with a proper word or a level before it: "与宏达
    建材公司", "县卫健局", "国家保密局"; a class ("县级医院", "各学校") or a bare head names none."""
    out: list[Name] = []
    for m in _BODY_HEAD.finditer(text):
        head, hs, he = m.group(), m.start(), m.end()
        lo = max(0, hs - 10)
        words = _words(text[lo : he + 4], lo)
        at = next(w for w in words if w[0] <= hs < w[1])
        if at[1] > he or text[at[0] : at[1]] in _GENERIC_BODY:
            continue  # "局长", "公司法": the head goes on as another word; "中小学" is a class
        if head == "中心" and re.match(r"工作|任务|环节|城区|位置|地位|思想|组|大局", text[he:]):
            continue  # "市委中心工作", "中心组"
        start = at[0] if at[0] < hs else hs
        proper = at[0] < hs and at[2] in _NAME_POS and at[2] != ""
        first = text[start:hs]
        for ws, we, pos in reversed(words):
            if we > start:
                continue
            part = text[ws:we]
            if (
                not re.fullmatch(rf"{_CJK}+", part)
                or (pos in _BODY_STOP_POS and not part.startswith("第"))
                or pos == "v"
                or part in _GENERIC_BODY
                or hs - ws > 8
            ):
                break
            start = ws
            proper = proper or (pos in _NAME_POS and pos != "")
            first = part
        pre = text[start:hs]
        if (
            len(pre) < 1
            or any(pre.startswith(g) for g in _GENERIC_BODY)
            or any(g in pre for g in _GENERIC_BODY if len(g) > 1)  # "力争老旧小区"
        ):
            continue
        if not (proper or first in _LEVEL_WORDS) or len(pre) + len(head) < 3:
            continue
        kind = "site" if head in _SITE_HEADS else "org"
        out.append(Name(kind, text[start:he], head, start, he))
    return out


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
        if "级" in m.group("pre")[:3]:
            continue  # a class of bodies ("县级医院", "市级媒体"), not one body
        out.append(Name("org", text[s : m.end()], m.group("head"), s, m.end()))
    taken = [(n.start, n.end) for n in out]
    out += [p for p in _places(unquoted) if not any(a <= p.start < b for a, b in taken)]
    taken = [(n.start, n.end) for n in out]
    out += [
        b
        for b in _bodies(unquoted)
        if not any(a <= b.start < e or a < b.end <= e for a, e in taken)
    ]
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
            name, end = m.group("name"), m.end()
            if rx is _TITLE_THEN_NAME and len(name) == 3 and word_freq(text[end - 1 : end + 1]):
                name, end = name[:2], end - 1  # "县长刘伟带领": 带领 is a word, not 刘伟带
            if not any(n.start <= m.start("name") < n.end for n in out) and _person_name(name):
                out.append(Name("person", text[m.start() : end], "人", m.start(), end, name))
    for m in _PERSON_RE.finditer(unquoted):
        if _GENERIC_PERSON.search(m.group("name")):
            continue
        s = _trim_left(text, m.start(), m.end(), 2)
        if any(n.start <= s < n.end for n in out):
            continue  # "书记陈志刚同志": the title's match has it
        out.append(
            Name(
                "person",
                text[s : m.end()],
                "同志",
                s,
                m.end(),
                text[s : m.start("name") + len(m.group("name"))],
            )
        )
    for m in _HONOUR_RE.finditer(work):
        out.append(Name("honour", m.group("name"), "荣誉", m.start("name"), m.end("name")))
    for m in _EVENT_RE.finditer(work):
        if not any(n.start <= m.start() < n.end for n in out):
            out.append(Name("event", m.group(), m.group("head"), m.start(), m.end()))
    for m in _ACTIVITY_RE.finditer(work):
        out.append(Name("activity", m.group(), "活动", m.start(), m.end(), m.group("q")))
    for m in _SURNAME_TITLE.finditer(unquoted):
        if not any(n.start <= m.start() < n.end for n in out):
            out.append(Name("person", m.group(), "姓", m.start(), m.end()))
    return sorted(out, key=lambda n: n.start)


def _specific(n: Name, text: str) -> bool:
    """A name worth checking even when no fact has a name of its kind: a person, a place the
    draft says someone went to ("赴浙江", "到井冈山")."""
    if n.kind == "meeting":
        return bool(re.match(r"[省市县区]委", n.text)) or n.text.startswith("第")
    if n.kind == "institution":
        return True
    if n.kind == "org":
        # a body the draft says it worked with or went to ("邀请国家保密局专家", "与宏达建材
        # 公司签订"), not one it reports under ("在县委宣传部的指导下")
        before = text[max(0, n.start - 2) : n.start]
        after = text[n.end : n.end + 8]
        return bool(
            re.search(r"(?:邀请|请|与|同|联合|携手|会同|赴|到|在|依托|委托|走访)$", before)
        ) and not re.match(r"的?[\u4e00-\u9fff]{0,4}(?:领导|指导|关心|支持|部署|要求)", after)
    if n.kind == "place":
        # a place the draft says someone went to or the work happened in ("在柳溪村召开…")
        went = r"(?:赴|到|去|前往|来自|走进|深入)$"
        if n.head != "ns" or re.search(r".[^城地社园市县区][省市县区州]$", n.text):
            # a village, a street, or a named city or county ("在安吉县召开…")
            went = r"(?:在|于|赴|到|去|前往|来自|走进|深入|走访)$"
        return bool(re.search(went, text[max(0, n.start - 2) : n.start]))
    return n.kind in ("person", "honour", "activity")


def _rivals(n: Name, fact_names: Sequence[Name], fact_text: str) -> list[str]:
    """What the facts call the thing a draft's name names, when they call it otherwise."""
    core = squash(n.text)
    if n.kind == "level":
        # the same honour at another level ("市级智慧校园示范校" for "省级…")
        return (
            [
                f.text
                for f in fact_names
                if f.kind == "level" and f.head == n.head and squash(f.text) != core
            ]
            or [
                m.group()
                for m in _LEVEL_WORD.finditer(fact_text)
                if m.group() not in n.text
                # the facts' level is on the same thing ("省级…示范校"), not anywhere in them
                and coverage(
                    bigrams(n.text[len(_level_of(n.text)) :]),
                    bigrams(fact_text[m.end() : m.end() + 16]),
                )
                >= 0.4
            ][:1]
        )
    if n.kind == "ordinal":
        # the facts tell the thing without its ordinal ("文物普查" for "第四次全国文物普查")
        tail = squash(n.text[n.text.find(n.head) :])
        seen = next(
            (tail[i : i + 4] for i in range(len(tail) - 3) if tail[i : i + 4] in squash(fact_text)),
            "",
        )
        if seen and not _ORDINAL_NAME.search(fact_text):
            return [seen]
    if n.kind == "event":
        # the same meeting at another level ("全市…工作会议" for 全县…): its words but the level
        m = _EVENT_RE.match(n.text)
        rest = bigrams(m.group("rest")) if m else set()
        out = []
        for f in fact_names:
            fm = _EVENT_RE.match(f.text) if f.kind == "event" and f.head == n.head else None
            if (
                fm
                and m
                and _level_class(fm.group("level")) != _level_class(m.group("level"))
                and coverage(rest, bigrams(fm.group("rest"))) >= 0.6
            ):
                out.append(f.text)
        return out
    if n.kind == "meeting" and "全会" in n.text:
        return [f.text for f in fact_names if f.kind == "meeting"] or (
            ["全会"] if "全会" in fact_text else []
        )
    if n.head == "ns":
        return []  # jieba's place words: any two differ, and many are no place ("深度", "新建")
    return [
        f.text
        for f in fact_names
        if f.kind == n.kind
        and _key(f) == _key(n)
        and squash(f.text) != core
        and not _same_in_other_length(n, f)
    ]


def _level_class(level: str) -> str:
    """国/省/市/县/区/镇 of a level word (全省 = 省级 = 省)."""
    return next((c for c in "国省市县区镇" if c in level), level)


def _level_of(text: str) -> str:
    m = _LEVEL_WORD.match(text)
    return m.group() if m else ""


def _key(n: Name) -> str:
    """What makes two names rivals: the same head, and for an office the same last character
    ("县教育局" and "县卫健局" are both a 局)."""
    if n.kind == "org" and n.head[-1] in "局厅部办":
        return n.head[-1]
    return n.head


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _same_in_other_length(n: Name, f: Name) -> bool:
    """The facts' name in a shorter or longer form ("县医院" for 县人民医院, "向阳里社区" for
    向阳里社区居委会's 向阳里社区): one name part holds the other's characters in order."""
    if n.kind not in ("org", "place", "institution", "site"):
        return False
    k = _key(n)
    a = squash(n.text.removesuffix(k))
    b = squash(f.text.removesuffix(k))
    return bool(a and b) and (_subsequence(a, b) or _subsequence(b, a))


_KIND_LABEL = {
    "org": "单位名称",
    "place": "地名",
    "meeting": "会议名称",
    "person": "人名",
    "level": "级别",
    "ordinal": "名称",
    "institution": "单位名称",
    "honour": "荣誉名称",
    "activity": "活动名称",
    "site": "名称",
    "event": "会议或活动名称",
}


@lru_cache(maxsize=16)
def fact_names_of(fact_text: str) -> tuple[Name, ...]:
    """The names in a fact set, cut once per fact set (a desk re-check or the next section's
    check reads the same facts)."""
    return tuple(names(fact_text))


def _own_unit(draft: str, n: Name) -> bool:
    """The reporting unit itself: an anonymised name ("XX县教育局"), or a body named on the
    title line or a signature line (a line with no sentence in it)."""
    if re.search(r"(?:XX|xx|××|某)$", draft[max(0, n.start - 2) : n.start]):
        return True
    if n.kind not in ("org", "place"):
        return False
    line_start = draft.rfind("\n", 0, n.start) + 1
    line_end = draft.find("\n", n.end)
    line = draft[line_start : line_end if line_end >= 0 else len(draft)]
    first = not draft[:line_start].strip()
    return not re.search(r"[。；;，,]", line) and (first or len(line.strip()) <= len(n.text) + 12)


def _named_so(text: str, fact_text: str) -> bool:
    """A surname and title the facts give, with the given name between or the title first."""
    sur, title = text[0], text[1:]
    return bool(re.search(rf"{sur}{_CJK}{{0,2}}{title}|{title}{sur}", fact_text))


def _bare_in_facts(name: str, fact_text: str) -> bool:
    """The name without its level word is the facts' own, told there with no other level."""
    m = re.match(r"(?:国家|中央|[省市县区州])委?", name)
    rest = name[m.end() :] if m else ""
    if len(rest) < 3:
        return False
    return any(
        fact_text[max(0, i - 2) : i][-1:] not in "省市县区州委" or i == 0
        for i in (k.start() for k in re.finditer(re.escape(rest), fact_text))
    )


def _honour_given(name: str, fact_sq: str) -> bool:
    """An honour the facts give in other words: its level word and most of its words."""
    level = re.match(r"全国|国家级|省级|市级|县级|全省|全市|全县|中国|[省市县]", name)
    if level is None:
        return False
    # the same level in another word: 全省 = 省级 = 省, 全国 = 国家级
    same = {
        "国": "全国|国家级|国家|中国",
        "省": "全省|省级|省",
        "市": "全市|市级|市",
        "县": "全县|县级|县",
    }
    cls = next(c for c in "国省市县" if c in level.group())
    if not re.search(same[cls], fact_sq):
        return False
    grams = bigrams(name[level.end() :])
    return bool(grams) and coverage(grams, bigrams(fact_sq)) >= 0.6


def unsupported_name(ctx: Context) -> list[Flag]:
    fact_sq = ctx.fact_text_sq
    fact_text = "\n".join(f.text for f in ctx.facts)
    fact_names = fact_names_of(fact_text)
    out: list[Flag] = []
    for n in names(ctx.draft, ctx.once("cut", lambda: cut_words(ctx.draft))):
        core = squash(n.text)
        if core in fact_sq or squash(n.text.removeprefix("党的")) in fact_sq:
            continue
        if _own_unit(ctx.draft, n):
            continue
        if n.core and squash(n.core) in fact_sq:
            continue  # the facts' person, the title moved or changed ("研究员刘建华")
        if n.kind in ("org", "site") and _bare_in_facts(n.text, fact_text):
            continue  # "县融媒体中心" for the facts' 融媒体中心
        if n.head == "姓" and _named_so(n.text, fact_text):
            continue  # "王书记" for the facts' 党委书记王强
        if n.kind == "honour" and _honour_given(n.text, fact_sq):
            continue
        if n.kind == "activity" and (
            ctx.in_copied(n.start) or any(squash(n.core) in ei.norm.chars for ei in ctx.exinfo)
        ):
            continue  # a sample's campaign: copied_from_sample tells it
        if (
            n.kind == "place"
            and n.head in PLACE_HEADS
            and squash(n.text[: -len(n.head)]) in fact_sq
        ):
            continue  # the facts' place without its head ("向阳里" for 向阳里社区)
        if n.kind == "level" and squash(_LEVEL_WORD.match(n.text).group()) in fact_sq:  # type: ignore[union-attr]
            continue  # the level is the facts' own; the words after it are the claim's business
        if any(
            f.kind == n.kind and _key(f) == _key(n) and _same_in_other_length(n, f)
            for f in fact_names
        ):
            continue  # "县医院" for the facts' 县人民医院
        rivals = _rivals(n, fact_names, fact_text)
        if not rivals and not _specific(n, ctx.draft):
            continue
        label = _KIND_LABEL[n.kind]
        if rivals:
            reason = f"素材中是“{rivals[0]}”，草稿写成了“{n.text}”，请核对{label}"
        else:
            reason = f"素材中没有提到“{n.text}”，请核对{label}或删除"
        out.append(Flag("unsupported_name", n.text, n.start, n.end, reason))
    return out
