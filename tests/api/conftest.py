"""API tests run the real app (web role only) over a fresh SQLite file, with the
page clock fixed at NOW and the data stamp read on every request, so a write is
visible on the next request as it is in production after a second."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.config import Settings
from storage.database import Database
from storage.migrate import upgrade_database
from tests.api.factories import NOW, settings_for
from tests.app_client import Client, app_client


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings) -> Client:
    await upgrade_database(settings.database_url)
    client = await app_client(aiohttp_client, settings, lambda: NOW)
    client.app[keys.WEB].watcher.interval_s = 0.0
    return client


@pytest.fixture
def db(client: Client) -> Database:
    return client.app[keys.DATABASE]
