"""The probe workers as operators read them: `statuspage status` and the admin page.

Both show the same rows, built here from the roster (`storage.workers.roster`), the
metric sources configured and the one `now` the caller read. Which live worker holds
a source is `rules.rendezvous.holder`, the very function the workers ask before each
scrape (`Membership.holds`), over the same live members (lease past `now`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from statuspage.metric_specs import source_job_id
from statuspage.rules.rendezvous import holder
from storage.workers import WorkerState


@dataclass(frozen=True, slots=True)
class RosterRow:
    worker: str
    region: str
    host: str
    pid: int
    state: str  # "live" or "departed"
    share: int  # components it probes
    lateness_ms: int  # its latest probe's start past due, at most, over its last beat
    heartbeat_age_s: float  # seconds since its last heartbeat
    heartbeat_at: str  # ISO 8601, UTC
    metric_sources: tuple[str, ...]  # the sources it scrapes, by name; none once departed


HEADINGS = (
    "worker",
    "region",
    "host",
    "pid",
    "state",
    "share",
    "late ms",
    "heartbeat",
    "metric sources",
)


def holders(
    states: Sequence[WorkerState], sources: Sequence[str], now: datetime
) -> dict[str, str | None]:
    """Each metric source's name -> the live worker that holds it, None with none live."""
    regions: dict[str, list[str]] = {}
    for state in states:
        if state.live(now):
            regions.setdefault(state.region, []).append(state.worker_id)
    return {name: holder(source_job_id(name), regions) for name in sources}


def roster_rows(
    states: Sequence[WorkerState], sources: Sequence[str], now: datetime
) -> list[RosterRow]:
    """Live workers first, then those departed, each by region and start. `sources`
    are the metric sources' names, in the order each row lists them."""
    held = holders(states, sources, now)
    rows = [
        RosterRow(
            worker=s.worker_id,
            region=s.region,
            host=s.host,
            pid=s.pid,
            state="live" if s.live(now) else "departed",
            share=s.share if s.live(now) else 0,
            lateness_ms=round(s.lateness_s * 1000),
            heartbeat_age_s=round(max(0.0, (now - s.heartbeat_at).total_seconds()), 1),
            heartbeat_at=s.heartbeat_at.isoformat(),
            metric_sources=tuple(name for name in sources if held[name] == s.worker_id),
        )
        for s in states
    ]
    return sorted(rows, key=lambda r: (r.state != "live", r.region))


def as_cells(row: RosterRow) -> tuple[str, ...]:
    age = f"{row.heartbeat_age_s:.1f} s ago"
    return (
        row.worker,
        row.region,
        row.host,
        str(row.pid),
        row.state,
        str(row.share),
        str(row.lateness_ms),
        age,
        ", ".join(row.metric_sources) or "-",
    )


def unheld(rows: Sequence[RosterRow], sources: Sequence[str]) -> tuple[str, ...]:
    """The metric sources no live worker holds: every one when no worker is live."""
    held = {name for row in rows for name in row.metric_sources}
    return tuple(name for name in sources if name not in held)


def live_by_region(rows: Sequence[RosterRow]) -> dict[str, tuple[int, int]]:
    """Region -> (live workers, components they probe between them)."""
    regions: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.state == "live":
            workers, share = regions.get(row.region, (0, 0))
            regions[row.region] = (workers + 1, share + row.share)
    return regions
