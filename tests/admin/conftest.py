"""Admin tests run the real app (web role) over a fresh, migrated SQLite file, with
one movable clock for sessions, throttling, writes and the public pages."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from statuspage.config import Settings
from storage.database import Database
from storage.migrate import upgrade_database
from tests.admin.helpers import CHEAP_HASHER, PASSWORD, Clock, add_test_user, settings_for, sign_in
from tests.app_client import Client, app_client


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file, copied for each test: migrating takes longer
    than most tests."""
    path = tmp_path_factory.mktemp("migrated") / "page.db"
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated: Path) -> Settings:
    shutil.copyfile(migrated, tmp_path / "page.db")
    return settings_for(tmp_path)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, clock: Clock) -> Client:
    client = await app_client(aiohttp_client, settings, clock)
    # The parameters test users' hashes are made with: signing in re-hashes others.
    client.app[ADMIN].passwords = Passwords(CHEAP_HASHER)
    return client


@pytest.fixture
def db(client: Client) -> Database:
    return client.app[keys.DATABASE]


@pytest.fixture
async def alice(db: Database) -> str:
    """An admin user, alice, with PASSWORD."""
    await add_test_user(db, "alice")
    return "alice"


@pytest.fixture
async def admin(client: Client, alice: str) -> Client:
    """The client, signed in as alice."""
    response = await sign_in(client, alice, PASSWORD)
    assert response.status == 303, await response.text()
    return client
