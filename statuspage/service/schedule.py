"""When each component's probe is due: even spreading and drift-free due times.

Run n of a component is due at `anchor + offset + n * interval`, whatever the
probes took. The anchor is a fixed instant so every process computes the same
due times, which keeps the due time of a result recomputable from its start time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)


def spread_offsets(intervals: Sequence[float]) -> list[float]:
    """Offsets (seconds) that spread components of equal interval evenly over it.

    Components are grouped by interval; the k-th of n in a group starts k/n of
    the way into the interval, so a start-up never fires every probe at once.
    """
    counts: dict[float, int] = {}
    for interval in intervals:
        counts[interval] = counts.get(interval, 0) + 1
    seen: dict[float, int] = {}
    offsets = []
    for interval in intervals:
        k = seen.get(interval, 0)
        seen[interval] = k + 1
        offsets.append(interval * k / counts[interval])
    return offsets


def due_at_or_after(moment: datetime, offset_s: float, interval_s: float) -> datetime:
    """The first due time at or after `moment`: where a new job's grid starts."""
    elapsed = (moment - ANCHOR).total_seconds() - offset_s
    n = math.ceil(elapsed / interval_s - 1e-9)
    return ANCHOR + timedelta(seconds=offset_s + n * interval_s)


def due_at_or_before(moment: datetime, offset_s: float, interval_s: float) -> datetime:
    """The latest due time not after `moment`: the run a job started at `moment` serves."""
    elapsed = (moment - ANCHOR).total_seconds() - offset_s
    n = math.floor(elapsed / interval_s + 1e-9)
    return ANCHOR + timedelta(seconds=offset_s + n * interval_s)


# A taken-over component already overdue runs within this long (or its interval, if
# shorter), the overdue ones spread over it, so a large share does not fire in one burst.
OVERDUE_SPREAD_S = 5.0


def grid_offset(moment: datetime, interval_s: float) -> float:
    """The offset of the grid on which `moment` is a due time."""
    return (moment - ANCHOR).total_seconds() % interval_s


def resume_times(
    last_runs: dict[str, tuple[datetime, float]], now: datetime
) -> dict[str, datetime]:
    """When each component taken over from another worker first runs here, given as
    component -> (due time of its last stored result, interval): one interval after
    that run, on the same grid and never sooner, so a component another worker probed
    just before it stopped is not probed twice in an interval. A component whose next
    run has already passed is due at once, the overdue ones spread over the next
    `OVERDUE_SPREAD_S` (or their interval, if shorter)."""
    first: dict[str, datetime] = {}
    overdue: list[tuple[str, float]] = []
    for component_id, (last, interval_s) in last_runs.items():
        after = last + timedelta(seconds=interval_s)
        if after >= now:
            first[component_id] = after
        else:
            overdue.append((component_id, interval_s))
    for k, (component_id, interval_s) in enumerate(overdue):
        delay_s = min(OVERDUE_SPREAD_S, interval_s) * k / len(overdue)
        first[component_id] = now + timedelta(seconds=delay_s)
    return first
