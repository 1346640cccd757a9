"""Incidents, maintenance and their updates; admin users, API tokens, audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Column types are spelled out (see 0001). Only new tables: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
INCIDENT_STATUSES = (
    "'investigating', 'identified', 'monitoring', 'resolved', 'postmortem', "
    "'scheduled', 'in_progress', 'verifying', 'completed'"
)


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, Timestamp, nullable=nullable)


def upgrade() -> None:
    _create_incidents()
    _create_incident_updates()
    _create_incident_components()
    _create_users_and_tokens()
    _create_audit_and_sign_in_failures()


def _create_incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.Column("impact_override", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(length=2), nullable=True),
        sa.Column("draft", sa.Boolean(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("started_at"),
        _ts("monitoring_at", True),
        _ts("resolved_at", True),
        _ts("scheduled_for", True),
        _ts("scheduled_until", True),
        sa.Column("postmortem_body", sa.String(), nullable=True),
        _ts("postmortem_published_at", True),
        _ts("deleted_at", True),
        sa.CheckConstraint("kind IN ('incident', 'maintenance')", name=op.f("ck_incidents_kind")),
        sa.CheckConstraint(f"status IN ({INCIDENT_STATUSES})", name=op.f("ck_incidents_status")),
        sa.CheckConstraint(
            "impact IN ('none', 'minor', 'major', 'critical', 'maintenance')",
            name=op.f("ck_incidents_impact"),
        ),
        sa.CheckConstraint(
            "severity IS NULL OR severity IN ('P0', 'P1', 'P2', 'P3')",
            name=op.f("ck_incidents_severity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_kind_started_at"), "incidents", ["kind", "started_at"])
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"])


def _create_incident_updates() -> None:
    op.create_table(
        "incident_updates",
        sa.Column("id", BigId, nullable=False),
        sa.Column("incident_id", BigId, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("display_at"),
        sa.Column("affected_components", sa.JSON(), nullable=True),
        sa.Column("deliver_notifications", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=True),
        _ts("deleted_at", True),
        sa.CheckConstraint(
            f"status IN ({INCIDENT_STATUSES})", name=op.f("ck_incident_updates_status")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_updates_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_updates")),
    )
    op.create_index(
        op.f("ix_incident_updates_incident_id_display_at"),
        "incident_updates",
        ["incident_id", "display_at"],
    )
    op.create_index(op.f("ix_incident_updates_display_at"), "incident_updates", ["display_at"])


def _create_incident_components() -> None:
    op.create_table(
        "incident_components",
        sa.Column("incident_id", BigId, nullable=False),
        sa.Column("component_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_incident_components_component_id_components"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_components_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "component_id", name=op.f("pk_incident_components")),
    )


def _create_users_and_tokens() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("deleted_at", True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        _ts("created_at"),
        _ts("last_used_at", True),
        _ts("revoked_at", True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )


def _create_audit_and_sign_in_failures() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", BigId, nullable=False),
        _ts("at"),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(op.f("ix_sign_in_failures_at"), "sign_in_failures", ["at"])


def downgrade() -> None:
    for table in (
        "sign_in_failures",
        "audit_log",
        "api_tokens",
        "users",
        "incident_components",
        "incident_updates",
        "incidents",
    ):
        op.drop_table(table)
