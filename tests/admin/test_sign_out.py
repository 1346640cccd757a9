"""Signing out ends the session on the server: a copy of the cookie taken before opens
nothing afterwards, in any process and after a restart; the user's other browsers stay
signed in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import cast

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from statuspage import keys
from statuspage.app import create_app
from statuspage.config import Settings
from storage.database import Database
from storage.migrate import upgrade_database
from storage.tables.accounts import UserSession
from tests.admin.helpers import (
    PASSWORD,
    SITE,
    Clock,
    add_test_user,
    post_form,
    settings_for,
    sign_in,
)
from tests.app_client import WEB_ONLY, Client

COOKIE = "statuspage_admin"
Start = Callable[[], Awaitable[Client]]


def session_cookie(client: Client) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/admin"))[COOKIE].value


async def replay(client: Client, cookie: str, path: str = "/admin/tokens") -> int:
    """The status of a request that carries a copied session cookie and nothing else."""
    client.session.cookie_jar.clear()
    headers = {"Cookie": f"{COOKIE}={cookie}"}
    return (await client.get(path, headers=headers, allow_redirects=False)).status


async def another_browser(client: Client, name: str = "alice") -> Client:
    """A second browser, with cookies of its own, signed in on the same server.
    Closing it stops the server too: close it last."""
    other = cast(Client, TestClient(client.server))
    await other.start_server()
    assert (await sign_in(other, name, PASSWORD)).status == 303
    return other


async def live_sessions(db: Database) -> int:
    async with db.read() as session:
        return len((await session.exec(select(UserSession))).all())


async def test_a_cookie_copied_before_signing_out_opens_nothing_afterwards(admin: Client) -> None:
    copied = session_cookie(admin)
    assert await replay(admin, copied) == 200
    await sign_in(admin, "alice", PASSWORD)  # replay() emptied the jar
    copied = session_cookie(admin)
    assert (await post_form(admin, "/admin/sign-out", {})).status == 303
    assert await replay(admin, copied) == 303
    assert await replay(admin, copied, "/admin") == 303


async def test_a_copied_cookie_cannot_write_after_signing_out(admin: Client, db: Database) -> None:
    copied = session_cookie(admin)
    page = await admin.get("/admin/tokens")
    token = (await page.text()).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    await post_form(admin, "/admin/sign-out", {})
    admin.session.cookie_jar.clear()
    response = await admin.post(
        "/admin/tokens",
        data={"name": "backdoor", "csrf_token": token},
        headers={"Cookie": f"{COOKIE}={copied}", "Origin": str(admin.make_url("/")).rstrip("/")},
        allow_redirects=False,
    )
    assert response.status == 403
    assert "backdoor" not in await (await admin.get("/admin/sign-in")).text()


async def test_signing_out_ends_that_browsers_session_and_no_other(
    admin: Client, alice: str
) -> None:
    other = await another_browser(admin, alice)
    copied = session_cookie(admin)
    await post_form(admin, "/admin/sign-out", {})
    assert await replay(admin, copied) == 303
    assert (await other.get("/admin/tokens", allow_redirects=False)).status == 200
    await other.close()


async def test_signing_in_again_ends_the_session_the_browser_had(admin: Client, alice: str) -> None:
    before = session_cookie(admin)
    assert (await sign_in(admin, alice, PASSWORD)).status == 303
    after = session_cookie(admin)
    assert after != before
    assert await replay(admin, before) == 303
    assert await replay(admin, after) == 200


async def test_a_session_past_its_end_is_deleted_at_the_next_sign_in(
    admin: Client, alice: str, db: Database, clock: Clock
) -> None:
    assert await live_sessions(db) == 1
    clock.advance(hours=12)
    other = await another_browser(admin, alice)
    assert await live_sessions(db) == 1  # the new one; the expired one is gone
    await other.close()


@pytest.fixture
async def start(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Start]:
    """Starts the service, as a process of its own would, on one shared database
    (SQLite file or PostgreSQL): nothing but the database is shared between them."""
    await upgrade_database(db_url)
    config_url = db_url.replace("postgresql+asyncpg://", "postgresql://")  # as operators write it
    settings: Settings = settings_for(
        tmp_path, SITE.replace('url = "sqlite:///page.db"', f'url = "{config_url}"')
    )
    started: list[Client] = []

    async def start_one() -> Client:
        app = create_app(settings, WEB_ONLY, clock=clock)
        client: Client = TestClient(TestServer(app))
        await client.start_server()
        started.append(client)
        return client

    yield start_one
    for client in started:
        await client.close()


async def test_signing_out_in_one_process_ends_the_session_in_another_and_after_a_restart(
    start: Start,
) -> None:
    first, second = await start(), await start()
    await add_test_user(first.app[keys.DATABASE], "alice")
    other_browser = await another_browser(first)
    kept = session_cookie(other_browser)
    assert (await sign_in(first, "alice", PASSWORD)).status == 303
    copied = session_cookie(first)
    assert await replay(second, copied) == 200  # one session, good in every process
    assert (await post_form(first, "/admin/sign-out", {})).status == 303
    assert await replay(second, copied) == 303
    await second.close()
    restarted = await start()
    assert await replay(restarted, copied) == 303
    assert await replay(restarted, kept) == 200
    await other_browser.close()
