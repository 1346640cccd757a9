"""The evaluator as it runs: committed results in, alert and group rows, incidents and
their recovery out, on a real database with the clock moved by the test."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import statuspage.alerting.evaluator as evaluator_module
from statuspage.alerting.evaluator import Scope
from storage.alerts.reads import list_alerts, open_groups
from storage.alerts.writes import AlertStep
from storage.incidents.reads import get_incident
from storage.vocabulary import AlertState
from tests.alerting.helpers import Clock, feed, lead, rules_firing, settings_for, site

INTERVAL = timedelta(seconds=30)


async def test_an_outage_fires_once_as_one_group_and_opens_a_draft_incident(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'alerts.db'}")
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, 10, failed=False)
        assert await list_alerts(place.db) == []

        await feed(place, service, 1.5, failed=True)

        assert {"error-rate-critical", "error-rate-warning", "error-rate-info"} <= (
            await rules_firing(place)
        )
        groups = await open_groups(place.db)
        assert len(groups) == 1
        assert groups[0].subject == "component:api"
        assert groups[0].incident_id is not None
        incident = await get_incident(place.db, groups[0].incident_id, include_drafts=True)
        assert incident is not None
        assert incident.draft
        assert incident.severity == "P1"
        assert incident.components == {"api": "partial_outage"}
        body = incident.updates[0].body
        assert "API is failing for some requests" in body
        assert "checks failed" in body


async def test_recovery_resolves_the_group_and_proposes_the_resolving_update(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'alerts.db'}")
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, 10, failed=False)
        await feed(place, service, 1.5, failed=True)
        (group,) = await open_groups(place.db)

        await feed(place, service, 25, failed=False)

        assert await open_groups(place.db) == []
        alerts = await list_alerts(place.db)
        assert alerts
        assert all(a.state is AlertState.RESOLVED for a in alerts)
        assert all(a.resolve_figures is not None for a in alerts)
        assert group.incident_id is not None
        incident = await get_incident(place.db, group.incident_id, include_drafts=True)
        assert incident is not None
        assert incident.resolved_at is None
        from storage.alerts.reads import get_group

        proposal = (await get_group(place.db, group.id)).proposed_update
        assert proposal is not None
        assert "API has recovered" in proposal


async def test_one_failed_probe_fires_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'alerts.db'}")
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, 3, failed=False)
        await feed(place, service, 0.5, failed=True)
        await feed(place, service, 15, failed=False)
        assert await list_alerts(place.db) == []


async def test_a_restart_neither_fires_again_nor_forgets(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'alerts.db'}")
    async with site(settings, Clock()) as place:
        first = place.service()
        await lead(first)
        await feed(place, first, 5, failed=False)
        await feed(place, first, 1.5, failed=True)
        before = await list_alerts(place.db)
        await first.resign()  # the process ends

        second = place.service()
        await lead(second)
        await feed(place, second, 1, failed=True)

        after = await list_alerts(place.db)
        assert {a.id for a in after} == {a.id for a in before}
        assert [a.fired_at for a in after] == [a.fired_at for a in before]
        assert len(await open_groups(place.db)) == 1


async def test_a_round_lets_the_event_loop_run_between_slices_of_components(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep of thousands of components takes a while: probes due meanwhile start
    between its slices instead of waiting for the whole of it."""
    monkeypatch.setattr(evaluator_module, "SLICE", 1)
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'alerts.db'}")
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        await feed(place, service, 1, failed=False)
        ticks, seen = 0, list[int]()

        async def other_work() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        judge = service.evaluator.evaluating

        def watched(now: float, scope: Scope = Scope.ARRIVED) -> Iterator[list[AlertStep]]:
            for part in judge(now, scope):
                seen.append(ticks)
                yield part

        monkeypatch.setattr(service.evaluator, "evaluating", watched)
        task = asyncio.create_task(other_work())
        place.clock.advance(seconds=61)  # a sweep: every component
        await service.run_round()
        task.cancel()
        components = len(service.ruleset.by_component)
        assert len(seen) == components + 1  # a slice each, then the site's rules
        assert all(later > earlier for earlier, later in itertools.pairwise(seen))
