"""Web tests run the real app (web role only) over a fresh SQLite file, with the
clock of the page contexts fixed at NOW."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.config import Settings
from storage.database import Database
from tests.app_client import Client, app_client
from tests.web.factories import NOW, prepare_database, settings_for


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings) -> Client:
    await prepare_database(settings.database_url)
    return await app_client(aiohttp_client, settings, lambda: NOW)


@pytest.fixture
def db(client: Client) -> Database:
    return client.app[keys.DATABASE]
