"""Figures shown on the page, computed from roll-ups. Pure: `now` and the zone are passed in.

Definitions (also written on the page):

- availability = (up + degraded) / (up + degraded + down). Results taken while
  the component was under maintenance are left out. No results: None, shown as
  "no data", never as 0 % or 100 %.
- SLA compliance = within_sla / (up + degraded): of the probes that succeeded,
  the share that answered within the component's latency target. None when
  nothing succeeded.
- latency: average from the exact sum; p50 / p95 / p99 are nearest-rank
  percentiles read from the merged histogram, so within one 10 %-wide bucket of
  the exact value. Successful probes only.
- windows: "24h" is the current site-local hour and the 23 before it, read from
  hour roll-ups; "7d" .. "365d" are today and the N-1 days before it, cut at
  midnight in the site time zone, read from day roll-ups.

Counts (`Figures`) and latency (`LatencyFigures`) are computed apart: counts
are plain sums, cheap for a hundred components over a year; latency needs the
histograms merged, which only a single component's page asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from storage.figures import histogram as hist
from storage.figures.aggregate import Aggregate, CountsLike, RollupLike, merged
from storage.figures.timebuckets import (
    DAY,
    HOUR,
    day_range,
    hour_start,
    local_date,
    next_hour_start,
)
from storage.vocabulary import HISTORY_DAYS

_B = TypeVar("_B", bound="CountBucket")

# The window over the page's days of history ("90d"): its figure sits beside the bar.
HISTORY_WINDOW = f"{HISTORY_DAYS}d"
WINDOW_DAYS = {"7d": 7, "30d": 30, HISTORY_WINDOW: HISTORY_DAYS, "365d": 365}
WINDOWS = ("24h", *WINDOW_DAYS)


class CountBucket(CountsLike, Protocol):
    @property
    def bucket_start(self) -> datetime: ...


class Bucket(RollupLike, CountBucket, Protocol):
    pass


class Figures(NamedTuple):
    """Counts over some span, and the availability and SLA compliance they give.

    A named tuple rather than a dataclass: the front page builds one for each of
    9,000 day cells, and `Figures._make` costs a fraction of a dataclass init.
    """

    up: int = 0
    degraded: int = 0
    down: int = 0
    maintenance: int = 0
    within_sla: int = 0

    @property
    def total(self) -> int:
        """Results that count towards availability (maintenance excluded)."""
        return self.up + self.degraded + self.down

    @property
    def has_data(self) -> bool:
        return self.total > 0

    @property
    def availability(self) -> float | None:
        return (self.up + self.degraded) / self.total if self.total else None

    @property
    def sla_compliance(self) -> float | None:
        successful = self.up + self.degraded
        return self.within_sla / successful if successful else None

    def availability_text(self, decimals: int = 2) -> str:
        return format_percent(self.up + self.degraded, self.total, decimals=decimals)

    def sla_compliance_text(self, decimals: int = 2) -> str:
        return format_percent(self.within_sla, self.up + self.degraded, decimals=decimals)


@dataclass(frozen=True, slots=True)
class LatencyFigures:
    count: int
    average_ms: float
    min_ms: float
    max_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


class DayFigure(NamedTuple):
    day: date  # in the site time zone
    figures: Figures


def format_percent(
    numerator: int, denominator: int, *, decimals: int = 2, no_data: str = "no data"
) -> str:
    """A percentage rounded *down*, from exact counts: 99.999 % shows as "99.99",
    and "100.00" appears only when numerator == denominator."""
    if denominator <= 0:
        return no_data
    scale = 10**decimals
    floored = numerator * 100 * scale // denominator
    whole, fraction = divmod(floored, scale)
    return f"{whole}.{fraction:0{decimals}d}" if decimals else str(whole)


def counts_of(buckets: Iterable[CountsLike]) -> Figures:
    up = degraded = down = maintenance = within_sla = 0
    for b in buckets:
        up += b.up
        degraded += b.degraded
        down += b.down
        maintenance += b.maintenance
        within_sla += b.within_sla
    return Figures(up, degraded, down, maintenance, within_sla)


def latency_of(aggregate: Aggregate) -> LatencyFigures | None:
    count = sum(aggregate.histogram.values())
    low, high = aggregate.latency_min_ms, aggregate.latency_max_ms
    if count == 0 or low is None or high is None:
        return None

    def point(fraction: float) -> float:
        value = hist.percentile(aggregate.histogram, fraction, low_ms=low, high_ms=high)
        assert value is not None  # count > 0
        return value

    return LatencyFigures(
        count=count,
        average_ms=aggregate.latency_sum_ms / count,
        min_ms=low,
        max_ms=high,
        p50_ms=point(0.50),
        p95_ms=point(0.95),
        p99_ms=point(0.99),
    )


def window_bounds(window: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a window, on bucket boundaries; the current bucket is included."""
    if window == "24h":
        current = hour_start(now, tz)
        return current - 23 * HOUR, next_hour_start(current, tz)
    today = local_date(now, tz)
    first_day = today - timedelta(days=WINDOW_DAYS[window] - 1)
    return day_range(first_day, tz)[0], day_range(today, tz)[1]


def _inside(buckets: Iterable[_B], window: str, now: datetime, tz: ZoneInfo) -> list[_B]:
    start, end = window_bounds(window, now, tz)
    return [b for b in buckets if start <= b.bucket_start < end]


def window_figures(
    hours: Sequence[CountBucket], days: Sequence[CountBucket], *, now: datetime, tz: ZoneInfo
) -> dict[str, Figures]:
    """Counts per window: "24h" from hour roll-ups, the others from day roll-ups."""
    return {w: counts_of(_inside(hours if w == "24h" else days, w, now, tz)) for w in WINDOWS}


def window_latency(
    hours: Sequence[Bucket], days: Sequence[Bucket], *, now: datetime, tz: ZoneInfo
) -> dict[str, LatencyFigures | None]:
    """Latency per window. The day windows are nested, so each day's histogram is
    decoded and merged once, newest first, and read off at each window's start."""
    latency = {"24h": latency_of(merged(_inside(hours, "24h", now, tz)))}
    total = Aggregate()
    # Oldest last, so that pop() hands out the newest remaining day.
    remaining = sorted(_inside(days, "365d", now, tz), key=lambda b: b.bucket_start)
    starts = sorted(((window_bounds(w, now, tz)[0], w) for w in WINDOW_DAYS), reverse=True)
    for start, window in starts:
        while remaining and remaining[-1].bucket_start >= start:
            total.merge(Aggregate.of(remaining.pop()))
        latency[window] = latency_of(total)
    return latency


def day_figures(
    days: Sequence[CountBucket], *, now: datetime, tz: ZoneInfo, count: int = HISTORY_DAYS
) -> list[DayFigure]:
    """One entry per site-local day, oldest first, ending today; a day without
    results has empty figures (`has_data` False)."""
    by_day: dict[date, list[CountBucket]] = {}
    for bucket in days:
        by_day.setdefault(local_date(bucket.bucket_start, tz), []).append(bucket)
    return [DayFigure(d, counts_of(by_day.get(d, []))) for d in _last_days(now, tz, count)]


def day_latency(
    days: Sequence[Bucket], *, now: datetime, tz: ZoneInfo, count: int = HISTORY_DAYS
) -> dict[date, LatencyFigures]:
    """Latency of each of the last `count` site-local days that had successful probes."""
    by_day: dict[date, list[Bucket]] = {}
    for bucket in days:
        by_day.setdefault(local_date(bucket.bucket_start, tz), []).append(bucket)
    latency = {d: latency_of(merged(by_day.get(d, []))) for d in _last_days(now, tz, count)}
    return {d: figures for d, figures in latency.items() if figures is not None}


def _last_days(now: datetime, tz: ZoneInfo, count: int) -> list[date]:
    today = local_date(now, tz)
    return [today - (count - 1 - i) * DAY for i in range(count)]
