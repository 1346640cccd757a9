"""Where hour and day buckets start, as UTC instants, for a site time zone.

Hour buckets start on the site's wall-clock hours. For a whole-hour offset
those are UTC hours; for India (+05:30) they start at :30 UTC. Either way every
hour bucket lies inside one local day, so a day is exactly the sum of its hours,
including the 23- and 25-hour days when daylight saving time starts and ends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
_STEP = timedelta(minutes=15)  # every real UTC offset is a multiple of 15 minutes


def hour_start(at: datetime, tz: ZoneInfo) -> datetime:
    """Start (UTC) of the site-local hour that contains `at`."""
    local = at.astimezone(tz)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def next_hour_start(bucket_start: datetime, tz: ZoneInfo) -> datetime:
    """Start (UTC) of the hour bucket after the one starting at `bucket_start`."""
    probe = bucket_start + _STEP
    while hour_start(probe, tz) == bucket_start:
        probe += _STEP
    return hour_start(probe, tz)


def utc_hour(at: datetime) -> datetime:
    """The UTC hour `at` falls in; the writer marks these dirty without knowing the zone."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hour_buckets_of_utc_hour(hour: datetime, tz: ZoneInfo) -> list[datetime]:
    """The one or two site-local hour buckets that overlap a UTC hour."""
    first = hour_start(hour, tz)
    last = hour_start(hour + HOUR - timedelta(microseconds=1), tz)
    return [first] if first == last else [first, last]


def local_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Start (UTC) of a site-local day.

    Where midnight does not exist (a zone that springs forward at 00:00) this is
    the first instant of the day, which is what the wall clock shows as 01:00.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_range(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return day_start(day, tz), day_start(day + DAY, tz)
