"""Recovery, when set to post: the resolving update goes out with the measured
duration, unless a person has acted on the incident, whose words are never written
over. And an alert's draft stays off the public page, feeds and v2 API."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytest_aiohttp import AiohttpClient

from statuspage.alerting.incidents import IncidentAutomation
from statuspage.service.roles import Roles
from storage.alerts.reads import get_group, open_groups
from storage.alerts.writes import AlertStep, GroupChange, apply_steps
from storage.incidents.reads import get_incident
from storage.incidents.rules import NewUpdate
from storage.incidents.writes import post_update, publish_incident
from storage.vocabulary import AlertSeverity, AlertState
from tests.alerting.helpers import Clock, Site, feed, lead, settings_for, site
from tests.app_client import Client, app_client
from tests.waiting import eventually

POST_RECOVERY = "\n[alerting]\npost_recovery_update = true\n"
PUBLIC = (
    "/",
    "/history",
    "/history.atom",
    "/history.rss",
    "/api/v2/incidents.json",
    "/api/v2/incidents/unresolved.json",
    "/api/v2/summary.json",
)


async def outage_and_recovery(place: Site, *, between: object = None) -> tuple[int, int]:
    service = place.service()
    await lead(service)
    await feed(place, service, 10, failed=False)
    await feed(place, service, 1.5, failed=True)
    (group,) = await open_groups(place.db)
    assert group.incident_id is not None
    if between is not None:
        await post_update(
            place.db,
            group.incident_id,
            NewUpdate("identified", "We found a bad deploy and are rolling it back."),
            now=place.clock.now,
            actor="oncall",
        )
    await feed(place, service, 25, failed=False)
    return group.id, group.incident_id


async def test_recovery_posts_the_resolving_update_when_nobody_has_acted(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", extra=POST_RECOVERY)
    async with site(settings, Clock()) as place:
        _, incident_id = await outage_and_recovery(place)
        incident = await get_incident(place.db, incident_id, include_drafts=True)
        assert incident is not None
        assert incident.status == "resolved"
        latest = incident.updates[0]
        assert latest.author == "(alerting)"
        assert "API has recovered" in latest.body
        assert "The problem lasted" in latest.body


async def test_recovery_only_proposes_once_a_person_has_written(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", extra=POST_RECOVERY)
    async with site(settings, Clock()) as place:
        group_id, incident_id = await outage_and_recovery(place, between=True)
        incident = await get_incident(place.db, incident_id, include_drafts=True)
        assert incident is not None
        assert incident.status == "identified"
        assert incident.updates[0].body.startswith("We found a bad deploy")
        assert incident.acknowledged_at is not None
        proposal = (await get_group(place.db, group_id)).proposed_update
        assert proposal is not None
        assert "API has recovered" in proposal


async def public(client: Client, path: str) -> str:
    async with client.get(path) as answer:
        assert answer.status == 200
        return await answer.text()


async def test_an_alerts_draft_is_not_public(tmp_path: Path, aiohttp_client: AiohttpClient) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}")
    clock = Clock()
    async with site(settings, clock) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, 10, failed=False)
        await feed(place, service, 1.5, failed=True)
        (group,) = await open_groups(place.db)
        assert group.incident_id is not None
        web_only = Roles(probes=False, jobs=False, web=True)
        client = await app_client(aiohttp_client, settings, clock, web_only)
        for path in PUBLIC:
            assert "failing for some requests" not in await public(client, path)

        await publish_incident(place.db, group.incident_id, now=clock.now, actor="oncall")

        async def shown() -> bool:  # another process's write shows within about a second
            return "failing for some requests" in await public(client, "/api/v2/incidents.json")

        await eventually(shown, "the published incident in the v2 API")


async def critical_ends_under_a_warning(place: Site) -> tuple[int, int]:
    """A critical and a warning alert fire on `api` and open an incident; ten minutes
    later the critical one resolves while the warning holds the group open. Returns
    (group, incident)."""
    at = place.clock.now
    warning, critical = (
        AlertStep(rule, "component:api", severity, "api", AlertState.FIRING, at, fired_at=at)
        for rule, severity in (("burn", AlertSeverity.WARNING), ("errors", AlertSeverity.CRITICAL))
    )
    automation = IncidentAutomation(place.db, place.settings, clock=place.clock)
    for event in await apply_steps(place.db, (warning, critical), now=at):
        await automation(event)
    place.clock.advance(minutes=10)
    ended = replace(critical, state=AlertState.RESOLVED)
    (event,) = await apply_steps(place.db, (ended,), now=place.clock.now)
    assert event.change is GroupChange.LOWERED
    await automation(event)
    group = await get_group(place.db, event.group_id)
    assert group.resolved_at is None
    assert group.incident_id is not None
    return group.id, group.incident_id


async def test_the_critical_ending_under_a_warning_proposes_the_resolving_update(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}")
    async with site(settings, Clock()) as place:
        group_id, incident_id = await critical_ends_under_a_warning(place)
        proposal = (await get_group(place.db, group_id)).proposed_update
        assert proposal is not None
        assert "API has recovered" in proposal
        assert "The problem lasted 10 min (from 10:00 to 10:10 UTC)" in proposal
        incident = await get_incident(place.db, incident_id, include_drafts=True)
        assert incident is not None
        assert incident.resolved_at is None


async def test_the_critical_ending_under_a_warning_posts_the_update_when_set_to(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", extra=POST_RECOVERY)
    async with site(settings, Clock()) as place:
        _, incident_id = await critical_ends_under_a_warning(place)
        incident = await get_incident(place.db, incident_id, include_drafts=True)
        assert incident is not None
        assert incident.status == "resolved"
        assert "API has recovered" in incident.updates[0].body
