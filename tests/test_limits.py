"""Limits that keep one user from stalling a shared app: facts per conversation, characters per
fact, length of a text to check or an edit; each refused with a Chinese message, nothing lost."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assistant.errors import FactTooLongError, TextTooLongError, TooManyFactsError
from assistant.models import Fact
from assistant.service import Assistant, check_fact_limits, check_text_limit


def _facts(*lengths: int) -> list[Fact]:
    return [Fact(f"F{i}", "事" * n) for i, n in enumerate(lengths, 1)]


@pytest.mark.parametrize(
    ("facts", "max_facts", "max_chars", "error", "says"),
    [
        (_facts(10, 20), 2, 20, None, ""),  # at the limits: fine
        (_facts(10, 20, 5), 2, 20, TooManyFactsError, "素材共 3 条，超过每个对话 2 条的上限"),
        (_facts(10, 21), 2, 20, FactTooLongError, "F2 有 21 字，超过每条素材 20 字的上限"),
        (_facts(30, 30, 30), 2, 20, TooManyFactsError, "素材共 3 条"),  # the count is said first
        ([], 2, 20, None, ""),
    ],
)
def test_fact_limits(
    facts: list[Fact], max_facts: int, max_chars: int, error: type[Exception] | None, says: str
) -> None:
    if error is None:
        check_fact_limits(facts, max_facts, max_chars)
        return
    with pytest.raises(error) as info:
        check_fact_limits(facts, max_facts, max_chars)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("text", "limit", "refused"),
    [("甲" * 100, 100, False), ("  " + "甲" * 100 + "\n", 100, False), ("甲" * 101, 100, True)],
)
def test_text_limit(text: str, limit: int, refused: bool) -> None:
    if not refused:
        check_text_limit(text, limit, "要审核的文字")
        return
    with pytest.raises(TextTooLongError, match="要审核的文字有 101 字，超过 100 字的上限"):
        check_text_limit(text, limit, "要审核的文字")


def test_the_drafting_service_refuses_too_many_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI and the evals draft through the same service: the limit holds there too."""
    from assistant.config import Settings

    monkeypatch.setenv("ASSISTANT_MAX_FACTS", "3")
    app = Assistant(Settings())
    with pytest.raises(TooManyFactsError):
        app.stream_draft("problems", "甲\n乙\n丙\n丁")


def _drafts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="draft-text"' in m.value]


def test_a_huge_paste_is_kept_and_refused_with_a_reason(app: AppTest) -> None:
    facts = "\n".join(f"第{i}个社区开展理论宣讲{i}场" for i in range(1, 251))
    app.text_area[0].input(facts).run()
    assert any("素材共 250 条，超过每个对话 200 条的上限" in e.value for e in app.error)
    app.chat_input[0].set_value("帮我写工作情况部分").run()
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    assert any("素材共 250 条" in e for e in errors)
    assert not _drafts(app)  # no draft was made
    assert app.text_area[0].value == facts  # nothing lost
    app.text_area[0].input("\n".join(facts.splitlines()[:5])).run()
    app.chat_input[0].set_value("帮我写工作情况部分").run()
    assert _drafts(app)


def test_a_too_long_fact_is_named(app: AppTest) -> None:
    app.text_area[0].input("宣传干部仅有3名\n" + "网络评论员队伍建设" * 60).run()
    app.chat_input[0].set_value("帮我写存在问题部分").run()
    assert any("F2 有 540 字，超过每条素材 500 字的上限" in e.value for e in app.error)
