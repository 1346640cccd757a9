"""Route patterns match ASCII digits only: Python's `\\d` also matches '٣' or '३', and
`int()` reads them, so `/incidents/٣` would be a second address for incident 3."""

from __future__ import annotations

from aiohttp import web

from statuspage.app import create_app
from statuspage.config import Settings
from storage.database import Database
from tests.api.factories import open_incident
from tests.app_client import WEB_ONLY, Client


def test_no_route_pattern_matches_non_ascii_digits(settings: Settings) -> None:
    app: web.Application = create_app(settings, WEB_ONLY)
    patterns = [
        info["pattern"].pattern
        for resource in app.router.resources()
        if "pattern" in (info := resource.get_info())
    ]
    assert patterns  # the dynamic routes are there to check
    assert [p for p in patterns if "\\d" in p] == []


async def test_an_incident_is_not_served_at_a_non_ascii_number(
    client: Client, db: Database
) -> None:
    incident_id = await open_incident(db)
    assert incident_id == 1
    assert (await client.get("/incidents/1")).status == 200
    for digits in ("\u0661", "\u0967", "\uff11"):  # Arabic-Indic, Devanagari, full-width one
        assert (await client.get(f"/incidents/{digits}")).status == 404, digits


def test_every_method_and_path_is_added_once(settings: Settings) -> None:
    # A second registration of the same method and path is never reached (aiohttp
    # serves the first), so it only hides which handler answers.
    app: web.Application = create_app(settings, WEB_ONLY)
    added = [
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
    ]
    assert any(path == "/admin/templates" for _, path in added)  # admin pages are in
    assert sorted({pair for pair in added if added.count(pair) > 1}) == []
