"""Latency over time, read from roll-ups: what the component page draws.

Each bucket of the series merges the roll-ups of every region for that bucket
start, so a component probed from three regions draws one line, not three.
Buckets without a roll-up are left out of the series (the chart shows a gap
rather than a made-up value). Percentiles are read from the merged histogram,
with the same nearest-rank rule and 10 % bucket precision as every other
figure (`storage.figures.windows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from storage.database import Database
from storage.figures.aggregate import Aggregate
from storage.figures.histogram import decode
from storage.figures.windows import LatencyFigures, latency_of
from storage.tables.monitoring import Rollup
from storage.vocabulary import Granularity


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    bucket_start: datetime  # UTC
    count: int  # successful probes in the bucket, all regions
    p50_ms: float | None  # None: no successful probe in the bucket
    p95_ms: float | None


_LATENCY_COLUMNS: tuple[Any, ...] = (
    col(Rollup.component_id),
    col(Rollup.bucket_start),
    col(Rollup.up),
    col(Rollup.degraded),
    col(Rollup.latency_sum_ms),
    col(Rollup.latency_min_ms),
    col(Rollup.latency_max_ms),
    col(Rollup.histogram),
)


async def latency_series(
    db: Database,
    component_id: str,
    *,
    granularity: Granularity,
    start: datetime,
    end: datetime,
) -> list[SeriesPoint]:
    """p50 and p95 per bucket whose start lies in [start, end), oldest first."""
    merged = await _merged_buckets(db, [component_id], granularity, start, end)
    points = []
    for (_, bucket_start), aggregate in sorted(merged.items(), key=lambda item: item[0][1]):
        latency = latency_of(aggregate)
        points.append(
            SeriesPoint(
                bucket_start=bucket_start,
                count=aggregate.successful,
                p50_ms=None if latency is None else latency.p50_ms,
                p95_ms=None if latency is None else latency.p95_ms,
            )
        )
    return points


async def latency_by_component(
    db: Database,
    component_ids: Sequence[str],
    *,
    granularity: Granularity,
    start: datetime,
    end: datetime,
) -> dict[str, LatencyFigures]:
    """Latency over [start, end) of each component that had successful probes in it."""
    merged = await _merged_buckets(db, component_ids, granularity, start, end)
    totals: dict[str, Aggregate] = {}
    for (component_id, _), aggregate in merged.items():
        totals.setdefault(component_id, Aggregate()).merge(aggregate)
    figures = {cid: latency_of(total) for cid, total in totals.items()}
    return {cid: latency for cid, latency in figures.items() if latency is not None}


async def _merged_buckets(
    db: Database,
    component_ids: Sequence[str],
    granularity: Granularity,
    start: datetime,
    end: datetime,
) -> dict[tuple[str, datetime], Aggregate]:
    """(component, bucket start) -> the bucket's roll-ups of all regions added up."""
    query = select(*_LATENCY_COLUMNS).where(
        col(Rollup.component_id).in_(list(component_ids)),
        Rollup.granularity == granularity,
        Rollup.bucket_start >= start,
        Rollup.bucket_start < end,
    )
    merged: dict[tuple[str, datetime], Aggregate] = {}
    async with db.read() as session:
        for (
            component_id,
            bucket_start,
            up,
            degraded,
            total,
            low,
            high,
            histogram,
        ) in await session.exec(query):
            bucket = Aggregate(
                up=up,
                degraded=degraded,
                latency_sum_ms=total,
                latency_min_ms=low,
                latency_max_ms=high,
                histogram=decode(histogram),
            )
            merged.setdefault((component_id, bucket_start), Aggregate()).merge(bucket)
    return merged
