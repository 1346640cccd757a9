"""A form body that cannot be read (a charset nobody knows, bytes not in it, multipart)
is answered 400 with a short page, signed in or not, and nothing is written or logged
as an error."""

from __future__ import annotations

import logging

import pytest
from aiohttp import ClientResponse

from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import csrf_token, incident_form, same_site
from tests.app_client import Client

MULTIPART_JUNK = ("multipart/form-data; boundary=zz", b"junk")
UNREADABLE = [
    ("application/x-www-form-urlencoded; charset=nope", b"user_name=a"),
    ("application/x-www-form-urlencoded", b"user_name=\xff\xfe"),
    ("application/x-www-form-urlencoded; charset=utf-16", b"user_name=a"),
    MULTIPART_JUNK,
    ("multipart/form-data", b"junk"),  # no boundary at all
]


async def post_raw(client: Client, path: str, content_type: str, body: bytes) -> ClientResponse:
    headers = same_site(client) | {"Content-Type": content_type}
    return await client.post(path, data=body, headers=headers, allow_redirects=False)


@pytest.mark.parametrize(("content_type", "body"), UNREADABLE)
async def test_an_unreadable_sign_in_form_is_a_bad_request(
    client: Client, caplog: pytest.LogCaptureFixture, content_type: str, body: bytes
) -> None:
    await csrf_token(client, "/admin/sign-in")  # a session with a token, as a browser has
    with caplog.at_level(logging.ERROR):
        response = await post_raw(client, "/admin/sign-in", content_type, body)
    assert response.status == 400
    assert "The form could not be read" in await response.text()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(("content_type", "body"), UNREADABLE)
async def test_an_unreadable_admin_form_is_a_bad_request_and_writes_nothing(
    admin: Client, db: Database, content_type: str, body: bytes
) -> None:
    response = await post_raw(admin, "/admin/incidents", content_type, body)
    assert response.status == 400
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_well_formed_multipart_form_is_refused_too(admin: Client, db: Database) -> None:
    """The body deadline has read the body already: aiohttp's multipart reader would find
    nothing. Every form on the site is sent urlencoded."""
    boundary = "b0undary"
    fields = incident_form() | {"csrf_token": await csrf_token(admin)}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    response = await post_raw(admin, "/admin/incidents", content_type, body)
    assert response.status == 400
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []
