"""The incident a critical alert group opens: public at once, a draft or none, as the
component's `alert_incidents` or else `[alerting] incidents` says; and the status it
gives the component by the kind of alert (slow: degraded performance; a fast budget
burn: partial outage)."""

from __future__ import annotations

from pathlib import Path

from pytest_aiohttp import AiohttpClient

from statuspage.alerting.service import AlertingService
from storage.alerts.reads import GroupView, list_alerts, open_groups
from storage.incidents.reads import IncidentFilter, IncidentView, get_incident, list_incidents
from storage.vocabulary import AlertSeverity, AlertState
from tests.alerting.helpers import (
    Clock,
    Site,
    feed,
    lead,
    result,
    rules_firing,
    settings_for,
    site,
    sqlite_url,
)
from tests.alerting.test_site_and_maintenance import payments_down
from tests.app_client import app_client

SITE_PUBLISHES = '\n[alerting]\nincidents = "publish"\n'
SITE_OPENS_NONE = '\n[alerting]\nincidents = "off"\n'


async def group_of(place: Site, component: str) -> GroupView:
    (group,) = [g for g in await open_groups(place.db) if g.subject == f"component:{component}"]
    return group


async def all_incidents(place: Site) -> list[str]:
    found = await list_incidents(place.db, IncidentFilter(include_drafts=True))
    return [i.name for i in found]


async def api_errors(place: Site, service: AlertingService) -> None:
    """Healthy results of `api`, then enough failures for the critical error rate."""
    await feed(place, service, component="api", minutes=5)
    await feed(place, service, component="api", minutes=1.5, failed=True)


async def test_a_site_that_publishes_shows_the_incident_at_once(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=SITE_PUBLISHES)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=1)

        group = await group_of(place, "payments")
        assert group.incident_id is not None
        incident = await get_incident(place.db, group.incident_id)  # public only
        assert incident is not None
        assert incident.name == "Payments is unavailable"
        client = await app_client(aiohttp_client, settings, place.clock)
        async with client.get("/api/v2/incidents/unresolved.json") as answer:
            assert answer.status == 200
            shown = [i["name"] for i in (await answer.json())["incidents"]]
        assert shown == ["Payments is unavailable"]


async def test_a_site_with_incidents_off_fires_the_alert_and_opens_none(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=SITE_OPENS_NONE)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=1)

        assert "outage" in await rules_firing(place)
        assert (await group_of(place, "payments")).incident_id is None
        assert await all_incidents(place) == []


async def test_a_components_alert_incidents_wins_over_the_sites(tmp_path: Path) -> None:
    own = 'alert_incidents = "publish"' + SITE_OPENS_NONE
    async with site(settings_for(tmp_path, sqlite_url(tmp_path), extra=own), Clock()) as place:
        service = place.service()
        await lead(service)
        await api_errors(place, service)
        await payments_down(place, service, healthy=0, failing=1)

        assert (await group_of(place, "api")).incident_id is None  # the site's "off"
        group = await group_of(place, "payments")
        assert group.incident_id is not None
        assert await get_incident(place.db, group.incident_id) is not None  # public
        assert await all_incidents(place) == ["Payments is unavailable"]


async def test_a_component_can_turn_off_the_sites_incidents(tmp_path: Path) -> None:
    own = 'alert_incidents = "off"' + SITE_PUBLISHES
    async with site(settings_for(tmp_path, sqlite_url(tmp_path), extra=own), Clock()) as place:
        service = place.service()
        await lead(service)
        await payments_down(place, service, healthy=5, failing=1)
        await api_errors(place, service)

        assert (await group_of(place, "payments")).incident_id is None
        group = await group_of(place, "api")
        assert group.incident_id is not None
        assert await get_incident(place.db, group.incident_id) is not None  # published
        assert await all_incidents(place) == ["API is failing for some requests"]


async def drafted_incident_of(place: Site, component: str) -> IncidentView:
    """The incident (draft or not) that `component`'s open group opened."""
    group = await group_of(place, component)
    assert group.incident_id is not None
    incident = await get_incident(place.db, group.incident_id, include_drafts=True)
    assert incident is not None
    return incident


async def critical_rules(place: Site) -> set[str]:
    firing = await list_alerts(place.db, state=AlertState.FIRING)
    return {a.rule for a in firing if a.severity is AlertSeverity.CRITICAL}


async def test_a_slow_component_opens_an_incident_of_degraded_performance(
    tmp_path: Path,
) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, component="api", minutes=5)
        for _ in range(6):  # 3 minutes of answers slower than the 1 s p95 objective
            place.clock.advance(seconds=30)
            service.accept([result("api", place.clock.now, latency_ms=1500.0)])
            await service.judge_arrived()
            await service.run_round()

        assert await critical_rules(place) == {"latency-p95"}
        incident = await drafted_incident_of(place, "api")
        assert incident.components == {"api": "degraded_performance"}
        assert incident.name == "API is responding slowly"
        assert "95th percentile response time 1500.0 ms" in incident.updates[0].body


async def test_a_fast_budget_burn_opens_an_incident_of_partial_outage(tmp_path: Path) -> None:
    # Without the error-rate rule, which would fire first, the burn alone opens it.
    only_burn = 'disabled_alerts = ["error-rate-critical"]'
    settings = settings_for(tmp_path, sqlite_url(tmp_path), api_extra=only_burn)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, component="api", minutes=10)
        await feed(place, service, component="api", minutes=2, failed=True)  # 4 of 24

        assert await critical_rules(place) == {"budget-fast-burn"}
        incident = await drafted_incident_of(place, "api")
        assert incident.components == {"api": "partial_outage"}
        assert incident.name == "API is failing for some requests"
        assert "4 of 24 checks failed recently" in incident.updates[0].body
