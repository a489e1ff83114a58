"""The BM25 of the index against bm25s (the reference implementation) on the real seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.corpus import parse_file
from assistant.index.lexical import Lexical, tokenize
from assistant.index.records import record_text
from tests.conftest import SEEDS

QUERIES = ["网络舆情 学习形式单一", "意识形态工作责任制落实", "加强理论武装 网络阵地", "不存在的词语xyz", ""]


@pytest.fixture(scope="module")
def docs() -> list[list[str]]:
    out = [tokenize(record_text(r, s)) for r in map(parse_file, SEEDS) for s in r.sections]
    return [d for d in out if d]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_bm25s(docs: list[list[str]], query: str) -> None:
    import bm25s

    ref = bm25s.BM25()  # Lucene variant, k1=1.5, b=0.75
    ref.index(docs, show_progress=False)
    q = [t for t in dict.fromkeys(tokenize(query)) if t in ref.vocab_dict]
    expected = ref.get_scores(q) if q else np.zeros(len(docs))
    got = Lexical(docs).scores(tokenize(query))
    assert got.shape == (len(docs),)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    if q:  # the best section is the same
        assert int(np.argmax(got)) == int(np.argmax(expected))


def test_idf_is_higher_for_rarer_terms(docs: list[list[str]]) -> None:
    lex = Lexical(docs)
    assert lex.idf("舆情") > lex.idf("意识形态") > 0
    assert lex.idf("从未出现的词") > lex.idf("舆情")


def test_saved_index_loads_only_with_its_stamp(docs: list[list[str]], tmp_path: Path) -> None:
    lex = Lexical(docs)
    lex.save(tmp_path / "bm25", "gen-7")
    assert Lexical.load(tmp_path / "bm25", "gen-8") is None
    again = Lexical.load(tmp_path / "bm25", "gen-7")
    assert again is not None and again.n == lex.n
    np.testing.assert_array_equal(again.scores(tokenize(QUERIES[0])), lex.scores(tokenize(QUERIES[0])))
    (tmp_path / "bm25" / "postings.npz").write_bytes(b"broken")
    assert Lexical.load(tmp_path / "bm25", "gen-7") is None


def test_empty_corpus_scores_nothing() -> None:
    assert Lexical([]).scores(["学习"]).shape == (0,)
