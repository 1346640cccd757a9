"""On PostgreSQL any number of processes write results and take part in alerting; one
evaluates at a time. Two evaluators on separate connections (as two processes have)
fire an alert exactly once, and the second takes over, without firing it again, when
the first goes."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from probes.model import Phases, ProbeResult, ProbeStatus
from statuspage.alerting.service import AlertingService
from statuspage.service.startup import open_database
from storage.alerts.reads import list_alerts
from storage.results.writer import ResultRecord, ResultWriter
from storage.vocabulary import AlertState
from tests.alerting.helpers import Clock, Site, settings_for, site
from tests.waiting import eventually

pytestmark = pytest.mark.postgres
FAST = "\n[alerting]\nevaluate_every_s = 1\n"


def probe_result(at: datetime, *, failed: bool) -> ProbeResult:
    return ProbeResult(
        status=ProbeStatus.DOWN if failed else ProbeStatus.UP,
        latency_ms=40.0,
        started_at=at,
        phases=Phases(total_ms=40.0),
        http_status=503 if failed else 200,
        within_sla=not failed,
    )


async def write(writer: ResultWriter, clock: Clock, count: int, *, failed: bool) -> None:
    for _ in range(count):
        clock.advance(seconds=30)
        writer.submit(
            ResultRecord("api", "default", clock.now, probe_result(clock.now, failed=failed))
        )
        await writer.flush()


async def start(place: Site) -> tuple[AlertingService, asyncio.Task[None]]:
    service = place.service()
    return service, asyncio.create_task(service.run())


async def test_two_evaluators_fire_once_and_the_second_takes_over(
    tmp_path: Path, postgres_url: str
) -> None:
    url = postgres_url
    settings = settings_for(tmp_path, url, extra=FAST)
    clock = Clock()
    async with site(settings, clock) as place:
        other_db = open_database(settings)  # the second "process": its own pool
        other = Site(place.settings, other_db, clock)
        first, first_task = await start(place)
        await eventually(lambda: first.leading, "the first evaluator to take the lock")
        second, second_task = await start(other)
        writer = ResultWriter(place.db)
        try:
            await write(writer, clock, 20, failed=False)
            await write(writer, clock, 3, failed=True)

            async def firing() -> set[str]:
                return {a.rule for a in await list_alerts(place.db, state=AlertState.FIRING)}

            await eventually(
                lambda: _contains(firing(), "error-rate-critical"), "the critical alert to fire"
            )
            assert not second.leading
            assert second.judged == 0
            fired = {a.rule: a for a in await list_alerts(place.db)}

            await first.stop()
            await first_task
            # Held, rebuilt from the database and through a first round:
            await eventually(lambda: second.rounds >= 1, "the second evaluator to take over")
            await write(writer, clock, 2, failed=True)
            await eventually(lambda: second.judged >= 2, "the second to hear new results")
            rounds = second.rounds
            await eventually(lambda: second.rounds > rounds, "a round after them")

            after = await list_alerts(place.db)
            rules = [a.rule for a in after]
            assert len(rules) == len(set(rules))  # no rule fired a second time
            kept = {a.rule: (a.id, a.fired_at) for a in after if a.rule in fired}
            assert kept == {r: (a.id, a.fired_at) for r, a in fired.items()}
        finally:
            await writer.close()
            for service, task in ((first, first_task), (second, second_task)):
                await service.stop()
                await task
            await other_db.dispose()


async def _contains(awaitable: object, item: str) -> bool:
    return item in await awaitable  # type: ignore[misc]
