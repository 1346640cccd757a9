"""How soon an open incident needs its next update, from the incident procedure's
response times.

P0 5 minutes, P1 30 minutes, P2 2 hours after the last update; P3 by the close of
business on the next business day. The next business day is the first business day
(Monday to Friday unless `[alerting] business_days` says otherwise) after the
calendar day the clock started on, in the site's time zone: Friday 16:00 and
Saturday are both due on Monday, Monday 08:00 on Tuesday. The close is the end of
`[alerting] business_hours` (midnight when it is not set). A date in
`[alerting] holidays` is not a business day, whatever its weekday. An incident
without a severity has no target.
Pure: `now` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
_HOURS = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$", re.ASCII)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When the team works, for P3: ISO weekdays (Monday = 1), the hours of a
    business day as wall-clock times in the site's time zone, and the dates that are
    not business days whatever their weekday (public holidays, a company day off)."""

    days: frozenset[int] = MONDAY_TO_FRIDAY
    opens: time = time(0)
    closes: time | None = None  # None: midnight at the end of the day
    holidays: frozenset[date] = frozenset()

    def is_business_day(self, day: date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays


# No `business_hours`: a P3 is due at midnight ending the next Monday-to-Friday day.
DEFAULT_CALENDAR = BusinessCalendar()


def parse_business_hours(text: str) -> tuple[time, time | None]:
    """ "09:00-17:00" -> (09:00, 17:00); "00:00-24:00" -> (00:00, None). Hours that
    cross midnight are refused: a business day here is one calendar day."""
    match = _HOURS.match(text)
    if match is None:
        raise ValueError("expected 24-hour opening and closing times like '09:00-17:00'")
    oh, om, ch, cm = (int(g) for g in match.groups())
    opens = _clock_time(oh, om)
    closes = None if (ch, cm) == (24, 0) else _clock_time(ch, cm)
    if closes is not None and closes <= opens:
        raise ValueError(
            f"the close {closes:%H:%M} must be after the opening {opens:%H:%M} "
            "(hours across midnight are not supported; '24:00' closes at midnight)"
        )
    return opens, closes


def _clock_time(hour: int, minute: int) -> time:
    if hour > 23 or minute > 59:
        raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day (00:00 to 23:59, or 24:00)")
    return time(hour, minute)


def update_due_at(
    severity: str | None,
    last_update_at: datetime,
    tz: ZoneInfo,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
) -> datetime | None:
    if severity in TARGETS:
        return last_update_at + TARGETS[severity]
    if severity == NEXT_BUSINESS_DAY:
        return end_of_next_business_day(last_update_at, tz, calendar)
    return None


def end_of_next_business_day(
    at: datetime, tz: ZoneInfo, calendar: BusinessCalendar = DEFAULT_CALENDAR
) -> datetime:
    if not calendar.days:
        raise ValueError("no business days")
    day = at.astimezone(tz).date() + timedelta(days=1)
    # Ends: some weekday in `days` recurs every week and the holidays are finite.
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return _close_of(day, calendar.closes, tz)


def _close_of(day: date, closes: time | None, tz: ZoneInfo) -> datetime:
    # A wall-clock time in the zone: zoneinfo gives that day's offset, so 17:00 stays
    # 17:00 across a change to or from summer time.
    if closes is None:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return datetime.combine(day, closes, tzinfo=tz)


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
