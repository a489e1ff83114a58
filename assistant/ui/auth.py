"""Who is using the app: the one place the UI learns the signed-in identity.

Without sign-in configured the app is single-user and local ("本机单人使用"): everyone is the
local user, who administers the machine. With Streamlit's sign-in (``st.login``, OpenID Connect,
see ``signin.py``) the identity comes from ``st.user``: the id from the ``sub`` claim (else the
e-mail), admin/editor from ASSISTANT_ROLES_CLAIM or the configured lists. Role checks are pure functions of a ``User`` and the
settings, so they are tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from assistant.config import Settings
from assistant.errors import AccessDeniedError
from assistant.sessions import LOCAL_USER_ID
from assistant.ui.signin import sign_in_configured

ADMIN = "admin"
EDITOR = "editor"
LOCAL_MODE_LABEL = "本机单人使用"


@dataclass(frozen=True)
class User:
    id: str  # the store's owner id: "local", or "oidc:<issuer subject>"
    name: str
    email: str = ""
    roles: tuple[str, ...] = ()

    @property
    def is_local(self) -> bool:
        return self.id == LOCAL_USER_ID


LOCAL_USER = User(LOCAL_USER_ID, "本机用户", "", (ADMIN,))


def user_from_claims(claims: Mapping[str, Any], settings: Settings) -> User:
    """A signed-in user from the identity provider's claims (``st.user``): the id is the
    subject (else the e-mail), the roles come from the configured lists."""
    subject = str(claims.get("sub") or claims.get("email") or "").strip()
    if not subject:
        raise ValueError("claims carry neither 'sub' nor 'email'")
    email = str(claims.get("email") or "").strip()
    name = str(claims.get("name") or claims.get("preferred_username") or email or subject)
    user = User(f"oidc:{subject}", name, email, roles_from_claims(claims, settings))
    return User(user.id, user.name, user.email, roles_from_settings(user, settings))


def roles_from_claims(claims: Mapping[str, Any], settings: Settings) -> tuple[str, ...]:
    """The roles the identity provider gives a user: the configured claim (ASSISTANT_ROLES_CLAIM,
    a list or a comma/space-separated string) holding a configured admin or editor value."""
    if not settings.roles_claim:
        return ()
    raw = claims.get(settings.roles_claim)
    if isinstance(raw, str):
        values = raw.replace(",", " ").split()
    elif isinstance(raw, list | tuple):
        values = [str(v) for v in raw]
    else:
        return ()
    have = {v.strip().lower() for v in values}
    roles = []
    if have & set(settings.admin_claim_values):
        roles.append(ADMIN)
    if have & set(settings.editor_claim_values):
        roles.append(EDITOR)
    return tuple(roles)


def roles_from_settings(user: User, settings: Settings) -> tuple[str, ...]:
    """The roles the configured lists (ASSISTANT_ADMINS, ASSISTANT_LIBRARY_EDITORS) give a user,
    matched by e-mail or id, case-insensitively."""
    names = {user.id.lower(), user.email.lower()} - {""}
    if user.id.startswith("oidc:"):
        names.add(user.id[len("oidc:") :].lower())
    roles = list(user.roles)
    if names & set(settings.admins) and ADMIN not in roles:
        roles.append(ADMIN)
    if names & set(settings.library_editors) and EDITOR not in roles:
        roles.append(EDITOR)
    return tuple(roles)


def is_admin(user: User, settings: Settings) -> bool:
    return ADMIN in user.roles or ADMIN in roles_from_settings(user, settings)


def can_edit_library(user: User, settings: Settings) -> bool:
    """Uploading, correcting roles and deleting in the shared 范文库 need the editor or admin
    role (searching it is for everyone)."""
    roles = set(user.roles) | set(roles_from_settings(user, settings))
    return bool(roles & {ADMIN, EDITOR})


def current_user(settings: Settings) -> User:
    """The user of this browser session: the signed-in one, else (sign-in not configured)
    the local single user. With sign-in configured a visitor is never the local user."""
    info = st.user
    if info.get("is_logged_in"):
        try:
            return user_from_claims(info.to_dict(), settings)
        except ValueError:
            raise AccessDeniedError(
                "本应用", "登录服务没有提供用户标识（sub 或 email），请联系管理员检查登录配置"
            ) from None
    if sign_in_configured():
        raise AccessDeniedError("本应用", "请先登录")
    return LOCAL_USER
