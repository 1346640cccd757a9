"""The page's own bounded queries (storage.queries.series and .latest) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from probes.model import Phases
from storage.components import sync_components
from storage.database import Database
from storage.figures.timebuckets import HOUR
from storage.queries.latest import data_stamp, first_incident_start, latest_results, phase_averages
from storage.queries.series import latency_by_component, latency_series
from storage.status import manual_status_intervals, record_status_change
from storage.vocabulary import Granularity
from tests.storage.builders import (
    POSTGRES_ENV,
    component,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)
from tests.web.factories import NOW, Bucket, add_hour, add_incident, add_result, prepare_database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database with components "api" and "web"."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    elif postgres_admin_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    else:
        url = await create_postgres_database()
    await prepare_database(url)
    database = Database.from_url(url)
    await sync_components(database, [component("api"), component("web")], NOW)
    try:
        yield database
    finally:
        await database.dispose()
        if request.param == "postgres":
            await drop_postgres_database(url)


async def test_the_series_merges_regions_per_bucket_oldest_first(store: Database) -> None:
    hour = NOW.replace(minute=0)
    await add_hour(store, "api", hour, Bucket(up=10, latencies_ms=[100.0] * 10))
    await add_hour(store, "api", hour, Bucket(up=10, latencies_ms=[300.0] * 10), region="eu")
    await add_hour(store, "api", hour - 2 * HOUR, Bucket(up=2, latencies_ms=[50.0] * 2))
    points = await latency_series(
        store, "api", granularity=Granularity.HOUR, start=NOW - 3 * HOUR, end=NOW
    )
    assert [(p.bucket_start, p.count) for p in points] == [(hour - 2 * HOUR, 2), (hour, 20)]
    assert points[1].p50_ms == pytest.approx(100, rel=0.05)
    assert points[1].p95_ms == pytest.approx(300, rel=0.05)


async def test_a_bucket_of_failures_only_has_no_percentiles(store: Database) -> None:
    await add_hour(store, "api", NOW, Bucket(down=5))
    (point,) = await latency_series(
        store, "api", granularity=Granularity.HOUR, start=NOW - HOUR, end=NOW + HOUR
    )
    assert (point.count, point.p50_ms, point.p95_ms) == (0, None, None)


async def test_latency_by_component_adds_up_a_window(store: Database) -> None:
    for hours in range(3):
        await add_hour(
            store, "api", NOW - hours * HOUR, Bucket(up=1, latencies_ms=[hours * 100.0 + 100])
        )
    await add_hour(store, "web", NOW - 10 * HOUR, Bucket(up=1))
    found = await latency_by_component(
        store, ["api", "web"], granularity=Granularity.HOUR, start=NOW - 5 * HOUR, end=NOW + HOUR
    )
    assert list(found) == ["api"]
    assert found["api"].count == 3
    assert found["api"].average_ms == pytest.approx(200)


async def test_the_latest_result_of_each_component_wins_across_regions(store: Database) -> None:
    await add_result(store, "api", NOW - timedelta(seconds=60), dependencies={"db": "up"})
    await add_result(
        store, "api", NOW - timedelta(seconds=30), status="down", dependencies={"db": "down"}
    )
    await add_result(store, "web", NOW - timedelta(hours=2))
    found = await latest_results(store, ["api", "web"], since=NOW - timedelta(minutes=5))
    assert list(found) == ["api"]  # web's result is older than `since`
    assert (found["api"].status, found["api"].dependencies) == ("down", {"db": "down"})


async def test_phases_average_the_newest_successful_results_only(store: Database) -> None:
    for seconds, dns in ((30, 4.0), (60, 8.0), (90, 100.0)):
        phases = Phases(dns_ms=dns, connect_ms=2.0, ttfb_ms=50.0, total_ms=60.0)
        await add_result(store, "api", NOW - timedelta(seconds=seconds), phases=phases)
    await add_result(store, "api", NOW - timedelta(seconds=10), status="down")
    averages = await phase_averages(store, "api", since=NOW - HOUR, limit=2)
    assert (averages.count, averages.tls_ms) == (2, None)
    assert averages.dns_ms == pytest.approx(6.0)


async def test_no_recent_result_gives_an_empty_average(store: Database) -> None:
    averages = await phase_averages(store, "api", since=NOW - HOUR)
    assert (averages.count, averages.total_ms) == (0, None)


async def test_the_data_stamp_moves_with_status_incidents_and_rollups(store: Database) -> None:
    stamps = [await data_stamp(store)]
    await record_status_change(store, "api", "major_outage", at=NOW, source="probe")
    stamps.append(await data_stamp(store))
    await add_incident(store, "Outage")
    stamps.append(await data_stamp(store))
    await add_hour(store, "api", NOW, Bucket(up=1))
    stamps.append(await data_stamp(store))
    await add_hour(store, "api", NOW, Bucket(up=1), region="eu")  # same hour, more results
    stamps.append(await data_stamp(store))
    assert len(set(stamps)) == len(stamps)


async def test_the_data_stamp_is_steady_when_nothing_changes(store: Database) -> None:
    await add_incident(store, "Outage")
    assert await data_stamp(store) == await data_stamp(store)


async def test_history_begins_with_the_oldest_public_incident(store: Database) -> None:
    assert await first_incident_start(store) is None
    await add_incident(store, "Draft", draft=True, started_at=NOW - timedelta(days=30))
    await add_incident(store, "Deleted", deleted_at=NOW, started_at=NOW - timedelta(days=20))
    await add_incident(store, "Real", started_at=NOW - timedelta(days=10))
    assert await first_incident_start(store) == NOW - timedelta(days=10)


async def test_phases_are_averaged_over_one_set_the_results_timed_phase_by_phase(
    store: Database,
) -> None:
    timed = Phases(dns_ms=2.0, connect_ms=3.0, ttfb_ms=60.0, total_ms=80.0)
    reused = Phases(ttfb_ms=30.0, total_ms=40.0)
    untimed = Phases(total_ms=10.0)
    for seconds, phases in ((30, timed), (60, reused), (90, untimed)):
        at = NOW - timedelta(seconds=seconds)
        await add_result(store, "api", at, latency_ms=phases.total_ms or 0, phases=phases)
    averages = await phase_averages(store, "api", since=NOW - HOUR)
    assert (averages.count, averages.tls_ms) == (2, None)
    found = (averages.dns_ms, averages.connect_ms, averages.ttfb_ms, averages.total_ms)
    assert found == pytest.approx((1.0, 1.5, 45.0, 60.0))


async def test_a_manual_component_is_operational_from_when_it_was_added(store: Database) -> None:
    spans = await manual_status_intervals(store, "web", NOW - 2 * HOUR, NOW + 2 * HOUR)
    assert [(s.status, s.start, s.end) for s in spans] == [("operational", NOW, NOW + 2 * HOUR)]
    await record_status_change(store, "web", "major_outage", at=NOW + HOUR, source="manual")
    spans = await manual_status_intervals(store, "web", NOW - 2 * HOUR, NOW + 2 * HOUR)
    assert [(s.status, s.start, s.end) for s in spans] == [
        ("operational", NOW, NOW + HOUR),
        ("major_outage", NOW + HOUR, NOW + 2 * HOUR),
    ]


async def test_an_operators_earlier_status_needs_no_default(store: Database) -> None:
    await record_status_change(store, "web", "partial_outage", at=NOW - HOUR, source="manual")
    spans = await manual_status_intervals(store, "web", NOW, NOW + HOUR)
    assert [(s.status, s.start, s.end) for s in spans] == [("partial_outage", NOW, NOW + HOUR)]
