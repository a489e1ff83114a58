"""status_shift anywhere in a sentence, and role_mismatch: a fact told in the wrong tense or the
wrong section.

The first checker compared status words clause by clause, so "新建…6个，已于年内全部投入使用"
(the fact: 拟新建…6个) passed: the clause with the number has no status word and the clause with
已 matches no fact clause. Here each fact a sentence says again gets its *region*: the clause that
says it plus the neighbouring clauses that say no other fact ("已于年内全部投入使用",
"争取年内完成"). A planned fact whose region has only done words was written as done; a done
fact whose region has only plan words was written as a plan. Where the region has no status
word at all, the section decides: a planned fact told plainly in 工作情况 is a status_shift, a
done fact in 下步打算 or an achievement in 存在问题 (or a problem told as a success) is a
role_mismatch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Fact, Flag, Role
from assistant.review.context import Context, FactInfo, short
from assistant.review.core import status_shift_clause
from assistant.review.numbers import bigrams, coverage
from assistant.review.sections import PLAN, RETRO
from assistant.text.citations import cited_ids
from assistant.text.factkind import fact_kind, kind_is_clear, reports_deed, says_shortfall
from assistant.text.spans import clause_spans
from assistant.text.status import PAST_RE, status_marks

# Done words a model adds around a planned measure ("已于年内全部投入使用", "实现全覆盖").
_MORE_DONE = re.compile(
    r"投入使用|投入运行|投用|上线运行|正式运行|落成|竣工|启用|实现了|(?<![力争要将])实现"
    r"|全部完成|全面完成|全部建成|均已|顺利完成|圆满完成"
)
# Plan words beyond the status table: enumerated resolve ("一要"), preparing ("着手谋划").
_MORE_PLANNED = re.compile(
    r"(?<![\u4e00-\u9fff])[一二三四五六七八九十]要|年底前|谋划|着手|筹备|筹划|酝酿|申报|待建|推进中"
)
# A draft sentence that states a shortcoming (what a fact is, text.factkind says).
PROBLEM_RE = re.compile(
    r"不足|不够|不[强高多深实细全精准灵畅活到平充明健完规及广齐紧严优好]|偏[大小高低重轻少多弱慢窄]"
    r"|薄弱|滞后|欠缺|欠账|缺|短缺|淡薄|淡化|脱节|参差不齐|超标|单一|较少|较弱|较低|较差|有待|仍需|亟需|亟待"
    r"|差距|短板|弱化|流于形式|尚未|未能|没有|仅有|仅|只有|困难|难度|难以|压力|突出|繁重"
    r"|老化|瓶颈|制约|漏报|失衡|空白|存在|还需|亟须|严峻|严重|较大|较多|较重|浮于表面|形式主义|落后|不力"
    r"|欠佳|逾期|拖欠|积压|亏损|沿用|(?<![无零])盲区|(?<![无零])死角|仍有|未(?!发生)"
)
# Words that tell a shortcoming's object as work done or improved ("清收逾期应收账款1.3亿元",
# "管理持续加强", "比例明显提高").
_SUCCESS_RE = re.compile(
    r"清收|化解|解决|消除|补齐|补足|配齐|扭转|压降|清理|整改|办结|销号|清零|根治"
)


# A clause that only opens a 下步打算 ("下一步，", "2025年，"): its plan word governs no fact.
_OPENER = re.compile(
    r"[\s*#]*(?:下一步|下步|今后|明年|新的一年|\d{4}年)(?:工作中|工作|中)?[\s，,：:]*"
)


def _planned_beyond_opener(draft: str, r: Region) -> bool:
    """Plan words in a fact's region other than a lone opener clause ("下一步，完成…15个": the
    opener is the section's, the done result is still told as a plan)."""
    for a, b in r.planned:
        s = max(draft.rfind(c, 0, a) for c in "，,；;。\n") + 1
        e = min((k for k in (draft.find(c, b) for c in "，,；;。\n") if k >= 0), default=len(draft))
        if not _OPENER.fullmatch(draft[s : e + 1]):
            return True
    return False


# A level the fact reports as reached ("达3.2万元", "稳定在45万吨", "增长8.1%"); "超过600人"
# may be a load above the norm, so it is not one.
_GOOD_LEVEL = re.compile(r"达到?|增长|提高|提升|稳定在|突破|居.{0,4}第|下降|减少|优良|满意")


def _adds_shortfall(region: str, fact_text: str) -> bool:
    """The draft's stretch about a fact has a shortfall word the fact itself does not have."""
    return any(m.group() not in fact_text for m in PROBLEM_RE.finditer(region))


def _told_as_success(region: str, fact_text: str) -> bool:
    """A shortcoming's region whose only shortfall words are the fact's own ("逾期") while it
    tells the matter as done or improved: the draft turned the problem into a result."""
    if _adds_shortfall(region, fact_text):
        return False
    return any(m.group() not in fact_text for m in _SUCCESS_RE.finditer(region))


# A plan that builds on work done names it as its basis ("在已完成…的基础上", "依托已建成的…").
_BUILDS_ON = re.compile(r"基础上|依托|巩固|用好|继续|持续|深化|总结|推广|延续|发挥")
# A clause says a fact again with this share of the fact's words (or its number).
CLAUSE_MATCH = 0.5


@dataclass
class Region:
    fact: FactInfo
    clause: tuple[int, int]  # the clause that says the fact (draft offsets)
    start: int  # the clause with its neighbours that say no other fact
    end: int
    planned: list[tuple[int, int]]  # status words in the region (draft offsets), plan words
    done: list[tuple[int, int]]  # done words not governed by a plan word before them


def _clauses(text: str, base: int) -> list[tuple[int, int]]:
    """The clauses of a sentence with words or a number in them (draft offsets)."""
    return [
        (a, b)
        for a, b in clause_spans(text, base)
        if bigrams(text[a - base : b - base]) or re.search(r"\d", text[a - base : b - base])
    ]


def regions(ctx: Context, k: int) -> list[Region]:
    """The facts sentence ``k`` says again, each with the stretch of the sentence about it."""
    return ctx.once(f"regions/{k}", lambda: _regions(ctx, k))


def _regions(ctx: Context, k: int) -> list[Region]:
    s, e = ctx.sents[k]
    draft = ctx.draft
    cls = _clauses(draft[s:e], s)
    if not cls:
        return []
    by_id = ctx.by_id
    facts = [by_id[f] for f in ctx.supports[k] if f in by_id]
    # each clause's best fact (a clause about no fact is a neighbour)
    owner: list[FactInfo | None] = []
    best_of: dict[str, tuple[float, int]] = {}
    for i, (a, b) in enumerate(cls):
        grams = bigrams(draft[a:b])
        qs = [q for q in ctx.quantities if a <= q.start < b and q.kind != "year"]
        top: tuple[float, FactInfo | None] = (0.0, None)
        cited = cited_ids(draft[a:b])
        for fi in facts:
            score = coverage(fi.grams, grams) + coverage(grams, fi.grams) * 0.5
            if fi.fact.id in cited:
                score += 0.3  # the clause names its fact
            if any(fi.fact.id in ctx.fq.facts_of(q) for q in qs):
                score += 1.0
            if score > top[0]:
                top = (score, fi)
            if score > best_of.get(fi.fact.id, (0.0, -1))[0]:
                best_of[fi.fact.id] = (score, i)
        owner.append(top[1] if top[0] >= CLAUSE_MATCH else None)
    out = []
    for fi in facts:
        score, i = best_of.get(fi.fact.id, (0.0, -1))
        if i < 0 or score < CLAUSE_MATCH or owner[i] is not fi:
            continue
        lo = i
        while lo > 0 and owner[lo - 1] in (None, fi):
            lo -= 1
        hi = i
        while hi + 1 < len(cls) and owner[hi + 1] in (None, fi):
            hi += 1
        start, end = cls[lo][0], cls[hi][1]
        planned, done = _marks(draft, cls[lo : hi + 1], fi.fact.text, ctx.roles[k] in PLAN)
        out.append(Region(fi, cls[i], start, end, planned, done))
    return out


def _marks(
    draft: str, clauses: list[tuple[int, int]], fact_text: str = "", plan_section: bool = False
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Plan and done words of some clauses; a done word after a plan word in its clause is part
    of the plan ("争取年内完成", "力争建成"), a result word the fact itself uses is its
    content ("ERP系统上线运行" for "已完成ERP系统上线"), and in a 下步打算 "实现…" after a
    measure is its aim ("推进信息平台建设，实现检查结果互认")."""
    planned: list[tuple[int, int]] = []
    done: list[tuple[int, int]] = []
    for a, b in clauses:
        text = draft[a:b]
        found = [(m.status, m.start, m.end) for m in status_marks(text)]
        found += [
            ("done", m.start(), m.end())
            for m in _MORE_DONE.finditer(text)
            if m.group()[:2] not in fact_text
            and not (plan_section and m.group().startswith("实现"))
        ]
        found += [("planned", m.start(), m.end()) for m in _MORE_PLANNED.finditer(text)]
        found.sort(key=lambda x: x[1])
        first_plan = next((st for st, _, _ in found if st == "planned"), None)
        first_plan_at = next((ms for st, ms, _ in found if st == "planned"), len(text))
        for st, ms, me in found:
            if st == "planned":
                planned.append((a + ms, a + me))
            elif first_plan is None or ms < first_plan_at or text[ms] == "已":
                # "将继续依托已建成的…": 已 stays done after a plan word; 完成/建成 do not
                done.append((a + ms, a + me))
    return planned, done


# A done word that says the work is over even in a 下步打算 ("已建成", "建成了", "均已完成",
# "顺利完成"); a bare "完成…30公里" or "建成…" there is the plan's own verb, not a result.
_OVER = re.compile(r"已|均已|顺利完成|圆满完成|全部完成|全面完成|实现了")


def _over(draft: str, a: int, b: int) -> bool:
    return bool(_OVER.search(draft[a:b])) or draft[b : b + 1] == "了"


def status_shift(ctx: Context) -> list[Flag]:
    old = status_shift_clause(ctx)
    out: list[Flag] = []
    for k, (s, e) in enumerate(ctx.sents):
        regs = regions(ctx, k)
        in_plans = ctx.roles[k] in PLAN
        # a clause-level flag stands unless its word sits in another fact's region whose status
        # it agrees with ("完成12个村污水管网建设" is F2's, done, not the planned F1's)
        mine = [
            f
            for f in old
            if s <= f.start < e
            and not any(
                r.start <= f.start < r.end
                and r.fact.fact.id != f.fact
                and r.fact.fact.status == _word_status(f.text)
                for r in regs
            )
            and not (in_plans and _word_status(f.text) == "done" and not _over(ctx.draft, f.start, f.end))
        ]
        out += mine
        if mine:
            continue
        for r in regs:
            st = r.fact.fact.status
            done = [d for d in r.done if not in_plans or _over(ctx.draft, *d)]
            if st == "planned" and done and not r.planned:
                span = (min(r.clause[0], done[0][0]), max(r.clause[1], done[0][1]))
            elif (
                st == "planned"
                and not r.planned
                and not r.done
                and ctx.roles[k] in RETRO
                and not _heading(ctx.draft, s, e)
            ):
                span = r.clause  # "拟新建6个" told as work done in a 工作情况 section
            elif st == "done" and r.planned and not r.done:
                span = (min(r.clause[0], r.planned[0][0]), max(r.clause[1], r.planned[0][1]))
            else:
                continue
            said = "计划要做" if st == "planned" else "已经完成"
            now = "已经完成" if st == "planned" else "计划要做"
            text = ctx.draft[span[0] : span[1]]
            out.append(
                Flag(
                    "status_shift",
                    text,
                    span[0],
                    span[1],
                    f"素材{r.fact.fact.id}说的是{said}的事（“{short(r.fact.fact.text, 24)}”），"
                    f"草稿写成了{now}（“{short(text, 24)}”）",
                    fact=r.fact.fact.id,
                )
            )
            break
    return out


def _heading(draft: str, s: int, e: int) -> bool:
    """A heading line ("一、履行意识形态工作责任的主要做法"): it names a topic, it tells no fact."""
    text = draft[s:e]
    return text.endswith("\n") or (e == len(draft.rstrip()) and not re.search(r"[。；;]\s*$", text))


def _result(fact: Fact) -> bool:
    """A result the fact reports, as the drafter reads it (text.factkind): a done or counted deed,
    not a shortcoming, a cause or a plan."""
    return fact_kind(fact) is Role.ACHIEVEMENTS and kind_is_clear(fact)


def _word_status(word: str) -> str:
    marks = status_marks(word)
    return marks[0].status if marks else "none"


def role_mismatch(ctx: Context) -> list[Flag]:
    out: list[Flag] = []
    for k in range(len(ctx.sents)):
        role = ctx.roles[k]
        if role is None:
            continue
        for r in regions(ctx, k):
            fact = r.fact.fact
            s, e = ctx.sents[k]
            region = ctx.draft[r.start : r.end]
            sentence_problem = bool(PROBLEM_RE.search(ctx.draft[s:e]))
            fact_problem = fact_kind(fact) in (Role.PROBLEMS, Role.CAUSES)
            # an achievement turned into a problem: the draft adds a shortcoming ("…8次，覆盖面还
            # 不够广") or lists a deed the facts report as a result under 存在问题
            if (
                role == Role.PROBLEMS
                and not fact_problem
                and _result(fact)
                # a deed listed as it is, or a level reached told as too low ("人均可支配收入
                # 仅3.2万元" for 达3.2万元): a shortfall word the fact does not have
                and (
                    reports_deed(fact)
                    or (_GOOD_LEVEL.search(fact.text) and _adds_shortfall(region, fact.text))
                )
            ):
                why = f"素材{fact.id}是一项工作成绩（“{short(fact.text, 24)}”），草稿把它写成了存在的问题"
            elif (
                role in RETRO
                and fact_problem
                # the fact says its shortfall in words ("仅4名", "逾期"), which the draft dropped
                # or turned; a measure text.factkind reads as a shortcoming without one ("利润
                # 较上年增加800万元") is told as it is
                and says_shortfall(fact.text)
                and (not sentence_problem or _told_as_success(region, fact.text))
            ):
                why = f"素材{fact.id}说的是不足（“{short(fact.text, 24)}”），草稿把它写成了工作成绩"
            elif (
                role in PLAN
                and _result(fact)
                and not _planned_beyond_opener(ctx.draft, r)
                # "依托已建成的…", "在…的基础上": the words up to the fact's clause, not an aim
                # told after it ("建成校史馆…，发挥文化育人作用")
                and not _BUILDS_ON.search(ctx.draft[r.start : r.clause[1]])
                and not PAST_RE.search(region)
            ):
                why = f"素材{fact.id}是已经完成的工作（“{short(fact.text, 24)}”），草稿把它写进了下步打算"
            else:
                continue
            out.append(
                Flag("role_mismatch", ctx.draft[r.start : r.end], r.start, r.end, why, fact=fact.id)
            )
    return out
