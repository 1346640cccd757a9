"""Raw probe results partitioned by UTC day on PostgreSQL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

On PostgreSQL `probe_results` becomes a table PARTITIONED BY RANGE (scheduled_at),
so retention drops a whole day instead of deleting (and vacuuming) its rows
(`storage/results/partitions.py` keeps the partitions). PostgreSQL wants the
partition column in every unique key, so the primary key becomes
(id, scheduled_at); ids still come from the same sequence. The natural key
(component_id, region, scheduled_at) already holds it. No foreign key points at
probe_results.id (checked: nothing references it in 0001-0011), so none has to
change. A DEFAULT partition takes rows of any day without a partition of its own,
so an insert never fails for want of one.

The table is rebuilt: renamed aside, created anew, rows copied, old one dropped,
in the migration's one transaction. Days holding rows get their partition here;
today's and the next days' come from the upkeep job at start-up (a revision reads
no clock). SQLite is left as it is: it has no partitions, and retention deletes
rows there as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

TABLE = "probe_results"
ASIDE = "probe_results_old"
DEFAULT_PARTITION = "probe_results_default"
UNIQUE = "uq_probe_results_component_id_region_scheduled_at"
INDEX = "ix_probe_results_scheduled_at"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    sequence = _set_aside()
    op.execute(
        f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        " PARTITION BY RANGE (scheduled_at)"
    )
    _add_keys(primary_key="id, scheduled_at")
    op.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
    for day in _days_holding_rows():
        _create_day_partition(day)
    _move_rows_in(sequence)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    sequence = _set_aside()
    op.execute(f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    _add_keys(primary_key="id")
    _move_rows_in(sequence)  # dropping the partitioned table drops its partitions


def _set_aside() -> str:
    """Rename the table and its schema-wide names (index names) out of the way, and
    free the id sequence from it; returns the sequence's name."""
    sequence = op.get_bind().scalar(sa.text(f"SELECT pg_get_serial_sequence('{TABLE}', 'id')"))
    assert sequence is not None, "probe_results.id has no sequence"
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute(f"ALTER TABLE {TABLE} RENAME TO {ASIDE}")
    for name in (f"pk_{TABLE}", UNIQUE):
        op.execute(f"ALTER TABLE {ASIDE} RENAME CONSTRAINT {name} TO {name}_old")
    op.execute(f"ALTER INDEX {INDEX} RENAME TO {INDEX}_old")
    return str(sequence)


def _add_keys(*, primary_key: str) -> None:
    """The keys and index of 0001 (the CHECK constraint and NOT NULLs came with LIKE)."""
    op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_{TABLE} PRIMARY KEY ({primary_key})")
    op.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE} UNIQUE (component_id, region, scheduled_at)"
    )
    op.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT fk_{TABLE}_component_id_components"
        " FOREIGN KEY (component_id) REFERENCES components (id)"
    )
    op.execute(f"CREATE INDEX {INDEX} ON {TABLE} (scheduled_at)")


def _days_holding_rows() -> list[datetime]:
    rows = op.get_bind().execute(
        sa.text(f"SELECT DISTINCT date_trunc('day', scheduled_at AT TIME ZONE 'UTC') FROM {ASIDE}")  # noqa: S608
    )
    return sorted(day for (day,) in rows)


def _create_day_partition(day: datetime) -> None:
    # The same name and bounds as storage/results/partitions.py, spelt out here so
    # the revision keeps doing the same after that module moves on.
    start, end = day.strftime("%Y-%m-%d"), (day + timedelta(days=1)).strftime("%Y-%m-%d")
    op.execute(
        f"CREATE TABLE {TABLE}_p{day:%Y%m%d} PARTITION OF {TABLE}"
        f" FOR VALUES FROM ('{start} 00:00:00+00') TO ('{end} 00:00:00+00')"
    )


def _move_rows_in(sequence: str) -> None:
    op.execute(f"INSERT INTO {TABLE} SELECT * FROM {ASIDE}")  # noqa: S608  (constant names)
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {TABLE}.id")
    op.execute(f"DROP TABLE {ASIDE}")
