"""范文库 outline view: each section's confidence and reasons, and a role corrected by hand is
saved with the index and used by the next search (streamlit AppTest, real index)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.models import Role
from assistant.service import Assistant
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def app() -> Iterator[AppTest]:
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.session_state["side_tab"] = "范文库"
    at.run()
    yield at
    st.cache_resource.clear()


def test_role_view_shows_reasons_and_a_correction_is_searched(app: AppTest) -> None:
    toggle = next(t for t in app.sidebar.toggle if t.label == "类型依据与更正")
    toggle.set_value(True).run()
    assert not app.exception, app.exception
    captions = " ".join(str(c.value) for c in app.sidebar.caption)
    assert "把握" in captions and "标题含“工作情况”" in captions
    select = next(s for s in app.sidebar.selectbox if s.label.startswith("1 一、工作情况"))
    assert select.value is Role.ACHIEVEMENTS
    select.set_value(Role.PLANS)
    next(b for b in app.sidebar.button if b.label == "保存类型更正").click().run()
    assert not app.exception, app.exception
    assert any("已保存 1 处类型更正" in str(s.value) for s in app.sidebar.success)
    # the outline shows the new role, and the next search (another client) uses it
    assert any("`下步打算/工作措施`" in str(m.value) and "一、工作情况" in str(m.value) for m in app.sidebar.markdown)
    found = Assistant(Settings()).search("plans", "理论学习宣讲 方向盘", k=10)
    assert any(e.report.startswith("000_") and e.section_id == "1" for e in found)
