"""Component status history: one row per change; the status at any moment is read from it."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.errors import NotFound
from storage.figures.timebuckets import HOUR, day_start, utc_hour
from storage.results.dirty import DirtyKey, mark_dirty
from storage.sql import core_rows, table_of
from storage.tables.freshness import ComponentFreshness
from storage.tables.monitoring import Component, ProbeResultRow, StatusChange
from storage.vocabulary import HUMAN_SOURCES, ComponentStatus, StatusSource


@dataclass(frozen=True, slots=True)
class StatusInterval:
    """A span [start, end) during which a component had one status."""

    status: str
    start: datetime
    end: datetime
    source: str
    reason: str | None


class StatusTimeline:
    """A component's status at any instant, from its changes (oldest first, ties by id)."""

    def __init__(self, changes: Iterable[tuple[datetime, str]]) -> None:
        ordered = list(changes)
        self._times = [at for at, _ in ordered]
        self._statuses = [status for _, status in ordered]

    def status_at(self, at: datetime) -> str | None:
        """The status in effect at `at`; None before the first change."""
        index = bisect.bisect_right(self._times, at) - 1
        return self._statuses[index] if index >= 0 else None

    def under_maintenance(self, at: datetime) -> bool:
        return self.status_at(at) == ComponentStatus.UNDER_MAINTENANCE


def intervals_from_changes(
    changes: Sequence[StatusChange], start: datetime, end: datetime
) -> list[StatusInterval]:
    """Clip changes (oldest first) to [start, end). The span before the first change,
    when no status is known, is left out."""
    intervals: list[StatusInterval] = []
    if not changes:
        return intervals
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        span_start = max(change.at, start)
        span_end = end if following is None else min(following.at, end)
        if span_start < span_end:
            intervals.append(
                StatusInterval(
                    change.new_status, span_start, span_end, change.source, change.reason
                )
            )
    return intervals


async def record_status_change(
    db: Database,
    component_id: str,
    new_status: str,
    *,
    at: datetime,
    source: str,
    reason: str | None = None,
    incident_update_id: int | None = None,
) -> bool:
    """Record a change to `new_status` at `at`; False (and nothing written) when the
    component already had that status then. Raises NotFound for an unknown component."""
    async with db.write() as session:
        return await record_status_change_in(
            session,
            component_id,
            new_status,
            at=at,
            source=source,
            reason=reason,
            incident_update_id=incident_update_id,
        )


async def record_status_change_in(
    session: AsyncSession,
    component_id: str,
    new_status: str,
    *,
    at: datetime,
    source: str,
    reason: str | None = None,
    incident_update_id: int | None = None,
) -> bool:
    """`record_status_change` inside the caller's write transaction, so an incident
    update and the status changes it makes commit together or not at all."""
    status, source = ComponentStatus(new_status).value, StatusSource(source).value
    await _lock_component(session, component_id)
    previous = await status_at_in(session, component_id, at)
    if previous == status:
        return False
    session.add(
        StatusChange(
            component_id=component_id,
            old_status=None if previous is None else ComponentStatus(previous),
            new_status=ComponentStatus(status),
            at=at,
            source=StatusSource(source),
            reason=reason,
            incident_update_id=incident_update_id,
        )
    )
    # Results already rolled up after `at` may now fall in maintenance.
    await _mark_results_since(session, component_id, at)
    return True


@dataclass(frozen=True, slots=True)
class StatusRow:
    """What decides the status a page shows for one component."""

    status: str | None  # as `current_statuses` gives it
    held_by_person: bool  # set by an operator or a maintenance window, not the probes
    stale_since: datetime | None  # its results stopped arriving then (storage.freshness)
    last_result_at: datetime | None  # recorded with the staleness


async def status_rows(db: Database) -> dict[str, StatusRow]:
    """Every component not archived, in one query: pages read this on every render."""
    async with db.read() as session:
        rows = await core_rows(session, _STATUS_ROWS_QUERY)
    return {
        cid: StatusRow(
            status=_status_or_default(status, probed),
            held_by_person=source in HUMAN_SOURCES,
            stale_since=stale_since,
            last_result_at=last_result_at,
        )
        for cid, probed, status, source, stale_since, last_result_at in rows
    }


def _status_rows_query() -> Any:
    component_table, change_table = table_of(Component), table_of(StatusChange)
    freshness_table = table_of(ComponentFreshness)
    components, changes, freshness = component_table.c, change_table.c, freshness_table.c
    # A component's latest change, correlated: one probe of the (component_id, at) index
    # per component, where ranking every change would read the whole history.
    latest = (
        select(changes.id)
        .where(changes.component_id == components.id)
        .order_by(changes.at.desc(), changes.id.desc())
        .limit(1)
        .correlate(component_table)
        .scalar_subquery()
    )
    return (
        sa_select(
            components.id,
            components.probed,
            changes.new_status,
            changes.source,
            freshness.stale_since,
            freshness.last_result_at,
        )
        .select_from(component_table)
        .outerjoin(change_table, changes.id == latest)
        .outerjoin(freshness_table, freshness.component_id == components.id)
        .where(components.archived_at.is_(None))
    )


_STATUS_ROWS_QUERY = _status_rows_query()  # built once: every page render runs it


def _status_or_default(status: str | None, probed: bool) -> str | None:
    """A manual component changes only when an operator says so: until then it is
    operational. A probed one has no status until its first results."""
    if status is not None or probed:
        return status
    return ComponentStatus.OPERATIONAL.value


async def current_statuses(db: Database) -> dict[str, str | None]:
    """Latest status of every component not archived; None for a probed component
    with no status recorded yet, "operational" for such a manual one."""
    return {cid: row.status for cid, row in (await status_rows(db)).items()}


@dataclass(frozen=True, slots=True)
class StatusInForce:
    status: str
    source: str
    at: datetime


async def statuses_in_force(db: Database) -> dict[str, StatusInForce]:
    """The latest status change of every component that has one, with who made it."""
    query = select(
        Component.id, StatusChange.new_status, StatusChange.source, StatusChange.at
    ).join(StatusChange, col(StatusChange.id) == _latest_change_id())
    async with db.read() as session:
        rows = await session.exec(query)
        return {cid: StatusInForce(status, source, at) for cid, status, source, at in rows}


def _latest_change_id() -> Any:
    """The id of a component's latest change, correlated to `Component`: one probe of
    the (component_id, at) index per component, where ranking every change with a
    window function would read the whole history on every page render."""
    return (
        select(StatusChange.id)
        .where(StatusChange.component_id == Component.id)
        .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc())
        .limit(1)
        .correlate(Component)
        .scalar_subquery()
    )


async def status_intervals(
    db: Database, component_id: str, start: datetime, end: datetime
) -> list[StatusInterval]:
    """The component's statuses over [start, end), oldest first."""
    async with db.read() as session:
        in_effect = await _last_change_at_or_before(session, component_id, start)
        during = await session.exec(
            select(StatusChange)
            .where(StatusChange.component_id == component_id)
            .where(StatusChange.at > start, StatusChange.at < end)
            .order_by(col(StatusChange.at), col(StatusChange.id))
        )
        changes = ([in_effect] if in_effect else []) + list(during)
    return intervals_from_changes(changes, start, end)


async def manual_status_intervals(
    db: Database, component_id: str, start: datetime, end: datetime
) -> list[StatusInterval]:
    """A manual component's statuses over [start, end), oldest first.

    Until an operator first sets one, a manual component is operational from
    when it was added, as `current_statuses` says: its history must not read
    "no data" while its status reads "Operational".
    """
    intervals = await status_intervals(db, component_id, start, end)
    async with db.read() as session:
        added = await session.scalar(
            select(Component.created_at).where(Component.id == component_id)
        )
    known_from = intervals[0].start if intervals else end
    if added is None or (intervals and known_from <= start):
        return intervals
    default_start = max(added, start)
    if default_start >= known_from:
        return intervals
    default = StatusInterval(
        ComponentStatus.OPERATIONAL.value, default_start, known_from, "default", None
    )
    return [default, *intervals]


async def manual_status_spans(
    db: Database, component_id: str, first_day: date, now: datetime, tz: ZoneInfo
) -> list[tuple[str, datetime, datetime]]:
    """(status, start, end) of a manual component from the start of the site-local
    `first_day` to `now`: what its day bar, calendar and uptime.json are made of."""
    spans = await manual_status_intervals(db, component_id, day_start(first_day, tz), now)
    return [(i.status, i.start, i.end) for i in spans]


async def load_timelines(
    session: AsyncSession, component_ids: Iterable[str], *, until: datetime
) -> dict[str, StatusTimeline]:
    """Timelines of the given components, from all their changes before `until`."""
    ids = sorted(set(component_ids))
    rows = await session.exec(
        select(StatusChange.component_id, StatusChange.at, StatusChange.new_status)
        .where(col(StatusChange.component_id).in_(ids), StatusChange.at < until)
        .order_by(col(StatusChange.at), col(StatusChange.id))
    )
    changes: dict[str, list[tuple[datetime, str]]] = {cid: [] for cid in ids}
    for component_id, at, status in rows:
        changes[component_id].append((at, status))
    return {cid: StatusTimeline(found) for cid, found in changes.items()}


async def _lock_component(session: AsyncSession, component_id: str) -> None:
    # On PostgreSQL the row lock serialises concurrent changes to one component;
    # SQLite's write transaction already holds the database lock.
    found = (
        await session.exec(
            select(Component.id).where(Component.id == component_id).with_for_update()
        )
    ).first()
    if found is None:
        raise NotFound(f"unknown component {component_id!r}")


async def _last_change_at_or_before(
    session: AsyncSession, component_id: str, at: datetime
) -> StatusChange | None:
    query = (
        select(StatusChange)
        .where(StatusChange.component_id == component_id, StatusChange.at <= at)
        .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def status_at_in(session: AsyncSession, component_id: str, at: datetime) -> str | None:
    """The status in effect at `at`, read inside the caller's transaction; None before
    the first change."""
    change = await _last_change_at_or_before(session, component_id, at)
    return None if change is None else change.new_status


async def _mark_results_since(session: AsyncSession, component_id: str, since: datetime) -> None:
    spans = await session.exec(
        select(
            ProbeResultRow.region,
            func.min(ProbeResultRow.scheduled_at),
            func.max(ProbeResultRow.scheduled_at),
        )
        .where(ProbeResultRow.component_id == component_id, ProbeResultRow.scheduled_at >= since)
        .group_by(ProbeResultRow.region)
    )
    keys: list[DirtyKey] = []
    for region, first, last in spans:
        hour = utc_hour(first)
        while hour <= last:
            keys.append((component_id, region, hour))
            hour += HOUR
    await mark_dirty(session, keys)
