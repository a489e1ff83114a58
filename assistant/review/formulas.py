"""What is formulaic in these reports, learnt from the sample corpus.

A report frames its facts with words every report uses ("认真落实", "取得积极成效", "意识",
"氛围", "不断提升"). A draft's clause made only of such words and of the facts' own words states
nothing new; a clause with words neither the facts nor the genre supply is a claim to check.

``mine(texts)`` finds the genre's words: jieba words (no digits, no placeholders) that occur in
at least ``MIN_SHARE`` of the sample reports (nouns) or ``MIN_SHARE_FRAMING`` (other words). ``python -m assistant.review.formulas`` writes
them, with the hand-kept openers and closers, to ``prompts/review_formulaic.txt``; ``load()``
reads that file once. Rebuild it when the shipped corpus changes.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parents[2]
FORMULA_FILE = ROOT / "prompts" / "review_formulaic.txt"
SLOGAN_FILE = ROOT / "prompts" / "review_slogans.txt"
SYNONYM_FILE = ROOT / "prompts" / "review_synonyms.txt"
# A word in this share of the samples (and in at least MIN_DOCS of them) is the genre's word:
# "recurs across many samples", not a topic two reports share.
MIN_SHARE = 0.3
MIN_SHARE_FRAMING = 0.12
MIN_DOCS = 2
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_SLOT = re.compile(r"[XxＸｘ×*＊]")


def words(text: str) -> list[str]:
    """The content words of a text: jieba words of two or more Chinese characters."""
    return [w for w in jieba.lcut(text, HMM=False) if _WORD.match(w)]


def cut_words(text: str) -> list[tuple[int, str]]:
    """(offset, word) of a text's content words, with citations, 《titles》 and quotes blanked
    first (they are names and references, checked on their own)."""
    from assistant.text.citations import CITATION_RE
    from assistant.text.quantities import QUOTE_RE, TITLE_RE

    blank = list(text)
    for rx in (CITATION_RE, TITLE_RE, QUOTE_RE):
        for m in rx.finditer(text):
            for i in range(m.start(), m.end()):
                blank[i] = " "
    out = []
    pos = 0
    for w in jieba.lcut("".join(blank), HMM=False):
        if _WORD.match(w):
            out.append((pos, w))
        pos += len(w)
    return out


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def tag(word: str) -> str:
    """jieba's part of speech of a dictionary word ("n", "v", "a" …), "" for a word it lacks."""
    return _tags().get(word, "")


def word_freq(word: str) -> int:
    """jieba's dictionary count of a word (0 for a word it lacks): how common it is in general."""
    return int(jieba.dt.FREQ.get(word, 0) or 0)


def mine(texts: Iterable[str]) -> list[str]:
    """Words that recur across the samples, most widespread first: a framing word (a verb, an
    adjective, an adverb: "压实", "扎实", "切实") in ``MIN_SHARE_FRAMING`` of the reports, a noun
    or a verbal noun (an object a claim is about: "档案", "值班", "演练") only in ``MIN_SHARE``."""
    docs = [set(words(t)) for t in texts if not _SLOT.fullmatch(t)]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d)
    need = max(MIN_DOCS, round(MIN_SHARE * len(docs)))
    need_framing = max(MIN_DOCS, round(MIN_SHARE_FRAMING * len(docs)))

    def keep(w: str, n: int) -> bool:
        t = tag(w)
        return n >= need or (n >= need_framing and not (t.startswith("n") or t == "vn"))

    return [w for w, n in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if keep(w, n)]


@lru_cache(maxsize=4)
def load(path: Path = FORMULA_FILE) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """(genre words, formula patterns) from the phrase table; lines starting with # are notes,
    lines starting with ~ are formula patterns (regular expressions), the rest words."""
    genre: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("~"):
            patterns.append(re.compile(line[1:].strip()))
        else:
            genre.update(line.split())
    return frozenset(genre), tuple(patterns)


def _lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@lru_cache(maxsize=4)
def slogans(path: Path = SLOGAN_FILE) -> tuple[str, ...]:
    """Well-known slogans (``prompts/review_slogans.txt``) and their 、-separated parts, longest
    first: quoted or not, they frame the facts."""
    found: set[str] = set()
    for line in _lines(path):
        found.add(line)
        found.update(p for p in re.split(r"[、，,]", line) if len(p) >= 2)
    return tuple(sorted(found, key=len, reverse=True))


@lru_cache(maxsize=4)
def synonyms(path: Path = SYNONYM_FILE) -> dict[str, frozenset[str]]:
    """Word -> the other words of its groups (``prompts/review_synonyms.txt``)."""
    out: dict[str, set[str]] = {}
    for line in _lines(path):
        group = line.split()
        for w in group:
            out.setdefault(w, set()).update(g for g in group if g != w)
    return {w: frozenset(g) for w, g in out.items()}


def _corpus_texts(folder: Path) -> list[str]:
    from assistant.corpus import parse_file

    out = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() in (".txt", ".md", ".docx", ".pdf") and p.name != "README.md":
            out.append(parse_file(p).text)
    return out


def write(folder: Path = ROOT / "knowledge", path: Path = FORMULA_FILE) -> int:
    """Rebuild the mined part of the phrase table; the hand-kept part above it stays."""
    kept: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# ---- mined"):
                break
            kept.append(line)
    texts = _corpus_texts(folder)
    mined = mine(texts)
    lines = [
        *kept,
        f"# ---- mined from {len(texts)} samples in knowledge/ by "
        "`python -m assistant.review.formulas` (do not edit below)",
    ]
    lines += [" ".join(mined[i : i + 20]) for i in range(0, len(mined), 20)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load.cache_clear()
    return len(mined)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "knowledge")
    print(f"{n} genre words -> {FORMULA_FILE}")
