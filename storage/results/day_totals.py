"""Keeping `day_totals` in step with the day roll-ups, and reading it.

The rule that makes the totals safe to read: for a component that has totals,
every day roll-up before its `end_day` is counted in them, in every region.
The roll-up job keeps the rule by calling `update_day_totals` in the very
transaction that writes a day roll-up for a day before today; days from
`end_day` on (normally just today) are read from the roll-ups by the reader.
So at midnight the update re-reads one day per component, not a year.

A component without totals (new, or before the first roll-up run after the
upgrade that added them) is read from its roll-ups instead: slower, not wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, insert
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.figures.running_totals import COUNTERS, Counts, RunningTotals
from storage.figures.timebuckets import DAY, day_start, local_date
from storage.sql import core_rows
from storage.tables.monitoring import Component, DayTotals, Rollup
from storage.vocabulary import Granularity

# The longest window is 365 days ending today; one spare day keeps a window
# whole while the totals lag a day behind at midnight.
KEPT_DAYS = 366

TotalsByRegion = dict[str, RunningTotals]
DayCounts = dict[tuple[str, str], dict[date, Counts]]  # (component, region) -> day -> counts

_TABLE: Table = SQLModel.metadata.tables[DayTotals.__tablename__]
_ROLLUPS: Table = SQLModel.metadata.tables[Rollup.__tablename__]
# Built once: every front-page render runs these (storage.sql.core_rows).
_TOTALS_QUERY = select(
    _TABLE.c.component_id, _TABLE.c.region, _TABLE.c.first_day, _TABLE.c.running
).where(
    _TABLE.c.component_id.in_(bindparam("ids", expanding=True)),
    _TABLE.c.time_zone == bindparam("zone"),
)
_TOTALS_IN_REGION_QUERY = _TOTALS_QUERY.where(_TABLE.c.region == bindparam("region"))
_COUNTS_QUERY = select(
    _ROLLUPS.c.component_id,
    _ROLLUPS.c.region,
    _ROLLUPS.c.bucket_start,
    *(_ROLLUPS.c[name] for name in COUNTERS),
).where(
    _ROLLUPS.c.component_id.in_(bindparam("ids", expanding=True)),
    _ROLLUPS.c.granularity == Granularity.DAY,
    _ROLLUPS.c.bucket_start >= bindparam("start"),
    _ROLLUPS.c.bucket_start < bindparam("stop"),
)
_COUNTS_IN_REGION_QUERY = _COUNTS_QUERY.where(_ROLLUPS.c.region == bindparam("region"))


async def load_day_totals(
    session: AsyncSession, component_ids: Collection[str], tz: ZoneInfo, region: str | None
) -> dict[str, TotalsByRegion]:
    """The stored totals for these components in this time zone, by component and region."""
    params = {"ids": list(component_ids), "zone": tz.key, "region": region}
    found: dict[str, TotalsByRegion] = {}
    query = _TOTALS_QUERY if region is None else _TOTALS_IN_REGION_QUERY
    for component_id, row_region, first_day, running in await core_rows(session, query, params):
        totals = RunningTotals.decode(first_day, running)
        found.setdefault(component_id, {})[row_region] = totals
    return found


async def load_day_counts(
    session: AsyncSession,
    component_ids: Collection[str],
    *,
    first: date,
    stop: date,
    tz: ZoneInfo,
    region: str | None = None,
) -> DayCounts:
    """Counts of the day roll-ups of [first, stop) (site-local days), by component and region."""
    params = {
        "ids": list(component_ids),
        "start": day_start(first, tz),
        "stop": day_start(stop, tz),
        "region": region,
    }
    query = _COUNTS_QUERY if region is None else _COUNTS_IN_REGION_QUERY
    counts: DayCounts = {}
    for component_id, row_region, start, *values in await core_rows(session, query, params):
        counts.setdefault((component_id, row_region), {})[local_date(start, tz)] = tuple(values)
    return counts


async def update_day_totals(
    session: AsyncSession, changed: Mapping[str, date], *, today: date, tz: ZoneInfo
) -> None:
    """Bring the totals of these components up to today, given the earliest day
    before today whose roll-up each one has had written since its last update."""
    if not changed:
        return
    # Totals of another zone are not loaded: those components start afresh.
    stored = await load_day_totals(session, changed, tz, region=None)
    starts = {cid: _recount_from(stored.get(cid), day, today) for cid, day in changed.items()}
    rows = []
    for first, component_ids in _grouped(starts).items():
        counts = await load_day_counts(session, component_ids, first=first, stop=today, tz=tz)
        for cid in component_ids:
            kept = _kept_before(stored.get(cid, {}), first)
            regions = {r for c, r in counts if c == cid} | set(kept)
            for region in regions:
                base = kept.get(region) or RunningTotals.empty(first)
                totals = base.extended(today, counts.get((cid, region), {}))
                rows.append(_row(cid, region, totals.starting(today - KEPT_DAYS * DAY), tz))
    await session.exec(delete(_TABLE).where(_TABLE.c.component_id.in_(list(changed))))
    if rows:
        await session.exec(insert(_TABLE), params=rows)


async def components_without_totals(
    session: AsyncSession, *, today: date, tz: ZoneInfo
) -> list[str]:
    """Components with day roll-ups in the kept span before today but no totals
    for this time zone: just upgraded, or the zone changed. (Components without
    such days need none: the reader finds their few roll-ups directly, and
    asking again every run would rebuild nothing.)"""
    covered = select(col(DayTotals.component_id)).where(DayTotals.time_zone == tz.key)
    past_days = select(col(Rollup.component_id)).where(
        Rollup.component_id == Component.id,
        Rollup.granularity == Granularity.DAY,
        Rollup.bucket_start >= day_start(today - KEPT_DAYS * DAY, tz),
        Rollup.bucket_start < day_start(today, tz),
    )
    query = select(col(Component.id)).where(col(Component.id).not_in(covered), past_days.exists())
    return list(await session.exec(query.order_by(col(Component.id))))


def _recount_from(stored: TotalsByRegion | None, changed: date, today: date) -> date:
    """The first day to recount: the changed day, or the end of the stored
    totals if that is earlier; the whole kept span if nothing usable is stored."""
    whole = today - KEPT_DAYS * DAY
    if not stored:
        return whole
    first = max(min(changed, *(t.end_day for t in stored.values())), whole)
    return first if all(t.first_day <= first for t in stored.values()) else whole


def _kept_before(stored: TotalsByRegion, first: date) -> TotalsByRegion:
    """The stored totals cut at `first`, or none when they do not reach it (then
    everything from `first` is recounted, which is always right)."""
    if all(t.first_day <= first <= t.end_day for t in stored.values()):
        return {region: totals.ending(first) for region, totals in stored.items()}
    return {}


def _grouped(starts: Mapping[str, date]) -> dict[date, list[str]]:
    groups: dict[date, list[str]] = {}
    for component_id, first in sorted(starts.items()):
        groups.setdefault(first, []).append(component_id)
    return groups


def _row(component_id: str, region: str, totals: RunningTotals, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "component_id": component_id,
        "region": region,
        "time_zone": tz.key,
        "first_day": totals.first_day,
        "end_day": totals.end_day,
        "running": totals.encode(),
    }
