"""The status evaluator: turn committed probe results into status history rows.

It reads what storage holds rather than what this process probed, so any number
of probe processes in any number of regions feed one decision, taken by the one
process that holds the job's lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from statuspage.config import ComponentConfig
from statuspage.rules.status import CurrentStatus, next_status
from storage.database import Database
from storage.queries.recent import RecentResult, recent_results
from storage.status import record_status_change, statuses_in_force


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


async def evaluate_statuses(
    db: Database, components: Sequence[ComponentConfig], *, threshold: int, now: datetime
) -> list[tuple[str, str]]:
    """Record every status change the recent results call for; return (component, status)."""
    probed = [c for c in components if c.check is not None]
    recent = await recent_results(db, since=now - lookback(probed, threshold))
    in_force = await statuses_in_force(db)
    changed: list[tuple[str, str]] = []
    for component in probed:
        by_region = recent.get(component.id, {})
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
