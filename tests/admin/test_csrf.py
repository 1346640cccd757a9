"""A form posted from another site, or without this session's token, changes nothing."""

from __future__ import annotations

import pytest

from storage.audit import list_audit
from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import PASSWORD, csrf_token, incident_form, post_form, same_site, sign_in
from tests.app_client import Client


async def nothing_written(db: Database) -> bool:
    everything = IncidentFilter(include_drafts=True, include_deleted=True)
    actions = {e.action for e in (await list_audit(db)).entries}
    return await list_incidents(db, everything) == [] and actions == {"user.add", "session.sign_in"}


async def test_the_form_with_its_token_from_this_site_is_accepted(
    admin: Client, db: Database
) -> None:
    response = await post_form(admin, "/admin/incidents", incident_form())
    assert response.status == 303
    assert len(await list_incidents(db)) == 1


async def test_a_form_without_a_token_is_refused_and_writes_nothing(
    admin: Client, db: Database
) -> None:
    response = await admin.post(
        "/admin/incidents", data=incident_form(), headers=same_site(admin), allow_redirects=False
    )
    assert response.status == 403
    assert await nothing_written(db)


async def test_a_wrong_token_is_refused_and_writes_nothing(admin: Client, db: Database) -> None:
    form = incident_form() | {"csrf_token": "guessed"}
    response = await admin.post("/admin/incidents", data=form, headers=same_site(admin))
    assert response.status == 403
    assert await nothing_written(db)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "http://status.acme.test.evil.example"},
    ],
)
async def test_a_post_from_another_site_is_refused_even_with_the_token(
    admin: Client, db: Database, headers: dict[str, str]
) -> None:
    form = incident_form() | {"csrf_token": await csrf_token(admin)}
    response = await admin.post("/admin/incidents", data=form, headers=headers)
    assert response.status == 403
    assert await nothing_written(db)


async def test_the_configured_site_address_counts_as_this_site(admin: Client, db: Database) -> None:
    form = incident_form() | {"csrf_token": await csrf_token(admin)}
    origin = {"Origin": "http://status.acme.test"}  # site.url, as behind a proxy
    response = await admin.post(
        "/admin/incidents", data=form, headers=origin, allow_redirects=False
    )
    assert response.status == 303


async def test_the_token_of_one_session_does_not_work_in_another(
    admin: Client, db: Database, alice: str
) -> None:
    stolen = await csrf_token(admin)
    await post_form(admin, "/admin/sign-out", {})
    await sign_in(admin, alice, PASSWORD)
    form = incident_form() | {"csrf_token": stolen}
    response = await admin.post("/admin/incidents", data=form, headers=same_site(admin))
    assert response.status == 403
