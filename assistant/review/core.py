"""The checker's first kinds: sample copies, numbers, planned/done shifts, titles, placeholders.

Each function is one row of the checker's table (``assistant.review.table``): a pure function
of the shared ``Context`` returning the flags of its kind. These are the checks the checker had
before issue 10; ``status_shift`` here is the clause-level version, kept as the baseline.
"""

from __future__ import annotations

from assistant.models import Flag, Quantity
from assistant.review.context import (
    QUOTE_MIN,
    Clause,
    Context,
    FactInfo,
    clauses_of,
    coverage,
    ex_name,
    ex_title,
    number_context,
    short,
    show_quantity,
    squash,
    status_at,
    uniq,
)
from assistant.review.numbers import bigrams
from assistant.text.quantities import QUOTE_RE, norm_title, placeholders, quantity_matches, titles
from assistant.text.units import unit_family


def copied_from_sample(ctx: Context) -> list[Flag]:
    """Pasted sample stretches with sample content, and long quoted names from a sample."""
    flags = []
    for c in ctx.copied:
        span = ctx.draft[c.start : c.end]
        flags.append(
            Flag(
                "copied_from_sample",
                span,
                c.start,
                c.end,
                f"与范文《{ex_title(c.exemplar.ex)}》中的“{short(span, 30)}”一字不差，"
                f"其中{''.join(f'“{x}”' for x in uniq(c.content)[:4])}素材中没有",
                exemplar=ex_name(c.exemplar.ex),
            )
        )
    fact_sq = ctx.fact_text_sq
    for m in QUOTE_RE.finditer(ctx.draft):
        inner = squash(m.group(1))
        if len(inner) < QUOTE_MIN or inner in fact_sq or ctx.in_copied(m.start()):
            continue
        hit = next((ei for ei in ctx.exinfo if inner in ei.norm.chars), None)
        if hit is not None:
            flags.append(
                Flag(
                    "copied_from_sample",
                    m.group(),
                    m.start(),
                    m.end(),
                    f"与范文《{ex_title(hit.ex)}》中的名称{m.group()}相同，素材中没有",
                    exemplar=ex_name(hit.ex),
                )
            )
    return flags + [_number_flag(ctx, q) for q in _unmatched(ctx) if _sample_copy(ctx, q)]


def numbers(ctx: Context, strict: bool = False) -> list[Flag]:
    return ctx.once(f"numbers/{strict}", lambda: _numbers(ctx, strict))


def _numbers(ctx: Context, strict: bool = False) -> list[Flag]:
    """Numbers, dates and years no fact contains: changed (a fact counts the same thing) or
    unsupported. A number that matches a sample's is left to ``copied_from_sample``.

    ``strict`` (the current checker): a number is "changed" only from a fact its sentence rests
    on (or one that counts nearly the same words), and a percentage must share words with the
    fact it matches ("满意率达100%" is not "办结率100%")."""
    out = []
    for q in _unmatched(ctx, strict):
        if not _sample_copy(ctx, q):
            out.append(_number_flag(ctx, q, strict))
    return out


def _unmatched(ctx: Context, strict: bool = False) -> list[Quantity]:
    out = []
    for q in ctx.quantities:
        if ctx.in_copied(q.start):
            continue
        same = (
            [(fq, ftext) for _, fq, ftext in ctx.fact_qs if quantity_matches(q, fq)]
            if ctx.fq.facts_of(q)
            else []
        )
        if strict and same and q.unit == "%":
            near = number_context(ctx.draft, q.start, q.end)
            if not any(near & number_context(ft, fq.start, fq.end) for fq, ft in same):
                same = []
        if not same:
            out.append(q)
    return out


def _sample_copy(ctx: Context, q: Quantity) -> bool:
    return _number_flag(ctx, q).kind == "copied_from_sample"


def _number_flag(ctx: Context, q: Quantity, strict: bool = False) -> Flag:
    """Why a draft number has no fact behind it: changed, copied from a sample, or unsupported."""
    draft = ctx.draft
    k = ctx.sentence_at(q.start)
    resting = set(ctx.supports[k]) if k >= 0 else set()
    near_words = number_context(draft, q.start, q.end)

    best_fact: tuple[float, str, Quantity] | None = None
    for fid, fq, ftext in ctx.fact_qs:
        if fq.kind != q.kind:
            continue
        if q.kind == "quantity" and unit_family(fq.unit) != unit_family(q.unit):
            continue
        near = coverage(near_words, number_context(ftext, fq.start, fq.end))
        sim = near + (0.5 if fid in resting else 0.0)
        if strict and fid not in resting and near < 0.5:
            continue
        if near >= 0.2 and (best_fact is None or sim > best_fact[0]):
            best_fact = (sim, fid, fq)

    best_ex = None
    for ei in ctx.exinfo:
        for eq in ei.quantities:
            if not quantity_matches(q, eq):
                continue
            etext = ei.ex.text or ei.ex.body
            sim = coverage(near_words, number_context(etext, eq.start, eq.end))
            if best_ex is None or sim > best_ex[0]:
                best_ex = (sim, ei, eq)

    if best_ex is not None and (best_fact is None or best_ex[0] >= best_fact[0] - 0.5):
        _, ei, eq = best_ex
        return Flag(
            "copied_from_sample",
            q.text,
            q.start,
            q.end,
            f"与范文《{ex_title(ei.ex)}》中的“{eq.text.strip()}”相同，素材中没有",
            exemplar=ex_name(ei.ex),
        )
    if best_fact is not None:
        _, fid, fq = best_fact
        return Flag(
            "changed_number",
            q.text,
            q.start,
            q.end,
            f"素材{fid}中是“{show_quantity(fq)}”，草稿写成了“{show_quantity(q)}”",
            fact=fid,
        )
    what = {"date": "日期", "year": "年份"}.get(q.kind, "数字")
    return Flag(
        "unsupported_number",
        q.text,
        q.start,
        q.end,
        f"{what}“{q.text.strip()}”在素材中找不到出处，请核对或删除",
    )


def changed_number(ctx: Context) -> list[Flag]:
    return [f for f in numbers(ctx) if f.kind == "changed_number"]


def unsupported_number(ctx: Context) -> list[Flag]:
    return [f for f in numbers(ctx) if f.kind == "unsupported_number"]


def changed_number_strict(ctx: Context) -> list[Flag]:
    return [f for f in numbers(ctx, strict=True) if f.kind == "changed_number"]


def unsupported_number_strict(ctx: Context) -> list[Flag]:
    return [f for f in numbers(ctx, strict=True) if f.kind == "unsupported_number"]


def status_shift_clause(ctx: Context) -> list[Flag]:
    """A clause resting on a fact whose status (planned/done) it turns round (the first version:
    only the word that decides the clause, and only where a fact's clause matches it)."""
    draft = ctx.draft
    by_id = ctx.by_id
    out: list[Flag] = []
    seen: set[tuple[int, int]] = set()
    for (s, e), sup in zip(ctx.sents, ctx.supports, strict=True):
        facts = [by_id[f] for f in sup if f in by_id and by_id[f].fact.status != "none"]
        if not facts:
            continue
        for dc in clauses_of(draft[s:e], s):
            if dc.status == "none":
                continue
            best = best_fact_clause(ctx, dc, facts)
            if best is None or best[0] < 0.34:
                continue
            _, fi, fc, dpos, fpos = best
            d_status, d_mark = status_at(dc, dpos)
            f_status, _ = status_at(fc, fpos)
            if d_mark is None or d_mark in seen:
                continue
            if {f_status, d_status} == {"done", "planned"}:
                seen.add(d_mark)
                out.append(shift_flag(draft, d_mark, d_status, f_status, fi, fc))
    return out


def best_fact_clause(
    ctx: Context, dc: Clause, facts: list[FactInfo]
) -> tuple[float, FactInfo, Clause, int | None, int | None] | None:
    """The fact clause a draft clause says again: (score, fact, clause, draft number position,
    fact number position) — the positions of a shared number, which place the status words."""
    dgrams = bigrams(dc.text)
    dqs = [q for q in ctx.quantities if dc.start <= q.start < dc.end and q.kind == "quantity"]
    best: tuple[float, FactInfo, Clause, int | None, int | None] | None = None
    for fi in facts:
        for fc, fgrams in zip(fi.clauses, fi.clause_grams, strict=True):
            cov = coverage(fgrams, dgrams)
            fqs = [q for q in fi.fact.quantities if fc.start <= q.start < fc.end]
            pair = next(
                ((a.start, b.start) for a in dqs for b in fqs if quantity_matches(a, b)), None
            )
            if pair is not None:
                cov += 0.3
            if best is None or cov > best[0]:
                dpos, fpos = pair if pair else (None, None)
                best = (cov, fi, fc, dpos, fpos)
    return best


def shift_flag(
    draft: str,
    mark: tuple[int, int],
    d_status: str,
    f_status: str,
    fi: FactInfo,
    fc: Clause,
) -> Flag:
    ms, me = mark
    said = "计划要做" if f_status == "planned" else "已经完成"
    now = "已经完成" if d_status == "done" else "计划要做"
    return Flag(
        "status_shift",
        draft[ms:me],
        ms,
        me,
        f"素材{fi.fact.id}说的是{said}的事（“{short(fc.text.strip(), 24)}”），"
        f"草稿写成了{now}（“{draft[ms:me]}”）",
        fact=fi.fact.id,
    )


def unsupported_title(ctx: Context) -> list[Flag]:
    """《titles》 that no fact names (and where a sample has it, which sample)."""
    fact_titles = {norm_title(t) for fi in ctx.finfo for t in fi.fact.titles}
    fact_sq = ctx.fact_text_sq
    out = []
    for t in titles(ctx.draft):
        nt = norm_title(t.text)
        if nt in fact_titles or (squash(nt) and squash(nt) in fact_sq):
            continue
        ex_hit = next((ei for ei in ctx.exinfo if nt and nt in norm_title(ei.ex.text or "")), None)
        if ex_hit is not None:
            reason = f"文件名称{t.text}出自范文《{ex_title(ex_hit.ex)}》，素材中没有"
        else:
            reason = f"素材中没有提到{t.text}，请核对文件名称或删除"
        out.append(
            Flag(
                "unsupported_title",
                t.text,
                t.start,
                t.end,
                reason,
                exemplar=ex_name(ex_hit.ex) if ex_hit else None,
            )
        )
    return out


def placeholder_left(ctx: Context) -> list[Flag]:
    """Anonymisation slots and 【待补充】 gaps left in the draft."""
    out = []
    for p in placeholders(ctx.draft):
        if p.text.startswith("【"):
            reason = f"草稿中还留有“{p.text}”，需要补充素材后改写"
        else:
            reason = f"草稿中留有占位符“{p.text}”，应换成素材中的真实内容"
        out.append(Flag("placeholder_left", p.text, p.start, p.end, reason))
    return out
