"""Metric points, their roll-ups, problems and retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.database import Database
from storage.metrics.reads import hourly_buckets, latest_points, latest_problems, points_since
from storage.metrics.retention import apply_metric_retention
from storage.metrics.writes import NewProblem, Point, record_problem, write_points
from storage.queries.latest import data_stamp
from storage.results.retention import RetentionPolicy
from storage.tables.metrics import MetricRollup
from storage.vocabulary import Granularity, MetricProblemSide
from tests.storage.builders import T0

MINUTE = timedelta(minutes=1)


async def test_points_are_stored_and_read_back_oldest_first(db: Database) -> None:
    await write_points(db, [Point("cpu", T0 + MINUTE, 40.0), Point("cpu", T0, 30.0)])
    found = await points_since(db, "cpu", T0, limit=10)
    assert [(p.at, p.value) for p in found] == [(T0, 30.0), (T0 + MINUTE, 40.0)]


async def test_a_batch_sent_twice_stores_each_point_once_with_the_later_value(db: Database) -> None:
    await write_points(db, [Point("signups", T0, 5.0), Point("signups", T0 + MINUTE, 6.0)])
    await write_points(db, [Point("signups", T0, 5.0), Point("signups", T0 + MINUTE, 7.0)])
    found = await points_since(db, "signups", T0, limit=10)
    assert [p.value for p in found] == [5.0, 7.0]
    (hour,) = await hourly_buckets(db, "signups", T0)
    assert (hour.count, hour.average, hour.minimum, hour.maximum) == (2, 6.0, 5.0, 7.0)


async def test_hours_and_days_are_rolled_up_from_the_points(db: Database) -> None:
    points = [Point("p95", T0 + i * 20 * MINUTE, float(i)) for i in range(6)]  # 2 hours
    await write_points(db, points)
    hours = await hourly_buckets(db, "p95", T0)
    assert [(h.start, h.count, h.average) for h in hours] == [
        (T0, 3, 1.0),
        (T0 + 3 * 20 * MINUTE, 3, 4.0),
    ]
    async with db.read() as session:
        day = await session.get(MetricRollup, ("p95", Granularity.DAY, T0.replace(hour=0)))
    assert day is not None
    assert (day.count, day.total, day.minimum, day.maximum) == (6, 15.0, 0.0, 5.0)


async def test_the_latest_point_of_each_metric(db: Database) -> None:
    await write_points(db, [Point("a", T0, 1.0), Point("a", T0 + MINUTE, 2.0), Point("b", T0, 3.0)])
    latest = await latest_points(db, ["a", "b", "c"])
    assert {k: (v.at, v.value) for k, v in latest.items()} == {
        "a": (T0 + MINUTE, 2.0),
        "b": (T0, 3.0),
    }


async def test_points_since_stops_at_the_limit(db: Database) -> None:
    await write_points(db, [Point("a", T0 + i * MINUTE, float(i)) for i in range(5)])
    assert [p.value for p in await points_since(db, "a", T0 + MINUTE, limit=2)] == [1.0, 2.0]


async def test_a_problem_is_kept_apart_from_the_points(db: Database) -> None:
    hostile = "<script>alert(1)</script>" + "x" * 400
    await record_problem(db, ["a", "b"], T0, MetricProblemSide.TARGET, hostile)
    await record_problem(db, ["a"], T0 + MINUTE, MetricProblemSide.LOCAL, "timed out on our side")
    problems = await latest_problems(db, ["a", "b"])
    assert (problems["a"].side, problems["a"].message) == ("local", "timed out on our side")
    assert problems["b"].message == hostile[:300]
    assert await latest_points(db, ["a", "b"]) == {}


async def test_a_batch_s_points_and_problems_are_stored_together_or_not_at_all(
    db: Database,
) -> None:
    problem = NewProblem(("b",), T0, MetricProblemSide.TARGET, "refused")
    broken = NewProblem(("c",), T0, "no such side", "x")  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the driver raises
        await write_points(db, [Point("a", T0, 1.0)], problems=[problem, broken])
    assert await latest_points(db, ["a"]) == {}
    assert await latest_problems(db, ["b", "c"]) == {}  # so a retry stores each once
    await write_points(db, [Point("a", T0, 1.0)], problems=[problem])
    assert (await latest_problems(db, ["b"]))["b"].message == "refused"
    assert (await latest_points(db, ["a"]))["a"].value == 1.0


@pytest.mark.parametrize("empty", [[], ()])
async def test_reading_no_metrics_reads_nothing(db: Database, empty: list[str]) -> None:
    assert await latest_points(db, empty) == {}
    assert await latest_problems(db, empty) == {}


async def test_retention_deletes_by_age_per_kind_of_row(db: Database) -> None:
    old, recent = T0 - timedelta(days=20), T0 - timedelta(days=1)
    await write_points(db, [Point("a", old, 1.0), Point("a", recent, 2.0)])
    await record_problem(db, ["a"], old, MetricProblemSide.TARGET, "old")
    policy = RetentionPolicy(raw_days=14, hourly_days=90, daily_days=400)
    report = await apply_metric_retention(db, now=T0, policy=policy)
    assert (report.points_deleted, report.rollups_deleted, report.problems_deleted) == (1, 0, 1)
    assert [p.value for p in await points_since(db, "a", old, limit=10)] == [2.0]
    # The hour of the deleted point is still summarised until the hourly retention.
    assert [h.count for h in await hourly_buckets(db, "a", old)] == [1, 1]
    later = await apply_metric_retention(db, now=T0 + timedelta(days=89), policy=policy)
    assert later.rollups_deleted == 1


async def test_a_metric_write_moves_the_data_stamp_other_processes_watch(db: Database) -> None:
    before = await data_stamp(db)
    await write_points(db, [Point("api-p95", T0, 800.0)])
    after = await data_stamp(db)
    await write_points(db, [Point("api-p95", T0 + MINUTE, 900.0)])
    assert before != after != await data_stamp(db)
