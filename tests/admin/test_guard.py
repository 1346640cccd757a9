"""Nothing under /admin or /api/admin answers without signing in, however it is asked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from statuspage.admin.paths import Area, area_of, safe_next
from tests.admin.helpers import PASSWORD, raw_request, sign_in
from tests.app_client import Client

ADMIN_PATHS = [
    "/admin",
    "/admin/",
    "/ADMIN",
    "/Admin/Incidents",
    "/admin//incidents",
    "//admin",
    "/admin/incidents/new",
    "/admin/incidents/1",
    "/admin/audit",
    "/admin/tokens",
    "/admin/nothing-here",
    "/admin/%2e%2e/healthz",
    "/admin/..%2f..%2fhealthz",
    "/%61dmin",
    "/%2561dmin",
    "/admin;x",
    "/admin%2fincidents",
    "/./admin",
    "/static/../admin",
    "/static/..%2f..%2fadmin",
    "/admin\\incidents",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_reading_an_admin_path_without_a_session_goes_to_sign_in(
    client: Client, path: str, method: str
) -> None:
    status, headers = await raw_request(client, method, path)
    assert status == 303
    location = urlsplit(headers["location"])
    assert location.path == "/admin/sign-in"
    assert "set-cookie" not in headers


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_any_other_method_on_an_admin_path_without_a_session_is_forbidden(
    client: Client, path: str, method: str
) -> None:
    status, _ = await raw_request(client, method, path)
    assert status == 403


@pytest.mark.parametrize(
    "path",
    ["/api/admin/incidents", "/API/ADMIN/incidents", "/api//admin/maintenances", "/api/admin/x"],
)
@pytest.mark.parametrize("method", METHODS)
async def test_the_write_api_without_a_token_is_unauthorised(
    client: Client, path: str, method: str
) -> None:
    status, headers = await raw_request(client, method, path)
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer")


async def test_the_write_api_ignores_an_admin_session_cookie(admin: Client) -> None:
    response = await admin.post("/api/admin/incidents", json={"name": "x"})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_sign_in_remembers_the_page_asked_for(client: Client) -> None:
    response = await client.get("/admin/audit?page=2", allow_redirects=False)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["next"] == ["/admin/audit?page=2"]


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "https://evil.example/admin",
        "http:evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "/%5cevil.example",
        "/%2f%2fevil.example",
        "/%252f%252fevil.example",
        "//evil.example/admin",
        "/admin@evil.example",  # fine as a path, but not ours: still refused below
        "javascript:alert(1)",
        "/public-page",
        " /admin",
        "/admin\r\nLocation: https://evil.example",
    ],
)
async def test_sign_in_never_sends_anyone_to_another_site(
    client: Client, alice: str, next_path: str
) -> None:
    response = await sign_in(client, alice, PASSWORD, next_path=next_path)
    assert response.status == 303
    assert response.headers["Location"] == "/admin"


@pytest.mark.parametrize(
    ("raw", "area"),
    [
        ("/", Area.PUBLIC),
        ("/history", Area.PUBLIC),
        ("/administration", Area.PUBLIC),
        ("/admin-guide", Area.PUBLIC),
        ("/incidents/12", Area.PUBLIC),
        ("/components/admin", Area.PUBLIC),
        ("/api/v2/summary.json", Area.PUBLIC),
        ("/admin", Area.ADMIN),
        ("/admin.", Area.ADMIN),
        ("/x/../admin", Area.ADMIN),
        ("/api/admin", Area.API),
        ("/api/%61dmin/incidents", Area.API),
    ],
)
def test_the_area_of_a_path_does_not_depend_on_its_spelling(raw: str, area: Area) -> None:
    assert area_of(raw) is area


def test_a_same_site_admin_path_is_a_safe_place_to_return_to() -> None:
    assert safe_next("/admin/incidents/3?done=x") == "/admin/incidents/3?done=x"
    assert safe_next("/admin/../admin/audit") == "/admin/../admin/audit"
    assert safe_next("/admin/../../evil") == "/admin"
    assert safe_next(None) == "/admin"
