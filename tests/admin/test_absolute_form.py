"""A request target in absolute form (`GET http://host/admin/tokens HTTP/1.1`) or any other
odd form is guarded exactly like the plain path: no admin or write-API handler runs without
a session or a token.

These requests go over a real socket to the real server: an HTTP client library would
turn the target back into a plain path on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler
from pytest_aiohttp import AiohttpClient

from statuspage.admin.paths import Area, area_of
from statuspage.app import create_app
from statuspage.config import Settings
from tests.admin.helpers import Clock, raw_request
from tests.app_client import WEB_ONLY, Client

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
OPEN = {("GET", "/admin/sign-in"), ("HEAD", "/admin/sign-in"), ("GET", "/admin/admin.css"),
        ("HEAD", "/admin/admin.css")}  # fmt: skip
_PLACEHOLDER = re.compile(r"\{(\w+)")


@dataclass
class Reached:
    """What got past the guard: (method, route pattern) of each request a handler saw."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    def guarded(self) -> list[tuple[str, str]]:
        return [(m, route) for m, route in self.seen if area_of(route) is not Area.PUBLIC]


@pytest.fixture
async def watched(
    aiohttp_client: AiohttpClient, settings: Settings, clock: Clock
) -> tuple[Client, Reached]:
    """The real app on a real socket, with a recorder just inside the guard."""
    app = create_app(settings, WEB_ONLY, clock=clock)
    reached = Reached()

    @web.middleware
    async def recorder(request: web.Request, handler: Handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        reached.seen.append((request.method, "" if resource is None else resource.canonical))
        return await handler(request)

    app.middlewares.append(recorder)  # after the guard's: runs only for what it lets through
    return await aiohttp_client(app), reached


def guarded_paths(app: web.Application) -> list[str]:
    """A concrete path for every admin and write-API route the router holds."""
    paths = []
    for resource in app.router.resources():
        if area_of(resource.canonical) is Area.PUBLIC:
            continue
        names = _PLACEHOLDER.findall(resource.canonical)
        paths.append(str(resource.url_for(**dict.fromkeys(names, "1"))))
    return paths


async def answer(client: Client, method: str, target: str) -> tuple[object, ...]:
    """What tells one refusal from another: status, where to, challenge, caching."""
    status, headers = await raw_request(client, method, target)
    kept = ("location", "www-authenticate", "cache-control", "content-security-policy")
    return (status, *(headers.get(name) for name in kept))


@pytest.mark.parametrize(
    "authority",
    ["http://{here}", "http://other.example", "https://{here}", "HTTP://OTHER.EXAMPLE:81"],
)
async def test_an_absolute_form_target_is_answered_like_its_plain_path(
    watched: tuple[Client, Reached], authority: str
) -> None:
    client, reached = watched
    here = f"{client.server.host}:{client.server.port}"
    paths = guarded_paths(client.app)
    assert {
        "/admin/tokens",
        "/api/admin/incidents/1/updates/1",
        "/admin/alerts/1/silence",
        "/api/admin/alerts/1/ack",
        "/api/admin/budgets",
    } <= set(paths)
    differences = []
    for path in paths:
        for method in METHODS:
            plain = await answer(client, method, path)
            absolute = await answer(client, method, authority.format(here=here) + path)
            if absolute != plain:
                differences.append((method, path, plain, absolute))
    assert differences == []
    assert {(m, route) for m, route in reached.guarded()} <= OPEN


async def test_no_admin_route_answers_an_absolute_form_target_without_a_session(
    watched: tuple[Client, Reached],
) -> None:
    client, reached = watched
    here = f"http://{client.server.host}:{client.server.port}"
    for target in ("/admin/tokens", "/admin/audit", "/admin/incidents/new"):
        status, headers = await raw_request(client, "GET", here + target)
        assert status == 303, target
        assert headers["location"].startswith("/admin/sign-in?next=")
    status, headers = await raw_request(client, "POST", here + "/api/admin/incidents")
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer")
    assert reached.guarded() == []


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "//admin"),
        ("GET", "//admin/tokens"),
        ("POST", "//api/admin/incidents"),
        ("GET", "//other.example/admin/tokens"),
        ("OPTIONS", "*"),
        ("GET", "*"),
        ("CONNECT", "{here}"),
        ("CONNECT", "admin:80"),
        ("GET", "http://other.example"),
        ("GET", "http://user:secret@other.example/admin/tokens"),
        ("GET", "ftp://other.example/admin/tokens"),
        ("GET", "http://other.example/%61dmin/tokens"),
        ("GET", "http://other.example//admin/tokens"),
        ("GET", "http://other.example/admin/%2e%2e/admin/tokens"),
        ("DELETE", "https://other.example/api/admin/incidents/1"),
        ("PATCH", "http://other.example/API/ADMIN/incidents/1"),
    ],
)
async def test_odd_request_targets_reach_no_admin_or_write_api_handler(
    watched: tuple[Client, Reached], method: str, target: str
) -> None:
    client, reached = watched
    here = f"{client.server.host}:{client.server.port}"
    status, _ = await raw_request(client, method, target.format(here=here))
    assert status in (303, 400, 401, 403, 404, 405)
    assert reached.guarded() == []
