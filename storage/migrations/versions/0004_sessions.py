"""Admin sessions as rows, so signing out ends a session in every process.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

`user_sessions` holds one row per signed-in browser; it replaces
`users.session_epoch`, which could end all of a user's sessions but not one.
Sessions made before this revision have no row, so everyone signs in again
once after upgrading. Downgrading drops the table (signing everyone out) and
brings the epoch column back at 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("session_epoch")
    op.create_table(
        "user_sessions",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_user_sessions")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_expires_at"), "user_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("user_sessions")
    with op.batch_alter_table("users") as users:
        users.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
