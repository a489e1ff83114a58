"""What every check reads: the draft cut into sentences and clauses, the facts each sentence
rests on, the facts' and the samples' numbers, and the stretches copied from a sample.

``build_context`` does the shared work once per check; the check functions of the table
(``assistant.review.table``) are pure functions of the ``Context`` it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from assistant.models import Exemplar, Fact, Flag, Quantity, Role
from assistant.review.numbers import bigrams, clear_bigrams, coverage
from assistant.review.sections import role_at, roles_by_offset
from assistant.text.citations import citations, cited_ids
from assistant.text.quantities import (
    QUOTE_RE,
    extract_quantities,
    placeholders,
    quantity_matches,
    titles,
    to_halfwidth,
)
from assistant.text.spans import sentence_spans
from assistant.text.status import StatusMark, status_marks

T = TypeVar("T")
_CLAUSE_SPLIT = re.compile(r"[，,、：:；;。！？!?\n]")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]")
# A verbatim run this long (content characters) shared with a sample is checked for sample content.
RUN_MIN = 12
_SHINGLE = 8
# A quoted name this long found in a sample but not in the facts is a copied name.
QUOTE_MIN = 6


# Markdown a chat model writes around a report: headings, list markers, bold, rules. Blanked
# (same length) before checking, so "### 一、工作情况" is a heading and "**…**" no placeholder.
_MD_LINE = re.compile(r"^(?:[ \t]{0,3}#{1,6}[ \t]+|[ \t]*[-*+][ \t]+|[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$)", re.M)
_MD_BOLD = re.compile(r"\*\*(?=[^*\s])([^*\n]{1,80}?)(?<=[^*\s])\*\*")


def mask_markdown(text: str) -> str:
    """The text with Markdown syntax blanked out, every offset kept."""
    chars = list(text)
    for m in _MD_LINE.finditer(text):
        for i in range(m.start(), m.end()):
            chars[i] = " "
    for m in _MD_BOLD.finditer(text):
        # a bold pair, not an anonymised "**区": it closes before punctuation, a space or a line end
        after = text[m.end() : m.end() + 1]
        if after and not re.match(r"[\s，。；：、！？,.;:!?）)〔\[【]", after):
            continue
        for i in (m.start(), m.start() + 1, m.end() - 2, m.end() - 1):
            chars[i] = " "
    return "".join(chars)


# ---- helpers ------------------------------------------------------------------------------
@dataclass
class _Norm:
    """Content characters of a text with a map back to the original offsets."""

    chars: str
    pos: list[int]


def normalise(text: str) -> _Norm:
    half = to_halfwidth(text)
    chars: list[str] = []
    pos: list[int] = []
    masked = list(half)
    for c in citations(half):
        for k in range(c.start, c.end):
            masked[k] = " "
    for i, ch in enumerate(masked):
        if _CONTENT.match(ch):
            chars.append(ch)
            pos.append(i)
    return _Norm("".join(chars), pos)


def squash(text: str) -> str:
    return normalise(text).chars


def ex_name(ex: Exemplar) -> str:
    return f"{ex.report} / {ex.heading}".strip(" /") or ex.report


def ex_title(ex: Exemplar) -> str:
    return (ex.title or ex.report or "范文").strip("《》")


_CTX_STOP = re.compile(r"[，,、：:；;。！？!?\n]")
_NUM_RUN = re.compile(r"[\d.,%％]+")


def number_context(text: str, start: int, end: int, width: int = 10) -> set[str]:
    """Words around a number within its clause: what the number counts."""
    # other numbers in the way are skipped: "由14.2%降至11.5%" counts 漏损率 for both
    before = _CTX_STOP.split(text[max(0, start - 3 * width) : start])[-1]
    before = _NUM_RUN.sub("", before)[-width:]
    after = _CTX_STOP.split(text[end : end + 6])[0]
    return bigrams(before + " " + after)


@dataclass
class Clause:
    start: int
    end: int
    text: str
    status: str  # "done" | "planned" | "none", inherited from the clause before when unmarked
    mark: tuple[int, int] | None  # span of the status word that decides it
    # status words of the clause grouped into compounds ("拟建成", "已完成"): (status, start, end)
    # of the compound's first word, which decides it
    marks: list[tuple[str, int, int]] = field(default_factory=list)


def _compounds(marks: list[StatusMark], base: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    last_end = -10
    for m in marks:
        if m.start - last_end > 1 or not out:
            out.append((m.status, base + m.start, base + m.end))
        last_end = m.end
    return out


def clauses_of(text: str, base: int = 0, default: str = "none") -> list[Clause]:
    out: list[Clause] = []
    marks = status_marks(text)
    status, mark = default, None
    s = 0
    bounds = [m.start() for m in _CLAUSE_SPLIT.finditer(text)] + [len(text)]
    for b in bounds:
        seg = text[s:b]
        if _CONTENT.search(seg):
            own = _compounds([m for m in marks if s <= m.start < b], base)
            if own:
                status, mark = own[0][0], (own[0][1], own[0][2])
            out.append(Clause(base + s, base + b, seg, status, mark, own))
        s = b + 1
    return out


def status_at(cl: Clause, pos: int | None) -> tuple[str, tuple[int, int] | None]:
    """The status governing ``pos`` in a clause: the nearest compound before it, else the clause's.

    "将继续依托已建成的15个站": the 15 is governed by 已建成, not by 将.
    """
    if pos is not None:
        before = [m for m in cl.marks if m[1] < pos]
        # 完成/建成 alone do not override an earlier word: in "力争年底前建成12个" 力争 governs
        strong = [m for m in before if _strong(cl, m)]
        if strong:
            st, ms, me = strong[-1]
            return st, (ms, me)
        if before:
            st, ms, me = before[0]
            return st, (ms, me)
    return cl.status, cl.mark


def _strong(cl: Clause, m: tuple[str, int, int]) -> bool:
    word = cl.text[m[1] - cl.start : m[2] - cl.start]
    return word not in ("完成", "建成")


class FactQuantities:
    """Which facts give a quantity of the draft: worked out once per value, unit and qualifier
    (every check asks it of the same few numbers, and a draft against 50 facts has ~100 of each)."""

    def __init__(self, fact_qs: list[tuple[str, Quantity, str]]) -> None:
        self.fact_qs = fact_qs
        self._memo: dict[tuple[float, str, str, str], frozenset[str]] = {}
        # a count matches only a count or a year of an equal value; dates and years are
        # compared part by part with all
        self._by_value: dict[float, list[tuple[str, Quantity]]] = {}
        self._all = [(fid, fq) for fid, fq, _ in fact_qs]
        for fid, fq, _ in fact_qs:
            if fq.kind in ("quantity", "year"):
                self._by_value.setdefault(round(fq.value, 6), []).append((fid, fq))

    def facts_of(self, q: Quantity) -> frozenset[str]:
        key = (q.value, q.unit, q.qualifier, q.kind)
        hit = self._memo.get(key)
        if hit is None:
            pool = (
                self._by_value.get(round(q.value, 6), []) if q.kind == "quantity" else self._all
            )
            hit = frozenset(fid for fid, fq in pool if quantity_matches(q, fq))
            self._memo[key] = hit
        return hit


@dataclass
class FactInfo:
    fact: Fact
    grams: set[str]
    squashed: str
    clauses: list[Clause] = field(default_factory=list)
    clause_grams: list[set[str]] = field(default_factory=list)


@dataclass
class ExInfo:
    ex: Exemplar
    quantities: list[Quantity]
    norm: _Norm
    shingles: set[str]


@dataclass
class Copied:
    """A stretch of the draft found verbatim in a sample, with the sample content it carries."""

    start: int
    end: int
    exemplar: ExInfo
    content: list[str]


@dataclass
class Context:
    draft: str
    facts: list[Fact]
    exemplars: list[Exemplar]
    role: Role | None
    finfo: list[FactInfo]
    exinfo: list[ExInfo]
    fact_qs: list[tuple[str, Quantity, str]]  # (fact id, quantity, fact text)
    quantities: list[Quantity]  # the draft's
    sents: list[tuple[int, int]]
    supports: list[list[str]]  # per sentence: the ids of the facts it rests on
    scores: list[dict[str, float]]  # per sentence: fact id -> match score
    sent_grams: list[set[str]]
    copied: list[Copied]
    notes: list[str]
    roles: list[Role | None]  # per sentence: the role of the section it stands in
    fq: FactQuantities = field(default_factory=lambda: FactQuantities([]))
    # work several checks share (regions of facts, unmatched numbers), done once per check
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, fn: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = fn()
        return cast(T, self.memo[key])

    @property
    def by_id(self) -> dict[str, FactInfo]:
        return {fi.fact.id: fi for fi in self.finfo}

    @property
    def fact_text_sq(self) -> str:
        return "\n".join(fi.squashed for fi in self.finfo)

    def sentence_at(self, pos: int) -> int:
        return next((k for k, (s, e) in enumerate(self.sents) if s <= pos < e), -1)

    def in_copied(self, pos: int) -> bool:
        return any(c.start <= pos < c.end for c in self.copied)


def build_context(
    draft: str,
    facts: Sequence[Fact],
    exemplars: Sequence[Exemplar] = (),
    role: Role | None = None,
) -> Context:
    facts = list(facts)
    # a check's texts are cut into bigrams once (the cache is per check: a benchmark's repeat of
    # one draft must not find its sentences cut already)
    clear_bigrams()
    finfo = [
        FactInfo(f, bigrams(f.text), squash(f.text), clauses_of(f.text, 0, "none")) for f in facts
    ]
    for fi in finfo:  # an unmarked first clause takes the fact's own status
        fi.clause_grams = [bigrams(cl.text) for cl in fi.clauses]
        for cl in fi.clauses:
            if cl.status == "none" and fi.fact.status in ("done", "planned"):
                cl.status = fi.fact.status
    fact_qs = [(fi.fact.id, q, fi.fact.text) for fi in finfo for q in fi.fact.quantities]
    fq_index = FactQuantities(fact_qs)
    exinfo = []
    for ex in exemplars:
        text = ex.text or ex.body or ""
        norm = normalise(text)
        sh = {norm.chars[i : i + _SHINGLE] for i in range(max(0, len(norm.chars) - _SHINGLE + 1))}
        exinfo.append(ExInfo(ex, extract_quantities(text), norm, sh))
    dq = extract_quantities(draft)
    notes: list[str] = []

    # -- sentences and the facts they rest on
    sents = sentence_spans(draft)
    supports: list[list[str]] = []
    sent_grams = [bigrams(draft[s:e]) for s, e in sents]
    scores: list[dict[str, float]] = []
    known = {fi.fact.id for fi in finfo}
    for k, (s, e) in enumerate(sents):
        text = draft[s:e]
        qs = [q for q in dq if s <= q.start < e]
        cited = cited_ids(text)
        row: dict[str, float] = {}
        chosen: list[str] = []
        given = frozenset().union(*(fq_index.facts_of(q) for q in qs if q.kind != "year"))
        for fi in finfo:
            cov = coverage(fi.grams, sent_grams[k])
            shared = fi.fact.id in given
            score = cov + (0.3 if shared else 0.0)
            row[fi.fact.id] = score
            ok = cov >= 0.4 or (shared and cov >= 0.15) or (fi.fact.id in cited and cov >= 0.2)
            if ok:
                chosen.append(fi.fact.id)
            elif fi.fact.id in cited:
                notes.append(f"“{short(text)}”标注了{fi.fact.id}，但内容与{fi.fact.id}对不上。")
        for cid in cited:
            if cid not in known:
                notes.append(f"“{short(text)}”标注的{cid}不在素材中。")
        supports.append(chosen)
        scores.append(row)
    # a fact no sentence reached on its own: its best sentence, when the match is fair
    used = {fid for row in supports for fid in row}
    for fi in finfo:
        fid = fi.fact.id
        if fid in used or not sents:
            continue
        best = max(range(len(sents)), key=lambda k: scores[k].get(fid, 0.0))
        if scores[best].get(fid, 0.0) >= 0.28:
            supports[best].append(fid)
            used.add(fid)

    spans = roles_by_offset(draft, role, sents)
    return Context(
        draft=draft,
        facts=facts,
        exemplars=list(exemplars),
        role=role,
        finfo=finfo,
        exinfo=exinfo,
        fact_qs=fact_qs,
        quantities=dq,
        sents=sents,
        supports=supports,
        scores=scores,
        sent_grams=sent_grams,
        copied=_copied_runs(draft, finfo, exinfo, fact_qs),
        notes=notes,
        roles=[role_at(spans, s) for s, _ in sents],
        fq=fq_index,
    )


def _copied_runs(
    draft: str,
    finfo: list[FactInfo],
    exinfo: list[ExInfo],
    fact_qs: list[tuple[str, Quantity, str]],
) -> list[Copied]:
    """Whole sentences or long pieces copied from a sample with sample content in them."""
    out: list[Copied] = []
    dnorm = normalise(draft)
    fact_squash = [fi.squashed for fi in finfo]
    fact_text_sq = "\n".join(fact_squash)
    for ei in exinfo:
        for rs0, re0 in _runs(dnorm.chars, ei.shingles):
            rs, re_ = _whole_numbers(dnorm.chars, rs0, re0)
            if re_ - rs < RUN_MIN:
                continue
            run = dnorm.chars[rs:re_]
            if any(run in fs for fs in fact_squash):
                continue
            start, end = dnorm.pos[rs], dnorm.pos[re_ - 1] + 1
            content = _sample_content(draft[start:end], fact_qs, fact_text_sq)
            if not content or any(c.start <= start < c.end for c in out):
                continue
            out.append(Copied(start, end, ei, content))
    return out


def _runs(chars: str, shingles: set[str]) -> list[tuple[int, int]]:
    """Maximal stretches of ``chars`` (content characters) found verbatim in a sample."""
    out: list[tuple[int, int]] = []
    if not shingles:
        return out
    i = 0
    n = len(chars)
    while i + _SHINGLE <= n:
        if chars[i : i + _SHINGLE] in shingles:
            j = i
            while j + 1 + _SHINGLE <= n and chars[j + 1 : j + 1 + _SHINGLE] in shingles:
                j += 1
            if j + _SHINGLE - i >= RUN_MIN:
                out.append((i, j + _SHINGLE))
            i = j + 1
        else:
            i += 1
    return out


def _is_num(c: str) -> bool:
    return c.isascii() and (c.isdigit() or c == ".")


def _whole_numbers(chars: str, rs: int, re_: int) -> tuple[int, int]:
    """Shrink a shared run so it never ends inside a number ("会议1" of "会议12次" vs "会议16次")."""
    while re_ > rs and re_ < len(chars) and _is_num(chars[re_]) and _is_num(chars[re_ - 1]):
        re_ -= 1
    while rs < re_ and rs > 0 and _is_num(chars[rs - 1]) and _is_num(chars[rs]):
        rs += 1
    return rs, re_


def _sample_content(span: str, fact_qs: list[tuple[str, Quantity, str]], fact_sq: str) -> list[str]:
    """What makes a copied stretch sample content rather than a formula: its numbers, titles,
    long quoted names and slots that the facts do not have (empty for a formula)."""
    found = [p.text for p in placeholders(span)]
    for q in extract_quantities(span):
        if not any(quantity_matches(q, fq) for _, fq, _ in fact_qs):
            found.append(q.text.strip())
    for t in titles(span):
        if squash(t.text) not in fact_sq:
            found.append(t.text)
    for m in QUOTE_RE.finditer(span):
        inner = squash(m.group(1))
        if len(inner) >= QUOTE_MIN and inner not in fact_sq:
            found.append(m.group())
    # a title cut open by the run's end: its words must come from the facts
    tail = span.split("《")[-1] if "《" in span else ""
    if tail and "》" not in tail and squash(tail) not in fact_sq:
        found.append("《" + tail)
    return found


def dedupe(flags: list[Flag]) -> list[Flag]:
    flags = sorted(flags, key=lambda f: (f.start, f.end, f.kind))
    out: list[Flag] = []
    seen: set[tuple[str, int, int]] = set()
    for f in flags:
        key = (f.kind, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def show_quantity(q: Quantity) -> str:
    """A quantity as the reader sees it, with a qualifier written before it ("近300篇")."""
    text = q.text.strip()
    return text if not q.qualifier or q.qualifier in text else q.qualifier + text


def fid_key(fid: str) -> tuple[int, str]:
    digits = "".join(c for c in fid if c.isdigit())
    return (int(digits) if digits else 0, fid)


def short(text: str, n: int = 20) -> str:
    t = text.strip().replace("\n", " ")
    return t if len(t) <= n else t[:n] + "…"


def uniq(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
