"""What pages show about measurements, read from roll-ups only, never from raw results.

- `component_overviews()`: availability and SLA per window plus 90 day bars for
  many components, e.g. the front page. The window counts are summed by the
  database, so a year of history costs one row per component and window.
- `component_summary()`: the same for one component, plus latency percentiles
  per window and per day, which need the histograms merged in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.figures import (
    WINDOW_DAYS,
    WINDOWS,
    DayFigure,
    Figures,
    LatencyFigures,
    counts_of,
    day_figures,
    day_latency,
    window_bounds,
    window_figures,
    window_latency,
)
from storage.models import Granularity, Rollup
from storage.timebuckets import day_range, local_date

COUNTS = ("up", "degraded", "down", "maintenance", "within_sla")


@dataclass(frozen=True, slots=True)
class ComponentOverview:
    component_id: str
    windows: dict[str, Figures]  # "24h", "7d", "30d", "90d", "365d"
    days: list[DayFigure]  # one per site-local day, oldest first, ending today


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
_COUNT_COLUMNS = _ALL_COLUMNS[: 2 + len(COUNTS)]


async def component_overviews(
    db: Database,
    component_ids: Sequence[str],
    *,
    now: datetime,
    tz: ZoneInfo,
    region: str | None = None,
    days: int = 90,
) -> dict[str, ComponentOverview]:
    """Window figures and day bars for many components in two queries; all regions
    are added up unless `region` is given."""
    day_span = (
        day_range(local_date(now, tz) - timedelta(days=days - 1), tz)[0],
        window_bounds("365d", now, tz)[1],
    )
    async with db.read() as session:
        windows = await _window_counts(session, component_ids, now, tz, region)
        day_rows = await _load(
            session, component_ids, Granularity.DAY, day_span, region, _COUNT_COLUMNS
        )
    empty = {w: Figures() for w in WINDOWS}
    return {
        cid: ComponentOverview(
            cid,
            windows.get(cid, empty),
            day_figures(day_rows.get(cid, []), now=now, tz=tz, count=days),
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
    days: int = 90,
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


def _in_window(window: str, now: datetime, tz: ZoneInfo) -> ColumnElement[bool]:
    start, end = window_bounds(window, now, tz)
    granularity = Granularity.HOUR if window == "24h" else Granularity.DAY
    return and_(
        col(Rollup.granularity) == granularity,
        col(Rollup.bucket_start) >= start,
        col(Rollup.bucket_start) < end,
    )


def _band(now: datetime, tz: ZoneInfo) -> ColumnElement[int]:
    """Which of the disjoint spans a bucket falls in: 0 for the 24 hours, then one
    per day window, each holding the days the next shorter window leaves out."""
    day_starts = [window_bounds(w, now, tz)[0] for w in WINDOW_DAYS]
    return case(
        (col(Rollup.granularity) == Granularity.HOUR, 0),
        *((col(Rollup.bucket_start) >= start, band) for band, start in enumerate(day_starts, 1)),
        else_=len(day_starts) + 1,
    )


async def _window_counts(
    session: AsyncSession,
    component_ids: Sequence[str],
    now: datetime,
    tz: ZoneInfo,
    region: str | None,
) -> dict[str, dict[str, Figures]]:
    # One CASE per row and a GROUP BY, rather than a CASE per window and count:
    # the database adds up a year of day buckets in a single pass.
    band = _band(now, tz).label("band")
    sums = [func.sum(getattr(Rollup, name)) for name in COUNTS]
    query = (
        select(col(Rollup.component_id), band, *sums)
        .where(col(Rollup.component_id).in_(component_ids))
        .where(_in_window("24h", now, tz) | _in_window("365d", now, tz))
        .group_by(col(Rollup.component_id), band)
    )
    if region is not None:
        query = query.where(Rollup.region == region)
    bands: dict[str, dict[int, Figures]] = {}
    rows: Sequence[Sequence[Any]] = (await session.exec(query)).all()
    for component_id, band_number, *values in rows:
        counts = Figures(*(int(value or 0) for value in values))
        bands.setdefault(component_id, {})[band_number] = counts
    return {cid: _windows_from_bands(found) for cid, found in bands.items()}


def _windows_from_bands(bands: dict[int, Figures]) -> dict[str, Figures]:
    windows = {"24h": bands.get(0, Figures())}
    for number, window in enumerate(WINDOW_DAYS, 1):
        windows[window] = counts_of(bands.get(b, Figures()) for b in range(1, number + 1))
    return windows


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
