"""Probe runs the prober itself failed, stored as the writer stores them (in
`unmeasured_runs`, apart from the target's results), raise `prober-unmeasured` for
their region: two in five minutes fire it, one does not, and it resolves once they
leave the window and it has held clear for five minutes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from probes.model import ProbeResult, ProbeStatus
from storage.alerts.reads import list_alerts
from storage.results.writer import ResultRecord, ResultWriter
from storage.vocabulary import AlertState
from tests.alerting.helpers import Clock, Site, lead, settings_for, site, sqlite_url

NO_FD = "not measured: too many open files on the prober"


def unmeasured(at: datetime) -> ProbeResult:
    return ProbeResult(status=ProbeStatus.UNKNOWN, latency_ms=0.0, started_at=at, error=NO_FD)


async def store_unmeasured_runs(place: Site, count: int, region: str = "default") -> None:
    """`count` runs of `api`, 30 s apart, each one the prober could not measure."""
    writer = ResultWriter(place.db)
    for _ in range(count):
        place.clock.advance(seconds=30)
        writer.submit(ResultRecord("api", region, place.clock.now, unmeasured(place.clock.now)))
    assert await writer.flush() == count


async def firing(place: Site) -> set[tuple[str, str]]:
    return {(a.rule, a.subject) for a in await list_alerts(place.db, state=AlertState.FIRING)}


async def test_two_unmeasured_runs_fire_the_alert_for_their_region(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await store_unmeasured_runs(place, 2, region="eu-west")
        await service.run_round()
        assert await firing(place) == {("prober-unmeasured", "prober:eu-west")}
        (alert,) = await list_alerts(place.db)
        assert alert.figures == {"unmeasured_runs": 2, "window_minutes": 5.0}


async def test_one_unmeasured_run_fires_nothing(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await store_unmeasured_runs(place, 1)
        await service.run_round()
        assert await list_alerts(place.db) == []


async def test_the_alert_resolves_once_the_runs_are_out_of_the_window(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, sqlite_url(tmp_path)), Clock()) as place:
        service = place.service()
        await lead(service)
        await store_unmeasured_runs(place, 3)
        await service.run_round()
        assert await firing(place) == {("prober-unmeasured", "prober:default")}

        place.clock.advance(minutes=5, seconds=1)  # the runs leave the 5-minute window
        await service.run_round()
        assert await firing(place) == {("prober-unmeasured", "prober:default")}  # held
        place.clock.advance(minutes=5, seconds=1)
        await service.run_round()
        assert await firing(place) == set()
