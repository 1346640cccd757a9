"""How recent probe results turn into a component status, without flapping.

Pure functions: the caller passes the recent results and the current status;
nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from storage.vocabulary import HUMAN_SOURCES, ComponentStatus

OPERATIONAL = ComponentStatus.OPERATIONAL
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL_OUTAGE = ComponentStatus.PARTIAL_OUTAGE
MAJOR_OUTAGE = ComponentStatus.MAJOR_OUTAGE
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CurrentStatus:
    status: str | None  # None: nothing recorded yet
    source: str | None


def settled_result(newest_first: Sequence[str], threshold: int) -> str | None:
    """The result a region agrees on: its last `threshold` results, if all the same."""
    if len(newest_first) < threshold:
        return None
    window = set(newest_first[:threshold])
    return window.pop() if len(window) == 1 else None


def combine_regions(settled: Mapping[str, str]) -> str:
    """One status from each region's settled result ("up", "degraded" or "down")."""
    results = list(settled.values())
    down = results.count("down")
    if down and down == len(results):
        return MAJOR_OUTAGE
    if down:
        return PARTIAL_OUTAGE
    if "degraded" in results:
        return DEGRADED
    return OPERATIONAL


def next_status(
    current: CurrentStatus,
    results_by_region: Mapping[str, Sequence[str]],
    threshold: int,
) -> str | None:
    """The status to record now, or None to leave the history as it is.

    A change needs every reporting region to have settled (its last `threshold`
    results agree); one odd result therefore never flips the page.
    """
    if not results_by_region or _held_by_a_human(current):
        return None
    settled: dict[str, str] = {}
    for region, newest_first in results_by_region.items():
        result = settled_result(newest_first, threshold)
        if result is None:
            return None
        settled[region] = result
    candidate = combine_regions(settled)
    return None if candidate == current.status else candidate


def _held_by_a_human(current: CurrentStatus) -> bool:
    return current.source in HUMAN_SOURCES and current.status != OPERATIONAL


# Staleness: results that stop arriving (no worker, a stuck one, a region cut off)
# must not leave the last status on the page forever.
STALE_INTERVALS = 3  # by default, stale after this many intervals (plus the timeout)


def stale_limit_s(interval_s: float, timeout_s: float, configured_s: float | None) -> float:
    """How long a component may go without a result: `[probes] stale_after_s`, or three
    intervals plus the timeout (two runs missed, the third overdue)."""
    if configured_s is not None:
        return configured_s
    return STALE_INTERVALS * interval_s + timeout_s


def is_stale(
    newest: datetime | None,
    now: datetime,
    limit_s: float,
    *,
    watching_since: datetime | None = None,
) -> bool:
    """No result newer than `limit_s` before `now` (None: none in the window read).
    With `watching_since` (when the judge could last see for itself again: its start,
    the end of its own database outage, the end of its own loop stall), a component
    also gets `limit_s` from then: results missing while the judge was down or blind
    are not yet overdue, so it does not call every component silent before their
    probes (and its own writes) have had their first chance."""
    since = [t for t in (newest, watching_since) if t is not None]
    return not since or (now - max(since)).total_seconds() > limit_s


def blinding_stall_s(interval_s: float, timeout_s: float, limit_s: float) -> float:
    """The shortest stall of the judge's own loop that could make a component whose
    probes are fine look silent: its newest result is normally at most an interval
    and the timeout old, so only a stall taking up the rest of `limit_s` can. Shorter
    stalls, however many, leave silence judged as usual."""
    return max(0.0, limit_s - interval_s - timeout_s)


def fresh_regions(
    by_region: Mapping[str, Sequence[T]],
    newest: Mapping[str, datetime],
    now: datetime,
    limit_s: float,
) -> dict[str, Sequence[T]]:
    """Only the regions still reporting: a region cut off stops counting towards the
    status once its newest result is stale, instead of holding its last word."""
    return {
        region: results
        for region, results in by_region.items()
        if not is_stale(newest.get(region), now, limit_s)
    }
