"""Pure helpers for the UI: HTML of a reviewed draft, outline trees, diffs (no Streamlit here).

Everything that goes into ``st.markdown(..., unsafe_allow_html=True)`` is built here and
escaped here, so it can be tested without a browser.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.models import ROLE_LABELS, Draft, Exemplar, Fact, Flag, Review, Role
from assistant.sessions import DEFAULT_TITLE
from assistant.text.citations import CITATION_RE
from assistant.text.headings import HEADING_RE, strip_heading_marker

FLAG_COLOURS: dict[str, str] = {
    "unsupported_number": "#ffc9c9",
    "changed_number": "#ffd8a8",
    "copied_from_sample": "#e5dbff",
    "status_shift": "#fff3bf",
    "unsupported_title": "#d0ebff",
    "placeholder_left": "#e9ecef",
    "unsupported_claim": "#ffdeeb",
    "unsupported_name": "#c5f6fa",
    "wrong_citation": "#d3f9d8",
    "unsupported_comparison": "#ffe8cc",
    "role_mismatch": "#e3fafc",
}
VERDICT_LABELS: dict[str, str] = {
    "pass": "审核通过：未发现与素材不符之处",
    "flagged": "审核发现待核实之处",
    "unverified": "审核无法判定，请人工核对",
}
VERDICT_SHORT: dict[str, str] = {
    "pass": ":green-badge[审核通过]",
    "flagged": ":orange-badge[有待核实之处]",
    "unverified": ":gray-badge[未能审核]",
}
ENGINE_LABELS: dict[str, str] = {
    "offline": "离线起草",
    "llm": "大模型起草",
    "pasted": "外来稿件",
    "edited": "人工修改",
}


def gaps_only(review: Review) -> bool:
    """Flagged only for 【待补充】/placeholder slots: nothing contradicts the facts, but the
    draft has gaps the user must fill (common for offline drafts with missing lead phrases)."""
    return (
        review.verdict == "flagged"
        and bool(review.flags)
        and all(f.kind == "placeholder_left" for f in review.flags)
    )


# Said when every flag was marked as checked by the editor: never 审核通过, which only a text
# the checker found nothing in may say.
ALL_MARKED_SHORT = ":violet-badge[有待核实之处已由您逐条核实]"


def verdict_short(review: Review, marked: int = 0) -> str:
    """The badge beside a draft's title. ``review`` holds the flags not yet marked as checked,
    ``marked`` counts those the editor marked."""
    if marked and review.verdict == "flagged" and not review.flags:
        return ALL_MARKED_SHORT
    if gaps_only(review):
        return f":blue-badge[待补充 {len(review.flags)} 处]"
    if review.verdict == "flagged" and not review.flags and review.unused_facts:
        return f":orange-badge[{len(review.unused_facts)} 条素材未用]"
    return VERDICT_SHORT.get(review.verdict, review.verdict)


def verdict_long(review: Review, marked: int = 0) -> str:
    """The sentence at the top of the 审核 tab (``review`` and ``marked`` as for the badge)."""
    if marked and review.verdict == "flagged":
        if not review.flags:
            return f"审核发现的 {marked} 处有待核实之处已由您逐条核实（审核本身没有通过这些句子）。"
        return f"{_verdict_long(review).rstrip('。')}；另有 {marked} 处已由您核实。"
    return _verdict_long(review)


def _verdict_long(review: Review) -> str:
    if gaps_only(review):
        return (
            f"未发现与素材不符之处；还有 {len(review.flags)} 处【待补充】或占位符，"
            "需要补充素材后改写。"
        )
    if review.verdict == "flagged" and not review.flags and review.unused_facts:
        ids = "、".join(review.unused_facts)
        return f"未发现与素材不符之处；素材{ids}没有写进草稿。"
    label = VERDICT_LABELS.get(review.verdict, review.verdict)
    return f"{label}（{len(review.flags)} 处）" if review.verdict == "flagged" else label


def export_warning(reviews: Iterable[Review], missing: Sequence[str] = ()) -> str | None:
    """What an export still holds, said before the download: 【待补充】/placeholder slots,
    flags not yet resolved, parts that could not be checked at all, and ``missing``: parts
    of the outline not drafted yet (the 开头 is written last, so it is easily forgotten)."""
    gaps = unresolved = unchecked = 0
    for r in reviews:
        if r.verdict == "unverified":
            unchecked += 1
        for f in r.flags:
            if f.kind == "placeholder_left":
                gaps += 1
            else:
                unresolved += 1
    parts = []
    if gaps:
        parts.append(f"{gaps} 处待补充")
    if unresolved:
        parts.append(f"{unresolved} 处待核实")
    if unchecked:
        parts.append(f"{unchecked} 个部分未能审核")
    said = [f"还有 {'、'.join(parts)}"] if parts else []
    if missing:
        hint = "（可以说“写个开头”）" if role_label(Role.PREAMBLE) in missing else ""
        said.append(f"提纲中的“{'”“'.join(missing)}”还没有写{hint}")
    if not said:
        return None
    return f"{'，'.join(said)}，导出前请补齐、核实（高亮处可查看原因）。"


def undrafted_parts(plan_items: Iterable[tuple[str, Role, str]], keys: Sequence[str]) -> list[str]:
    """The outline's parts (key, role, heading) that have no drafted section among ``keys``,
    named as the user knows them: 开头, 结尾, or the heading without its marker."""
    out = []
    for key, role, heading in plan_items:
        if key in keys:
            continue
        if role in (Role.PREAMBLE, Role.CLOSING):
            out.append(role_label(role))
        else:
            out.append(strip_markers(heading) or role_label(role))
    return out


_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?[〕\]]?|\n")


def file_name(title: str, ext: str) -> str:
    """A download file name from a Chinese title: no path separators or reserved characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", title.strip()).strip(" ._") or "工作报告"
    return f"{name[:60]}.{ext}"


def role_label(role: str | Role) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return str(role)


def flag_label(kind: str) -> str:
    # the checker (jieba and its tables) is loaded when a flag is shown, not for the first page
    from assistant.review.table import KIND_LABELS

    return KIND_LABELS.get(kind, kind)


def _mark_citations(escaped: str) -> str:
    return CITATION_RE.sub(lambda m: f'<span class="cite">{m.group(0)}</span>', escaped)


def _non_overlapping(flags: Iterable[Flag], length: int) -> list[Flag]:
    """Flags sorted by start; a flag overlapping an earlier one is left to the list below."""
    out: list[Flag] = []
    end = 0
    for f in sorted(flags, key=lambda f: (f.start, -(f.end - f.start))):
        if f.start < end or f.start >= f.end or f.end > length or f.start < 0:
            continue
        out.append(f)
        end = f.end
    return out


def _line_html(line: str, offset: int, flags: Sequence[Flag]) -> str:
    parts: list[str] = []
    pos = 0
    for f in flags:
        a, b = max(f.start - offset, 0), min(f.end - offset, len(line))
        if a >= b or a < pos:
            continue
        parts.append(_mark_citations(html.escape(line[pos:a])))
        colour = FLAG_COLOURS.get(f.kind, "#ffe066")
        title = html.escape(f"{flag_label(f.kind)}：{f.reason}", quote=True)
        parts.append(
            f'<mark class="flag flag-{html.escape(f.kind, quote=True)}" '
            f'style="background:{colour}" title="{title}">'
            f"{_mark_citations(html.escape(line[a:b]))}</mark>"
        )
        pos = b
    parts.append(_mark_citations(html.escape(line[pos:])))
    return "".join(parts)


def highlight_html(text: str, flags: Sequence[Flag]) -> str:
    """The draft as one HTML block: flagged spans in <mark> coloured by kind with the reason on
    hover, citations styled. No blank line inside, so markdown leaves the block alone."""
    kept = _non_overlapping(flags, len(text))
    paras: list[str] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            cls = ' class="h"' if split_heading(line)[0] is not None else ""
            paras.append(f"<p{cls}>{_line_html(line, offset, kept)}</p>")
        offset += len(line) + 1
    return f'<div class="draft-text">{"".join(paras)}</div>'


def flag_lines(flags: Sequence[Flag]) -> str:
    """The flags as a markdown list; the same finding at several places is one line."""
    counts: dict[tuple[str, str], int] = {}
    for f in flags:
        counts[(f.kind, f.reason)] = counts.get((f.kind, f.reason), 0) + 1
    lines = []
    for (kind, reason), n in counts.items():
        times = f"（{n}处）" if n > 1 else ""
        lines.append(f"- **{flag_label(kind)}**{times}：{escape_md(reason)}")
    return "\n".join(lines)


def flag_legend_html(kinds: Iterable[str]) -> str:
    seen = list(dict.fromkeys(kinds))
    chips = "".join(
        f'<mark style="background:{FLAG_COLOURS.get(k, "#ffe066")}">{html.escape(flag_label(k))}</mark> '
        for k in seen
    )
    return f'<div class="flag-legend">{chips}</div>' if chips else ""


def strip_markers(heading: str) -> str:
    """ "二、存在的主要问题" -> "存在的主要问题"."""
    return strip_heading_marker(heading)


def split_heading(text: str) -> tuple[str | None, str]:
    """A draft's first line when it is a heading ("二、存在的主要问题"), and the rest."""
    first, _, rest = text.strip().partition("\n")
    if HEADING_RE.match(first.strip()) and len(first) <= 40 and not first.rstrip().endswith("。"):
        return first.strip(), rest.strip()
    return None, text.strip()


def sentences(text: str) -> list[str]:
    """Sentence-ish units for diffs: split after 。；！？ and at line ends."""
    out = [m.group(0) for m in _SENTENCE.finditer(text)]
    return [s.strip() for s in out if s.strip()]


def diff_text(old: str, new: str, old_name: str, new_name: str) -> str:
    """A unified diff by sentence; empty when the texts are the same."""
    lines = difflib.unified_diff(
        sentences(old), sentences(new), fromfile=old_name, tofile=new_name, lineterm="", n=1
    )
    return "\n".join(lines)


def diff_html(old: str, new: str) -> str:
    """The change from ``old`` to ``new`` as marked-up text: deleted words struck through in
    red, added words highlighted in green, paragraphs kept (escaped HTML, one line)."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[str] = []

    def esc(t: str) -> str:
        return html.escape(t).replace("\n", "<br>")

    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal":
            out.append(esc(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(f'<del class="diff-del" title="删去">{esc(old[a1:a2])}</del>')
        if b2 > b1:
            out.append(f'<ins class="diff-ins" title="新增">{esc(new[b1:b2])}</ins>')
    return f'<div class="diff">{"".join(out)}</div>'


# Counts read "两", not "二", before a measure word ("两个小标题", "两点").
_CN_COUNT = "零一两三四五六七八九十"
# Shared words too vague to say what two sections have in common.
_VAGUE = frozenset({"文件", "形式", "方式", "内容", "方面", "工作", "情况", "能力", "水平"})


def why_plain(e: Exemplar) -> str:
    """Why a sample section was chosen, as a drafter says it:
    "同为“存在问题”，也是三点“一是”式，都讲到理论学习、宣传干部"."""
    why = e.why or {}
    parts: list[str] = []
    label = role_label(e.role)
    match = str(why.get("role_match"))
    if match in ("exact", "True", "given"):
        parts.append(f"同为“{label}”")
    elif match == "related":
        parts.append(f"是相近的“{label}”")
    else:
        parts.append(f"是“{label}”")
    n = e.n_children or e.n_points
    count = _CN_COUNT[n] if 0 < n <= 10 else str(n)
    if e.n_children >= 2:
        parts.append(f"分{count}个小标题")
    elif e.n_points >= 2 and e.point_style and e.point_style != "none":
        parts.append(f"是{count}点“{e.point_style}”式")
    from assistant.draft.leads import is_topic_word

    terms = [
        str(t) for t in why.get("shared_terms") or [] if is_topic_word(str(t)) and t not in _VAGUE
    ][:3]
    if terms:
        parts.append("都讲到" + "、".join(terms))
    return "，".join(parts)


def section_heading(s: dict[str, Any]) -> str:
    """A section's heading, or what stands for it when it has none: the preamble (开头) or
    the closing paragraph after the last numbered section (结尾)."""
    heading = str(s.get("heading") or "")
    if heading:
        return heading
    return "（结尾）" if str(s.get("role")) == "closing" else "（开头）"


def outline_markdown(outline: Sequence[dict[str, Any]]) -> str:
    """An indented tree of a report's sections with their role labels."""
    lines: list[str] = []
    for s in outline:
        level = int(s.get("level", 0))
        heading = section_heading(s)
        extra: list[str] = []
        if s.get("n_children"):
            extra.append(f"{s['n_children']}个下级标题")
        if s.get("n_points"):
            extra.append(f"{s['n_points']}点")
        tail = f"（{'，'.join(extra)}）" if extra else ""
        indent = "  " * max(level - 1, 0)
        lines.append(
            f"{indent}- {escape_md(heading)} `{role_label(str(s.get('role', 'other')))}`{tail}"
        )
    return "\n".join(lines)


def escape_md(text: str) -> str:
    """Escape characters markdown would act on (headings in the corpus contain * and _)."""
    return re.sub(r"([\\`*_\[\]#<>|$~])", r"\\\1", text)


# line starts markdown would act on: "1. " lists, "- "/"+ " bullets, "---"/"===" rules and headings
_LIST_START = re.compile(r"^(\d{1,9}[.)](?=\s|$)|[-+=])")


def user_text_md(text: str) -> str:
    """A user's message as markdown that shows it as typed: every line break kept (a pasted
    list of facts stays one fact a line) and no line turned into a list or a heading."""
    lines = []
    for line in text.strip().split("\n"):
        # ASCII indentation would make a code block
        line = escape_md(line.strip(" \t"))
        line = _LIST_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)
        lines.append(line)
    return "  \n".join(lines)


TITLE_CHARS = 60  # stored: the request's first line, long enough to tell requests apart
SHOWN_TITLE_CHARS = 26  # shown on a sidebar button; the whole title on hover


def short_title(title: str, limit: int = SHOWN_TITLE_CHARS) -> str:
    """A title cut for a narrow button, with … when something was cut."""
    title = title.strip()
    return title if len(title) <= limit else title[: limit - 1] + "…"


DEFAULT_REPORT_TITLE = "工作报告"


def default_report_title(conversation_title: str, first_request: str) -> str:
    """The report's title when none was set: the conversation's name when the user gave it
    one, not the request it was named after automatically ("帮我写存在问题部分")."""
    title = re.sub(r"（\d+）$", "", conversation_title.strip())
    line = first_request.strip().split("\n")[0].strip()
    if not title or title == DEFAULT_TITLE or (line and line.startswith(title)):
        return DEFAULT_REPORT_TITLE
    return conversation_title.strip()


def facts_markdown(facts: Sequence[Fact], used: set[str] | None = None) -> str:
    lines = []
    for f in facts:
        mark = ""
        if used is not None:
            mark = " :green-badge[已用]" if f.id in used else " :gray-badge[未用]"
        lines.append(f"- **{f.id}** {escape_md(f.text)}{mark}")
    return "\n".join(lines)


def used_facts(draft: Draft) -> set[str]:
    ids = {f.id for f in draft.facts}
    return ids - set(draft.review.unused_facts)


_ROLE_MATCH = {"exact": "相同", "related": "相近", "fallback": "不同（同类段落不足时的替补）"}
_SCORE_PARTS = {
    "bm25_rank": "关键词排名第{v:.0f}",
    "vector_rank": "语义排名第{v:.0f}",
    "vector_similarity": "语义相似度{v:.2f}",
    "rrf": "融合得分{v:.3f}",
    "shape_bonus": "形态加分{v:.2f}",
}


def why_text(why: dict[str, Any]) -> str:
    """The exemplar's reasons in Chinese: role match, shared terms, shape, score parts."""
    parts: list[str] = []
    rm = why.get("role_match")
    if rm is not None:
        match = (
            _ROLE_MATCH.get(str(rm), str(rm))
            if not isinstance(rm, bool)
            else ("相同" if rm else "相近")
        )
        role = why.get("role")
        parts.append(f"段落类型{match}" + (f"（{role}）" if role else ""))
    terms = why.get("shared_terms") or []
    if terms:
        parts.append("共同词：" + "、".join(str(t) for t in terms[:12]))
    shape = why.get("shape")
    if shape:
        parts.append(f"形态：{shape if isinstance(shape, str) else _fmt_obj(shape)}")
    scores = why.get("score_parts") or why.get("scores")
    if isinstance(scores, dict) and scores:
        bits = []
        for k, v in scores.items():
            fmt = _SCORE_PARTS.get(k)
            if fmt and isinstance(v, int | float):
                bits.append(fmt.format(v=v))
            else:
                bits.append(f"{k} {_fmt_obj(v)}")
        parts.append("，".join(bits))
    known = {"role_match", "role", "shared_terms", "shape", "scores", "score_parts"}
    for k, v in why.items():
        if k not in known and v not in (None, "", [], {}):
            parts.append(f"{k}：{v if isinstance(v, str) else _fmt_obj(v)}")
    return "；".join(parts)


def _fmt_obj(v: Any) -> str:
    if isinstance(v, dict):
        return "，".join(f"{k}={_fmt_obj(x)}" for k, x in v.items())
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, list | tuple):
        return "、".join(_fmt_obj(x) for x in v)
    return str(v)


UPLOAD_BUTTON = "选择文件"
DROP_HERE = "把文件拖到这里"


def upload_limit_text(max_file_mb: float) -> str:
    return f"每个文件不超过 {max_file_mb:g} MB"


def uploader_css(max_file_mb: float) -> str:
    """Chinese for st.file_uploader, which has no locale: its English words are hidden and
    ours put in their place with ::after, on its test ids (the one place that knows them).
    The limit is ours (Settings.max_file_mb), the one the parser enforces."""
    box = '[data-testid="stFileUploaderDropzone"]'
    hide = "font-size: 0 !important;"
    show = "font-size: .875rem; line-height: 1.6;"
    return f"""
{box} button [data-testid="stMarkdownContainer"] p {{ {hide} }}
{box} button [data-testid="stMarkdownContainer"] p::after {{ content: "{UPLOAD_BUTTON}"; {show} }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ {hide} }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{DROP_HERE}，{upload_limit_text(max_file_mb)}"; {show} }}
{box} > div:not([data-testid]) > span {{ {hide} }}
{box} > div:not([data-testid]) > span::after {{ content: "{DROP_HERE}"; {show} }}
"""


def page_css(max_file_mb: float) -> str:
    """The page's own styles, uploader wording included (one <style> block)."""
    return PAGE_CSS.replace("</style>", uploader_css(max_file_mb) + "</style>")


PAGE_CSS = """
<style>
[data-testid="stSidebar"][data-collapsed="false"] { min-width: 360px; }
.draft-text p { margin: 0 0 .6em 0; line-height: 1.9; text-indent: 2em; }
.draft-text p.h { text-indent: 0; font-weight: 600; }
.draft-text mark { padding: 0 2px; border-radius: 3px; cursor: help; }
.draft-text .cite, .cite { color: #1c7ed6; font-size: .8em; vertical-align: super; }
.compare { width: 100%; font-size: .9em; border-collapse: collapse; }
.compare td, .compare th { vertical-align: top; padding: 4px 6px; }
.compare td:first-child { width: 60%; }
.flag-legend mark { padding: 0 4px; margin-right: 4px; border-radius: 3px; font-size: .85em; }
.diff { line-height: 1.9; font-size: .92em; }
.diff del.diff-del { color: #c92a2a; background: #ffe3e3; text-decoration: line-through; }
.diff ins.diff-ins { color: #2b8a3e; background: #d3f9d8; text-decoration: none; }
</style>
"""
