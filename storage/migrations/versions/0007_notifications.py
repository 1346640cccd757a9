"""Notifications: the outbox of messages to channels (Slack, PagerDuty, webhooks, email,
Apprise).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12

One new table; nothing existing changes. Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
EVENTS = "event IN ('firing', 'raised', 'reminder', 'acknowledged', 'resolved', 'test')"
STATES = "state IN ('pending', 'sending', 'sent', 'failed')"
SEVERITIES = "severity IN ('critical', 'warning', 'info')"


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("group_id", BigId, nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Timestamp, nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("answer", sa.String(length=500), nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("sent_at", Timestamp, nullable=True),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint(EVENTS, name=op.f("ck_notifications_event")),
        sa.CheckConstraint(STATES, name=op.f("ck_notifications_state")),
        sa.CheckConstraint(SEVERITIES, name=op.f("ck_notifications_severity")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["alert_groups.id"], name=op.f("fk_notifications_group_id_alert_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "uq_notifications_channel_dedup_key",
        "notifications",
        ["channel", "dedup_key"],
        unique=True,
    )
    op.create_index(
        op.f("ix_notifications_state_next_attempt_at"),
        "notifications",
        ["state", "next_attempt_at"],
    )
    op.create_index(
        op.f("ix_notifications_group_id_channel"), "notifications", ["group_id", "channel"]
    )
    op.create_index(op.f("ix_notifications_created_at"), "notifications", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_created_at"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_group_id_channel"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_state_next_attempt_at"), table_name="notifications")
    op.drop_index("uq_notifications_channel_dedup_key", table_name="notifications")
    op.drop_table("notifications")
