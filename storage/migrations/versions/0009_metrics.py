"""Metrics: the application's own metrics, their roll-ups and the problems that kept a
value from being stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

New tables only; nothing existing changes. Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "metric_points",
        sa.Column("metric_id", sa.String(length=100), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("metric_id", "at", name=op.f("pk_metric_points")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "metric_rollups",
        sa.Column("metric_id", sa.String(length=100), nullable=False),
        sa.Column("granularity", sa.String(length=8), nullable=False),
        sa.Column("bucket_start", Timestamp, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "granularity IN ('hour', 'day')", name=op.f("ck_metric_rollups_granularity")
        ),
        sa.PrimaryKeyConstraint(
            "metric_id", "granularity", "bucket_start", name=op.f("pk_metric_rollups")
        ),
    )
    op.create_index(
        op.f("ix_metric_rollups_granularity_bucket_start"),
        "metric_rollups",
        ["granularity", "bucket_start"],
    )
    op.create_table(
        "metric_problems",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("metric_id", sa.String(length=100), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.CheckConstraint("side IN ('target', 'local')", name=op.f("ck_metric_problems_side")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_problems")),
    )
    op.create_index(op.f("ix_metric_problems_metric_id_at"), "metric_problems", ["metric_id", "at"])
    op.create_index(op.f("ix_metric_problems_at"), "metric_problems", ["at"])


def downgrade() -> None:
    op.drop_table("metric_problems")
    op.drop_table("metric_rollups")
    op.drop_table("metric_points")
