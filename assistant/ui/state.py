"""Process-wide resources (the Assistant, the session store) and per-browser-session state."""

from __future__ import annotations

import contextlib
import gc
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import SecretStr

from assistant.config import Settings
from assistant.models import ReportInfo, Role
from assistant.service import Assistant
from assistant.sessions import SessionStore
from assistant.ui.auth import LOCAL_USER, User, current_user, is_admin
from assistant.ui.jobs import JobRunner

SECRET_KEY = "openai_api_key"
# Store setting set once knowledge/ has been indexed on first start (deleting every report
# later must not bring the shipped samples back).
SEEDED_KEY = "corpus_seeded"
ENGINE_CHOICES = {"offline": "离线起草（无需模型）", "llm": "OpenAI 兼容接口"}


def warm_up(assistant: Assistant) -> None:
    """Start one throw-away offline draft in the background (returns at once), so the user's
    first request does not pay for loading the index and the tokenizer. Once per Assistant."""
    with _warm_lock:
        if id(assistant) in _warmed:
            return
        _warmed.add(id(assistant))
    threading.Thread(target=_warm, args=(assistant,), name="assistant-warm-up", daemon=True).start()


def _warm(assistant: Assistant) -> None:
    # Best effort (e.g. an empty index): real calls report their own errors.
    with contextlib.suppress(Exception):
        assistant.draft(Role.PROBLEMS, "理论学习形式单一，以集中读文件为主\n宣传干部仅有3名")
    # The index, tokenizer dictionaries and models now loaded live as long as the process:
    # moved out of the collector's reach, no full collection walks them again (each such walk
    # holds the GIL, so every user's page waits for it).
    gc.collect()
    gc.freeze()


_warm_lock = threading.Lock()
_warmed: set[int] = set()  # ids of cached Assistants (they live as long as the process)


@st.cache_resource(show_spinner=False)
def _assistant(data_dir: str, knowledge_dir: str, _settings: Settings) -> Assistant:
    # Keyed by the folders, so tests with separate data folders never share an index. One
    # Assistant serves every session: the index is safe to share between threads.
    return Assistant(_settings)


@st.cache_resource(show_spinner=False)
def _store(where: str, _settings: Settings) -> SessionStore:
    # Keyed by the database (file path or URL); one engine per process, shared by all users.
    return SessionStore.from_settings(_settings)


@st.cache_resource(show_spinner=False)
def jobs() -> JobRunner:
    # One per process: drafts run there, owned by no browser session, so they outlive a tab.
    return JobRunner()


@dataclass
class Ctx:
    """What every UI component needs: the service, the store bound to the current user (it
    reaches that user's rows only), the base settings and the user."""

    assistant: Assistant
    store: SessionStore
    settings: Settings
    user: User = LOCAL_USER

    @property
    def upload_dir(self) -> Path:
        return self.settings.data_dir / "uploads"


def get_ctx() -> Ctx:
    settings = Settings()
    assistant = _assistant(str(settings.data_dir.resolve()), str(settings.knowledge_dir), settings)
    where = settings.database_url or str(settings.sessions_path.resolve())
    user = current_user(settings)
    store = _store(where, settings).for_user(user.id, user.name, admin=is_admin(user, settings))
    return Ctx(assistant, store, assistant.settings, user)


# ---- per-session caches (invalidated when this session changes the library) ---------------


def reports(ctx: Ctx) -> list[ReportInfo]:
    cached = st.session_state.get("_reports")
    if cached is None:
        cached = sorted(ctx.assistant.reports(), key=lambda r: r.id)
        st.session_state["_reports"] = cached
    result: list[ReportInfo] = cached
    return result


def outline(ctx: Ctx, report: ReportInfo) -> list[dict[str, Any]]:
    cache: dict[str, list[dict[str, Any]]] = st.session_state.setdefault("_outlines", {})
    key = f"{report.id}:{report.content_hash}"
    if key not in cache:
        cache[key] = ctx.assistant.report_outline(report.id)
    return cache[key]


def library_changed() -> None:
    st.session_state.pop("_reports", None)
    st.session_state.pop("_outlines", None)


# ---- model settings chosen in the sidebar -------------------------------------------------


def init_model_prefs(ctx: Ctx) -> None:
    """Load the stored (non-secret) preferences into the widgets once per browser session."""
    if st.session_state.get("_prefs_loaded"):
        return
    s = ctx.settings
    st.session_state["ui_engine"] = ctx.store.get_setting("engine", s.engine) or s.engine
    st.session_state["ui_base_url"] = (
        ctx.store.get_setting("base_url", s.openai_base_url or "") or ""
    )
    st.session_state["ui_model"] = ctx.store.get_setting("llm_model", s.llm_model) or s.llm_model
    st.session_state.setdefault("ui_key", "")
    st.session_state["_prefs_loaded"] = True


def effective_settings(ctx: Ctx) -> Settings:
    """The base settings with the sidebar's choices applied (the key never leaves memory
    unless the user ticked 记住密钥)."""
    base = ctx.settings
    engine = st.session_state.get("ui_engine", base.engine)
    update: dict[str, Any] = {"engine": engine if engine in ENGINE_CHOICES else base.engine}
    url = (st.session_state.get("ui_base_url") or "").strip()
    if url:
        update["openai_base_url"] = url
    model = (st.session_state.get("ui_model") or "").strip()
    if model:
        update["llm_model"] = model
    key = (st.session_state.get("ui_key") or "").strip() or ctx.store.get_secret(SECRET_KEY)
    if key:
        update["openai_api_key"] = SecretStr(key)
    return base.model_copy(update=update)
