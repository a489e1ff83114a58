"""The opening paragraph (开头) of a report, drafted offline: prose, never a 一是… list.

The samples' openings read as one paragraph: a time and the overall situation, a sentence on
what was done, then the formula that leads into the body ("现将有关情况报告如下："). Offline there
is no overall judgement of our own to claim (the review would rightly flag "总体平稳向好"), so the
middle is built from the facts' most general results, in the user's order and cited, and the
formula is the exemplar's own when it has a clean one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.draft.frame import to_fullwidth
from assistant.draft.grouping import overlap, sanitise_formula, terms
from assistant.models import Exemplar, Fact, Role
from assistant.text.factkind import fact_kind, kind_is_clear

# "现将有关情况报告如下：", "现将2024年工作情况汇报如下" (the latter is not clean: it names a year).
_FORMULA_RE = re.compile(r"现将[^。；：:！？]{0,20}?(?:报告|汇报|总结|报送|通报|说明)如下")
DEFAULT_FORMULA = "现将有关情况报告如下："
# A fact that opens with a time ("2025年召开…", "今年以来，…") starts the paragraph itself.
_TIME_LEAD = re.compile(r"^(?:(?:19|20)\d{2}\s*年|今年|本年|上半年|下半年|全年|近年|近[一二三两]年)")
TIME_LEAD = "今年以来，"
# How many facts the opening sums up: a sentence, not a second body.
OPENING_FACTS = 2


def opening_facts(facts: Sequence[Fact], k: int = OPENING_FACTS) -> list[Fact]:
    """The facts an opening states: results (else any facts) that share the most key terms
    with the other facts, i.e. the most general ones; returned in the user's order."""
    pool = [f for f in facts if kind_is_clear(f) and fact_kind(f) is Role.ACHIEVEMENTS] or list(facts)
    own = {f.id: terms(f.text) for f in facts}

    def generality(f: Fact) -> float:
        return sum(overlap(own[f.id], own[g.id]) for g in facts if g.id != f.id)

    ranked = sorted(range(len(pool)), key=lambda i: (-generality(pool[i]), i))
    chosen = {pool[i].id for i in ranked[:k]}
    return [f for f in pool if f.id in chosen]


def formula(exemplars: Sequence[Exemplar]) -> str:
    """The exemplars' lead-in formula when one is free of their content, else the usual one."""
    for ex in exemplars:
        for m in _FORMULA_RE.finditer(ex.text):
            clean = sanitise_formula(m.group() + "。")
            if clean is not None:
                return clean.rstrip("。：:") + "："
    return DEFAULT_FORMULA


def _clause(text: str) -> str:
    t = to_fullwidth(" ".join(text.split())).strip().rstrip("。；，、.;, ")
    return t.replace("。", "，").replace("；", "，")


def draft_opening(facts: Sequence[Fact], exemplars: Sequence[Exemplar]) -> str:
    """One paragraph: [time] the facts given (allocate.select_facts gives an opening the most
    general ones, see opening_facts), cited, then the formula."""
    chosen = list(facts)
    body = "，".join(f"{_clause(f.text)}〔{f.id}〕" for f in chosen if _clause(f.text))
    if not body:
        return f"【待补充：总体情况】{formula(exemplars)}"
    lead = "" if _TIME_LEAD.match(body) else TIME_LEAD
    return f"{lead}{body}。{formula(exemplars)}"
