"""Writing metric points (rolled up in the same transaction) and problems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.sql import dialect_of, upsert
from storage.tables.metrics import MetricPoint, MetricProblem, MetricRollup
from storage.vocabulary import Granularity, MetricProblemSide

_POINTS: Table = SQLModel.metadata.tables[MetricPoint.__tablename__]
_ROLLUPS: Table = SQLModel.metadata.tables[MetricRollup.__tablename__]
_ROLLUP_KEY = ("metric_id", "granularity", "bucket_start")
_ROLLUP_VALUES = ("count", "total", "minimum", "maximum")
MAX_MESSAGE_CHARS = 300
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Point:
    metric_id: str
    at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class NewProblem:
    """Why these metrics got no value from the scrape at `at`."""

    metric_ids: tuple[str, ...]
    at: datetime
    side: MetricProblemSide
    message: str


async def write_points(
    db: Database,
    points: Sequence[Point],
    *,
    pages: bool = False,
    problems: Sequence[NewProblem] = (),
) -> int:
    """Store the points (a point at a time already stored is replaced: a batch sent
    twice stores each point once), rebuild the roll-ups of the hours and days they
    fall in, and add the problems, all in one transaction: a batch written again after
    a failure wrote nothing of it, so no problem is stored twice (problem rows have no
    natural key to replace by). `pages`: whether the page caches must notice (a public
    metric)."""
    rows = [row for problem in problems for row in _problem_rows(problem)]
    if not points and not rows:
        return 0
    async with db.write(pages=pages) as session:
        if points:
            await _store_points(session, points)
        session.add_all(rows)
    return len(points)


async def _store_points(session: AsyncSession, points: Sequence[Point]) -> None:
    rows = [{"metric_id": p.metric_id, "at": p.at, "value": p.value} for p in points]
    statement = upsert(dialect_of(session), _POINTS, ("metric_id", "at"), ("value",))
    await session.exec(statement, params=rows)
    hours = {(p.metric_id, _hour_of(p.at)) for p in points}
    for metric_id, start in sorted(hours):
        summary = await _point_summary(session, metric_id, start)
        await _store_rollup(session, metric_id, Granularity.HOUR, start, summary)
    days = {(metric_id, _day_of(start)) for metric_id, start in hours}
    for metric_id, start in sorted(days):
        summary = await _hour_summary(session, metric_id, start)
        await _store_rollup(session, metric_id, Granularity.DAY, start, summary)


async def record_problem(
    db: Database, metric_ids: Iterable[str], at: datetime, side: MetricProblemSide, message: str
) -> None:
    """One problem row per metric: why it has no value at `at`."""
    await write_points(db, [], problems=[NewProblem(tuple(metric_ids), at, side, message)])


def _problem_rows(problem: NewProblem) -> list[MetricProblem]:
    message = problem.message[:MAX_MESSAGE_CHARS]
    return [
        MetricProblem(metric_id=m, at=problem.at, side=problem.side, message=message)
        for m in problem.metric_ids
    ]


def _hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _day_of(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


Summary = tuple[int, float, float, float]  # count, total, minimum, maximum


async def _point_summary(session: AsyncSession, metric_id: str, start: datetime) -> Summary:
    value = col(MetricPoint.value)
    statement = select(func.count(value), func.sum(value), func.min(value), func.max(value))
    found = await session.exec(
        statement.where(
            MetricPoint.metric_id == metric_id,
            col(MetricPoint.at) >= start,
            col(MetricPoint.at) < start + HOUR,
        )
    )
    return found.one()


async def _hour_summary(session: AsyncSession, metric_id: str, start: datetime) -> Summary:
    statement = select(
        func.sum(col(MetricRollup.count)),
        func.sum(col(MetricRollup.total)),
        func.min(col(MetricRollup.minimum)),
        func.max(col(MetricRollup.maximum)),
    )
    found = await session.exec(
        statement.where(
            MetricRollup.metric_id == metric_id,
            MetricRollup.granularity == Granularity.HOUR,
            col(MetricRollup.bucket_start) >= start,
            col(MetricRollup.bucket_start) < start + DAY,
        )
    )
    return found.one()


async def _store_rollup(
    session: AsyncSession,
    metric_id: str,
    granularity: Granularity,
    start: datetime,
    summary: Summary,
) -> None:
    count, total, minimum, maximum = summary
    row = {
        "metric_id": metric_id,
        "granularity": granularity.value,
        "bucket_start": start,
        "count": count,
        "total": total,
        "minimum": minimum,
        "maximum": maximum,
    }
    statement = upsert(dialect_of(session), _ROLLUPS, _ROLLUP_KEY, _ROLLUP_VALUES)
    await session.exec(statement, params=[row])
