"""Each storage test gets a fresh, migrated database: a SQLite file in tmp_path and,
when STATUSPAGE_TEST_POSTGRES_URL is set, also a PostgreSQL database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.components import sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from tests.storage.builders import (
    POSTGRES_ENV,
    T0,
    component,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty database (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'statuspage.db'}"
        return
    if postgres_admin_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


async def _migrated(url: str) -> Database:
    """A migrated database with one probed component, "api"."""
    await upgrade_database(url)
    database = Database.from_url(url)
    await sync_components(database, [component("api")], T0)
    return database


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await _migrated(db_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def postgres_db() -> AsyncIterator[Database]:
    """Like `db`, PostgreSQL only, for behaviour only PostgreSQL has."""
    if postgres_admin_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = await create_postgres_database()
    database = await _migrated(url)
    try:
        yield database
    finally:
        await database.dispose()
        await drop_postgres_database(url)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """URL of an empty PostgreSQL database of the test's own (not migrated), spelled
    `postgresql://` as a configuration file gives it; skipped without a server."""
    if postgres_admin_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = (await create_postgres_database()).replace("postgresql+asyncpg:", "postgresql:")
    try:
        yield url
    finally:
        await drop_postgres_database(url)
