"""wrong_citation: a 〔F3〕/[F3] whose fact shares nothing with its sentence, while another fact
does ("处置网络舆情9起[F3]" where F3 is about 发稿 and F4 about 舆情)."""

from __future__ import annotations

from assistant.models import Flag, Quantity
from assistant.review.context import Context, FactInfo, short
from assistant.review.numbers import bigrams, coverage
from assistant.text.citations import Span, citations, cited_ids
from assistant.text.quantities import quantity_matches

# Below this share of the cited fact's bigrams found in the sentence, the fact "shares nothing".
SHARES_NOTHING = 0.12


def wrong_citation(ctx: Context) -> list[Flag]:
    by_id = ctx.by_id
    out: list[Flag] = []
    for s, e in ctx.sents:
        text = ctx.draft[s:e]
        marks = citations(text)
        prev = 0
        for c in marks:
            # what a citation vouches for: the words since the previous citation
            a, b = prev, c.start
            if len(bigrams(text[a:b])) < 3:
                a, b = 0, len(text)
            prev = c.end
            grams = bigrams(text[a:b])
            qs = [q for q in ctx.quantities if s + a <= q.start < s + b and q.kind != "year"]
            ids = cited_ids(c.text)

            missing = [i for i in ids if i not in by_id]
            if missing and by_id:
                # a citation of a fact the facts do not have ("〔F9〕" beside F1–F5)
                why = (
                    f"标注的{'、'.join(missing)}在素材中不存在（素材共{len(by_id)}条），请核对引用"
                )
                out.append(_flag(c, s, text, why, missing[0]))
                continue
            for fid in (i for i in ids if i in by_id):
                given = frozenset().union(*(ctx.fq.facts_of(q) for q in qs))
                mine = _shares(by_id[fid], grams, given)
                better = sorted(
                    ((_shares(fi, grams, given), fi) for fi in ctx.finfo if fi.fact.id not in ids),
                    key=lambda x: -x[0],
                )
                if not better:
                    continue
                best = better[0][0]
                # shares nothing while another fact does; or shares a word or two while another
                # fact has the very number or most of the words ("培训180人次〔F1〕", F1 学习会)
                if not (
                    (mine == 0 and best >= 0.3)
                    or (mine < 0.25 and best >= 0.5 + mine)
                    or _number_elsewhere(ctx, by_id[fid], qs, given)
                ):
                    continue
                alt = better[0][1]
                fi = by_id[fid]
                why = (
                    f"标注的{fid}（“{short(fi.fact.text, 16)}”）与这句话无关，"
                    f"这句话的内容出自{alt.fact.id}（“{short(alt.fact.text, 16)}”）"
                )
                out.append(_flag(c, s, text, why, fid))
    return out


def _shares(fi: FactInfo, grams: set[str], given: frozenset[str]) -> float:
    """How much a fact shares with a stretch of the draft (``given``: the facts that give one of
    its numbers); 0 when it shares nothing."""
    if fi.fact.id in given:
        return 1.0
    cov = coverage(fi.grams, grams)
    back = coverage(grams, fi.grams)
    return 0.0 if max(cov, back) < SHARES_NOTHING else cov


def _flag(c: Span, s: int, text: str, reason: str, fid: str) -> Flag:
    """The flag on citation ``c`` of the sentence ``text`` that starts at ``s``."""
    return Flag("wrong_citation", text[c.start : c.end], s + c.start, s + c.end, reason, fact=fid)


def _number_elsewhere(
    ctx: Context, fi: FactInfo, qs: list[Quantity], given: frozenset[str]
) -> bool:
    """The stretch's counts come from other facts only, and the cited fact's own counts are not
    in it ("查处…机构23家〔F3〕" where 23家 is F2's and F3 is 追回…860万元):
    a word or two in common ("医保基金") does not make it the source."""
    if not qs or fi.fact.id in given:
        return False
    if not all(ctx.fq.facts_of(q) for q in qs):
        return False  # a count no fact gives is another kind's business
    own = [q for q in fi.fact.quantities if q.kind == "quantity"]
    if not own:
        return False
    return not any(quantity_matches(q, fq) for q in qs for fq in own)
