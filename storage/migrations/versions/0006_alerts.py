"""Alerting: alerts, alert groups, bad API tokens, and when an incident was acknowledged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

New tables, and two nullable columns on `incidents` (no rewrite on PostgreSQL; SQLite's
batch mode copies the table, which holds operator text only, not results).
Column types are spelled out, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
OPEN = sa.text("resolved_at IS NULL")
SEVERITIES = "severity IN ('critical', 'warning', 'info')"


def upgrade() -> None:
    _alert_groups()
    _alerts()
    op.create_table(
        "token_failures",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_failures")),
    )
    op.create_index(op.f("ix_token_failures_at"), "token_failures", ["at"])
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("acknowledged_at", Timestamp, nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.String(length=100), nullable=True))


def _alert_groups() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("component_id", sa.String(length=100), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("opened_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("resolved_at", Timestamp, nullable=True),
        sa.Column("acknowledged_at", Timestamp, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("incident_id", BigId, nullable=True),
        sa.Column("proposed_update", sa.String(), nullable=True),
        sa.CheckConstraint(SEVERITIES, name=op.f("ck_alert_groups_severity")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_alert_groups_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_groups")),
    )
    op.create_index(
        "uq_alert_groups_open_subject",
        "alert_groups",
        ["subject"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def _alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", BigId, primary_key=True, nullable=False),
        sa.Column("group_id", BigId, nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("component_id", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("fired_at", Timestamp, nullable=True),
        sa.Column("clear_since", Timestamp, nullable=True),
        sa.Column("resolved_at", Timestamp, nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("acknowledged_at", Timestamp, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("silenced_until", Timestamp, nullable=True),
        sa.Column("silenced_by", sa.String(length=100), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("resolve_figures", sa.JSON(), nullable=True),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint(SEVERITIES, name=op.f("ck_alerts_severity")),
        sa.CheckConstraint(
            "state IN ('pending', 'firing', 'resolved')", name=op.f("ck_alerts_state")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["alert_groups.id"], name=op.f("fk_alerts_group_id_alert_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(
        "uq_alerts_open_rule_subject",
        "alerts",
        ["rule", "subject"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(op.f("ix_alerts_group_id"), "alerts", ["group_id"])
    op.create_index(op.f("ix_alerts_started_at"), "alerts", ["started_at"])


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("acknowledged_by")
        batch.drop_column("acknowledged_at")
    op.drop_index(op.f("ix_token_failures_at"), table_name="token_failures")
    op.drop_table("token_failures")
    op.drop_index(op.f("ix_alerts_started_at"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_group_id"), table_name="alerts")
    op.drop_index("uq_alerts_open_rule_subject", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("uq_alert_groups_open_subject", table_name="alert_groups")
    op.drop_table("alert_groups")
