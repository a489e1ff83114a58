"""Sign-in with Streamlit's own OpenID Connect support (``st.login``/``st.user``).

Configured by an ``[auth]`` table in ``.streamlit/secrets.toml`` (see
``.streamlit/secrets.toml.example``). Without it the app is single-user and local. With it
every page asks for sign-in first. Imports nothing but Streamlit: ``app.py`` calls it before
the service is loaded, so the sign-in page comes up at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

SIGN_IN_TITLE = "公文报告起草助手"
SIGN_IN_BUTTON = "登录"
SIGN_OUT_BUTTON = "退出登录"
# Keys of [auth] shared by every provider; any other table under [auth] is a named provider.
_SHARED_KEYS = {"redirect_uri", "cookie_secret", "expose_tokens"}


def auth_section() -> Mapping[str, Any]:
    """The ``[auth]`` table of the app's secrets, empty when there is none (no secrets file,
    or a file without sign-in)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get("auth")
    except Exception:  # a broken secrets file is Streamlit's to report; we stay local
        return {}
    return section if isinstance(section, Mapping) else {}


def providers(section: Mapping[str, Any]) -> list[str | None]:
    """The providers ``st.login`` can be called with: ``None`` when ``[auth]`` itself names
    a client (one provider), else each ``[auth.NAME]`` table, in file order."""
    if "client_id" in section:
        return [None]
    return [k for k, v in section.items() if k not in _SHARED_KEYS and isinstance(v, Mapping)]


def sign_in_configured() -> bool:
    return bool(providers(auth_section()))


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def render_sign_in_page() -> None:
    """The page a visitor sees before signing in: what the app is, why sign in, and a
    登录 button per configured provider (one in the usual case)."""
    names = providers(auth_section())
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.markdown(f"## {SIGN_IN_TITLE}")
        st.markdown("请先登录。登录后，您的对话、素材和草稿只有您自己能看到；范文库由全单位共用。")
        for name in names:
            label = SIGN_IN_BUTTON if len(names) == 1 else f"{SIGN_IN_BUTTON}（{name}）"
            st.button(
                label,
                key=f"sign_in_{name or 'default'}",
                type="primary",
                on_click=st.login,
                args=(name,) if name else (),
                use_container_width=True,
            )
        st.caption("使用单位统一身份认证账号登录。无法登录时请联系管理员。")


def render_sign_out() -> None:
    st.button(SIGN_OUT_BUTTON, key="sign_out", on_click=st.logout)
