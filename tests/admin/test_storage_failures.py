"""On a full disk the admin area, the write API and sign-in answer 503 with
`Retry-After`, never a 500; reads still answer, and each request logs one line."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from storage.accounts.tokens import list_tokens
from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import PASSWORD, Clock, add_test_token, incident_form, post_form, sign_in
from tests.admin.test_write_api import NEW
from tests.app_client import Client
from tests.full_disk import disk_full


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def test_a_token_still_reads_the_write_api_on_a_full_disk(api: Client, db: Database) -> None:
    with disk_full(db):
        response = await api.get("/api/admin/incidents")
    assert response.status == 200, await response.text()
    assert (await response.json())["incidents"] == []


async def test_a_write_on_a_full_disk_answers_503_with_retry_after(
    api: Client, db: Database
) -> None:
    with disk_full(db):
        response = await api.post("/api/admin/incidents", json=NEW)
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"
    body: dict[str, Any] = await response.json()
    assert body["error"]["message"].startswith("the database cannot be used right now")
    assert "may not have been stored" in body["error"]["message"]
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_full_disk_logs_one_line_a_request_and_no_traceback(
    api: Client, db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO), disk_full(db):
        for _ in range(3):
            clock.advance(minutes=2)  # each request tries to record the token's use again
            assert (await api.get("/api/admin/incidents")).status == 200
        assert (await api.post("/api/admin/incidents", json=NEW)).status == 503
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        "cannot record when API tokens were last used; requests go on",
        "admin request answered 503",
    ]


async def test_recording_a_token_s_use_resumes_when_the_disk_has_room_again(
    api: Client, db: Database, clock: Clock
) -> None:
    with disk_full(db):
        assert (await api.get("/api/admin/incidents")).status == 200
    clock.advance(minutes=1)
    assert (await api.get("/api/admin/incidents")).status == 200
    (token,) = await list_tokens(db)
    assert token.last_used_at == clock.now


async def test_signing_in_on_a_full_disk_answers_503_with_the_form(
    client: Client, db: Database, alice: str
) -> None:
    with disk_full(db):
        response = await sign_in(client, alice, PASSWORD)
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"
    html = await response.text()
    assert "Signing in is not possible right now" in html
    assert 'name="password"' in html
    assert 'value="alice"' in html  # as typed


async def test_a_wrong_password_on_a_full_disk_gets_the_same_answer(
    client: Client, db: Database, alice: str
) -> None:
    # A wrong password that cannot be counted must not say "wrong" either: that would
    # let guesses go unthrottled for as long as the disk is full.
    with disk_full(db):
        response = await sign_in(client, alice, "not the password")
    assert response.status == 503
    assert "Signing in is not possible right now" in await response.text()


async def test_an_admin_form_on_a_full_disk_answers_503_and_pages_still_read(
    admin: Client, db: Database
) -> None:
    with disk_full(db):
        assert (await admin.get("/admin/incidents")).status == 200
        response = await post_form(admin, "/admin/incidents", incident_form())
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"
    assert "The database is not working right now" in await response.text()
