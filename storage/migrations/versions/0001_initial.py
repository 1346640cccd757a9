"""Create components, status history, probe results and roll-ups.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Column types are spelled out here rather than imported from storage.models:
a revision must keep creating the same schema after the models move on.
DateTime(timezone=True) is what storage.models.UTCDateTime stores.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
STATUSES = (
    "'operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'"
)


def _slug(name: str = "component_id") -> sa.Column[str]:
    return sa.Column(name, sa.String(length=100), nullable=False)


def _component_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["component_id"], ["components.id"], name=op.f(f"fk_{table}_component_id_components")
    )


def upgrade() -> None:
    _create_components()
    _create_status_changes()
    _create_probe_results()
    _create_rollups()
    _create_rollup_dirty()


def _create_components() -> None:
    op.create_table(
        "components",
        _slug("id"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group_name", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("sla_ms", sa.Float(), nullable=True),
        sa.Column("probed", sa.Boolean(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("archived_at", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_components")),
    )


def _create_status_changes() -> None:
    op.create_table(
        "status_changes",
        sa.Column("id", BigId, nullable=False),
        _slug(),
        sa.Column("old_status", sa.String(length=32), nullable=True),
        sa.Column("new_status", sa.String(length=32), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("incident_update_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            f"new_status IN ({STATUSES})", name=op.f("ck_status_changes_new_status")
        ),
        sa.CheckConstraint(
            f"old_status IS NULL OR old_status IN ({STATUSES})",
            name=op.f("ck_status_changes_old_status"),
        ),
        sa.CheckConstraint(
            "source IN ('probe', 'manual', 'maintenance')", name=op.f("ck_status_changes_source")
        ),
        _component_fk("status_changes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    op.create_index(
        op.f("ix_status_changes_component_id_at"), "status_changes", ["component_id", "at"]
    )


def _create_probe_results() -> None:
    op.create_table(
        "probe_results",
        sa.Column("id", BigId, nullable=False),
        _slug(),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("scheduled_at", Timestamp, nullable=False),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _PHASES),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("within_sla", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("dependencies", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "status IN ('up', 'degraded', 'down')", name=op.f("ck_probe_results_status")
        ),
        _component_fk("probe_results"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_results")),
        sa.UniqueConstraint(
            "component_id",
            "region",
            "scheduled_at",
            name=op.f("uq_probe_results_component_id_region_scheduled_at"),
        ),
    )
    op.create_index(op.f("ix_probe_results_scheduled_at"), "probe_results", ["scheduled_at"])


_PHASES = ("dns_ms", "connect_ms", "tls_ms", "ttfb_ms")


def _create_rollups() -> None:
    op.create_table(
        "rollups",
        _slug(),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("granularity", sa.String(length=8), nullable=False),
        sa.Column("bucket_start", Timestamp, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.Column("latency_sum_ms", sa.Float(), nullable=False),
        sa.Column("latency_min_ms", sa.Float(), nullable=True),
        sa.Column("latency_max_ms", sa.Float(), nullable=True),
        sa.Column("histogram", sa.String(), nullable=False),
        sa.CheckConstraint("granularity IN ('hour', 'day')", name=op.f("ck_rollups_granularity")),
        _component_fk("rollups"),
        sa.PrimaryKeyConstraint(
            "component_id", "region", "granularity", "bucket_start", name=op.f("pk_rollups")
        ),
    )
    op.create_index(
        op.f("ix_rollups_component_id_granularity_bucket_start"),
        "rollups",
        ["component_id", "granularity", "bucket_start"],
    )
    op.create_index(
        op.f("ix_rollups_granularity_bucket_start"), "rollups", ["granularity", "bucket_start"]
    )


_COUNTS = ("up", "degraded", "down", "maintenance", "within_sla")


def _create_rollup_dirty() -> None:
    op.create_table(
        "rollup_dirty",
        _slug(),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("hour_utc", Timestamp, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("component_id", "region", "hour_utc", name=op.f("pk_rollup_dirty")),
    )


def downgrade() -> None:
    # Dependants first: the foreign keys point at components.
    for table in ("rollup_dirty", "rollups", "probe_results", "status_changes", "components"):
        op.drop_table(table)
