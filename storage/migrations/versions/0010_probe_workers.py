"""Probe workers (the live members of each region, held by a heartbeat lease) and
component freshness (whose results stopped arriving).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

Two new tables; nothing existing changes. Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "probe_workers",
        sa.Column("id", sa.String(length=100), primary_key=True, nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("heartbeat_at", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
        sa.Column("share", sa.Integer(), nullable=False),
        sa.Column("lateness_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_workers")),
    )
    op.create_index(
        op.f("ix_probe_workers_region_expires_at"),
        "probe_workers",
        ["region", "expires_at"],
    )
    op.create_table(
        "component_freshness",
        sa.Column("component_id", sa.String(length=100), nullable=False),
        sa.Column("stale_since", Timestamp, nullable=True),
        sa.Column("last_result_at", Timestamp, nullable=True),
        sa.Column("changed_at", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_component_freshness_component_id_components"),
        ),
        sa.PrimaryKeyConstraint("component_id", name=op.f("pk_component_freshness")),
    )


def downgrade() -> None:
    op.drop_table("component_freshness")
    op.drop_index(op.f("ix_probe_workers_region_expires_at"), table_name="probe_workers")
    op.drop_table("probe_workers")
