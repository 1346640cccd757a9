"""The database file removed or replaced under the running app: `/healthz` says so
with a 503 and the write API stores nothing and says so, where SQLite alone would
have gone on "committing" into the deleted file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from statuspage.config import Settings
from storage.database import Database
from tests.admin.helpers import Clock, add_test_token
from tests.admin.test_write_api import NEW
from tests.app_client import Client


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    assert (await client.post("/api/admin/incidents", json=NEW)).status == 201
    return client


def database_of(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def removed(path: Path) -> None:
    path.unlink()


def replaced(path: Path) -> None:
    shutil.copyfile(path, path.with_name("copy.db"))
    os.replace(path.with_name("copy.db"), path)


@pytest.mark.parametrize("change", [removed, replaced])
async def test_healthz_and_the_write_api_refuse_once_the_file_is_gone(
    api: Client, settings: Settings, clock: Clock, change: object
) -> None:
    assert (await api.get("/healthz")).status == 200
    assert callable(change)
    change(database_of(settings))
    clock.advance(seconds=2)
    health = await api.get("/healthz")
    assert health.status == 503
    body = await health.json()
    assert body["storage"] == "failed"
    assert "was removed or replaced" in body["reason"]
    assert "restore it or restart" in body["reason"]
    answer = await api.post("/api/admin/incidents", json=NEW | {"name": "After removal"})
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert "was not stored" in (await answer.json())["error"]["message"]


async def test_a_removed_wal_is_reported_too(api: Client, settings: Settings, clock: Clock) -> None:
    wal = database_of(settings).with_name(database_of(settings).name + "-wal")
    wal.unlink()
    clock.advance(seconds=2)
    health = await api.get("/healthz")
    assert health.status == 503
    assert "-wal is missing" in (await health.json())["reason"]
