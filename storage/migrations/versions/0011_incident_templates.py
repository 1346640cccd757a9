"""Incident templates: a name, a title, a message and the components it affects.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

One new table; nothing existing changes. Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incident_templates",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_incident_templates_name")),
    )


def downgrade() -> None:
    op.drop_table("incident_templates")
