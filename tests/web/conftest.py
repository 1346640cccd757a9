"""Web tests run the real app (web role only) over a fresh SQLite file, with the
clock of the page contexts fixed at NOW."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.app import create_app
from statuspage.config import Settings
from statuspage.service.roles import Roles
from storage.database import Database
from tests.web.factories import NOW, prepare_database, settings_for

WEB_ONLY = Roles(probes=False, jobs=False, web=True)
Client = TestClient[web.Request, web.Application]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings) -> Client:
    await prepare_database(settings.database_url)
    app = create_app(settings, WEB_ONLY, clock=lambda: NOW)
    return await aiohttp_client(app)


@pytest.fixture
def db(client: Client) -> Database:
    return client.app[keys.DATABASE]
