"""What pages show about measurements, read from roll-ups only, never from raw results.

- `component_overviews()`: availability and SLA per window plus 90 day bars for
  many components, e.g. the front page. The window counts are summed by the
  database, so a year of history costs one row per component and window.
- `component_summary()`: the same for one component, plus latency percentiles
  per window and per day, which need the histograms merged in Python.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.figures.running_totals import COUNTERS, Counts, added
from storage.figures.timebuckets import DAY, day_range, local_date
from storage.figures.windows import (
    WINDOW_DAYS,
    WINDOWS,
    DayFigure,
    Figures,
    LatencyFigures,
    day_figures,
    day_latency,
    window_bounds,
    window_figures,
    window_latency,
)
from storage.results.day_totals import TotalsByRegion, load_day_counts, load_day_totals
from storage.tables.monitoring import Rollup
from storage.vocabulary import HISTORY_DAYS, Granularity


@dataclass(frozen=True, slots=True)
class ComponentOverview:
    component_id: str
    windows: dict[str, Figures]  # those asked for: "24h", "7d", "30d", "90d", "365d"
    shown_days: Sequence[date]  # site-local days, oldest first, ending today
    # The counts of each of `shown_days` (COUNTERS order), None where nothing was
    # counted: plain tuples, because the front page reads 4,500 of them per render
    # and needs only each day's level (`presentation.days.day_levels`).
    day_counts: Sequence[Counts | None]

    @property
    def days(self) -> list[DayFigure]:
        """One figure per shown day, oldest first."""
        return [
            DayFigure(day, _NO_FIGURES if counts is None else Figures._make(counts))
            for day, counts in zip(self.shown_days, self.day_counts, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class ComponentSummary:
    component_id: str
    windows: dict[str, Figures]
    days: list[DayFigure]
    latency: dict[str, LatencyFigures | None]  # per window; None: no successful probe
    day_latency: dict[date, LatencyFigures]  # days that had successful probes


@dataclass(frozen=True, slots=True)
class StoredBucket:
    """A roll-up row as plain values (cheaper to load than ORM objects)."""

    component_id: str
    bucket_start: datetime
    up: int
    degraded: int
    down: int
    maintenance: int
    within_sla: int
    latency_sum_ms: float = 0.0
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None
    histogram: str = ""


_ALL_COLUMNS = tuple(col(getattr(Rollup, name)) for name in StoredBucket.__slots__)


async def component_overviews(
    db: Database,
    component_ids: Sequence[str],
    *,
    now: datetime,
    tz: ZoneInfo,
    region: str | None = None,
    days: int = HISTORY_DAYS,
    windows: Collection[str] = WINDOWS,
) -> dict[str, ComponentOverview]:
    """Window figures (of `windows`) and day bars for many components in two or
    three queries (the third for "24h"), each returning about one row per component
    however long the history (the day totals carry the past; see
    `storage.results.day_totals`). All regions are added up unless `region` is given."""
    today = local_date(now, tz)
    shown = [today - (days - 1 - n) * DAY for n in range(days)]
    day_windows = {w: WINDOW_DAYS[w] for w in windows if w in WINDOW_DAYS}
    async with db.read() as session:
        totals = await load_day_totals(session, component_ids, tz, region)
        recent = await _days_after_totals(session, totals, component_ids, today, tz, region)
        hours = (
            await _last_24_hours(session, component_ids, now, tz, region)
            if "24h" in windows
            else None
        )
    return {
        cid: ComponentOverview(
            cid,
            {
                **({} if hours is None else {"24h": hours.get(cid, _NO_FIGURES)}),
                **_day_windows(totals.get(cid, {}), recent.get(cid, {}), today, day_windows),
            },
            shown,
            _day_counts(totals.get(cid, {}), recent.get(cid, {}), shown[0], len(shown)),
        )
        for cid in component_ids
    }


async def component_summary(
    db: Database,
    component_id: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    region: str | None = None,
    days: int = HISTORY_DAYS,
) -> ComponentSummary:
    """Everything about one component's measurements, latency included."""
    hour_span = window_bounds("24h", now, tz)
    first_day = local_date(now, tz) - timedelta(days=days - 1)
    year = window_bounds("365d", now, tz)
    day_span = (min(year[0], day_range(first_day, tz)[0]), year[1])
    async with db.read() as session:
        ids = [component_id]
        hours = await _load(session, ids, Granularity.HOUR, hour_span, region, _ALL_COLUMNS)
        day_rows = await _load(session, ids, Granularity.DAY, day_span, region, _ALL_COLUMNS)
    hour_buckets, day_buckets = hours.get(component_id, []), day_rows.get(component_id, [])
    return ComponentSummary(
        component_id=component_id,
        windows=window_figures(hour_buckets, day_buckets, now=now, tz=tz),
        days=day_figures(day_buckets, now=now, tz=tz, count=days),
        latency=window_latency(hour_buckets, day_buckets, now=now, tz=tz),
        day_latency=day_latency(day_buckets, now=now, tz=tz, count=days),
    )


_NO_FIGURES = Figures()


async def _days_after_totals(
    session: AsyncSession,
    totals: Mapping[str, TotalsByRegion],
    component_ids: Sequence[str],
    today: date,
    tz: ZoneInfo,
    region: str | None,
) -> dict[str, dict[date, Counts]]:
    """Day counts the totals do not hold (normally today's only), all regions
    added up; for a component without totals, every day of the year. All regions
    of a component share one `end_day`, because they are always written together."""
    year_start = today - (WINDOW_DAYS["365d"] - 1) * DAY
    starts: dict[date, list[str]] = {}
    for cid in component_ids:
        ends = [t.end_day for t in totals.get(cid, {}).values()]
        first = max(year_start, ends[0]) if ends else year_start
        starts.setdefault(first, []).append(cid)
    recent: dict[str, dict[date, Counts]] = {}
    for first, ids in starts.items():
        counts = await load_day_counts(
            session, ids, first=first, stop=today + DAY, tz=tz, region=region
        )
        for (cid, _), by_day in counts.items():
            summed = recent.setdefault(cid, {})
            for day, values in by_day.items():
                summed[day] = added(summed[day], values) if day in summed else values
    return recent


async def _last_24_hours(
    session: AsyncSession,
    component_ids: Sequence[str],
    now: datetime,
    tz: ZoneInfo,
    region: str | None,
) -> dict[str, Figures]:
    start, end = window_bounds("24h", now, tz)
    query = (
        select(col(Rollup.component_id), *(func.sum(getattr(Rollup, n)) for n in COUNTERS))
        .where(
            col(Rollup.component_id).in_(component_ids),
            Rollup.granularity == Granularity.HOUR,
            Rollup.bucket_start >= start,
            Rollup.bucket_start < end,
        )
        .group_by(col(Rollup.component_id))
    )
    if region is not None:
        query = query.where(Rollup.region == region)
    rows: Sequence[Sequence[Any]] = (await session.exec(query)).all()
    return {cid: Figures(*(int(v or 0) for v in values)) for cid, *values in rows}


def _day_windows(
    totals: TotalsByRegion,
    recent: Mapping[date, Counts],
    today: date,
    lengths: Mapping[str, int],
) -> dict[str, Figures]:
    windows = {}
    stop = today + DAY
    for window, length in lengths.items():
        first = today - (length - 1) * DAY
        parts = [region_totals.between(first, stop) for region_totals in totals.values()]
        parts.extend(values for day, values in recent.items() if first <= day <= today)
        windows[window] = (
            Figures._make(map(sum, zip(*parts, strict=True))) if parts else _NO_FIGURES
        )
    return windows


def _day_counts(
    totals: TotalsByRegion, recent: Mapping[date, Counts], first: date, count: int
) -> list[Counts | None]:
    """The counts of each of `count` days from `first`, all regions added up."""
    regions = list(totals.values())
    # One region is the common case: its cells are taken as they are.
    cells: list[Counts | None] = (
        regions[0].per_day(first, count) if len(regions) == 1 else [None] * count
    )
    if len(regions) > 1:
        for region_totals in regions:
            for n, values in enumerate(region_totals.per_day(first, count)):
                _add_to_cell(cells, n, values)
    for day, values in recent.items():
        if 0 <= (n := (day - first).days) < count:
            _add_to_cell(cells, n, values)
    return cells


def _add_to_cell(cells: list[Counts | None], n: int, values: Counts | None) -> None:
    if values is not None:
        cell = cells[n]
        cells[n] = values if cell is None else added(cell, values)


async def _load(
    session: AsyncSession,
    component_ids: Sequence[str],
    granularity: Granularity,
    span: tuple[datetime, datetime],
    region: str | None,
    columns: tuple[Any, ...],
) -> dict[str, list[StoredBucket]]:
    """Roll-ups whose bucket starts in [span), by component."""
    query = select(*columns).where(
        col(Rollup.component_id).in_(component_ids),
        Rollup.granularity == granularity,
        Rollup.bucket_start >= span[0],
        Rollup.bucket_start < span[1],
    )
    if region is not None:
        query = query.where(Rollup.region == region)
    buckets: dict[str, list[StoredBucket]] = {}
    for row in await session.exec(query):
        bucket = StoredBucket(*row)
        buckets.setdefault(bucket.component_id, []).append(bucket)
    return buckets
