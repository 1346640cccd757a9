"""Signing in and out, and how long a session lasts."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import cast

import pytest
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient
from sqlmodel import select

from statuspage import keys
from statuspage.admin.sessions import warn_if_no_secret_key
from statuspage.app import create_app
from storage.accounts.users import remove_user
from storage.database import Database
from storage.tables.accounts import SignInFailure
from tests.admin.helpers import (
    NOW,
    PASSWORD,
    SERVER,
    SITE,
    Clock,
    csrf_token,
    post_form,
    settings_for,
    sign_in,
)
from tests.app_client import WEB_ONLY, Client, app_client


async def test_signing_in_with_the_right_password_opens_the_dashboard(
    client: Client, alice: str
) -> None:
    response = await sign_in(client, alice, PASSWORD)
    assert response.status == 303
    assert response.headers["Location"] == "/admin"
    dashboard = await client.get("/admin")
    assert dashboard.status == 200
    assert "Signed in as <strong>alice</strong>" in await dashboard.text()


async def test_signing_in_returns_to_the_admin_page_asked_for(client: Client, alice: str) -> None:
    response = await sign_in(client, alice, PASSWORD, next_path="/admin/audit?page=2")
    assert response.headers["Location"] == "/admin/audit?page=2"


async def test_a_wrong_password_is_refused_and_gives_no_session(client: Client, alice: str) -> None:
    response = await sign_in(client, alice, "not the password")
    assert response.status == 400
    assert "Wrong user name or password." in await response.text()
    after = await client.get("/admin", allow_redirects=False)
    assert after.status == 303


async def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: Client, alice: str
) -> None:
    response = await sign_in(client, "mallory", PASSWORD)
    assert response.status == 400
    assert "Wrong user name or password." in await response.text()


async def test_a_failed_sign_in_is_stored_counted_and_logged(
    client: Client, db: Database, alice: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="statuspage.admin"):
        await sign_in(client, alice, "wrong")
    async with db.read() as session:
        (failure,) = (await session.exec(select(SignInFailure))).all()
    assert (failure.user_name, failure.address, failure.at) == ("alice", "127.0.0.1", NOW)
    assert client.app[keys.METRICS].failed_logins._value.get() == 1
    (record,) = [r for r in caplog.records if r.getMessage() == "sign-in failed"]
    fields = record.__dict__["fields"]
    assert (fields["user_name"], fields["address"], fields["at"]) == (
        "alice",
        "127.0.0.1",
        NOW.isoformat(),
    )


async def test_the_session_cookie_is_http_only_same_site_lax_and_scoped_to_admin(
    client: Client, alice: str
) -> None:
    response = await sign_in(client, alice, PASSWORD)
    cookie = response.cookies["statuspage_admin"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/admin"
    assert cookie["max-age"] == str(12 * 3600)
    assert not cookie["secure"]  # the test site is http://


async def test_a_session_ends_twelve_hours_after_signing_in(admin: Client, clock: Clock) -> None:
    clock.advance(hours=11, minutes=59)
    assert (await admin.get("/admin", allow_redirects=False)).status == 200
    clock.advance(minutes=2)
    assert (await admin.get("/admin", allow_redirects=False)).status == 303


async def test_signing_out_ends_the_session(admin: Client) -> None:
    response = await post_form(admin, "/admin/sign-out", {})
    assert response.status == 303
    assert (await admin.get("/admin", allow_redirects=False)).status == 303


async def test_signing_out_needs_the_csrf_token(admin: Client) -> None:
    response = await admin.post("/admin/sign-out", data={}, allow_redirects=False)
    assert response.status == 403
    assert (await admin.get("/admin", allow_redirects=False)).status == 200


async def test_changing_the_password_ends_other_sessions_but_not_this_one(
    admin: Client, alice: str
) -> None:
    other = await _second_browser(admin, alice)
    form = {
        "current_password": PASSWORD,
        "new_password": "a much better passphrase",
        "repeat": "a much better passphrase",
    }
    response = await post_form(admin, "/admin/password", form)
    assert response.status == 303
    assert (await admin.get("/admin", allow_redirects=False)).status == 200
    assert (await other.get("/admin", allow_redirects=False)).status == 303
    await other.close()


async def test_a_new_password_must_be_typed_twice_alike(admin: Client) -> None:
    form = {
        "current_password": PASSWORD,
        "new_password": "a much better passphrase",
        "repeat": "a much better passfrase",
    }
    response = await post_form(admin, "/admin/password", form)
    assert response.status == 400
    assert "the two passwords differ" in await response.text()


async def test_removing_a_user_ends_their_sessions(admin: Client, db: Database) -> None:
    await remove_user(db, "alice", now=NOW, actor="test")
    assert (await admin.get("/admin", allow_redirects=False)).status == 303


async def test_the_sign_in_page_has_a_csrf_token_and_the_form_needs_it(
    client: Client, alice: str
) -> None:
    assert await csrf_token(client, "/admin/sign-in")
    form = {"user_name": alice, "password": PASSWORD}
    response = await client.post("/admin/sign-in", data=form, allow_redirects=False)
    assert response.status == 403


async def _second_browser(admin: Client, name: str) -> Client:
    """Another browser, with its own cookies, on the same server."""
    other = cast(Client, TestClient(admin.server))
    await other.start_server()
    assert (await sign_in(other, name, PASSWORD)).status == 303
    return other


async def test_the_sign_in_page_sends_a_signed_in_user_on(admin: Client) -> None:
    response = await admin.get("/admin/sign-in?next=/admin/tokens", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/admin/tokens"


async def test_cookies_are_secure_when_the_site_is_served_over_https(
    aiohttp_client: AiohttpClient, tmp_path: Path, migrated: Path, clock: Clock
) -> None:
    shutil.copyfile(migrated, tmp_path / "page.db")
    https = settings_for(
        tmp_path, SITE.replace("http://status.acme.test", "https://status.acme.test")
    )
    client = await app_client(aiohttp_client, https, clock)
    response = await client.get("/admin/sign-in")
    assert response.cookies["statuspage_admin"]["secure"]


async def test_without_a_configured_secret_a_random_one_is_used_with_a_warning(
    tmp_path: Path, migrated: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copyfile(migrated, tmp_path / "page.db")
    unkeyed = settings_for(tmp_path, SITE.replace(SERVER, ""))
    create_app(unkeyed, WEB_ONLY)
    # `run` and `serve` warn (tests/test_secret_key_warning.py), not every app built.
    with caplog.at_level(logging.WARNING, logger="statuspage.admin"):
        warn_if_no_secret_key(unkeyed)
    assert "sessions end when the process restarts" in caplog.text


async def test_a_forged_or_altered_session_cookie_is_worth_nothing(admin: Client) -> None:
    jar = admin.session.cookie_jar
    real = jar.filter_cookies(admin.make_url("/admin"))["statuspage_admin"].value
    altered = real[:-8] + ("A" * 8 if not real.endswith("A" * 8) else "B" * 8)
    for value in (altered, '{"uid": 1, "epoch": 0}', "x" * 4000):
        jar.clear()
        jar.update_cookies({"statuspage_admin": value}, admin.make_url("/admin"))
        assert (await admin.get("/admin", allow_redirects=False)).status == 303
