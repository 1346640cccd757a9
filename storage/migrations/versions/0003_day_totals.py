"""Running totals of day roll-ups, so a year of history reads as one row per component.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Only a new table of derived data: the roll-up job fills it from the existing day
roll-ups on its first run, and until then pages read the roll-ups directly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "day_totals",
        sa.Column("component_id", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("running", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"], ["components.id"], name=op.f("fk_day_totals_component_id_components")
        ),
        sa.PrimaryKeyConstraint("component_id", "region", name=op.f("pk_day_totals")),
    )


def downgrade() -> None:
    op.drop_table("day_totals")
