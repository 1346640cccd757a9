"""What the periodic round judges besides results: maintenance holds a component's
alerts still, an outage the probes set pages at once (a P0 component's incident takes
P0), failed sign-ins fire per address and overall, write-API requests refused for
their token fire `bad-tokens` at 20 in 5 minutes, and an incident nobody
acknowledges in its response time raises its own alert."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pytest_aiohttp import AiohttpClient

from statuspage.alerting.service import AlertingService
from storage.alerts.reads import list_alerts, open_groups
from storage.alerts.writes import acknowledge
from storage.audit import record_sign_in_failure
from storage.incidents.reads import get_incident
from storage.status import record_status_change
from storage.vocabulary import AlertState, StatusSource
from tests.alerting.helpers import (
    Clock,
    Site,
    feed,
    lead,
    rules_firing,
    settings_for,
    site,
    sqlite_url,
)
from tests.app_client import app_client


async def payments_down(
    place: Site, service: AlertingService, *, healthy: float, failing: float
) -> None:
    """Healthy results, then the probes hold payments in a major outage while it fails."""
    await feed(place, service, component="payments", minutes=healthy)
    await record_status_change(
        place.db, "payments", "major_outage", at=place.clock.now, source=StatusSource.PROBE
    )
    await feed(place, service, component="payments", minutes=failing, failed=True)


async def test_nothing_fires_for_a_component_under_maintenance(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        await record_status_change(
            place.db,
            "api",
            "under_maintenance",
            at=place.clock.now,
            source=StatusSource.MAINTENANCE,
        )
        service = place.service()
        await lead(service)
        await feed(place, service, component="api", minutes=5, failed=False)
        await feed(place, service, component="api", minutes=5, failed=True)
        assert await list_alerts(place.db) == []


async def test_maintenance_holds_a_firing_alert_and_then_lets_it_resolve(
    tmp_path: Path,
) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, component="api", minutes=5, failed=False)
        await feed(place, service, component="api", minutes=1.5, failed=True)
        assert "error-rate-critical" in await rules_firing(place)

        await record_status_change(
            place.db,
            "api",
            "under_maintenance",
            at=place.clock.now,
            source=StatusSource.MAINTENANCE,
        )
        await feed(
            place, service, component="api", minutes=30, failed=False
        )  # results are left out
        assert "error-rate-critical" in await rules_firing(place)

        await record_status_change(
            place.db, "api", "operational", at=place.clock.now, source=StatusSource.PROBE
        )
        await feed(place, service, component="api", minutes=25, failed=False)
        firing = await list_alerts(place.db, state=AlertState.FIRING)
        assert [a.rule for a in firing if a.subject == "component:api"] == []


async def test_an_outage_pages_at_once_and_a_p0_component_opens_a_p0_incident(
    tmp_path: Path,
) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=60, failing=1)

        assert "outage" in await rules_firing(place)
        (group,) = await open_groups(place.db)
        assert group.incident_id is not None
        incident = await get_incident(place.db, group.incident_id, include_drafts=True)
        assert incident is not None
        assert incident.severity == "P0"
        assert incident.components == {"payments": "major_outage"}
        assert incident.name == "Payments is unavailable"


async def test_the_outage_rule_needs_more_than_one_failure(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=0.5)
        assert "outage" not in await rules_firing(place)


async def test_failed_sign_ins_fire_per_address_and_overall(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        for n in range(20):
            address = "203.0.113.9" if n < 10 else f"198.51.100.{n}"
            await record_sign_in_failure(
                place.db, user_name="admin", address=address, at=place.clock.now
            )
        place.clock.advance(seconds=1)
        await service.run_round()
        firing = {(a.rule, a.subject) for a in await list_alerts(place.db, state=AlertState.FIRING)}
        assert firing == {
            ("failed-sign-ins", "site"),
            ("failed-sign-ins-per-address", "address:203.0.113.9"),
        }
        place.clock.advance(minutes=6)  # out of the 5-minute window
        await service.run_round()
        assert await rules_firing(place) == set()


async def test_nineteen_failed_sign_ins_fire_nothing(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        for n in range(19):
            await record_sign_in_failure(
                place.db, user_name="admin", address=f"198.51.100.{n}", at=place.clock.now
            )
        await service.run_round()
        assert await list_alerts(place.db) == []


@asynccontextmanager
async def tokens_refused(
    tmp_path: Path, aiohttp_client: AiohttpClient, count: int
) -> AsyncIterator[tuple[Site, AlertingService]]:
    """A site whose write API has refused `count` tokens nobody issued (each answered
    401), judged a second later."""
    settings = settings_for(tmp_path, sqlite_url(tmp_path))
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        client = await app_client(aiohttp_client, settings, place.clock)
        for _ in range(count):
            headers = {"Authorization": "Bearer sp_nobody"}
            async with client.get("/api/admin/alerts", headers=headers) as answer:
                assert answer.status == 401
        place.clock.advance(seconds=1)
        await service.run_round()
        yield place, service


async def test_twenty_refused_tokens_fire_bad_tokens_until_they_leave_the_window(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    async with tokens_refused(tmp_path, aiohttp_client, 20) as (place, service):
        firing = {(a.rule, a.subject) for a in await list_alerts(place.db, state=AlertState.FIRING)}
        assert firing == {("bad-tokens", "site")}
        place.clock.advance(minutes=6)  # out of the 5-minute window
        await service.run_round()
        assert await rules_firing(place) == set()


async def test_nineteen_refused_tokens_fire_nothing(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    async with tokens_refused(tmp_path, aiohttp_client, 19) as (place, _):
        assert await list_alerts(place.db) == []


async def test_an_unacknowledged_incident_past_its_target_raises_an_alert(
    tmp_path: Path,
) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=1)
        assert "response-target-missed" not in await rules_firing(place)

        place.clock.advance(minutes=5, seconds=1)  # P0: 5 minutes
        await service.run_round()
        (missed,) = [a for a in await list_alerts(place.db) if a.rule == "response-target-missed"]
        assert missed.state is AlertState.FIRING
        assert missed.subject.startswith("incident:")

        await acknowledge(place.db, missed.id, actor="oncall", now=place.clock.now)
        place.clock.advance(seconds=5)
        await service.run_round()
        assert "response-target-missed" not in await rules_firing(place)


async def test_an_acknowledged_incident_within_its_target_raises_nothing(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=1)
        (group,) = await open_groups(place.db)
        await acknowledge(place.db, group.alerts[0].id, actor="oncall", now=place.clock.now)
        place.clock.advance(hours=1)
        await service.run_round()
        assert "response-target-missed" not in await rules_firing(place)
