"""Cleaning: raw extracted text -> report text, one paragraph or heading per line.

Every rule here is aimed at a known kind of junk (download-site banners, file metadata, share
buttons, "相关推荐" lists, the repeated "摘要" teaser) or a known extraction artefact (spaces
between Chinese characters, hard-wrapped PDF lines, headings run into their body). Junk rules
match whole lines of a recognisable shape, so a line that belongs to the report is never dropped.
"""

from __future__ import annotations

import re

from assistant.corpus.patterns import (
    CJK,
    CJK_OR_PUNCT,
    HAN_RE,
    SENT_END,
    TABLE_SEP,
    is_cjk,
)
from assistant.text.headings import match_heading
from assistant.text.numerals import CN_DIGITS, CN_NUM

# ---- character normalisation --------------------------------------------------------------
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile("[\t\u00a0\u2002-\u200a\u202f\u205f\u3000]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BULLET_RE = re.compile(r"^(?:[•·●▪◦■◆]\s*|-\s+)")

# ---- junk lines ---------------------------------------------------------------------------
_JUNK_PATTERNS = [
    # site banners: "SUCAI198.COM —— 专注党建行政公文写作范文"
    r"^(?:www\.)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.(?:com|cn|net|org|cc)\b[^。]{0,40}$",
    # "admin 分享 时间: 加入收藏 共计2382个字,预计阅读时长8分钟。"
    r"^\S{1,20}\s+分享\s+时间",
    r"^.{0,60}共计\s*\d+\s*个字",
    # download-site notices
    r"^申明敬告",
    r"^声明[:：]本站",
    r"^文档介绍$",
    r"^查看更多$",
    r"^(?:点击)?(?:下载|收藏|分享|举报)(?:文档|本文)?$",
    r"^领取福利$",
    r"^微信扫码.{0,12}$",
    r"^扫码(?:关注|分享|下载|领取|阅读).{0,12}$",
    r"^VIP专免",
    r"^免费\s*\d{4}-\d{1,2}-\d{1,2}",
    r"^[-—–·•|｜]+$",
    r"^\d+$",
    r"^展开\s*>>$",
    r"^收起\s*<<$",
    # file metadata: dates, sizes, page counts, page numbers
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*(?:发布|上传|更新)?\s*\|?$",
    r"^\d+(?:\.\d+)?\s*[KMG]B\s*\|?$",
    r"^(?:共\s*)?\d+\s*页\s*\|?$",
    r"^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$",
    r"^[-—－–]\s*\d+\s*[-—－–]$",
    r"^(?:作者|分类|上传者|贡献者)[:：].{0,20}$",
    r"^属性[:：]\s*\d+\s*页$",
    r"^大小[:：]\s*\d+(?:\.\d+)?\s*[KMG]B$",
    r"^格式[:：]\s*(?:DOCX?|PDF|TXT|WPS|PPTX?)$",
    r"^(?:时间|上传时间|发布时间)[:：]\s*\d{4}-\d{1,2}-\d{1,2}$",
    r"^(?:页数|下载次数|浏览次数|阅读量)[:：]\s*\d+.{0,4}$",
    # other widgets of document and article sites, short lines only
    r"^(?:温馨提示|特别提示|友情提示)[:：].{0,80}(?:下载|本站|文档|VIP|会员|积分)",
    r"^.{0,12}(?:开通VIP|开通会员|立即下载|免费下载|下载文档|文档下载|全文阅读|继续阅读|在线阅读)[^。]{0,12}$",
    r"^(?:上一篇|下一篇)[:：]",
    r"^(?:Copyright|版权所有\s*[©(（]|©)",
    r"^(?:来源|文章来源|关键词|标签|TAG|责任编辑|编辑)[:：][^。]{0,30}$",
    r"^\d+\s*(?:人|次)?(?:已)?(?:阅读|下载|浏览|收藏|点赞)\s*$",
    # a file name standing alone: "2024年意识形态工作分析研判报告.docx"
    r"^[^。]{1,60}\.(?:docx?|pdf|wps|txt)$",
]
# every pattern is anchored at the line start, so one match() per line is enough
_JUNK_RE = re.compile("|".join(f"(?:{p})" for p in _JUNK_PATTERNS), re.IGNORECASE)
# phrases that only download sites print, anywhere in a (short) line
_JUNK_PHRASE_RE = re.compile(
    "加入收藏|预计阅读时长|本文档由用户上传|当前文档由用户上传|本文档内容版权归属|对本文有版权争议|网站客服"
)
_RELATED_RE = re.compile(r"^(?:相关推荐|相关文档|相关资料|猜你喜欢|热门文档|推荐阅读)[:：]?$")
_SUMMARY_RE = re.compile(r"^摘要[:：]")
_EXPAND_RE = re.compile(r"^(?:展开\s*>>|收起\s*<<)$")
_TEASER_END_RE = re.compile(r"(?:\.{3,}|…+)$")
_MORE_SUFFIXES = ("查看更多", "展开全文", "阅读全文")
_MORE_SUFFIX_RE = re.compile(r"(?<=[。！？”」])\s*(?:查看更多|展开全文|阅读全文)\s*$")
_WS_RE = re.compile(r"\s+")
# A hard-wrapped line that ends a paragraph ends a sentence; brackets and quotes alone do not.
_SENTENCE_CLOSERS = "。！？!?：:…"
_QUOTE_CLOSERS = "”’」』）)"


def _ends_sentence(line: str) -> bool:
    if not line:
        return False
    last = line[-1]
    if last in _QUOTE_CLOSERS and len(line) > 1:
        last = line[-2]
    return last in _SENTENCE_CLOSERS


# ---- splitting runs ---------------------------------------------------------------------------
_GAP_RE = re.compile(r" {2,}")
# one leading character class: the engine skips to candidate characters (speed)
_INLINE_MARK_RE = re.compile(
    rf"[{CN_DIGITS}（(0-9](?:"
    rf"(?<=[{CN_DIGITS}])[{CN_DIGITS}]{{0,2}}、"
    rf"|(?<=[（(]){CN_NUM}[）)]"
    rf"|(?<=[0-9])[0-9]?[.．、](?![0-9])(?={CJK})"
    r")"
)
_SENT_END_RE = re.compile(f"[{SENT_END}]")
_FIRST_WS_RE = re.compile(r"\s")
_COLON_CUT_RE = re.compile(r"[：:](?!\d)")

# ---- tidying ------------------------------------------------------------------------------
_SPACES_RE = re.compile(r" +")
# Half-width punctuation next to Chinese text -> full width. Each pattern starts with the
# literal character (fast scan); the neighbour test comes after it.
_PUNCT_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (",", re.compile(rf",(?<={CJK_OR_PUNCT},)|,(?={CJK_OR_PUNCT})"), "，"),
    (";", re.compile(rf";(?<={CJK_OR_PUNCT};)|;(?={CJK_OR_PUNCT})"), "；"),
    # after a Chinese character a colon is never a clock time ("时间:2024年" -> "时间：2024年")
    (":", re.compile(rf":(?<={CJK_OR_PUNCT}:)"), "："),
    ("?", re.compile(rf"\?(?<={CJK_OR_PUNCT}\?)"), "？"),
    ("!", re.compile(rf"!(?<={CJK_OR_PUNCT}!)"), "！"),
    ("(", re.compile(rf"\((?={CJK_OR_PUNCT})"), "（"),
    (")", re.compile(rf"\)(?<={CJK_OR_PUNCT}\))"), "）"),
)
_DQUOTE_RE = re.compile(r'"([^"\n]*)"')


_ODD_CHAR_RE = re.compile(
    "[\u200b-\u200f\u2060\ufeff\u00ad\t\u00a0\u2002-\u200a\u202f\u205f\u3000"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)


def _normalize_chars(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _ODD_CHAR_RE.search(text):  # one scan; the three rewrites only when needed
        text = _INVISIBLE_RE.sub("", text)
        text = _SPACE_RE.sub(" ", text)
        text = _CONTROL_RE.sub("", text)
    # HTML escapes mangled by scrapers: "印发<;党委…>;的通知"
    return text.replace("<;", "〈").replace(">;", "〉")


MAX_JUNK_CHARS = 200  # junk lines are short; long lines are report prose


def _is_junk(line: str) -> bool:
    if len(line) > MAX_JUNK_CHARS:
        return False
    return _JUNK_RE.match(line) is not None or _JUNK_PHRASE_RE.search(line) is not None


def _drop_junk(lines: list[str]) -> list[str]:
    """Remove junk lines; blank lines stay (they separate paragraphs)."""
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line:
            out.append(line)
            i += 1
            continue
        if _RELATED_RE.match(line):
            # a "相关推荐" list: short link/metadata lines until report prose resumes
            i += 1
            while i < n and (not lines[i] or (len(lines[i]) < 40 and "。" not in lines[i])):
                i += 1
            continue
        if _SUMMARY_RE.match(line) and _looks_like_teaser_block(lines, i):
            i += 1
            continue
        if _EXPAND_RE.match(line):
            i += 1
            # the teaser itself: a line ending in "..." that repeats the report's opening
            j = i
            while j < n and (not lines[j] or _EXPAND_RE.match(lines[j])):
                j += 1
            if j < n and _TEASER_END_RE.search(lines[j]) and _repeats_earlier(lines[j], out):
                i = j + 1
            continue
        if _is_junk(line):
            i += 1
            continue
        if line.endswith(_MORE_SUFFIXES):
            line = _MORE_SUFFIX_RE.sub("", line)
        out.append(line)
        i += 1
    return out


def _looks_like_teaser_block(lines: list[str], i: int) -> bool:
    """A "摘要:" line is junk when the download-site "展开>>/收起<<" widget follows it."""
    if _TEASER_END_RE.search(lines[i]):
        return True
    return any(_EXPAND_RE.match(x) for x in lines[i + 1 : i + 4])


def _repeats_earlier(teaser: str, earlier: list[str]) -> bool:
    head = _WS_RE.sub("", teaser)[:12]
    if len(head) < 6:
        return False
    # the teaser repeats the opening: compare with the first lines only (linear on long input)
    return head in _WS_RE.sub("", "".join(earlier[:40]))


def _drop_stray_numerals(lines: list[str]) -> list[str]:
    """'…的领导权。三' + next paragraph '三要…': the lone numeral is a page-break artefact."""
    nonblank = [i for i, x in enumerate(lines) if x]
    for k, i in enumerate(nonblank[:-1]):
        line = lines[i]
        if len(line) < 2 or line[-1] not in CN_DIGITS or line[-2] not in "。；;！？":
            continue
        if lines[nonblank[k + 1]].startswith(line[-1]):
            lines[i] = line[:-1]
    return lines


def _is_heading_only(line: str) -> bool:
    return match_heading(line) is not None and len(line) <= 40 and not _SENT_END_RE.search(line)


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text (PDF/Word copy): many prose lines stop without closing punctuation."""
    content = [x for x in lines if x]
    body = [x for x in content[1:] if not _is_heading_only(x) and TABLE_SEP not in x]
    if len(body) < 6:
        return False
    # short open lines are list items or table cells; wrapped prose runs to the margin
    open_lines = sum(1 for x in body if len(x) >= 15 and not _ends_sentence(x))
    return open_lines >= 5 and open_lines >= 0.4 * len(body)


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def _rejoin_wrapped(lines: list[str]) -> list[str]:
    if not _is_wrapped(lines):
        return [x for x in lines if x]
    out: list[str] = []
    buf = ""
    seen_title = False
    for line in lines:
        if not line:
            if buf:
                out.append(buf)
                buf = ""
            continue
        if not seen_title:
            seen_title = True
            out.append(line)
            continue
        if (
            buf
            and not _ends_sentence(buf)
            and not _is_heading_only(buf)
            and match_heading(line) is None
            and TABLE_SEP not in buf
            and TABLE_SEP not in line
        ):
            buf = _join(buf, line)
            continue
        if buf:
            out.append(buf)
        buf = line
    if buf:
        out.append(buf)
    return out


MAX_STRAY_SPACE_HEADING = 30


def split_heading_body(piece: str) -> list[str]:
    """Split a heading that runs into its body: '一、总体要求 意识形态…' -> heading, body.

    The title ends at the first space (level 1, PDF run-in), at a colon close to the marker,
    or after its first sentence (the lead phrase: '（一）认真总结，统筹谋划。对照…').
    """
    m = match_heading(piece)
    if m is None:
        return [piece]
    family, marker, _ = m
    rest = piece[len(marker) :].lstrip()
    offset = len(piece) - len(rest)
    if " " in rest and len(rest) <= MAX_STRAY_SPACE_HEADING and not _HEAD_PUNCT_RE.search(rest):
        # a heading alone with a stray extraction space: "一、意识形 态工作开展基本情况"
        return [piece[:offset] + rest.replace(" ", "")]
    end = _SENT_END_RE.search(rest)
    ws = _FIRST_WS_RE.search(rest)
    colon = _COLON_CUT_RE.search(rest)
    first_end = end.start() if end else len(rest)
    cut = -1
    run_in = _run_in_cut(rest) if family == "一、" else 0
    if (
        run_in
        and (ws is None or run_in <= ws.start())
        and (colon is None or run_in < colon.start())
    ):
        cut = run_in
    elif (
        colon
        and colon.start() <= 25
        and colon.start() < first_end
        and (ws is None or colon.start() < ws.start())
    ):
        cut = colon.end()
    elif family == "一、" and ws and ws.start() <= 30 and ws.start() < first_end:
        cut = ws.start()
    elif end and end.start() <= (40 if family == "一、" else 60):
        cut = end.end()
    elif ws and ws.start() <= 30:
        cut = ws.start()
    if cut <= 0:
        return [piece]
    head, body = piece[: offset + cut].rstrip(), rest[cut:].strip()
    if not body:
        return [piece]
    # the body may open with a sub-heading of its own ("一、…根基 1.深化理论学习。严格…")
    return [head, *split_heading_body(body)] if match_heading(body) else [head, body]


def _inline_cuts(seg: str) -> list[int]:
    """Offsets where a heading marker run into the text starts a new line.

    "一、"/"（一）" after a sentence end or after a space (PDF run-in headings); "1." only after a
    sentence end and a space. Markers after "：" or "；" are an enumeration inside the sentence,
    unless the run's next marker ("（二）") starts a new line after a sentence: then the colon
    introduced headings ("重点抓好以下几项工作:(一)着力拓市场…。…(二)…").
    """
    cuts: list[int] = []
    after_colon: list[tuple[int, tuple[str, int]]] = []
    seen: dict[tuple[str, int], int] = {}
    for m in _INLINE_MARK_RE.finditer(seg):
        s = m.start()
        j = s
        while j > 0 and seg[j - 1] == " ":
            j -= 1
        if j == 0:
            continue
        prev = seg[j - 1]
        spaced = j < s
        # "现将有关情况报告如下:一、…": the preamble's closing colon ends a sentence too
        after_sentence = prev in SENT_END or (prev in "：:" and seg[max(0, j - 3) : j - 1] == "如下")
        head = match_heading(seg[s:])
        key = (head[0], head[2]) if head else ("", 0)
        # "1." needs both a sentence end and a space: "共2.5万份" must stay whole
        if (spaced and after_sentence) if seg[s].isdigit() else (spaced or after_sentence):
            cuts.append(s)
            seen[key] = s
        elif seg[s] in "（(" and _bare_h1(seg[cuts[-1] if cuts else 0 : j]):
            cuts.append(s)  # "三、2025年工作打算（一）深化…": a sub-heading right after a heading
            seen[key] = s
        elif prev in "：:" and key[1] == 1 and not seg[s].isdigit():
            after_colon.append((s, key))
    for s, (family, _) in after_colon:
        nxt = seen.get((family, 2))
        if nxt is not None and nxt > s:
            cuts.append(s)
    return sorted(cuts)


def _bare_h1(text: str) -> bool:
    """A level-1 heading with nothing after it: no punctuation, heading length."""
    m = match_heading(text)
    return (
        m is not None
        and m[0] == "一、"
        and len(text) <= MAX_STRAY_SPACE_HEADING
        and not _HEAD_PUNCT_RE.search(text[len(m[1]) :])
    )


def _split_inline(line: str) -> list[str]:
    segments = _GAP_RE.split(line) if "  " in line else [line]
    pieces: list[str] = []
    for seg in segments:
        start = 0
        for cut in _inline_cuts(seg):
            part = seg[start:cut].strip()
            if part:
                pieces.append(part)
            start = cut
        tail = seg[start:].strip()
        if tail:
            pieces.append(tail)
    out: list[str] = []
    for piece in pieces:
        out.extend(split_heading_body(piece))
    return out


def _drop_space(m: re.Match[str]) -> str:
    """Spaces touching Chinese text are extraction artefacts; between Latin words they are real."""
    text, a, b = m.string, m.start(), m.end()
    before = text[a - 1] if a else ""
    after = text[b] if b < len(text) else ""
    if not before or not after or is_cjk(before) or is_cjk(after):
        return ""
    return " "


def _tidy(line: str) -> str:
    """Remove extraction spaces around Chinese text and use full-width punctuation there."""
    if " " in line:
        line = _SPACES_RE.sub(_drop_space, line.strip())
    if not HAN_RE.search(line):
        return line.strip()
    for ch, rx, full in _PUNCT_RULES:
        if ch in line:
            line = rx.sub(full, line)
    if '"' in line and line.count('"') % 2 == 0:
        line = _DQUOTE_RE.sub(r"“\1”", line)
    return line.strip()


def _is_title_line(line: str) -> bool:
    return (
        0 < len(line) <= 60
        and match_heading(line) is None
        and not _SENT_END_RE.search(line)
        and not line.endswith(("，", "；", "："))
    )


def _dedupe_title(lines: list[str]) -> list[str]:
    """Sites repeat the title above the text, or run it into the first paragraph."""
    if not lines or not _is_title_line(lines[0]):
        return lines
    title = lines[0]
    out = [title]
    for k, line in enumerate(lines[1:], start=1):
        if k <= 4 and line == title:
            continue
        if k <= 4 and line.startswith(title) and len(line) > len(title) + 1:
            line = line[len(title) :].lstrip(" ：:，,")
        out.append(line)
    return out


MAX_FURNITURE_CHARS = 30
MIN_FURNITURE_REPEATS = 3


def _drop_page_furniture(lines: list[str]) -> list[str]:
    """Running heads and feet of PDF pages: the same short line three times or more.

    The first occurrence stays when it is the document's first line (the title repeated as a
    running head); headings and sentences never count.
    """
    counts: dict[str, int] = {}
    for x in lines:
        if x and len(x) <= MAX_FURNITURE_CHARS and TABLE_SEP not in x:
            counts[x] = counts.get(x, 0) + 1
    repeated = {
        x
        for x, c in counts.items()
        if c >= MIN_FURNITURE_REPEATS and match_heading(x) is None and not _SENT_END_RE.search(x)
    }
    if not repeated:
        return lines
    first = next((x for x in lines if x), "")
    out: list[str] = []
    kept_first = False
    for x in lines:
        if x in repeated:
            if x == first and not kept_first:
                kept_first = True
                out.append(x)
            continue
        out.append(x)
    return out


# ---- document-sharing pages (人人文库, 原创力, 道客巴巴 style) -------------------------------
# "《X.docx》由会员分享,可在线阅读,更多相关《X.docx(5页珍藏版)》请在人人文库网上搜索。"
_SHARE_WRAPPER_RE = re.compile(
    r"《[^》\n]{1,160}》\s*由(?:会员|用户)分享\s*[,，]\s*可在线阅读\s*[,，]\s*"
    r"更多相关\s*《[^》\n]{1,160}》\s*[,，]?\s*请在[^。\n]{0,40}上搜索\s*[。.]?"
)
# A page of a shared document starts with its page number: "2、供安全稳定环境。一、…"
_PAGE_MARK_RE = re.compile(r"^(\d{1,3})、")
MIN_PAGE_CHARS = 150  # a page dump line is long; a real "1、" list item is a sentence or two
MIN_CUT_CONTEXT = 20  # a page cut mid-sentence follows a run of text (a PDF line is ~28 chars)
_SENTENCE_DONE = "。！？!?：:；;…”’）)"


def remove_share_wrapper(text: str) -> str:
    """Drop the document-sharing site's "由会员分享…请在…上搜索。" wrapper wherever it sits."""
    if "分享" not in text:
        return text
    return _SHARE_WRAPPER_RE.sub("", text)


def _page_run(lines: list[str]) -> set[int]:
    """Indexes of lines that start with a page marker: numbered 1, 2, 3 … in order, each
    page long or cutting the previous page mid-sentence. A short "1、" after a sentence end,
    a colon or a heading is a list item."""
    run: list[int] = []
    sure = 0  # pages after the first that are long or cut a sentence
    expect = 1
    last = ""
    for i, x in enumerate(lines):
        m = _PAGE_MARK_RE.match(x)
        if m and int(m.group(1)) == expect:
            long_page = len(x) >= MIN_PAGE_CHARS
            cut = (
                len(last) >= MIN_CUT_CONTEXT
                and last[-1] not in _SENTENCE_DONE
                and not _is_heading_only(last)
            )
            # the first page starts the document (its title) or a long run of text
            first = expect == 1 and (not last or len(x) >= MIN_CUT_CONTEXT)
            if long_page or cut or first:
                run.append(i)
                sure += expect > 1 and (long_page or cut)
                expect += 1
        if x:
            last = x
    if len(run) >= 2 and sure * 2 >= len(run) - 1 and sure:
        return set(run)
    return set()


def rejoin_pages(lines: list[str]) -> list[str]:
    """Remove page markers "N、" of a shared document and rejoin the sentence they split:
    "…为经济建设发展提" + "2、供安全稳定环境。" -> "…为经济建设发展提供安全稳定环境。"
    A real "1、" list item (after a sentence end or a heading, short) is kept."""
    pages = _page_run(lines)
    if not pages:
        return lines
    out: list[str] = []
    for i, line in enumerate(lines):
        if i not in pages:
            out.append(line)
            continue
        rest = _PAGE_MARK_RE.sub("", line, count=1).lstrip()
        k = len(out) - 1
        while k >= 0 and not out[k]:
            k -= 1
        if k >= 0 and out[k][-1] not in _SENTENCE_DONE and match_heading(rest) is None:
            del out[k + 1 :]
            out[k] = _join(out[k], rest)
        else:
            out.append(rest)
    return out


# A level-1 heading run into its body with no space or colon: "一、完成的主要工作年初以来，…".
# The heading ends with a noun of the genre and the body opens with a time or actor phrase.
_HEAD_END_RE = re.compile(
    r"(?:工作|情况|问题|不足|打算|计划|措施|做法|成效|成绩|要求|思想|原则|目标|任务|建议|方向|思路|"
    r"安排|保障|举措|经验|体会|形势|原因|分析|差距|短板|亮点|做法和成效|基本情况|主要工作)$"
)
_BODY_START_RE = re.compile(
    r"(?:年初以来|今年以来|一年来|近年来|20\d{2}年以来|20\d{2}年[，,]|过去一年|本年度|自.{1,12}以来|"
    r"按照|根据|为了|为深入|为进一步|围绕|我局|局党组|我们|我单位|我县|我市|我区|我镇|我委|本人|"
    r"全年|截至|目前|当前|近期|在.{1,16}(?:下|中)[，,]|虽然|回顾|下一步|下步|今后|明年|新的一年|"
    r"一是|首先)"
)
MIN_HEAD_CHARS = 4
MAX_HEAD_CHARS = 24


def _run_in_cut(rest: str) -> int:
    """Where a heading run into its body ends (0: no cut found)."""
    for m in _BODY_START_RE.finditer(rest, MIN_HEAD_CHARS, MAX_HEAD_CHARS + 1):
        head = rest[: m.start()]
        body = rest[m.start() :]
        if (
            _HEAD_END_RE.search(head)
            and not _HEAD_PUNCT_RE.search(head)
            and (_SENT_END_RE.search(body) or len(body) > 60)
        ):
            return m.start()
    return 0


_HEAD_PUNCT_RE = re.compile(r"[。！？!?，,；;：:]")
_TITLE_RUN_IN_RE = re.compile(
    r"^(?P<title>[^。！？!?，,；;：:\s]{6,50}(?:总结|报告|汇报|要点|方案|计划|意见|安排|范文|材料|思路|打算|规划|情况))"
    r"(?P<gap>\s*)(?P<rest>\S)"
)


def split_title_run_in(lines: list[str]) -> list[str]:
    """A shared page runs the title into the opening: "2024年…工作总结 2024年，我局…"."""
    k = next((i for i, x in enumerate(lines) if x), None)
    if k is None or len(lines[k]) <= 60:
        return lines
    m = _TITLE_RUN_IN_RE.match(lines[k])
    if not m or match_heading(lines[k]) is not None:
        return lines
    if not m.group("gap") and not _BODY_START_RE.match(lines[k], m.start("rest")):
        return lines  # no space: only when a body's opening words follow ("…工作思路2023年，")
    return [*lines[:k], m.group("title"), lines[k][m.start("rest") :], *lines[k + 1 :]]


def clean_text(raw: str) -> str:
    """Raw extracted text -> cleaned report text: title first, one paragraph/heading per line."""
    text = remove_share_wrapper(_normalize_chars(raw))
    lines = [_BULLET_RE.sub("", x.strip()).strip() for x in text.split("\n")]
    lines = _drop_page_furniture(_drop_junk(lines))
    lines = split_title_run_in(rejoin_pages(lines))
    lines = _drop_stray_numerals(lines)
    lines = _rejoin_wrapped(lines)
    out: list[str] = []
    for line in lines:
        for piece in _split_inline(line):
            tidy = _tidy(piece)
            if tidy and not _is_junk(tidy):
                out.append(tidy)
    return "\n".join(_dedupe_title(out))


__all__ = [
    "clean_text",
    "rejoin_pages",
    "remove_share_wrapper",
    "split_heading_body",
    "split_title_run_in",
]
