"""Private workspaces, per-user settings and encrypted keys, the audit log.

Everything that existed belongs to the local single user ("local"); the one installation-wide
setting (knowledge/ indexed once) moves to app_settings; stored keys move to user_secrets marked
unencrypted, and the store encrypts them right after migrating (it holds the server secret).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOCAL = "local"
APP_WIDE = ("corpus_seeded",)


def upgrade() -> None:
    op.add_column(
        "conversations", sa.Column("owner", sa.Text, nullable=False, server_default=LOCAL)
    )
    op.create_index("conversations_by_owner", "conversations", ["owner", "updated"])
    op.create_table(
        "user_settings",
        sa.Column("owner", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "user_secrets",
        sa.Column("owner", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),  # a Fernet token once encrypted = 1
        sa.Column("encrypted", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "app_settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),  # "workspace" | "library"
        sa.Column("owner", sa.Text),  # the workspace's owner; NULL for the 范文库
        sa.Column("conversation_id", sa.Integer),  # no FK: the log outlives the conversation
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sqlite_autoincrement=True,
    )
    op.create_index("audit_by_owner", "audit", ["scope", "owner", "id"])
    op.create_index("audit_by_actor", "audit", ["scope", "actor", "id"])

    app_wide: sa.BindParameter[list[str]] = sa.bindparam("app_wide", value=list(APP_WIDE), expanding=True)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO user_settings (owner, key, value)"
            " SELECT :owner, key, value FROM settings WHERE key NOT IN :app_wide"
        ).bindparams(app_wide),
        {"owner": LOCAL},
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO app_settings (key, value) SELECT key, value FROM settings"
            " WHERE key IN :app_wide"
        ).bindparams(app_wide)
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO user_secrets (owner, key, value, encrypted)"
            " SELECT :owner, key, value, 0 FROM secrets"
        ),
        {"owner": LOCAL},
    )
    op.drop_table("settings")
    op.drop_table("secrets")
    if sa.inspect(op.get_bind()).has_table("schema_version"):
        op.drop_table("schema_version")  # the pre-Alembic store's version number


def downgrade() -> None:
    raise NotImplementedError("不支持降级：请从备份恢复数据库")
