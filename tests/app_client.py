"""The one way web, API and admin tests start the real app: given settings and a
clock, over a real socket through aiohttp's test client."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from probes.clock import Clock
from statuspage.app import create_app
from statuspage.config import Settings
from statuspage.service.roles import Roles

WEB_ONLY = Roles(probes=False, jobs=False, web=True)
Client = TestClient[web.Request, web.Application]


async def app_client(
    aiohttp_client: AiohttpClient, settings: Settings, clock: Clock, roles: Roles = WEB_ONLY
) -> Client:
    """The app for `settings` with `clock` as its one clock (the database must exist)."""
    return await aiohttp_client(create_app(settings, roles, clock=clock))
