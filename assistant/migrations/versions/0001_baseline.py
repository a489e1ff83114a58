"""Baseline: the schema of the store before Alembic (its schema_version 2).

A database written by that store already has these tables and gets only what it lacks (a file of
schema_version 1 gains conversation_meta); a new database gets them all.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "conversations" not in existing:
        op.create_table(
            "conversations",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("created", sa.Text, nullable=False),
            sa.Column("updated", sa.Text, nullable=False),
            sa.Column("facts", sa.Text, nullable=False, server_default=""),
            sa.Column("report_title", sa.Text),
            sqlite_autoincrement=True,
        )
    if "drafts" not in existing:
        op.create_table(
            "drafts",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "conversation_id",
                sa.Integer,
                sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("section_key", sa.Text, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("draft_json", sa.Text, nullable=False),
            sa.Column("instruction", sa.Text),
            sa.Column("accepted", sa.Integer, nullable=False, server_default="0"),
            sa.Column("created", sa.Text, nullable=False),
            sa.UniqueConstraint("conversation_id", "section_key", "version"),
            sqlite_autoincrement=True,
        )
        # At most one accepted version per section, enforced by the database itself.
        op.create_index(
            "drafts_one_accepted",
            "drafts",
            ["conversation_id", "section_key"],
            unique=True,
            sqlite_where=sa.text("accepted = 1"),
            postgresql_where=sa.text("accepted = 1"),
        )
    if "messages" not in existing:
        op.create_table(
            "messages",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "conversation_id",
                sa.Integer,
                sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("role", sa.Text, nullable=False),
            sa.Column("content", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False, server_default="text"),
            sa.Column(
                "draft_version_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="SET NULL")
            ),
            sa.Column("created", sa.Text, nullable=False),
            sqlite_autoincrement=True,
        )
        op.create_index("messages_by_conversation", "messages", ["conversation_id", "id"])
    if "settings" not in existing:
        op.create_table(
            "settings",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "secrets" not in existing:
        op.create_table(
            "secrets",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "conversation_meta" not in existing:
        # Per-conversation data of the UI (e.g. the outline being drafted), deleted with it.
        op.create_table(
            "conversation_meta",
            sa.Column(
                "conversation_id",
                sa.Integer,
                sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for table in ("conversation_meta", "messages", "drafts", "secrets", "settings", "conversations"):
        op.drop_table(table)
