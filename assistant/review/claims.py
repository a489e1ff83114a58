"""unsupported_claim: a clause that states a deed, a problem, a measure or a result no fact gives.

A model fills a draft with plausible detail: "建立网络舆情快速反应机制，实行24小时值班",
"家长参与度不高", "实现班级全覆盖". Each clause of the draft is read as words (jieba); a word
counts as given when a fact has it, and as framing when the genre uses it everywhere (the
phrase table ``prompts/review_formulaic.txt``, mined from the sample corpus). A clause with
``MIN_NEW`` or more words that are neither, or with a quoted name the facts do not have, says
something new: it is flagged, clause by clause, so an invented clause inside a supported
sentence is flagged alone. Clauses matching an opening or closing formula are framing, and so
is what frames the deeds around them: a lead phrase before a colon, what the deeds aim at
(聚焦/围绕…) told before them, their benefit told after them (方便…/实现…, unless a target met or
an absolute), a standing beside peers without a figure, and in a sentence with a clause that
rests on a fact, the deed's effect told by its degree (有效/进一步/得到…) or its means (通过…).
A clause quoting a fact's own programme name is about that fact and needs one new word more; a
clause with the facts' number is the fact reworded unless it brings a new object (a noun, a
quoted name, an absolute): its new verbs do not count.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from assistant.models import Flag, Role
from assistant.review.context import Context, FactInfo, short, squash
from assistant.review.formulas import cut_words, load, slogans, synonyms, tag, word_freq, words
from assistant.review.numbers import bigrams, coverage
from assistant.text.citations import CITATION_RE, cited_ids
from assistant.text.headings import HEADING_FAMILIES, MARKER_RE, POINT_LEAD_RE
from assistant.text.quantities import QUOTE_RE, SET_PHRASES, TITLE_RE
from assistant.text.spans import clause_spans

_SET = frozenset(SET_PHRASES)
# A word this frequent in general Chinese (jieba's dictionary counts) names no specific object:
# "成为", "资源", "接受" are how any sentence is built, not what a claim is about.
GENERAL_FREQ = 15000
# New words a clause needs to be a claim.
MIN_NEW = 2
# Parts of speech that describe rather than state (adjectives, adverbs, idioms, numerals …):
# "文明乡风日益浓厚", "经费较为紧张" say a fact again in other words.
_DESCRIBING = ("a", "ad", "an", "d", "i", "l", "m", "q", "r", "p", "c", "u", "f", "t", "z", "b")
_NUMERAL_WORD = re.compile(r"^[零〇一二两三四五六七八九十百千万亿余多几]+")
# Absolute results a model likes to add ("实现全覆盖", "均已落实", "未发生一起"): each counts as
# a new word when no fact says it.
ABSOLUTES = re.compile(
    r"全部达到|均达到|全部通过|均通过|全覆盖|均已|全部|无一|零发生|未发生|未发现|一票否决|百分之百|满意率"
    r"|满意度"
)
# The strongest of them count twice: a result no fact gives ("全年未发生重大舆情事件").
_STRONG_ABSOLUTES = (
    "全覆盖", "无一", "零发生", "未发生", "未发现", "一票否决", "百分之百",
    "全部达到", "均达到", "全部通过", "均通过",
)  # fmt: skip
# A clause that evaluates what the facts did is framing ("有效提升了…意识", "文明乡风日益浓厚").
_EVALUATION = re.compile(
    r"^(?:有效|切实|进一步|不断|大大|显著|明显|全面)?(?:提升|提高|增强|营造|净化|促进|激发|凝聚|筑牢|夯实"
    r"|巩固|彰显|树牢|推动|丰富|满足|保障|维护|改善|缓解|优化|助力|带动|赢得|受到)了?"
    # a purpose clause after the deed ("发挥榜样示范作用", "引导学生扣好人生第一粒扣子")
    r"|^(?:发挥|引导|树立|壮大|形成|激励|弘扬|传承|护航|厚植|涵养|汇聚|讲好|唱响)"
    r"|^难以(?:适应|满足|应对)"
    # a standing beside peers told without a figure ("与先进地区相比还有差距"): the facts' rank,
    # judged (a gap to a target, "距离省定目标还有差距", is a result the facts must give)
    r"|^(?:但|但是|然而)?(?:与|同|和)[^，,。；;：:]{1,12}?(?:相比|比较|相较)(?:还|仍|尚|也)?(?:有|存在)"
    r"(?:一定|较大|不小|明显)?的?差距$"
    # what a shortcoming holds back, and the call to heed it ("在一定程度上影响了教学效果")
    r"|^(?:这|此|这一问题|这些问题)?(?:在)?(?:一定程度上)?(?:影响|制约|阻碍|限制|削弱)(?:了|着)?"
    r"|(?:需要|亟需|应当|必须)?引起.{0,6}重视$"
    r"|(?:日益|更加|不断|持续|稳步|明显|显著|进一步|逐步)(?:浓厚|和谐|壮大|改善|提升|增强|优化|巩固|规范"
    r"|有序|向好|完善|提高|加强|凸显|彰显|深入人心|扩大|拓展|拓宽|延伸|增加|上升)$"
    # the work itself went well ("隐患排查扎实开展", "校园安全工作扎实有序推进")
    r"|(?:扎实|有序|稳步|深入|有力|顺利|全面|积极|高效){1,3}(?:推进|开展|实施|落实|运行)$"
)
# An outcome and its trend: what the work led to, which the facts must say (a measured one: the
# genre's stock feelings, 获得感/幸福感/安全感 增强, close any report and are framing).
OUTCOME_TREND = re.compile(
    r"(?P<what>形势|态势|满意度|满意率|知晓率|覆盖率|参与率|发案率|发案数|事故率|事故起数"
    r"|破案率|治安秩序|空气质量|水质)"
    r"[^，,。；;：:\n]{0,4}?(?:持续|稳步|明显|显著|不断|进一步|大幅|逐步|总体)?"
    r"(?:稳定向好|稳中向好|向好|好转|提高|提升|上升|下降|改善|增强)"
)
# A unit as the subject of a clause ("公司安全环保部强化…", "我局"): a subject added is no claim.
_SUBJECT = re.compile(
    r"(?:部|局|办|委|处|科|室|中心|公司|集团|学校|政府|党组|党委|支部|单位|上下|街道|社区|医院|乡镇|全县|全区|全市)$"
)
# A clause that opens with a deed or a measure.
_DEED = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}[是要]|并|同时|还|此外)?(?:开展|建立|实行|组织|举办|召开|出台|制定|印发|推行|设立|组建|移送"
    r"|联合|进行|建成|实现|引进|成立"
    # a measure on someone: "对问题突出的单位进行通报约谈"
    r"|对[^，,。；;]{1,16}(?:进行|开展|实行|实施|给予))"
)
# A short line or a point's first sentence without a number is a lead phrase or a heading.
LEAD_MAX = 16
_POINT_START = MARKER_RE  # a heading marker or a point enumerator (text.headings)
# What opens a clause before its content: a marker (with its comma) or a light connective.
_LEAD = re.compile(
    r"^\s*(?:(?:" + MARKER_RE.pattern.removeprefix(r"^\s*") + r")[，,：:]?|同时|此外|并且|并|还|另外)?\s*"
)


def _clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of a sentence with Chinese words in them, an enumerator or a connective
    before them left out ("二是…", "同时…")."""
    out = []
    for a, b in clause_spans(text):
        lead = _LEAD.match(text[a:b])
        if lead:
            a += lead.end()
        if b > a and re.search(r"[\u4e00-\u9fff]", text[a:b]):
            out.append((a, b))
    return out


def _given(word: str, fact_text: str, fact_grams: set[str]) -> bool:
    """A fact has the word, a word of its synonym group ("紧张" for "不足"), or (a compound) a
    two-character piece of it."""
    if word in fact_text or any(syn in fact_text for syn in synonyms().get(word, ())):
        return True
    return len(word) >= 3 and any(word[i : i + 2] in fact_grams for i in range(len(word) - 1))


@lru_cache(maxsize=4)
def _long(genre: frozenset[str]) -> tuple[str, ...]:
    return tuple(g for g in genre if len(g) >= 4)


def new_words(
    clause: str,
    fact_text: str,
    fact_grams: set[str],
    genre: frozenset[str],
    problems: bool = False,
    fact_sq: str | None = None,
    tokens: list[str] | None = None,
) -> list[str]:
    """Words of a clause that neither the facts nor the genre supply, quoted names first.
    ``tokens``: the clause's words outside quotes, when the caller has cut the whole text."""
    # citations and 《titles》 are other checks' business
    clean = TITLE_RE.sub(" ", CITATION_RE.sub(" ", clause))
    found: list[str] = []
    fact_sq = squash(fact_text) if fact_sq is None else fact_sq
    # "安全第一、预防为主", "一老一小", "第一责任人": their words are the slogan's, not a claim's
    known = [sl for sl in (*slogans(), *SET_PHRASES) if sl in clean]
    metaphors = []
    for m in QUOTE_RE.finditer(clean):
        inner = squash(m.group(1))
        if len(inner) < 2 or inner in fact_sq or inner in _SET or _slogan(m.group(1), known):
            continue  # the facts' own name, a political set phrase ("一岗双责"), a slogan
        if tag(inner).startswith("n"):
            metaphors.append(inner)  # a quoted common noun: 把稳思想“方向盘”
        elif _PARALLEL.fullmatch(m.group(1)) or _NEGATED.match(inner):
            metaphors += words(m.group(1))  # a quoted motto ("重建设、轻管护"): its words count
        else:
            found += [m.group(), m.group()]  # a quoted name the facts lack weighs double
    quoted = "".join(m.group() for m in QUOTE_RE.finditer(clean))
    if tokens is None:
        tokens = words(QUOTE_RE.sub(" ", clean))
    # genre phrases jieba cuts in two ("乡村振兴" -> 乡村 + 振兴)
    phrases = [g for g in _long(genre) if g in clean]
    for w in [*tokens, *metaphors]:
        if any(w in g for g in phrases) or any(w in sl for sl in known):
            continue
        if w in genre or (w in quoted and w not in metaphors) or _given(w, fact_text, fact_grams):
            continue
        if _NUMERAL_WORD.match(w) or _SUBJECT.search(w) or word_freq(w) >= GENERAL_FREQ:
            continue
        # in a 存在问题 section a shortcoming's adjective is the claim ("流动频繁")
        if tag(w).startswith(_DESCRIBING) and not (problems and tag(w) in ("a", "i", "l")):
            continue
        found.append(w)
    for m in ABSOLUTES.finditer(clean):
        if m.group() not in fact_text:
            found += [m.group()] * (2 if m.group() in _STRONG_ABSOLUTES else 1)
    return found


def _names_fact(clause: str, fact_sq: str) -> bool:
    """The clause quotes a name the facts have."""
    return any(
        len(squash(m.group(1))) >= 2 and squash(m.group(1)) in fact_sq
        for m in QUOTE_RE.finditer(clause)
    )


# A negated phrase is a saying, never a name ("不打烊", "不掉线"); 零/无 open absolutes and names
# ("零事故", "无废城市").
_NEGATED = re.compile(r"^[不没]")
# A quoted motto of parallel parts: "重业务、轻意识形态", "安全第一，预防为主".
_PARALLEL = re.compile(r"[\u4e00-\u9fff]{2,8}(?:[、，,][\u4e00-\u9fff]{2,8})+")


def _slogan(quoted: str, known: Sequence[str]) -> bool:
    """A quoted well-known slogan, whole or of slogan parts ("双随机、一公开")."""
    parts = [p for p in re.split(r"[、，,\s]", quoted) if p]
    return bool(parts) and all(p in known or any(p in k for k in known) for p in parts)


def _covered(spans: list[tuple[int, int]], a: int, b: int) -> float:
    """Share of the stretch a..b that the spans cover."""
    hit = sum(1 for i in range(a, b) if any(s <= i < e for s, e in spans))
    return hit / (b - a) if b > a else 0.0


def _lead_or_heading(draft: str, s: int, e: int) -> bool:
    """A heading line or a point's short first sentence ("（一）强化理论武装。")."""
    text = draft[s:e]
    body = _POINT_START.sub("", text.strip()).strip("。；;：: ")
    if re.search(r"\d", CITATION_RE.sub("", body)):
        return False
    line_start = draft.rfind("\n", 0, s) + 1
    before = draft[line_start:s]
    at_start = (
        not before.strip()
        or bool(_POINT_START.fullmatch(before.strip()))
        or bool(_POINT_START.match(text.lstrip()))
    )
    n = len(re.findall(r"[\u4e00-\u9fff]", body))
    if not at_start or not 0 < n <= LEAD_MAX + 8:
        return False
    commas = body.count("，") + body.count(",")
    if commas == 0:
        return n <= LEAD_MAX
    # a lead phrase of two parallel parts ("压实责任链条，主体责任有效落实。") heads a line of
    # its own or a body that follows on its line; "二是…，…；" is a point, not a lead
    rest = draft[e : draft.find("\n", e) if "\n" in draft[e:] else len(draft)]
    ends_line = not re.search(r"[。；;！？!?]\s*$", text)
    return commas == 1 and (ends_line or (text.rstrip().endswith("。") and bool(rest.strip())))


def _opening(ctx: Context, k: int) -> bool:
    """The first sentence of the draft or of a paragraph (or the draft's last), resting on no
    fact and holding no number, not a point: the unit and its aim ("今年以来，县公安局持续…"),
    the closing resolve."""
    s, e = ctx.sents[k]
    if max(ctx.scores[k].values(), default=0.0) >= 0.5 or any(
        s <= q.start < e and q.kind == "quantity" for q in ctx.quantities
    ):
        return False
    text = ctx.draft[s:e]
    if _POINT_START.match(text.lstrip()):
        return False
    if k == 0:
        return True
    if k == len(ctx.sents) - 1 and ctx.draft[:s].strip():
        return True  # the closing sentence: the resolve or the wish ("奋力开创…新局面")
    ps, _ = ctx.sents[k - 1]
    prev = ctx.draft[ps:s]
    return "\n" in ctx.draft[ps:s] or (_lead_or_heading(ctx.draft, ps, s) and "\n" in prev[-3:])


def unsupported_claim(ctx: Context) -> list[Flag]:
    if not ctx.facts:
        return []
    genre, formulas = load()
    fact_text = "\n".join(f.text for f in ctx.facts)
    fact_sq = ctx.fact_text_sq
    fact_grams = set().union(*(fi.grams for fi in ctx.finfo))
    for fi in ctx.finfo:  # bigrams() drops a stop list; compounds need every piece
        fact_grams |= {fi.fact.text[i : i + 2] for i in range(len(fi.fact.text) - 1)}
    cut = ctx.once("cut", lambda: cut_words(ctx.draft))
    matching = {
        q.start: [fi for fi in ctx.finfo if fi.fact.id in ctx.fq.facts_of(q)]
        for q in ctx.quantities
    }
    out: list[Flag] = []
    for k, (s, e) in enumerate(ctx.sents):
        if _lead_or_heading(ctx.draft, s, e) or _opening(ctx, k) or _wrapper(ctx.draft, s, e):
            continue
        sent = ctx.draft[s:e]
        framed = [(m.start(), m.end()) for rx in formulas for m in rx.finditer(sent)]
        opener = next((fb for fa, fb in framed if fa <= 1), -1)
        cls = _clauses(sent)
        rests = [_rests(ctx, s + a, s + b, matching) for a, b in cls]
        for i, (a, b) in enumerate(cls):
            clause = sent[a:b]
            if _covered(framed, a, b) >= 0.6 or not bigrams(clause):
                continue
            # a point's short lead phrase before the clause that gives its fact ("二是产业链条偏短，
            # 农产品加工转化率只有58%"), and a purpose or benefit told after a deed ("方便群众出行")
            if any(rests[i + 1 :]) and (_point_lead(sent, cls, i) or _colon_lead(sent, cls, i)):
                continue
            if (
                any(rests[i + 1 :])
                and _ORIENTATION.match(CITATION_RE.sub("", clause).strip())
                and not _specific(_PRINCIPLE.sub("", clause), fact_sq)
            ):
                continue
            if (
                i > 0
                and any(rests[:i])
                and _PURPOSE.match(clause.strip())
                and not _specific(clause, fact_sq)
                and not _TARGET_MET.search(CITATION_RE.sub("", clause).strip())
            ):
                continue
            bare = CITATION_RE.sub("", clause).strip()
            if any(rx.pattern.endswith("$") and rx.search(bare) for rx in formulas):
                continue
            # what the deed did, or how, told beside it in its sentence
            if (
                any(r for j, r in enumerate(rests) if j != i)
                and _effect(bare, any(rests[:i]), any(rests[i + 1 :]))
            ):
                continue
            # the clause right after an opening formula ("下一步，我局将持续改善…")
            if opener >= 0 and a <= opener + 2 and not re.search(r"\d", clause):
                continue
            # an evaluation of the work is framing, unless it states an absolute result
            # ("推动大数据审计全覆盖"): that is a result the facts must give
            if (
                _EVALUATION.search(bare)
                and not re.search(r"\d", bare)
                and not _absolute_new(clause, fact_text)
            ):
                continue
            problems = ctx.roles[k] == Role.PROBLEMS
            toks = [
                w for _, w in cut[bisect_left(cut, (s + a, "")) : bisect_left(cut, (s + b, ""))]
            ]
            new = new_words(clause, fact_text, fact_grams, genre, problems, fact_sq, toks)
            # a deed with a new object ("建立…档案", "开展…演练") needs no second word
            need = 1 if _DEED.match(_LEADING_DEGREE.sub("", clause.strip())) else MIN_NEW
            grams = bigrams(clause)
            cited = cited_ids(clause)
            if any(
                s + a <= q.start < s + b
                and any(
                    coverage(fi.grams, grams) >= 0.15 or fi.fact.id in cited
                    for fi in matching.get(q.start, ())
                )
                for q in ctx.quantities
            ) or any(coverage(fi.grams, grams) >= 0.6 for fi in ctx.finfo if fi.fact.id in cited):
                need = MIN_NEW  # a deed with the facts' number is the fact, reworded
                # ... whatever its verbs ("吸引观众1.5万人次参观"): only a new object, a quoted
                # name or an absolute makes it more than the fact
                new = [w for w in new if _topic(w)]
            # a clause that names a fact's own quoted programme ("推进…“双报到”工作") is about that
            # fact: its paraphrase needs one word more to be a claim
            if need == MIN_NEW and _names_fact(clause, fact_sq):
                need += 1
            if len(new) < need:
                continue
            shown = "、".join(f"“{w.strip('“”')}”" for w in dict.fromkeys(new))
            out.append(
                Flag(
                    "unsupported_claim",
                    clause,
                    s + a,
                    s + b,
                    f"“{short(clause, 24)}”说的内容素材中没有（{shown}），请核对或删除",
                )
            )
    points = _unsupported_points(ctx)
    # a point no fact supports is one claim: its clause flags are folded into it
    out = [f for f in out if not any(p.start <= f.start and f.end <= p.end for p in points)]
    out += points
    taken = [(f.start, f.end) for f in out]
    out += [
        f for f in _outcomes(ctx, fact_text) if not any(s < f.end and f.start < e for s, e in taken)
    ]
    return _merge(ctx.draft, sorted(out, key=lambda f: f.start))


# A chat model's wrapper around its answer: it speaks to the user ("根据你提供的材料，我帮你整理了…",
# "如需调整请告诉我", "以上内容可根据实际情况调整", "（本文来源于网络…）").
_WRAPPER = re.compile(
    r"[你您]|^[\s（(]*(?:好的|以下是|下面是|以上内容|以上材料|如需|如有|希望|本文来源|仅供参考|供参考|可根据)"
)
# A purpose or a benefit of the deed before it: for whom and to what end, not a second deed.
_PURPOSE = re.compile(
    r"^(?:[为给][^，,。；;]{1,24}(?:提供|创造|营造|奠定|打下|注入|增添|搭建|储备|积蓄|[\u4e00-\u9fff]{2}了)"
    r"|(?:有效|切实|进一步|更好地?|从而|进而|以)?(?:方便|便于|便利|让|使|使得|助力|惠及|造福|服务|满足|擦亮|打响|叫响"
    r"|实现|帮助|协助|着力)"
    r")"
)


# What the deeds after it aim at, before them ("街道聚焦“一老一小”民生关切，新建…"): the
# orientation of the work, its subject at most a few characters before it.
_ORIENTATION = re.compile(
    r"^[\u4e00-\u9fff]{0,8}?(?:始终|一直)?(?:聚焦|围绕|紧扣|紧盯|着眼|立足|针对|瞄准|对标|坚持|按照|着力)"
)


def _topic(w: str) -> bool:
    """A word that names what a clause is about: a noun, a verbal noun, a place, an
    abbreviation, a word jieba does not know, a quoted name or an absolute."""
    if w.startswith("“") or ABSOLUTES.fullmatch(w):
        return True
    t = tag(w)
    return t in ("", "vn") or t.startswith(("n", "s", "j", "eng"))


# What a deed did, told by its degree ("有力震慑了…", "…得到有效缓解", "…更加规范透明") or as done: the
# deed's effect, which the facts' deed carries, not a second deed.
_DEGREE = (
    r"(?:有效|有力|明显|显著|进一步|更加|更为|更好地?|持续|不断|日益|稳步|大幅|充分|逐步|切实|大大|始终"
    r"|加快|加速)"
)
_EFFECT = re.compile(
    _DEGREE
    + r"|快速|迅速|高效|(?:得到|得以)(?:了)?[\u4e00-\u9fff]{0,4}$"
    # a verb done (V了…) told after the deed: what it brought ("消除了一批隐患")
    + r"|^[\u4e00-\u9fff]{2}了"
)
_LEADING_DEGREE = re.compile(r"^(?:" + _DEGREE + r"|[地了])+")
# Where or how far, before the verb ("从源头上", "在一定程度上", "在全市范围内").
_ADVERBIAL = re.compile(r"^[从在][^，,。；;]{1,6}[上中内里]")
# How the deed after it was done ("通过挖潜利用闲置空间，新增…").
_MEANS = re.compile(r"^(?:通过|依托|借助|依靠|运用|利用|采取)")


def _effect(bare: str, after_deed: bool, before_deed: bool) -> bool:
    """The clause tells a deed's effect after it or its means before it, with no number, no
    absolute and no deed of its own."""
    # a deed with a degree or a place before it ("持续建立…台账", "在全县范围内建立…") is a deed
    body = _LEADING_DEGREE.sub("", _ADVERBIAL.sub("", bare))
    if re.search(r"\d", bare) or ABSOLUTES.search(bare) or _DEED.match(body):
        return False
    if before_deed and _MEANS.match(bare):
        return True
    return after_deed and bool(_EFFECT.search(bare) or _EFFECT.search(body))


# A quoted principle the work follows ("坚持“四个最严”要求", "践行“两山”理念"): a guideline, not a
# programme or a deed of its own.
_PRINCIPLE = re.compile(
    r"“[^”]{1,16}”(?:[与和、]“[^”]{1,16}”)*(?=的?(?:要求|精神|理念|原则|方针|思路|主线|主题|导向|相结合|并重|并举))"
)
# A target met is a result the facts must give ("实现了…的目标", "完成…任务").
_TARGET_MET = re.compile(r"(?:目标|任务|指标)$")


def _wrapper(draft: str, s: int, e: int) -> bool:
    text = QUOTE_RE.sub("", draft[s:e])
    return bool(_WRAPPER.search(text)) and not re.search(r"\d", text)


def _absolute_new(clause: str, fact_text: str) -> bool:
    """The clause says an absolute result ("全覆盖", "未发生") no fact says."""
    return any(m.group() not in fact_text for m in ABSOLUTES.finditer(clause))


def _specific(clause: str, fact_sq: str | None = None) -> bool:
    """A number, an absolute ("全覆盖") or a quoted name: the clause says something checkable.
    With the facts (squashed), a quoted slogan or a name the facts have is nothing new."""
    if re.search(r"\d", CITATION_RE.sub("", clause)) or ABSOLUTES.search(clause):
        return True
    if fact_sq is None:
        return bool(QUOTE_RE.search(clause))
    return any(
        squash(m.group(1)) not in fact_sq
        and not _slogan(m.group(1), slogans())
        and not _NEGATED.match(m.group(1))
        for m in QUOTE_RE.finditer(clause)
    )


def _point_lead(sent: str, cls: list[tuple[int, int]], i: int) -> bool:
    """Clause ``i`` is a point's first, short and without a number ("二是产业链条偏短"), or the
    first of a sentence that is no deed of its own ("加大创业扶持力度，发放…贷款1.5亿元")."""
    a, b = cls[i]
    before = sent[cls[i - 1][1] if i else 0 : a].strip("，,；;：: \t\u3000\n")
    body = CITATION_RE.sub("", sent[a:b])
    n = len(re.findall(r"[\u4e00-\u9fff]", body))
    opens = bool(_POINT_START.fullmatch(before)) or (
        i == 0 and (bool(_POINT_START.match(sent.lstrip())) or not _DEED.match(body.strip()))
    )
    return opens and 0 < n <= 12 and not _specific(body)


def _colon_lead(sent: str, cls: list[tuple[int, int]], i: int) -> bool:
    """Clause ``i`` opens its sentence and ends with a colon, short and without a number: a lead
    phrase that names what the clauses after it tell ("书香校园建设亮点纷呈：举办…")."""
    a, b = cls[i]
    if i or sent[:a].strip() or not re.match(r"\s*[：:]", sent[b:]):
        return False
    body = CITATION_RE.sub("", sent[a:b])
    n = len(re.findall(r"[\u4e00-\u9fff]", body))
    return 0 < n <= LEAD_MAX and not _specific(body)


def _rests(ctx: Context, a: int, b: int, matching: dict[int, list[FactInfo]]) -> bool:
    """A clause rests on a fact: it gives a fact's number, cites it, or says most of its words."""
    text = ctx.draft[a:b]
    if cited_ids(text) or any(a <= q.start < b and matching.get(q.start) for q in ctx.quantities):
        return True
    grams = bigrams(text)
    return any(coverage(grams, fi.grams) >= POINT_SUPPORT for fi in ctx.finfo) if grams else False


# An enumerator that opens a point (一是, （一）, 1. …, the shared heading markers): at a line
# start or after a sentence's or a point's end.
_ENUMERATOR = re.compile(
    r"(?:^|(?<=[。；;！？!?\n]))[ \t\u3000]*(?:"
    + "|".join(rx.pattern.removeprefix("^") for _, rx in HEADING_FAMILIES)
    + "|"
    + POINT_LEAD_RE.pattern.removeprefix("^")
    + r")[，,：: \t\u3000]*",
    re.M,
)
# A clause this much of whose bigrams one fact has rests on that fact.
POINT_SUPPORT = 0.34


def _points(draft: str) -> list[tuple[int, int, bool]]:
    """The enumerated points of a draft (一是…, （一）…, 1. …): from after the enumerator to the
    next enumerator or the line's end, closing punctuation left out; and whether the point
    closes a sentence (a heading line does not)."""
    starts = list(_ENUMERATOR.finditer(draft))
    out = []
    for i, m in enumerate(starts):
        a = m.end()
        nxt = starts[i + 1].start() if i + 1 < len(starts) else len(draft)
        line_end = draft.find("\n", a)
        b = min(nxt, line_end if line_end >= 0 else len(draft))
        closed = bool(re.search(r"[。；;！？!?]", draft[a:b]))
        while b > a and draft[b - 1] in "。；;，,：:*#*＊ \t\u3000\n":
            b -= 1
        if b > a:
            out.append((a, b, closed))
    return out


def _unsupported_points(ctx: Context) -> list[Flag]:
    """A point states a deed, a problem, a measure or a result: when none of its clauses rests
    on a fact, the whole point is a claim, however common its words ("四是部分党员干部对意识形态
    工作重要性认识不足，…自觉性不强"). A heading or a short lead phrase names a topic, not a claim."""
    fact_grams = [bigrams(fi.fact.text) for fi in ctx.finfo]
    out = []
    for a, b, closed in _points(ctx.draft):
        text = ctx.draft[a:b]
        body = CITATION_RE.sub("", text)
        n = len(re.findall(r"[\u4e00-\u9fff]", body))
        if not re.search(r"[，,。；;：:]", body) and n <= LEAD_MAX:
            continue  # a heading ("二、存在的主要问题") or a lead phrase ("（一）强化理论武装")
        if not closed and n <= LEAD_MAX + 8 and len(re.findall(r"[，,]", body)) <= 1:
            continue  # a heading of two parts on its own line ("（二）党建引领，服务群众更加有力")
        if any(a <= q.start < b for q in ctx.quantities) or cited_ids(text):
            continue  # a number or a citation: the other checks say whether it is the facts'
        if any(
            coverage(bigrams(text[x:y]), g) >= POINT_SUPPORT
            for x, y in _clauses(text)
            for g in fact_grams
        ):
            continue
        out.append(
            Flag(
                "unsupported_claim",
                text,
                a,
                b,
                f"“{short(text, 24)}”这一条素材中没有依据，请核对或删除",
            )
        )
    return out


def _outcomes(ctx: Context, fact_text: str) -> list[Flag]:
    """Outcomes and trends no fact gives ("全县安全生产形势持续稳定向好", "患者满意度稳步提高"):
    claims even in an opening sentence (a heading or lead phrase names a topic, it is left)."""
    out = []
    for m in OUTCOME_TREND.finditer(ctx.draft):
        k = ctx.sentence_at(m.start())
        if m.group("what") in fact_text or (k >= 0 and _lead_or_heading(ctx.draft, *ctx.sents[k])):
            continue
        a = max(ctx.draft.rfind(c, 0, m.start()) for c in "，,。；;：:\n") + 1
        text = ctx.draft[a : m.end()]
        out.append(
            Flag(
                "unsupported_claim",
                text,
                a,
                m.end(),
                f"“{short(text, 24)}”说的是结果或趋势（“{m.group('what')}”），素材中没有，请核对或删除",
            )
        )
    return out


def _merge(draft: str, flags: list[Flag]) -> list[Flag]:
    """Adjacent flagged clauses of one sentence become one flag (an invented point)."""
    out: list[Flag] = []
    for f in flags:
        prev = out[-1] if out else None
        gap = draft[prev.end : f.start] if prev else ""
        if prev and len(gap) <= 2 and not re.search(r"[。！？!?\n]", gap):
            merged = draft[prev.start : f.end]
            out[-1] = Flag("unsupported_claim", merged, prev.start, f.end, prev.reason)
        else:
            out.append(f)
    return out
