"""How soon an open incident needs its next update, from the incident procedure's
response times.

P0 5 minutes, P1 30 minutes, P2 2 hours after the last update; P3 by the end of
the next business day (Monday to Friday unless `[alerting] business_days` says
otherwise, in the site's time zone; public holidays are not known). An incident
without a severity has no target.
Pure: `now` is passed in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.vocabulary import Severity

TARGETS: dict[str, timedelta] = {
    Severity.P0: timedelta(minutes=5),
    Severity.P1: timedelta(minutes=30),
    Severity.P2: timedelta(hours=2),
}
NEXT_BUSINESS_DAY = Severity.P3
MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, as `[alerting] business_days`


def update_due_at(
    severity: str | None,
    last_update_at: datetime,
    tz: ZoneInfo,
    business_days: frozenset[int] = MONDAY_TO_FRIDAY,
) -> datetime | None:
    if severity in TARGETS:
        return last_update_at + TARGETS[severity]
    if severity == NEXT_BUSINESS_DAY:
        return end_of_next_business_day(last_update_at, tz, business_days)
    return None


def end_of_next_business_day(
    at: datetime, tz: ZoneInfo, business_days: frozenset[int] = MONDAY_TO_FRIDAY
) -> datetime:
    if not business_days:
        raise ValueError("no business days")
    day = at.astimezone(tz).date() + timedelta(days=1)
    while day.isoweekday() not in business_days:
        day += timedelta(days=1)
    return _midnight_after(day, tz)


def _midnight_after(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def target_text(severity: str | None) -> str:
    if severity in TARGETS:
        return duration_text(TARGETS[severity])
    return "next business day" if severity == NEXT_BUSINESS_DAY else "none"


def duration_text(delta: timedelta) -> str:
    """ "45 s", "12 min", "2 h 5 min", "3 d 4 h": two units at most, for a glance."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{seconds} s"
