"""Lead phrases (小标题) built from a point's own facts, in the patterns of the genre.

A point's key terms come from its facts (jieba words in runs, no numbers, no names of units or
places); the verbs and result words come from ``prompts/lead_phrases.toml`` plus the verbs and
results mined from the samples' own lead phrases. So a lead phrase never states a number and
never names anything its facts do not name:

- 工作情况: "强化舆情处置，网络舆情持续巩固" (verb + key term, key term + result; 4-8 + 4-8)
- 存在问题/原因分析: "理论学习形式还不够丰富" (subject of the shortcoming + predicate by cue word)
- 下步打算: "持续深化法治宣传" (resolve verb + key term)

Deterministic: same facts, same table, same samples -> same phrase.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg as pseg

from assistant.draft.grouping import GENERIC, clean_for_copy
from assistant.models import Role

jieba.setLogLevel(logging.WARNING)

TABLE_FILE = Path(__file__).resolve().parents[2] / "prompts" / "lead_phrases.toml"

# Words that are cues (status, shortcoming, intention), measures or times, never a topic.
_NOT_TOPIC = frozenset(
    """
    仅有 只有 不足 单一 薄弱 欠缺 缺乏 短缺 有待 尚未 不够 不到 偏少 偏低 偏高 较少 较弱 滞后 落后 老化
    流失 严重 突出 及时 深入 健全 完善 规范 到位 全部 部分 个别 以上 以下 左右 小时 全年 今年 明年
    上半年 下半年 年底 年初 目前 当前 平均 其中 分别 先后 累计 共计 同比 环比 增长 下降 提高 提升
    拟建 计划 将要 力争 争取 打算 已经 完成 实现 达到 超过 不会 难管 多为 为主 主要 均在 发现
    开展 召开 举办 组织 新建 建成 开设 推进 做好 加强 强化 目标 下学期 上学期 汛前 汛期 人次 批次
    场次 户次 万元 亿元 占比 比例 全面 有效 不断 持续 进一步
    """.split()  # noqa: SIM905
) | (GENERIC - {"干部", "党员", "意识形态", "活动", "单位", "部门", "建设", "宣传"})
# A cue fused into one jieba word ("基础薄弱", "人员不足", "意识淡薄") is cut off the topic.
_CUE_TAIL = re.compile(r"(?:薄弱|不足|淡薄|脱节|单一|落后|滞后|老化|短缺|不够|不强|不畅|偏高|偏低)$")
# POS flags of jieba that never carry a topic: numerals, measures, time, adverbs, prepositions,
# conjunctions, particles, pronouns, locatives, punctuation, Latin.
_SKIP_FLAGS = ("m", "q", "t", "d", "p", "c", "u", "x", "r", "f", "eng", "y", "e", "o", "z")
_CJK2 = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_MAX_TERM = 6
# Nouns of work that read well with a result ("法治宣传持续深化", "队伍建设不断加强").
_WORK_NOUN = re.compile(
    r"(?:建设|管理|服务|宣传|教育|培训|监管|保障|治理|机制|体系|阵地|队伍|能力|水平|质量|作风|氛围|"
    r"学习|研判|处置|整改|改造|排查|监测|防控|引导|普及|落实|考核|督查|整治)$"
)


@dataclass(frozen=True)
class PhraseTable:
    """Verbs and result wording by role (from the data file, then mined from samples)."""

    verbs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    predicates: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # compound names kept whole, longest first

    def with_mined(self, verbs: Sequence[str], results: Sequence[str]) -> PhraseTable:
        """This table with the samples' own verbs and results appended (no repeats)."""
        ach = self.verbs.get("achievements", ())
        return PhraseTable(
            verbs={**self.verbs, "achievements": ach + tuple(v for v in verbs if v not in ach)},
            results=self.results + tuple(r for r in results if r not in self.results),
            fallback=self.fallback,
            predicates=self.predicates,
            defaults=self.defaults,
            names=self.names,
        )


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> PhraseTable:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    ach, plans = data.get("achievements", {}), data.get("plans", {})
    preds: dict[str, tuple[tuple[str, str], ...]] = {}
    defaults: dict[str, str] = {}
    for role in ("problems", "causes"):
        part = data.get(role, {})
        preds[role] = tuple((str(cue), str(p)) for cue, p in part.get("predicates", []))
        defaults[role] = str(part.get("default", "还有待加强"))
    return PhraseTable(
        verbs={
            "achievements": tuple(ach.get("verbs", ())),
            "plans": tuple(plans.get("verbs", ())),
        },
        results=tuple(ach.get("results", ())),
        fallback=tuple(ach.get("fallback", ())),
        predicates=preds,
        defaults=defaults,
        names=tuple(sorted({str(n) for n in data.get("names", {}).get("compounds", ())}, key=lambda n: (-len(n), n))),
    )


def load_table(path: Path = TABLE_FILE) -> PhraseTable:
    """The phrase table file (re-read when it changes, so a user's additions apply at once)."""
    return _load(str(path), path.stat().st_mtime_ns)


# ---- key terms -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """A run of topic words in a fact: "网络舆情", with the verb before it ("处置") if any."""

    words: tuple[str, ...]
    verb: str | None  # a verb that opens the run ("处置"), not part of the words
    start: int  # offset in the fact

    @property
    def text(self) -> str:
        return "".join(self.words)

    @property
    def head(self) -> str:
        return self.words[-1]

    def fit(self, limit: int) -> str:
        """The term in at most ``limit`` characters, whole words from the end (the head)."""
        return "".join(_last_words(self.words, limit))


def _last_words(words: tuple[str, ...], limit: int) -> tuple[str, ...]:
    kept: list[str] = []
    for w in reversed(words):
        if kept and sum(map(len, kept)) + len(w) > limit:
            break
        kept.insert(0, w)
    return tuple(kept)


# The flag a known or quoted name gets: a topic word whatever its characters (一网通办, 智慧社区).
NAME_FLAG = "name"
_OPEN_QUOTE = "“\"「『"
_CLOSE_QUOTE = "”\"」』"
_QUOTED_NAME = re.compile(r"[\u4e00-\u9fff]{2,8}")


def words(text: str, names: Sequence[str] = ()) -> list[tuple[str, str]]:
    """jieba's words and POS flags, with the known ``names`` and quoted names (“我们的节日”) each
    one word, so nothing built from the words can start or end inside a name. A name is only
    taken where jieba's own word boundaries fall at both its ends."""
    pairs = [(p.word, p.flag) for p in pseg.lcut(text)]
    starts: list[int] = []
    pos = 0
    for w, _ in pairs:
        starts.append(pos)
        pos += len(w)
    ends = {st + len(w): i for i, (st, (w, _)) in enumerate(zip(starts, pairs, strict=True))}
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pairs):
        st = starts[i]
        j = None
        if pairs[i][0] in _OPEN_QUOTE:
            close = min((k for k in (text.find(q, st + 1) for q in _CLOSE_QUOTE) if k > 0), default=-1)
            inner = text[st + 1 : close] if close > 0 else ""
            if _QUOTED_NAME.fullmatch(inner) and (close in ends and ends[close] >= i):
                out.append(pairs[i])
                out.append((inner, NAME_FLAG))
                i = ends[close] + 1
                continue
        for name in names:
            if text.startswith(name, st) and (st + len(name)) in ends:
                j = ends[st + len(name)]
                break
        if j is not None and j > i:
            out.append((text[st : starts[j] + len(pairs[j][0])], NAME_FLAG))
            i = j + 1
        else:
            out.append(pairs[i])
            i += 1
    return out


def is_topic_word(word: str) -> bool:
    """A word that can name a topic (not a cue, a measure, a time or a generic word)."""
    return bool(_CJK2.match(word)) and word not in _NOT_TOPIC and clean_for_copy(word)


def _topic_word(word: str, flag: str) -> str | None:
    if flag == NAME_FLAG:
        return word
    word = _CUE_TAIL.sub("", word) if len(word) > 3 else word
    if (
        _CJK2.match(word)
        and word not in _NOT_TOPIC
        and not flag.startswith(_SKIP_FLAGS)
        and clean_for_copy(word)
    ):
        return word
    return None


def key_terms(text: str) -> tuple[Term, ...]:
    """The fact's topic runs in order: consecutive topic words joined, at most six characters
    (the head of a Chinese noun phrase is at its end, so a long run keeps its last words, and a
    name is one word: never cut). A lone verb before a run ("评选“文明家庭”") is that run's verb."""
    return _key_terms(text, load_table().names)


@lru_cache(maxsize=4096)
def _key_terms(text: str, names: tuple[str, ...]) -> tuple[Term, ...]:
    out: list[Term] = []
    run: list[tuple[str, str, int]] = []
    pending: str | None = None
    pos = 0

    def close() -> None:
        nonlocal pending
        if not run:
            return
        if len(run) == 1 and run[0][1] == "v":  # a verb alone: the verb of what follows
            pending = run[0][0]
            run.clear()
            return
        verb = run[0][0] if run[0][1] == "v" else pending
        words = run[1:] if run[0][1] == "v" else run
        pending = None
        kept = _last_words(tuple(w[0] for w in words), _MAX_TERM)
        out.append(Term(kept, verb, words[len(words) - len(kept)][2]))
        run.clear()

    for word, flag in words(text, names):
        topic = _topic_word(word, flag)
        if topic is not None:
            run.append((topic, flag, pos))
        else:
            close()
            if word in "，,；;。":
                pending = None
        pos += len(word)
    close()
    # A lone generic word ("建设", "活动") names no topic of its own.
    return tuple(t for t in out if len(t.text) >= 2 and not (len(t.words) == 1 and t.text in GENERIC))


def _distinct(terms: Sequence[Term]) -> list[Term]:
    seen: set[str] = set()
    out: list[Term] = []
    for t in terms:
        if t.text not in seen and not any(t.text in s or s in t.text for s in seen):
            seen.add(t.text)
            out.append(t)
    return out


# ---- the phrases -----------------------------------------------------------------------------------
def _achievement(terms: list[Term], k: int, table: PhraseTable) -> str | None:
    verbs = table.verbs.get("achievements") or ("强化",)
    first = terms[0]
    verb = verbs[k % len(verbs)]
    # "处置网络舆情" -> "舆情处置": the head noun and the fact's own verb read as one topic.
    if first.verb and len(first.head) == 2 and len(first.head + first.verb) <= 8 - len(verb):
        clause1 = verb + first.head + first.verb
    else:
        clause1 = verb + first.fit(8 - len(verb))
    # The result clause names a work ("法治宣传持续深化") or is a formula that claims nothing.
    second = next(
        (t for t in [*terms[1:], first] if t.text not in clause1 and _WORK_NOUN.search(t.text)),
        None,
    )
    if second is not None and table.results:
        result = table.results[k % len(table.results)]
        clause2 = second.fit(8 - len(result)) + result
    elif table.fallback:
        clause2 = table.fallback[k % len(table.fallback)]
    else:
        return clause1
    return f"{clause1}，{clause2}"


def _shortcoming(texts: Sequence[str], terms: list[Term], role: Role, table: PhraseTable) -> str | None:
    key = "causes" if role is Role.CAUSES else "problems"
    preds = table.predicates.get(key, ())
    for cue, predicate in preds:
        for text in texts:
            m = re.search(cue, text)
            if m is None:
                continue
            # The subject: the last topic run that starts before the cue, in the same clause.
            own = key_terms(text)
            clause_start = max(text.rfind(c, 0, m.start()) for c in "，,；;。") + 1
            before = [t for t in own if clause_start <= t.start < m.start()]
            subject = before[-1] if before else (terms[0] if terms else None)
            if subject is None:
                continue
            room = max(2, 12 - len(predicate))
            words = subject.fit(room)
            # "…研判2次，研判不够深入" -> "形势研判"; "…干部仅有3名，力量薄弱" -> "干部力量".
            earlier = [t for t in own if t.start < subject.start]
            if len(words) <= 2 and earlier:
                prev = earlier[-1]
                words = prev.fit(room) if prev.head == words else _join_fit(prev.head, words, room)
            # "服务器未及时升级": the word right after the cue belongs to the subject.
            after = [t for t in own if m.end() <= t.start <= m.end() + 1]
            if after:
                words = _join_fit(words, after[0].words[0], room)
            return words + predicate
    if not terms:
        return None
    default = table.defaults.get(key, "还有待加强")
    return terms[0].fit(max(2, 12 - len(default))) + default


def _join_fit(a: str, b: str, room: int) -> str:
    return a + b if len(a) + len(b) <= room else a


def _plan(terms: list[Term], k: int, table: PhraseTable) -> str:
    verbs = table.verbs.get("plans") or ("持续深化",)
    verb = verbs[k % len(verbs)]
    return verb + terms[0].fit(12 - len(verb))


_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,8})[”\"」』]")
_LOOSE_SKIP = ("m", "q", "p", "c", "u", "x", "r", "f", "eng", "y", "e", "o")


def _fallback_terms(texts: Sequence[str]) -> list[Term]:
    """When no run of topic words is found: a quoted name ("“我们的节日”"), else any word
    of two or more characters that is not a cue, whatever jieba's tag ("一网通")."""
    for text in texts:
        if (m := _QUOTED.search(text)) and clean_for_copy(m.group(1)):
            return [Term((m.group(1),), None, m.start(1))]
    for text in texts:
        pos = 0
        for pair in pseg.lcut(text):
            w = pair.word
            if (
                _CJK2.match(w) and w not in _NOT_TOPIC and w not in GENERIC
                and not pair.flag.startswith(_LOOSE_SKIP) and clean_for_copy(w)
            ):
                return [Term((w,), None, pos)]
            pos += len(w)
    return []


def build_lead(role: Role, texts: Sequence[str], k: int, table: PhraseTable) -> str | None:
    """The lead phrase of the k-th point (0-based) whose facts are ``texts``; None when the facts
    give no key term at all."""
    terms = _distinct([t for text in texts for t in key_terms(text)])
    if not terms:
        terms = _fallback_terms(texts)
    if role in (Role.PROBLEMS, Role.CAUSES):
        return _shortcoming(texts, terms, role, table)
    if not terms:
        return None
    if role in (Role.PLANS, Role.TASKS, Role.REQUIREMENTS, Role.PRINCIPLES):
        return _plan(terms, k, table)
    return _achievement(terms, k, table)


# ---- mining the samples -----------------------------------------------------------------------------
_RESULT_RE = re.compile(r"(?:持续|不断|稳步|进一步|更加|日益|全面|明显|显著)[\u4e00-\u9fff]{2}$")


def mine(leads: Sequence[str]) -> tuple[list[str], list[str]]:
    """Verbs that open the samples' lead phrases ("坚持", "注重") and results that close them
    ("稳步提高"), in order of first appearance; only words free of the samples' content."""
    verbs: list[str] = []
    results: list[str] = []
    for lead in leads:
        first, _, second = lead.partition("，")
        words = pseg.lcut(first)
        verb = words[0].word if words and words[0].flag == "v" else ""
        if len(verb) == 2 and clean_for_copy(verb) and verb not in verbs:
            verbs.append(verb)
        m = _RESULT_RE.search((second or first).rstrip("。"))
        result = m.group() if m else ""
        if len(result) == 4 and clean_for_copy(result) and result not in results:
            results.append(result)
    return verbs, results
