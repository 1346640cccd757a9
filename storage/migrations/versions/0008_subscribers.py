"""Subscribers of the public page: the subscribers, the notices already fanned out to
them, the site's generated secrets, and the outbox's column naming a subscriber.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

The outbox's `event` check gains the subscribers' events; SQLite rebuilds the table
for that (batch mode), PostgreSQL swaps the constraint.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
OLD_EVENTS = "event IN ('firing', 'raised', 'reminder', 'acknowledged', 'resolved', 'test')"
EVENTS = (
    "event IN ('firing', 'raised', 'reminder', 'acknowledged', 'resolved', 'test', "
    "'confirm', 'update', 'upcoming')"
)


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("components", sa.JSON(), nullable=True),
        sa.Column("confirmed_at", Timestamp, nullable=True),
        sa.Column("confirmation_sent_at", Timestamp, nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("kind IN ('email', 'webhook')", name=op.f("ck_subscribers_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
    )
    op.create_index("uq_subscribers_kind_address", "subscribers", ["kind", "address"], unique=True)
    op.create_table(
        "subscriber_notices",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_subscriber_notices")),
    )
    op.create_table(
        "site_secrets",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_secrets")),
    )
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("subscriber_id", BigId, nullable=True))
        batch.create_foreign_key(
            op.f("fk_notifications_subscriber_id_subscribers"),
            "subscribers",
            ["subscriber_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_notifications_subscriber_id"), ["subscriber_id"])
        batch.drop_constraint(op.f("ck_notifications_event"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_event"), EVENTS)


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE subscriber_id IS NOT NULL")
    op.execute("DELETE FROM notifications WHERE event IN ('confirm', 'update', 'upcoming')")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_event"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_event"), OLD_EVENTS)
        batch.drop_index(op.f("ix_notifications_subscriber_id"))
        batch.drop_constraint(
            op.f("fk_notifications_subscriber_id_subscribers"), type_="foreignkey"
        )
        batch.drop_column("subscriber_id")
    op.drop_table("site_secrets")
    op.drop_table("subscriber_notices")
    op.drop_index("uq_subscribers_kind_address", table_name="subscribers")
    op.drop_table("subscribers")
