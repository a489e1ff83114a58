"""The editor's check: every claim of a draft against the user's facts and the samples used.

``check(draft, facts, exemplars)`` finds, per sentence, the facts it rests on (citations such as
〔F2〕 are verified by content, not trusted), and flags numbers no fact contains, numbers that
differ from the fact's, numbers, names and sentences copied from a sample, planned measures
written as done (and the reverse), titles not in the facts and placeholders left in.
It never raises: when it cannot decide, the verdict is "unverified" and ``notes`` say why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.models import Exemplar, Fact, Flag, Quantity, Review, SentenceSupport
from assistant.review.numbers import bigrams, coverage
from assistant.text.citations import citations, cited_ids
from assistant.text.quantities import (
    QUOTE_RE,
    extract_quantities,
    norm_title,
    placeholders,
    quantity_matches,
    titles,
    to_halfwidth,
)
from assistant.text.status import StatusMark, status_marks
from assistant.text.units import unit_family

_SENT_END = "。！？；!?;\n"
_CLAUSE_SPLIT = re.compile(r"[，,、：:；;。！？!?\n]")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]")
# A verbatim run this long (content characters) shared with a sample is checked for sample content.
RUN_MIN = 12
_SHINGLE = 8
# A quoted name this long found in a sample but not in the facts is a copied name.
QUOTE_MIN = 6


# ---- helpers ------------------------------------------------------------------------------
def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences (and ；-separated points) of a draft; a trailing citation stays with its sentence."""
    spans: list[tuple[int, int]] = []
    cites = {c.start: c.end for c in citations(text)}
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in _SENT_END:
            end = i + 1
            while end < n and text[end] in "”’」』）)":
                end += 1
            # "…为主。〔F1〕" — the citation after the stop belongs to this sentence
            j = end
            while j < n and text[j] in " \u3000":
                j += 1
            while j in cites:
                end = cites[j]
                j = end
            spans.append((start, end))
            start = end
            i = end
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return [(s, e) for s, e in spans if _CONTENT.search(text[s:e])]


@dataclass
class _Norm:
    """Content characters of a text with a map back to the original offsets."""

    chars: str
    pos: list[int]


def _normalise(text: str) -> _Norm:
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


def _squash(text: str) -> str:
    return _normalise(text).chars


def _ex_name(ex: Exemplar) -> str:
    return f"{ex.report} / {ex.heading}".strip(" /") or ex.report


def _ex_title(ex: Exemplar) -> str:
    return (ex.title or ex.report or "范文").strip("《》")


_CTX_STOP = re.compile(r"[，,、：:；;。！？!?\n]")


def _context(text: str, start: int, end: int, width: int = 10) -> set[str]:
    """Words around a number within its clause: what the number counts."""
    before = _CTX_STOP.split(text[max(0, start - width) : start])[-1]
    after = _CTX_STOP.split(text[end : end + 6])[0]
    return bigrams(before + " " + after)


@dataclass
class _Clause:
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


def _clauses(text: str, base: int = 0, default: str = "none") -> list[_Clause]:
    out: list[_Clause] = []
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
            out.append(_Clause(base + s, base + b, seg, status, mark, own))
        s = b + 1
    return out


def _status_at(cl: _Clause, pos: int | None) -> tuple[str, tuple[int, int] | None]:
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


def _strong(cl: _Clause, m: tuple[str, int, int]) -> bool:
    word = cl.text[m[1] - cl.start : m[2] - cl.start]
    return word not in ("完成", "建成")


@dataclass
class _FactInfo:
    fact: Fact
    grams: set[str]
    squashed: str
    clauses: list[_Clause] = field(default_factory=list)
    clause_grams: list[set[str]] = field(default_factory=list)


@dataclass
class _ExInfo:
    ex: Exemplar
    quantities: list[Quantity]
    norm: _Norm
    shingles: set[str]


# ---- the check ----------------------------------------------------------------------------
def check(draft: str, facts: Sequence[Fact], exemplars: Sequence[Exemplar] = ()) -> Review:
    """Review a draft against the facts (and the exemplars it was drafted from). Never raises."""
    try:
        return _check(
            draft if isinstance(draft, str) else "", list(facts or []), list(exemplars or [])
        )
    except Exception as exc:  # the checker must answer, whatever the draft looks like
        ids = []
        try:
            ids = [f.id for f in facts]
        except Exception:
            ids = []
        return Review(
            verdict="unverified",
            flags=[],
            unused_facts=ids,
            sentences=[],
            notes=[f"审核时出错（{type(exc).__name__}），无法判断草稿是否与素材一致，请人工核对。"],
        )


def _check(draft: str, facts: list[Fact], exemplars: list[Exemplar]) -> Review:
    notes: list[str] = []
    if not draft.strip():
        return Review("unverified", [], [f.id for f in facts], [], ["草稿为空，无法审核。"])

    finfo = [
        _FactInfo(f, bigrams(f.text), _squash(f.text), _clauses(f.text, 0, "none")) for f in facts
    ]
    for fi in finfo:  # an unmarked first clause takes the fact's own status
        fi.clause_grams = [bigrams(cl.text) for cl in fi.clauses]
        for cl in fi.clauses:
            if cl.status == "none" and fi.fact.status in ("done", "planned"):
                cl.status = fi.fact.status
    fact_qs = [(fi.fact.id, q, fi.fact.text) for fi in finfo for q in fi.fact.quantities]
    exinfo = []
    for ex in exemplars:
        text = ex.text or ex.body or ""
        norm = _normalise(text)
        sh = {norm.chars[i : i + _SHINGLE] for i in range(max(0, len(norm.chars) - _SHINGLE + 1))}
        exinfo.append(_ExInfo(ex, extract_quantities(text), norm, sh))

    flags: list[Flag] = []
    dq = extract_quantities(draft)

    # -- sentences and the facts they rest on
    sents = sentence_spans(draft)
    supports: list[list[str]] = []
    sent_grams = [bigrams(draft[s:e]) for s, e in sents]
    scores: list[dict[str, float]] = []
    for k, (s, e) in enumerate(sents):
        text = draft[s:e]
        qs = [q for q in dq if s <= q.start < e]
        cited = cited_ids(text)
        row: dict[str, float] = {}
        chosen: list[str] = []
        for fi in finfo:
            cov = coverage(fi.grams, sent_grams[k])
            shared = any(
                quantity_matches(q, fq) for q in qs for fq in fi.fact.quantities if q.kind != "year"
            )
            score = cov + (0.3 if shared else 0.0)
            row[fi.fact.id] = score
            ok = cov >= 0.4 or (shared and cov >= 0.15) or (fi.fact.id in cited and cov >= 0.2)
            if ok:
                chosen.append(fi.fact.id)
            elif fi.fact.id in cited:
                notes.append(f"“{_short(text)}”标注了{fi.fact.id}，但内容与{fi.fact.id}对不上。")
        known = {fi.fact.id for fi in finfo}
        for cid in cited:
            if cid not in known:
                notes.append(f"“{_short(text)}”标注的{cid}不在素材中。")
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

    # -- copied runs from the samples (whole sentences or long pieces with sample content)
    covered: list[tuple[int, int]] = []
    dnorm = _normalise(draft)
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
            span = draft[start:end]
            content = _sample_content(span, fact_qs, fact_text_sq)
            if not content:
                continue
            if any(s <= start < e for s, e in covered):
                continue
            covered.append((start, end))
            flags.append(
                Flag(
                    "copied_from_sample",
                    span,
                    start,
                    end,
                    f"与范文《{_ex_title(ei.ex)}》中的“{_short(span, 30)}”一字不差，"
                    f"其中{''.join(f'“{c}”' for c in _uniq(content)[:4])}素材中没有",
                    exemplar=_ex_name(ei.ex),
                )
            )

    # -- numbers, dates and years
    for q in dq:
        if any(s <= q.start < e for s, e in covered):
            continue
        if any(quantity_matches(q, fq) for _, fq, _ in fact_qs):
            continue
        flags.append(_number_flag(draft, q, sents, supports, fact_qs, exinfo))

    # -- planned written as done and the reverse
    flags += _status_flags(draft, sents, supports, finfo, dq)

    # -- titles
    fact_titles = {norm_title(t) for fi in finfo for t in fi.fact.titles}
    for t in titles(draft):
        nt = norm_title(t.text)
        if nt in fact_titles or (_squash(nt) and _squash(nt) in fact_text_sq):
            continue
        ex_hit = next((ei for ei in exinfo if nt and nt in norm_title(ei.ex.text or "")), None)
        if ex_hit is not None:
            reason = f"文件名称{t.text}出自范文《{_ex_title(ex_hit.ex)}》，素材中没有"
        else:
            reason = f"素材中没有提到{t.text}，请核对文件名称或删除"
        flags.append(
            Flag(
                "unsupported_title",
                t.text,
                t.start,
                t.end,
                reason,
                exemplar=_ex_name(ex_hit.ex) if ex_hit else None,
            )
        )

    # -- quoted names copied from a sample ("唱响经典同心颂党" 红歌大赛)
    for m in QUOTE_RE.finditer(draft):
        inner = _squash(m.group(1))
        if len(inner) < QUOTE_MIN or inner in fact_text_sq:
            continue
        if any(s <= m.start() < e for s, e in covered):
            continue
        hit = next((ei for ei in exinfo if inner in ei.norm.chars), None)
        if hit is not None:
            flags.append(
                Flag(
                    "copied_from_sample",
                    m.group(),
                    m.start(),
                    m.end(),
                    f"与范文《{_ex_title(hit.ex)}》中的名称{m.group()}相同，素材中没有",
                    exemplar=_ex_name(hit.ex),
                )
            )

    # -- placeholders and 【待补充】 left in
    for p in placeholders(draft):
        if p.text.startswith("【"):
            reason = f"草稿中还留有“{p.text}”，需要补充素材后改写"
        else:
            reason = f"草稿中留有占位符“{p.text}”，应换成素材中的真实内容"
        flags.append(Flag("placeholder_left", p.text, p.start, p.end, reason))

    flags = _dedupe(flags)
    sentences = [
        SentenceSupport(draft[s:e].strip(), s, e, sorted(set(sup), key=_fid_key))
        for (s, e), sup in zip(sents, supports, strict=True)
    ]
    used = {fid for sup in supports for fid in sup}
    unused = [fi.fact.id for fi in finfo if fi.fact.id not in used]
    if not facts:
        notes.insert(0, "没有素材，无法核对草稿中的内容。")
        verdict = "unverified"
    else:
        verdict = "pass" if not flags and not unused else "flagged"
    return Review(verdict, flags, unused, sentences, _uniq(notes))


def _number_flag(
    draft: str,
    q: Quantity,
    sents: list[tuple[int, int]],
    supports: list[list[str]],
    fact_qs: list[tuple[str, Quantity, str]],
    exinfo: list[_ExInfo],
) -> Flag:
    """Why a draft number has no fact behind it: changed, copied from a sample, or unsupported."""
    k = next((i for i, (s, e) in enumerate(sents) if s <= q.start < e), -1)
    resting = set(supports[k]) if k >= 0 else set()
    ctx = _context(draft, q.start, q.end)

    best_fact: tuple[float, str, Quantity] | None = None
    for fid, fq, ftext in fact_qs:
        if fq.kind != q.kind:
            continue
        if q.kind == "quantity" and unit_family(fq.unit) != unit_family(q.unit):
            continue
        near = coverage(ctx, _context(ftext, fq.start, fq.end))
        sim = near + (0.5 if fid in resting else 0.0)
        if near >= 0.2 and (best_fact is None or sim > best_fact[0]):
            best_fact = (sim, fid, fq)

    best_ex: tuple[float, _ExInfo, Quantity] | None = None
    for ei in exinfo:
        for eq in ei.quantities:
            if not quantity_matches(q, eq):
                continue
            etext = ei.ex.text or ei.ex.body
            sim = coverage(ctx, _context(etext, eq.start, eq.end))
            if best_ex is None or sim > best_ex[0]:
                best_ex = (sim, ei, eq)

    if best_ex is not None and (best_fact is None or best_ex[0] >= best_fact[0] - 0.5):
        _, ei, eq = best_ex
        return Flag(
            "copied_from_sample",
            q.text,
            q.start,
            q.end,
            f"与范文《{_ex_title(ei.ex)}》中的“{eq.text.strip()}”相同，素材中没有",
            exemplar=_ex_name(ei.ex),
        )
    if best_fact is not None:
        _, fid, fq = best_fact
        return Flag(
            "changed_number",
            q.text,
            q.start,
            q.end,
            f"素材{fid}中是“{_show(fq)}”，草稿写成了“{_show(q)}”",
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


def _status_flags(
    draft: str,
    sents: list[tuple[int, int]],
    supports: list[list[str]],
    finfo: list[_FactInfo],
    dq: list[Quantity],
) -> list[Flag]:
    by_id = {fi.fact.id: fi for fi in finfo}
    out: list[Flag] = []
    seen: set[tuple[int, int]] = set()
    for (s, e), sup in zip(sents, supports, strict=True):
        facts = [by_id[f] for f in sup if f in by_id and by_id[f].fact.status != "none"]
        if not facts:
            continue
        for dc in _clauses(draft[s:e], s):
            if dc.status == "none":
                continue
            dgrams = bigrams(dc.text)
            dqs = [q for q in dq if dc.start <= q.start < dc.end and q.kind == "quantity"]
            best: tuple[float, _FactInfo, _Clause, int | None, int | None] | None = None
            for fi in facts:
                for fc, fgrams in zip(fi.clauses, fi.clause_grams, strict=True):
                    cov = coverage(fgrams, dgrams)
                    fqs = [q for q in fi.fact.quantities if fc.start <= q.start < fc.end]
                    pair = next(
                        ((a.start, b.start) for a in dqs for b in fqs if quantity_matches(a, b)),
                        None,
                    )
                    if pair is not None:
                        cov += 0.3
                    if best is None or cov > best[0]:
                        dpos, fpos = pair if pair else (None, None)
                        best = (cov, fi, fc, dpos, fpos)
            if best is None or best[0] < 0.34:
                continue
            _, fi, fc, dpos, fpos = best
            d_status, d_mark = _status_at(dc, dpos)
            f_status, _ = _status_at(fc, fpos)
            if d_mark is None or d_mark in seen:
                continue
            if {f_status, d_status} == {"done", "planned"}:
                ms, me = d_mark
                seen.add(d_mark)
                said = "计划要做" if f_status == "planned" else "已经完成"
                now = "已经完成" if d_status == "done" else "计划要做"
                out.append(
                    Flag(
                        "status_shift",
                        draft[ms:me],
                        ms,
                        me,
                        f"素材{fi.fact.id}说的是{said}的事（“{_short(fc.text.strip(), 24)}”），"
                        f"草稿写成了{now}（“{draft[ms:me]}”）",
                        fact=fi.fact.id,
                    )
                )
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
        if _squash(t.text) not in fact_sq:
            found.append(t.text)
    for m in QUOTE_RE.finditer(span):
        inner = _squash(m.group(1))
        if len(inner) >= QUOTE_MIN and inner not in fact_sq:
            found.append(m.group())
    # a title cut open by the run's end: its words must come from the facts
    tail = span.split("《")[-1] if "《" in span else ""
    if tail and "》" not in tail and _squash(tail) not in fact_sq:
        found.append("《" + tail)
    return found


def _dedupe(flags: list[Flag]) -> list[Flag]:
    flags = sorted(flags, key=lambda f: (f.start, f.end, f.kind))
    out: list[Flag] = []
    seen: set[tuple[str, int, int]] = set()
    for f in flags:
        key = (f.kind, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _show(q: Quantity) -> str:
    """A quantity as the reader sees it, with a qualifier written before it ("近300篇")."""
    text = q.text.strip()
    return text if not q.qualifier or q.qualifier in text else q.qualifier + text


def _fid_key(fid: str) -> tuple[int, str]:
    digits = "".join(c for c in fid if c.isdigit())
    return (int(digits) if digits else 0, fid)


def _short(text: str, n: int = 20) -> str:
    t = text.strip().replace("\n", " ")
    return t if len(t) <= n else t[:n] + "…"


def _uniq(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
