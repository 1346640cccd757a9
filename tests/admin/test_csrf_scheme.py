"""The Origin (or Referer) of an admin form must name this site with its scheme: a page
served over http cannot post to an https site, nor the other way round. Behind a proxy
that ends TLS (the case the README documents) the request reaches the service over
http while the browser's page, and so its Origin, is https: that is accepted."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from statuspage import keys
from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from statuspage.app import create_app
from storage.database import Database
from storage.incidents.reads import list_incidents
from tests.admin.helpers import (
    CHEAP_HASHER,
    PASSWORD,
    SITE,
    add_test_user,
    csrf_token,
    incident_form,
    settings_for,
    sign_in,
)
from tests.app_client import WEB_ONLY, Client

HTTPS_SITE = "https://status.acme.test"


async def post_incident(admin: Client, headers: dict[str, str]) -> int:
    form = incident_form() | {"csrf_token": await csrf_token(admin)}
    response = await admin.post(
        "/admin/incidents", data=form, headers=headers, allow_redirects=False
    )
    return response.status


@pytest.fixture
async def https_admin(tmp_path: Path, migrated: Path) -> AsyncIterator[Client]:
    """alice, signed in to a site whose site.url is https, through a proxy that ends
    TLS and passes the Host on: the service itself is reached over http."""
    shutil.copyfile(migrated, tmp_path / "page.db")
    settings = settings_for(tmp_path, SITE.replace("http://status.acme.test", HTTPS_SITE))
    app = create_app(settings, WEB_ONLY)
    app[ADMIN].passwords = Passwords(CHEAP_HASHER)
    server = TestServer(app)
    await server.start_server()
    # The cookies are Secure: this jar sends them over the proxy's plain hop too.
    jar = CookieJar(unsafe=True, treat_as_secure_origin=[str(server.make_url("/"))])
    client: Client = TestClient(server, cookie_jar=jar)
    await client.start_server()
    await add_test_user(app[keys.DATABASE], "alice")
    response = await sign_in(client, "alice", PASSWORD, headers={"Origin": HTTPS_SITE})
    assert response.status == 303, await response.text()
    yield client
    await client.close()


def here(client: Client, scheme: str) -> str:
    """The address the request came to, as a browser on `scheme` would name it."""
    return f"{scheme}://{client.server.host}:{client.server.port}"


async def test_behind_a_tls_proxy_the_https_site_is_this_site(https_admin: Client) -> None:
    assert await post_incident(https_admin, {"Origin": HTTPS_SITE}) == 303
    assert await post_incident(https_admin, {"Referer": HTTPS_SITE + "/admin"}) == 303
    assert await post_incident(https_admin, {"Origin": HTTPS_SITE + ":443"}) == 303


async def test_an_http_page_cannot_post_to_an_https_site(https_admin: Client) -> None:
    db: Database = https_admin.app[keys.DATABASE]
    for header in (
        {"Origin": "http://status.acme.test"},
        {"Origin": "http://status.acme.test:443"},
        {"Referer": "http://status.acme.test/admin/incidents/new"},
    ):
        assert await post_incident(https_admin, header) == 403, header
    assert await list_incidents(db) == []


async def test_an_http_page_at_the_address_the_request_came_to_is_not_the_https_site(
    https_admin: Client,
) -> None:
    assert await post_incident(https_admin, {"Origin": here(https_admin, "http")}) == 403
    assert await post_incident(https_admin, {"Origin": here(https_admin, "https")}) == 303


async def test_an_https_page_cannot_post_to_an_http_site(admin: Client) -> None:
    came_to = f"https://{admin.server.host}:{admin.server.port}"
    for origin in ("https://status.acme.test", "https://status.acme.test:80", came_to):
        assert await post_incident(admin, {"Origin": origin}) == 403, origin


async def test_an_origin_naming_the_default_port_is_this_site(admin: Client) -> None:
    assert await post_incident(admin, {"Origin": "http://status.acme.test:80"}) == 303
