"""Migrations: from empty to head, idempotent, matching the models, and every
revision N-1 -> N keeps the rows written at N-1."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (tables on the metadata)
from storage.engine import create_engine
from storage.migrate import (
    current_revision,
    downgrade_database,
    head_revision,
    in_models,
    revisions,
    upgrade_database,
)

# Rows written with plain SQL that every revision since the first must keep.
SAMPLE_ROWS = [
    "INSERT INTO components (id, name, position, probed, created_at, updated_at)"
    " VALUES ('api', 'API', 1, true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO status_changes (component_id, new_status, at, source)"
    " VALUES ('api', 'operational', '2026-01-01 00:00:00', 'manual')",
    "INSERT INTO probe_results (component_id, region, scheduled_at, started_at, status,"
    " latency_ms, within_sla, attempts)"
    " VALUES ('api', 'default', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'up', 12.5,"
    " true, 1)",
]
COUNTS = {"components": 1, "status_changes": 1, "probe_results": 1}


async def _run(url: str, statements: list[str]) -> list[object]:
    """Execute statements in one transaction; the first value each one returns."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            results = [await connection.exec_driver_sql(s) for s in statements]
            return [r.scalar() if r.returns_rows else None for r in results]
    finally:
        await engine.dispose()


async def _counts(url: str) -> dict[str, object]:
    values = await _run(url, [f"SELECT count(*) FROM {table}" for table in COUNTS])
    return dict(zip(COUNTS, values, strict=True))


async def test_an_empty_database_is_upgraded_to_the_head(db_url: str) -> None:
    assert await current_revision(db_url) is None
    await upgrade_database(db_url)
    assert await current_revision(db_url) == head_revision()


async def test_upgrading_twice_changes_nothing(db_url: str) -> None:
    await upgrade_database(db_url)
    await _run(db_url, SAMPLE_ROWS)
    await upgrade_database(db_url)
    assert await _counts(db_url) == COUNTS


async def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    await upgrade_database(db_url)

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": in_models}
        )
        return list(compare_metadata(context, SQLModel.metadata))

    engine = create_engine(db_url)
    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    await engine.dispose()
    assert found == []


async def test_each_revision_keeps_the_rows_of_the_one_before(db_url: str) -> None:
    # With one revision this upgrades a first-revision database holding rows to
    # the head; each later revision adds a step N-1 -> N.
    chain = revisions()
    await upgrade_database(db_url, revision=chain[0])
    await _run(db_url, SAMPLE_ROWS)
    for revision in chain[1:]:
        await upgrade_database(db_url, revision=revision)
        assert await _counts(db_url) == COUNTS
    await upgrade_database(db_url)
    assert await _counts(db_url) == COUNTS


async def test_a_database_can_go_back_to_base_and_up_again(db_url: str) -> None:
    await upgrade_database(db_url)
    await downgrade_database(db_url, revision="base")
    assert await current_revision(db_url) is None
    await upgrade_database(db_url)
    assert await current_revision(db_url) == head_revision()


async def test_a_migrated_sqlite_file_passes_the_integrity_checks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'statuspage.db'}"
    await upgrade_database(url)
    await _run(url, SAMPLE_ROWS)
    checks = await _run(url, ["PRAGMA integrity_check", "PRAGMA foreign_key_check"])
    assert checks == ["ok", None]
