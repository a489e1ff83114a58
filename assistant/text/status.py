"""Status words: whether a sentence reports work done (已, 完成, 累计) or planned (拟, 将, 计划).

The first status word of a text decides ("计划年底前完成" is planned). 将 used as 把 ("将X纳入Y")
says nothing about the future. A time still ahead ("年底前", "下半年", "到2027年") counts as a
plan word, so "年底前建成指挥中心" is planned, unless 已/累计 after it say the work happened
("年底前已完成整改", "年内累计完成投资5亿元"); a past time ("上半年已建成") adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.quantities import TITLE_RE, mask

_DONE_RE = re.compile(
    r"已经|(?<!而)已(?!经)|完成|建成|累计|先后|共计"
    r"|共(?=[有\d一二两三四五六七八九十]|开展|召开|举办|组织|发布|接待|培训|编发|刊发|发表|处置|收到|走访"
    r"|慰问|新增|建成|建设|印发|下发|撰写|推送|查处|办理|排查|整改|受理|投入|发放|覆盖|选派|吸纳|评选)"
)
_PLANNED_RE = re.compile(
    r"(?<![模虚草比])拟(?![定稿任人])"
    r"|(?<!(?:学习|工作|年度|培训|行动|实施|发展|建设|教育|宣传))(?<![按原定])计划(?![，。；、：”》）),.;:\s]|$)"
    r"|即将|(?<![即大])将(?![近军领士])"
    r"|力争|预计|争取|准备(?!不|工作|阶段|充分|金)|打算|下一步|下步|明年"
)

# A time still ahead of the writing: a deadline or a coming period. 年内 is among them: "年内建成"
# is a promise; a summary's "年内累计完成" is kept done by the past words below.
_AHEAD_RE = re.compile(
    r"年底前|年末前|年内|来年|下半年|(?<!截至)(?<!截止)(?<![\d至到末])年[底末](?=(?:全面|基本|全部)?(?:建成|完成|实现|开工|竣工|投用|投入|上线|达到|启动|交付|通车|开业|覆盖))|下一?年度|下季度|下阶段|下学期|新学期|今后|汛前|月底前"
    r"|\d{1,2}月(?:底|末|中旬|上旬|下旬)?前|[一二三四]季度(?:末|底)?前"
    r"|(?:19|20)\d{2}\s*年(?:底|末|\d{1,2}月(?:底|末)?)?前"
    r"|(?<![截达])[到至](?:19|20)\d{2}\s*年"
)
# Periods that are ahead only when a fact opens with them and no done word follows ("二季度组织
# 轮训"); a summary's "一季度完成投资3亿元" stays done.
_AHEAD_FRONT_RE = re.compile(r"^(?:[一二三四]季度|春节前)")
# Words saying the work happened, which a time ahead in their sentence does not undo.
PAST_RE = re.compile(r"已|累计|共计|先后")
_SENT_END = re.compile(r"[。；;！？!?\n]")


def _ahead_marks(work: str) -> list[StatusMark]:
    out = []
    front = _AHEAD_FRONT_RE.search(work)
    for m in [*_AHEAD_RE.finditer(work), *([front] if front else [])]:
        # the whole sentence: "已于年内全部投入使用" is done as much as "年底前已完成"
        begin = max((e.end() for e in _SENT_END.finditer(work, 0, m.start())), default=0)
        end = _SENT_END.search(work, m.end())
        stop = end.start() if end else len(work)
        past = _DONE_RE if m is front else PAST_RE
        if not past.search(work, begin, stop):
            out.append(StatusMark("planned", m.start(), m.end(), m.group()))
    return out


# "将X纳入Y" / "将其作为": 将 as 把 (the disposal construction) says nothing about the future.
_DISPOSAL_RE = re.compile(
    r"纳入|作为|列入|列为|融入|贯穿|放在|摆在|摆上|写入|转化为|落实到|贯彻到|延伸到|推广到|打造成|建设成|当作|视为"
)
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")


def _disposal(text: str, pos: int) -> bool:
    if text.startswith(("把", "于", "要", "会", "继续", "进一步"), pos):
        return False
    m = _CLAUSE_END.search(text, pos)
    return bool(_DISPOSAL_RE.search(text, pos, m.start() if m else len(text)))


@dataclass(frozen=True)
class StatusMark:
    status: str  # "done" | "planned"
    start: int
    end: int
    text: str


def status_marks(text: str) -> list[StatusMark]:
    """Done/planned words in order. Titles and citations are skipped."""
    work = mask(text, [(m.start(), m.end()) for m in TITLE_RE.finditer(text)])
    marks = [StatusMark("done", m.start(), m.end(), m.group()) for m in _DONE_RE.finditer(work)]
    marks += [
        StatusMark("planned", m.start(), m.end(), m.group())
        for m in _PLANNED_RE.finditer(work)
        if not (m.group() == "将" and _disposal(work, m.end()))
    ]
    marks += [a for a in _ahead_marks(work) if not any(k.start < a.end and a.start < k.end for k in marks)]
    marks.sort(key=lambda k: k.start)
    return marks


def status_of(text: str) -> str:
    """ "planned" / "done" / "none": the first status word decides ("计划年底前完成" is planned)."""
    marks = status_marks(text)
    return marks[0].status if marks else "none"
