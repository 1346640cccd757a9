"""The status evaluator: turn committed probe results into status history rows.

It reads what storage holds rather than what this process probed, so any number
of probe processes in any number of regions feed one decision, taken by the one
process that holds the job's lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from statuspage.config import ComponentConfig
from statuspage.rules.status import (
    CurrentStatus,
    blinding_stall_s,
    fresh_regions,
    is_stale,
    next_status,
    stale_limit_s,
)
from storage.database import Database
from storage.freshness import NO_RECENT_DATA, Staleness, record_staleness, stale_components
from storage.queries.recent import RecentResult, recent_results
from storage.status import StatusInForce, record_status_change, statuses_in_force


def lookback(components: Sequence[ComponentConfig], threshold: int) -> timedelta:
    """Long enough to hold `threshold` results of the slowest component, plus slack."""
    longest = max(
        (c.interval_s + (c.check.timeout_s if c.check else 0) for c in components), default=60
    )
    return timedelta(seconds=longest * (threshold + 1))


def run_start(newest_first: Sequence[RecentResult]) -> datetime:
    """Start of the newest run of identical results: when this region's state began."""
    start = newest_first[0]
    for result in newest_first[1:]:
        if result.status != start.status:
            break
        start = result
    return start.started_at


def change_time(
    by_region: Mapping[str, Sequence[RecentResult]], floor: datetime | None
) -> datetime:
    """When the new status took hold: the latest of the regions' run starts, and never
    before the change it follows."""
    at = max(run_start(results) for results in by_region.values())
    return at if floor is None or at > floor else floor


def reason_for(by_region: Mapping[str, Sequence[RecentResult]]) -> str | None:
    errors = [r[0].error for r in by_region.values() if r and r[0].error]
    return errors[0] if errors else None


def limit_s(component: ComponentConfig, stale_after_s: float | None) -> float:
    timeout_s = component.check.timeout_s if component.check else 0.0
    return stale_limit_s(component.interval_s, timeout_s, stale_after_s)


def shortest_blinding_stall_s(
    components: Sequence[ComponentConfig], stale_after_s: float | None
) -> float:
    """The shortest stall of the judge's own loop that could make any probed component
    look silent (`rules.status.blinding_stall_s`)."""
    stalls = [
        blinding_stall_s(c.interval_s, c.check.timeout_s, limit_s(c, stale_after_s))
        for c in components
        if c.check is not None
    ]
    return min(stalls, default=0.0)


def newest_by_region(by_region: Mapping[str, Sequence[RecentResult]]) -> dict[str, datetime]:
    return {region: rs[0].started_at for region, rs in by_region.items() if rs}


async def evaluate_statuses(
    db: Database,
    components: Sequence[ComponentConfig],
    *,
    threshold: int,
    now: datetime,
    stale_after_s: float | None = None,
    watching_since: datetime | None = None,
    buffered: Mapping[str, datetime] | None = None,
) -> list[tuple[str, str]]:
    """Record every status change the recent results call for, and every component whose
    results stopped (or started again); return (component, status or freshness).
    `watching_since`: when the evaluating process could last see for itself again
    (`rules.status.is_stale`, `service/judge_watch.py`); `buffered`: component -> its
    newest result waiting in this process's write buffer, an arrival for freshness."""
    probed = [c for c in components if c.check is not None]
    longest_limit = max((limit_s(c, stale_after_s) for c in probed), default=0.0)
    window = max(lookback(probed, threshold), timedelta(seconds=longest_limit))
    recent = await recent_results(db, since=now - window)
    in_force = await statuses_in_force(db)
    arrivals = _newest_arrivals(probed, recent, buffered or {})
    changed = await _record_freshness(
        db, probed, arrivals, in_force, now, (stale_after_s, watching_since)
    )
    for component in probed:
        newest = newest_by_region(recent.get(component.id, {}))
        limit = limit_s(component, stale_after_s)
        by_region = fresh_regions(recent.get(component.id, {}), newest, now, limit)
        held = in_force.get(component.id)
        current = CurrentStatus(held.status, held.source) if held else CurrentStatus(None, None)
        statuses = {region: [r.status for r in rs] for region, rs in by_region.items()}
        new = next_status(current, statuses, threshold)
        if new is None:
            continue
        at = change_time(by_region, held.at if held else None)
        if await record_status_change(
            db, component.id, new, at=at, source="probe", reason=reason_for(by_region)
        ):
            changed.append((component.id, new))
    return changed


def _newest_arrivals(
    probed: Sequence[ComponentConfig],
    recent: Mapping[str, Mapping[str, Sequence[RecentResult]]],
    buffered: Mapping[str, datetime],
) -> dict[str, datetime | None]:
    """Each component's newest result, committed or still buffered in this process."""
    newest: dict[str, datetime | None] = {}
    for component in probed:
        committed = newest_by_region(recent.get(component.id, {})).values()
        pending = [buffered[component.id]] if component.id in buffered else []
        newest[component.id] = max([*committed, *pending], default=None)
    return newest


async def _record_freshness(
    db: Database,
    probed: Sequence[ComponentConfig],
    newest_arrivals: Mapping[str, datetime | None],
    in_force: Mapping[str, StatusInForce],
    now: datetime,
    limits: tuple[float | None, datetime | None],
) -> list[tuple[str, str]]:
    """Mark components whose results stopped arriving, and those whose results are back.
    A component with no status yet already reads "No Data Yet": it is not marked. One
    marked before a restart stays marked until a result arrives: the grace after a
    start or the judge's own trouble (`limits`: stale_after_s, watching_since) delays
    a new mark only."""
    stale_after_s, watching_since = limits
    known = await stale_components(db)
    changes: dict[str, Staleness] = {}
    for component in probed:
        newest = newest_arrivals[component.id]
        limit = limit_s(component, stale_after_s)
        overdue = is_stale(newest, now, limit, watching_since=watching_since)
        if component.id in in_force and overdue and component.id not in known:
            changes[component.id] = Staleness(now, newest)
        elif component.id in known and not is_stale(newest, now, limit):
            changes[component.id] = Staleness(None, newest)
    await record_staleness(db, changes, now=now)
    return [
        (cid, NO_RECENT_DATA if state.stale_since else "results arriving again")
        for cid, state in changes.items()
    ]
