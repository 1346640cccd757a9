"""The roll-up job: turn raw results into hour and day buckets.

Incremental through a work queue rather than a time watermark: the writer marks
each (component, region, UTC hour) it inserts into as dirty, in the same
transaction as the results (`storage.results.dirty`). A run recomputes every marked
hour bucket from its raw results, then every touched day from its hour buckets,
and removes the marks it has handled. So:

- a run with nothing marked does nothing, and running twice changes nothing:
  buckets are recomputed from scratch and upserted, never incremented;
- a late result (a buffer drained after an outage) marks its own old hour and
  is picked up by the next run, however old the hour;
- a result committed while a run is computing bumps the mark's generation; the
  run deletes a mark only if its generation is unchanged, so the hour is
  recomputed next time instead of being forgotten.

Writing a day roll-up for a day before today also brings that component's day
totals up to date in the same transaction (`storage.results.day_totals`), and each run
ends by building totals for components that have none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, tuple_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.figures.aggregate import Aggregate, RawResult, merged
from storage.figures.timebuckets import (
    day_range,
    hour_buckets_of_utc_hour,
    hour_start,
    local_date,
    next_hour_start,
)
from storage.results.day_totals import components_without_totals, update_day_totals
from storage.sql import dialect_of, upsert
from storage.status import StatusTimeline, load_timelines
from storage.tables.monitoring import ProbeResultRow, Rollup, RollupDirty
from storage.vocabulary import Granularity

Dirty = tuple[str, str, datetime, int]  # component_id, region, UTC hour, generation
BucketKey = tuple[str, str, datetime]  # component_id, region, bucket start

_ROLLUPS: Table = SQLModel.metadata.tables[Rollup.__tablename__]
_DIRTY: Table = SQLModel.metadata.tables[RollupDirty.__tablename__]
_ROLLUP_KEY = ("component_id", "region", "granularity", "bucket_start")


def aggregate_results(
    results: Iterable[RawResult], under_maintenance: Callable[[datetime], bool]
) -> Aggregate:
    total = Aggregate()
    for at, status, latency_ms, within_sla in results:
        total.add(status, latency_ms, within_sla=within_sla, maintenance=under_maintenance(at))
    return total


def hour_aggregates(
    results: Iterable[RawResult], under_maintenance: Callable[[datetime], bool], tz: ZoneInfo
) -> dict[datetime, Aggregate]:
    """Raw results of one component and region, bucketed by site-local hour."""
    by_hour: dict[datetime, list[RawResult]] = {}
    for result in results:
        by_hour.setdefault(hour_start(result[0], tz), []).append(result)
    return {h: aggregate_results(rs, under_maintenance) for h, rs in by_hour.items()}


def day_aggregates(hours: Mapping[datetime, Aggregate], tz: ZoneInfo) -> dict[date, Aggregate]:
    """Hour buckets summed into site-local days, as the job does it."""
    by_day: dict[date, list[Aggregate]] = {}
    for start, aggregate in sorted(hours.items()):
        by_day.setdefault(local_date(start, tz), []).append(aggregate)
    return {day: merged(aggregates) for day, aggregates in by_day.items()}


async def roll_up(db: Database, *, now: datetime, tz: ZoneInfo, batch_size: int = 200) -> int:
    """Recompute the buckets whose results changed; returns how many buckets were written.

    Hours that start after `now` (only clock skew puts results there) wait for a
    later run. Each batch is one short transaction.
    """
    written = 0
    today = local_date(now, tz)
    after: tuple[str, str, datetime] | None = None
    while dirty := await _next_dirty(db, now=now, after=after, limit=batch_size):
        written += await _roll_up_batch(db, dirty, tz, today)
        after = dirty[-1][:3]
        await asyncio.sleep(0)  # let probes and page renders in between batches
    await _add_missing_day_totals(db, today, tz, batch_size)
    return written


async def _add_missing_day_totals(db: Database, today: date, tz: ZoneInfo, batch: int) -> None:
    """Totals for components that have none yet: after the upgrade that added
    them, or when the site time zone changes."""
    async with db.read() as session:
        missing = await components_without_totals(session, today=today, tz=tz)
    for start in range(0, len(missing), batch):
        async with db.write() as session:
            chunk = dict.fromkeys(missing[start : start + batch], today)
            await update_day_totals(session, chunk, today=today, tz=tz)
        await asyncio.sleep(0)


async def _next_dirty(
    db: Database, *, now: datetime, after: tuple[str, str, datetime] | None, limit: int
) -> list[Dirty]:
    key = (col(RollupDirty.component_id), col(RollupDirty.region), col(RollupDirty.hour_utc))
    query = select(*key, col(RollupDirty.generation)).where(RollupDirty.hour_utc <= now)
    if after is not None:
        query = query.where(tuple_(*key) > tuple_(*after))
    async with db.read() as session:
        rows = await session.exec(query.order_by(*key).limit(limit))
        return [(c, r, h, g) for c, r, h, g in rows]


async def _roll_up_batch(db: Database, dirty: list[Dirty], tz: ZoneInfo, today: date) -> int:
    hours = sorted({(c, r, b) for c, r, h, _ in dirty for b in hour_buckets_of_utc_hour(h, tz)})
    async with db.write() as session:
        until = max(next_hour_start(start, tz) for _, _, start in hours)
        timelines = await load_timelines(session, {c for c, _, _ in hours}, until=until)
        hour_rows = [await _hour_row(session, key, timelines[key[0]], tz) for key in hours]
        await _upsert(session, hour_rows)
        days = sorted({(c, r, local_date(start, tz)) for c, r, start in hours})
        day_rows = [await _day_row(session, c, r, day, tz) for c, r, day in days]
        await _upsert(session, day_rows)
        # Same transaction: the totals must never miss a past day's roll-up.
        await update_day_totals(session, _past_days(days, day_rows, today), today=today, tz=tz)
        await _forget(session, dirty)
    return sum(row is not None for row in [*hour_rows, *day_rows])


def _past_days(
    days: list[tuple[str, str, date]], rows: list[dict[str, object] | None], today: date
) -> dict[str, date]:
    """The earliest day before today written for each component."""
    earliest: dict[str, date] = {}
    for (component_id, _, day), row in zip(days, rows, strict=True):
        if row is not None and day < today:
            earliest[component_id] = min(day, earliest.get(component_id, day))
    return earliest


async def _hour_row(
    session: AsyncSession, key: BucketKey, timeline: StatusTimeline, tz: ZoneInfo
) -> dict[str, object] | None:
    component_id, region, start = key
    results = await session.exec(
        select(
            col(ProbeResultRow.scheduled_at),
            col(ProbeResultRow.status),
            col(ProbeResultRow.latency_ms),
            col(ProbeResultRow.within_sla),
        ).where(
            ProbeResultRow.component_id == component_id,
            ProbeResultRow.region == region,
            ProbeResultRow.scheduled_at >= start,
            ProbeResultRow.scheduled_at < next_hour_start(start, tz),
        )
    )
    rows = results.all()
    if not rows:
        return None  # nothing to count; never overwrite a bucket with an empty one
    aggregate = aggregate_results(rows, timeline.under_maintenance)
    return _row(component_id, region, Granularity.HOUR, start, aggregate)


async def _day_row(
    session: AsyncSession, component_id: str, region: str, day: date, tz: ZoneInfo
) -> dict[str, object] | None:
    start, end = day_range(day, tz)
    hours = await session.exec(
        select(Rollup).where(
            Rollup.component_id == component_id,
            Rollup.region == region,
            Rollup.granularity == Granularity.HOUR,
            Rollup.bucket_start >= start,
            Rollup.bucket_start < end,
        )
    )
    found = list(hours.all())
    if not found:
        return None
    return _row(component_id, region, Granularity.DAY, start, merged(found))


def _row(
    component_id: str, region: str, granularity: Granularity, start: datetime, values: Aggregate
) -> dict[str, object]:
    key = {"component_id": component_id, "region": region, "bucket_start": start}
    return {**key, "granularity": granularity.value, **values.columns()}


async def _upsert(session: AsyncSession, rows: list[dict[str, object] | None]) -> None:
    present = [row for row in rows if row is not None]
    if not present:
        return
    columns = [name for name in present[0] if name not in _ROLLUP_KEY]
    statement = upsert(dialect_of(session), _ROLLUPS, _ROLLUP_KEY, columns)
    await session.exec(statement, params=present)


async def _forget(session: AsyncSession, dirty: list[Dirty]) -> None:
    """Delete handled marks, unless a writer bumped one since it was read."""
    statement = delete(_DIRTY).where(
        _DIRTY.c.component_id == bindparam("k_component"),
        _DIRTY.c.region == bindparam("k_region"),
        _DIRTY.c.hour_utc == bindparam("k_hour"),
        _DIRTY.c.generation == bindparam("k_generation"),
    )
    params = [
        {"k_component": c, "k_region": r, "k_hour": h, "k_generation": g} for c, r, h, g in dirty
    ]
    await session.exec(statement, params=params)
