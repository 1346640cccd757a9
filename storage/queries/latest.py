"""Small, bounded reads of the newest rows: what pages need besides roll-ups.

Raw results grow by millions of rows a day, so every query here is bounded by
time through the `scheduled_at` index *and* by a row limit: its cost follows
the probe rate over a short span, never the retention period. The data-version
query reads only maxima of indexed or small tables, so a page cache can ask it
every second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.database import Database
from storage.sql import core_rows, dialect_of, table_of
from storage.tables.freshness import ComponentFreshness
from storage.tables.incidents import Incident, IncidentUpdate
from storage.tables.metrics import MetricRollup
from storage.tables.monitoring import Component, ProbeResultRow, Rollup, StatusChange
from storage.vocabulary import Granularity

PHASE_SAMPLE = 200  # results averaged for the phase breakdown

_PHASE_COLUMNS: tuple[Any, ...] = (
    col(ProbeResultRow.dns_ms),
    col(ProbeResultRow.connect_ms),
    col(ProbeResultRow.tls_ms),
    col(ProbeResultRow.ttfb_ms),
    col(ProbeResultRow.latency_ms),
)


@dataclass(frozen=True, slots=True)
class LatestResult:
    """The newest result of a component, over all regions."""

    component_id: str
    region: str
    status: str  # up | degraded | down
    started_at: datetime
    latency_ms: float
    error: str | None
    dependencies: dict[str, str]  # as the health JSON reported them; empty when none


@dataclass(frozen=True, slots=True)
class PhaseAverages:
    """Average time per request phase over one set of results: a component's newest
    successful results that were timed phase by phase (first byte and total known).

    Every average is over that same set, a phase a result did not go through
    counting as 0 ms (no TLS for plain HTTP; no DNS or connect on a reused
    connection), so the phases add up to the whole request. A phase is None when
    no result of the set went through it.
    """

    count: int  # results averaged, at most PHASE_SAMPLE
    dns_ms: float | None
    connect_ms: float | None
    tls_ms: float | None
    ttfb_ms: float | None
    total_ms: float | None


async def latest_results(
    db: Database, component_ids: Sequence[str], *, since: datetime
) -> dict[str, LatestResult]:
    """The newest result scheduled at or after `since` of each component that has one.

    Pass a `since` a few probe intervals back: the query reads every result in
    [since, now) through the `scheduled_at` index and ranks them in the database.
    """
    params = {"since": since, "ids": list(component_ids)}
    found: dict[str, LatestResult] = {}
    async with db.read() as session:
        rows = await core_rows(session, _LATEST_QUERIES[dialect_of(session)], params)
    for cid, region, status, started, latency, error, deps in rows:
        found[cid] = LatestResult(cid, region, status, started, latency, error, dict(deps or {}))
    return found


def _latest_query(*, through_time_index: bool) -> Any:
    results = table_of(ProbeResultRow).c
    # SQLite keeps no statistics on ranges, so for `component_id IN (...)` and a
    # `scheduled_at` range it picks the unique (component, region, due time) index
    # on the component alone and reads each component's whole raw history: 216 ms
    # of CPU per front page over 14 days of results every 30 s for 50 components,
    # against 11 ms (bench/cold_render.py --raw-days 14). An expression cannot use an
    # index, so `component_id || ''` leaves it the `scheduled_at` index: the last few
    # intervals of every component. PostgreSQL plans from its statistics: left alone.
    component = results.component_id + "" if through_time_index else results.component_id
    rank = func.row_number().over(
        partition_by=results.component_id,
        order_by=(results.scheduled_at.desc(), results.id.desc()),
    )
    columns = (
        results.component_id,
        results.region,
        results.status,
        results.started_at,
        results.latency_ms,
        results.error,
        results.dependencies,
    )
    ranked = (
        sa_select(*columns, rank.label("rank"))
        .where(results.scheduled_at >= bindparam("since"))
        .where(component.in_(bindparam("ids", expanding=True)))
        .subquery()
    )
    return select(*[c for c in ranked.c if c.name != "rank"]).where(ranked.c.rank == 1)


# Built once: every front-page render runs one (core_rows).
_LATEST_QUERIES = {
    "sqlite": _latest_query(through_time_index=True),
    "postgresql": _latest_query(through_time_index=False),
}


async def last_due_times(
    db: Database, region: str, component_ids: Sequence[str], *, since: datetime
) -> dict[str, datetime]:
    """The due time of each component's newest result in `region` scheduled at or after
    `since`, for the components that have one: where a worker taking a component over
    carries on from. Read through the (component, region, due time) unique index."""
    if not component_ids:
        return {}
    query = (
        select(ProbeResultRow.component_id, func.max(ProbeResultRow.scheduled_at))
        .where(col(ProbeResultRow.component_id).in_(list(component_ids)))
        .where(ProbeResultRow.region == region)
        .where(ProbeResultRow.scheduled_at >= since)
        .group_by(col(ProbeResultRow.component_id))
    )
    async with db.read() as session:
        return {cid: due for cid, due in await session.exec(query) if due is not None}


async def phase_averages(
    db: Database, component_id: str, *, since: datetime, limit: int = PHASE_SAMPLE
) -> PhaseAverages:
    """Average phases over the newest `limit` timed successful results since `since`.

    Failed results are left out: a timeout's phases say how it failed, not how
    long a healthy request spends where. So are results without a first-byte
    time (written without phases): averaging each phase over a different set of
    results is what made the phases and the whole request disagree. Both bounds
    matter: `limit` keeps the figure about "now", `since` keeps the scan on the
    index's recent end.
    """
    newest = (
        select(*_PHASE_COLUMNS)
        .where(ProbeResultRow.component_id == component_id)
        .where(ProbeResultRow.scheduled_at >= since)
        .where(ProbeResultRow.status != "down")
        .where(col(ProbeResultRow.ttfb_ms).is_not(None))
        .order_by(col(ProbeResultRow.scheduled_at).desc())
        .limit(limit)
        .subquery()
    )
    dns, connect, tls, ttfb, total = newest.c
    columns: list[Any] = [func.count()]
    for phase in (dns, connect, tls):  # a phase not gone through took 0 ms
        columns += [func.avg(func.coalesce(phase, 0.0)), func.count(phase)]
    columns += [func.avg(ttfb), func.avg(total)]
    async with db.read() as session:
        row = (await session.exec(select(*columns))).one()
    # Each phase comes as (average, results that went through it).
    dns_ms, connect_ms, tls_ms = (_float(row[i]) if row[i + 1] else None for i in (1, 3, 5))
    return PhaseAverages(int(row[0]), dns_ms, connect_ms, tls_ms, _float(row[7]), _float(row[8]))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


async def first_incident_start(db: Database) -> datetime | None:
    """When the oldest public incident or maintenance started: where history begins."""
    query = select(func.min(Incident.started_at)).where(
        col(Incident.draft).is_(False), col(Incident.deleted_at).is_(None)
    )
    async with db.read() as session:
        return (await session.exec(query)).one()


DataStamp = tuple[object, ...]


def _metrics_marker() -> list[Any]:
    """Metric points (the page's public metrics): their newest hour and how many points
    it holds, from the roll-ups every write of points rebuilds (docs/metrics.md)."""
    hour = (
        select(func.max(MetricRollup.bucket_start))
        .where(MetricRollup.granularity == Granularity.HOUR)
        .scalar_subquery()
    )
    counted = select(func.sum(MetricRollup.count)).where(
        MetricRollup.granularity == Granularity.HOUR, MetricRollup.bucket_start == hour
    )
    return [hour, counted.scalar_subquery()]


async def data_stamp(db: Database) -> DataStamp:
    """A value that changes whenever anything a public page shows has changed in storage.

    Made of maxima that any writer moves forward: the newest status change,
    incident and incident update edits (soft deletes included), component
    edits, freshness edges (a component's results stopping or arriving again), and a
    roll-up marker: the newest hour bucket and how many results it
    holds, which grows each time the roll-up job recomputes the current hour; and the
    same marker of the metrics' roll-ups, which every write of metric points moves.
    Maxima of ids use primary keys; incidents, updates and components are small.
    """
    latest_hour = (
        select(func.max(Rollup.bucket_start))
        .where(Rollup.granularity == Granularity.HOUR)
        .scalar_subquery()
    )
    counted = func.sum(Rollup.up + Rollup.degraded + Rollup.down + Rollup.maintenance)

    parts: list[Any] = [
        select(func.max(StatusChange.id)).scalar_subquery(),
        select(func.max(Incident.id)).scalar_subquery(),
        select(func.max(Incident.updated_at)).scalar_subquery(),
        select(func.max(Incident.deleted_at)).scalar_subquery(),
        select(func.max(IncidentUpdate.id)).scalar_subquery(),
        select(func.max(IncidentUpdate.updated_at)).scalar_subquery(),
        select(func.max(IncidentUpdate.deleted_at)).scalar_subquery(),
        select(func.max(Component.updated_at)).scalar_subquery(),
        select(func.max(ComponentFreshness.changed_at)).scalar_subquery(),
        latest_hour,
        select(counted)
        .where(Rollup.granularity == Granularity.HOUR, Rollup.bucket_start == latest_hour)
        .scalar_subquery(),
        *_metrics_marker(),
    ]
    async with db.read() as session:
        row = (await session.exec(select(*parts))).one()
    return tuple(row)
