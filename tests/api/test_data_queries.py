"""What the v2 API loads (`api.data`, `storage.queries.page`) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from statuspage.api.data import load_snapshot
from storage.database import Database
from storage.incidents.rules import NewIncident
from storage.incidents.writes import create_incident
from storage.queries.page import latest_incident_change, status_changed_at
from tests.api.factories import NOW, settings_for
from tests.db_fixtures import _migrated

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest) -> Database:
    """The root conftest's migrated database with component "api": SQLite or PostgreSQL."""
    name = "sqlite_storage" if request.param == "sqlite" else "postgres_db"
    database: Database = request.getfixturevalue(name)
    return database


@pytest.fixture
async def sqlite_storage(tmp_path: Path) -> AsyncIterator[Database]:
    database = await _migrated(f"sqlite:///{tmp_path / 'q.db'}")
    yield database
    await database.dispose()


async def test_an_empty_database_has_no_changes(storage: Database) -> None:
    assert await status_changed_at(storage) == {}
    assert await latest_incident_change(storage) is None


async def test_an_incident_is_the_latest_change_and_moves_its_components(
    storage: Database,
) -> None:
    at = NOW - timedelta(hours=1)
    new = NewIncident("Down", "investigating", "Looking.", components={"api": "major_outage"})
    await create_incident(storage, new, now=at)
    assert await latest_incident_change(storage) == at
    assert await status_changed_at(storage) == {"api": at}


async def test_drafts_are_not_a_change_anyone_can_see(storage: Database) -> None:
    new = NewIncident("Draft", "investigating", "Shh.", draft=True)
    await create_incident(storage, new, now=NOW)
    assert await latest_incident_change(storage) is None


async def test_the_snapshot_dates_the_page_by_the_latest_change(
    storage: Database, tmp_path: Path
) -> None:
    new = NewIncident("Down", "investigating", "Looking.", components={"api": "major_outage"})
    await create_incident(storage, new, now=NOW + timedelta(days=30))
    snapshot = await load_snapshot(storage, settings_for(tmp_path), now=NOW)
    assert snapshot.page.updated_at == NOW + timedelta(days=30)
    assert snapshot.components_by_id["api"]["status"] == "major_outage"
