"""Admin responses carry their own strict headers; public pages carry no cookies."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from storage.database import Database
from tests.admin.helpers import PASSWORD, add_test_token, sign_in
from tests.app_client import Client


def assert_admin_headers(headers: Mapping[str, str]) -> None:
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src" not in csp  # falls back to default-src 'none': no script at all
    assert headers.get("Cache-Control") == "no-store"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "same-origin"


@pytest.mark.parametrize(
    "path", ["/admin", "/admin/audit", "/admin/nothing-here", "/admin/incidents/999"]
)
async def test_every_signed_in_admin_response_has_the_admin_headers(
    admin: Client, path: str
) -> None:
    response = await admin.get(path)
    assert_admin_headers(response.headers)


@pytest.mark.parametrize("path", ["/admin/sign-in", "/admin/incidents", "/ADMIN"])
async def test_sign_in_and_refusals_have_the_admin_headers(client: Client, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert_admin_headers(response.headers)


async def test_write_api_answers_have_the_admin_headers(client: Client, db: Database) -> None:
    token = await add_test_token(db)
    response = await client.post(
        "/api/admin/incidents", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 400
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", ["/", "/history", "/healthz", "/api/v2/summary.json", "/history.atom"]
)
async def test_public_pages_set_no_cookie_even_for_a_signed_in_browser(
    admin: Client, path: str
) -> None:
    response = await admin.get(path)
    assert response.status < 500
    assert "Set-Cookie" not in response.headers
    assert "no-store" not in response.headers.get("Cache-Control", "")


async def test_a_signed_in_request_to_a_public_page_sends_no_admin_cookie(
    client: Client, alice: str
) -> None:
    await sign_in(client, alice, PASSWORD)
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    assert "statuspage_admin" not in cookies
    assert "statuspage_admin" in client.session.cookie_jar.filter_cookies(client.make_url("/admin"))
