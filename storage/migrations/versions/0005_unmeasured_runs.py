"""Probe runs that measured nothing because the prober itself failed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A new table only: `probe_results` keeps its constraint, so nothing is rewritten.
Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "unmeasured_runs",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("component_id", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("scheduled_at", Timestamp, nullable=False),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_unmeasured_runs_component_id_components"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmeasured_runs")),
        sa.UniqueConstraint(
            "component_id",
            "region",
            "scheduled_at",
            name=op.f("uq_unmeasured_runs_component_id_region_scheduled_at"),
        ),
    )
    op.create_index(op.f("ix_unmeasured_runs_scheduled_at"), "unmeasured_runs", ["scheduled_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_unmeasured_runs_scheduled_at"), table_name="unmeasured_runs")
    op.drop_table("unmeasured_runs")
