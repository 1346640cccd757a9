"""Day cells: one site-local day of a component, as the 90-day bar and calendar show it.

Colour thresholds (written on the page in "About these figures"):

    good  availability >= 99.9 %
    fair  availability >= 99 %
    poor  availability >= 95 %
    bad   below 95 %
    none  no result that counts (no data, or maintenance only): never 0 % or 100 %

Levels are decided on the exact counts with integer arithmetic, so 99.9 % is
"good" however the division would have rounded.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from statuspage.presentation.display import MONTH_NAMES, clean_text, percent_text, weekday_date_text
from storage.figures.timebuckets import DAY, day_range, local_date
from storage.figures.windows import DayFigure, Figures, window_bounds
from storage.incidents.reads import IncidentView
from storage.vocabulary import HISTORY_DAYS, ComponentStatus

# (level, minimum availability as a fraction num/den); checked in this order.
LEVEL_THRESHOLDS = (("good", 999, 1000), ("fair", 99, 100), ("poor", 95, 100))
LEVEL_LABELS = {
    "good": "at least 99.9 %",
    "fair": "at least 99 %",
    "poor": "at least 95 %",
    "bad": "below 95 %",
    "none": "no data",
}
MAX_NAMED_INCIDENTS = 3  # per cell label; the rest are counted
# Pages read roll-ups, which the roll-up job writes every minute: until a new
# component's first results are rolled up its figures say this, not "no data".
MEASURING = "measuring"
MEASURING_TEXT = "measuring, the first figures appear within a minute"


@dataclass(frozen=True, slots=True)
class DayCell:
    day: date  # in the site time zone
    level: str  # good | fair | poor | bad | none (see the module docstring)
    availability: str  # e.g. "99.95 %" or "no data"
    sla_compliance: str  # e.g. "98.20 %" or "no data"
    incidents: tuple[str, ...]  # names of incidents and maintenance touching the day
    label: str  # the whole sentence: the cell's tooltip and accessible name

    @property
    def anchor(self) -> str:
        return day_anchor(self.day, self.level)


# One letter per level: the first of a day's anchor (see day_anchor).
LEVEL_LETTERS = {"good": "g", "fair": "f", "poor": "p", "bad": "b", "none": "n"}


def day_anchor(day: date, level: str) -> str:
    """A day's id on the component's calendar, e.g. "g0907" for a good 7 September.

    The front page links every day of every bar here (4,500 links for 50
    components), so the id is short and also says the level: the bar colours
    each link from its `href` and needs no class (sizes in docs/page.md). The
    calendar's ninety days never hold the same month and day twice. A day whose
    level changed between the two pages' renders (today, within 30 s) lands on
    the top of the calendar instead of the day.
    """
    return f"{LEVEL_LETTERS.get(level, 'n')}{day.month:02d}{day.day:02d}"


@dataclass(frozen=True, slots=True)
class CalendarMonth:
    title: str  # e.g. "November 2026"
    weeks: tuple[tuple[DayCell | None, ...], ...]  # Monday first; None: outside the range


def day_level(figures: Figures) -> str:
    return _level_of_counts(figures)


def day_levels(day_counts: Iterable[Sequence[int] | None]) -> list[str]:
    """The level of each day from its counts (up, degraded, down, ... as in `Figures`),
    "none" for a day with none. The front page asks this for 4,500 days per render,
    straight from the stored tuples (no `Figures` built for each), so `_level_of_counts`
    is written out here rather than called: a third less time."""
    levels: list[str] = []
    append = levels.append
    for counts in day_counts:
        if counts:
            ok = counts[0] + counts[1]
            total = ok + counts[2]
            if total:
                for level, numerator, denominator in LEVEL_THRESHOLDS:
                    if ok * denominator >= numerator * total:
                        append(level)
                        break
                else:
                    append("bad")
                continue
        append("none")
    return levels


def _level_of_counts(counts: Sequence[int]) -> str:
    up, degraded, down = counts[0], counts[1], counts[2]
    ok, total = up + degraded, up + degraded + down
    if not total:
        return "none"
    for level, numerator, denominator in LEVEL_THRESHOLDS:
        if ok * denominator >= numerator * total:
            return level
    return "bad"


def day_cell(figure: DayFigure, incidents: Sequence[str] = ()) -> DayCell:
    figures = figure.figures
    availability = percent_text(figures.availability_text())
    sla = percent_text(figures.sla_compliance_text())
    return DayCell(
        day=figure.day,
        level=day_level(figures),
        availability=availability,
        sla_compliance=sla,
        incidents=tuple(incidents),
        label=_label(figure, availability, sla, incidents),
    )


def measuring_cell(cell: DayCell) -> DayCell:
    """Today's cell while its first results wait for the roll-up (at most a minute):
    the probes have answered, so "no data" would contradict the status beside it."""
    when = weekday_date_text(cell.day)
    label = f"{when}: {MEASURING_TEXT}; {_incident_phrase(cell.incidents)}"
    return replace(cell, availability=MEASURING, sla_compliance=MEASURING, label=label)


def _label(figure: DayFigure, availability: str, sla: str, incidents: Sequence[str]) -> str:
    when = weekday_date_text(figure.day)
    if figure.figures.has_data:
        measured = f"availability {availability}, within SLA {sla}"
    elif figure.figures.maintenance:
        measured = "no data (under maintenance)"
    else:
        measured = "no data"
    return f"{when}: {measured}; {_incident_phrase(incidents)}"


def _incident_phrase(incidents: Sequence[str]) -> str:
    if not incidents:
        return "no incidents"
    named = "; ".join(incidents[:MAX_NAMED_INCIDENTS])
    more = len(incidents) - MAX_NAMED_INCIDENTS
    count = f"{len(incidents)} incident{'s' if len(incidents) > 1 else ''}"
    return f"{count}: {named}" + (f"; and {more} more" if more > 0 else "")


def day_cells(days: Sequence[DayFigure], incidents: Mapping[date, Sequence[str]]) -> list[DayCell]:
    return [day_cell(d, incidents.get(d.day, ())) for d in days]


def incidents_by_day(
    incidents: Iterable[IncidentView],
    component_id: str,
    *,
    first_day: date,
    now: datetime,
    tz: ZoneInfo,
) -> dict[date, list[str]]:
    """Names of the incidents touching `component_id` on each day from `first_day` to
    today; an incident counts on every day from its start to its end (or now)."""
    found: dict[date, list[str]] = {}
    for incident in incidents:
        if component_id not in incident.components:
            continue
        start, end = _span(incident, now)
        day = max(local_date(start, tz), first_day)
        last = local_date(min(end, now), tz)
        name = ("Maintenance: " if incident.is_maintenance else "") + clean_text(incident.name)
        while day <= last:
            found.setdefault(day, []).append(name)
            day += timedelta(days=1)
    return found


def _span(incident: IncidentView, now: datetime) -> tuple[datetime, datetime]:
    if incident.is_maintenance and incident.scheduled_for is not None:
        start = incident.scheduled_for
        end = incident.resolved_at or incident.scheduled_until or now
        return start, max(start, end)
    return incident.started_at, max(incident.started_at, incident.resolved_at or now)


def calendar_months(cells: Sequence[DayCell]) -> list[CalendarMonth]:
    """Month grids (Monday first) holding the cells; days outside the cells are None.
    Weeks with no cell at all (after today, before the first day) are left out, so
    the current month ends at this week instead of a block of blank rows."""
    by_day = {cell.day: cell for cell in cells}
    months = sorted({(cell.day.year, cell.day.month) for cell in cells})
    grid = calendar.Calendar(firstweekday=0)
    found = []
    for year, month in months:
        weeks = (
            tuple(by_day.get(day) if day.month == month else None for day in week)
            for week in grid.monthdatescalendar(year, month)
        )
        found.append(
            CalendarMonth(
                title=f"{MONTH_NAMES[month - 1]} {year}",
                weeks=tuple(week for week in weeks if any(week)),
            )
        )
    return found


# Manual components have no probes: their days come from the status history, by
# the Statuspage rule (major outage counts fully, partial outage at 30 %,
# degraded performance and maintenance not at all), in parts per million.
_DOWNTIME_WEIGHT_PPM: dict[str, int] = {
    ComponentStatus.MAJOR_OUTAGE: 1_000_000,
    ComponentStatus.PARTIAL_OUTAGE: 300_000,
}
REPORTED_STATUS = "from reported status"  # how every page and the popover name the source


def reported_uptime_ppm(spans: Iterable[tuple[str, float]]) -> int | None:
    """Uptime in parts per million over (status, seconds) spans, rounded down (never
    1_000_000 with any outage); None when no status was known in them.

    Summed in whole microseconds, so the sum is exact however long the span: a year
    with one second of outage is not "100.00"."""
    tracked = lost = 0
    for status, seconds in spans:
        micros = round(seconds * 1_000_000)
        tracked += micros
        lost += _DOWNTIME_WEIGHT_PPM.get(status, 0) * micros
    if tracked <= 0:
        return None
    return (1_000_000 * tracked - lost) // tracked


def reported_level(up_ppm: int | None) -> str:
    """The level of an uptime in parts per million, by the thresholds of measured days."""
    if up_ppm is None:
        return "none"
    return next(
        (name for name, num, den in LEVEL_THRESHOLDS if up_ppm * den >= num * 1_000_000),
        "bad",
    )


def reported_uptime_text(up_ppm: int | None) -> str | None:
    """E.g. "99.95", rounded down like every percentage on the page (`up_ppm` already
    is); None when no status was known."""
    if up_ppm is None:
        return None
    whole, fraction = divmod(up_ppm // 100, 100)
    return f"{whole}.{fraction:02d}"


@dataclass(frozen=True, slots=True)
class StatusDay:
    """A manual component's day from its status history: what the bar, the calendar
    and uptime.json all show for it."""

    day: date
    up_ppm: int | None  # uptime in parts per million; None when no status was known

    @property
    def level(self) -> str:
        return reported_level(self.up_ppm)

    @property
    def uptime_text(self) -> str | None:
        return reported_uptime_text(self.up_ppm)


def status_day(day: date, spans: Sequence[tuple[str, float]]) -> StatusDay:
    """A manual component's day from (status, seconds) spans inside it."""
    return StatusDay(day, reported_uptime_ppm(spans))


def status_day_cell(
    day: date, spans: Sequence[tuple[str, float]], incidents: Sequence[str] = ()
) -> DayCell:
    """A manual component's day cell from (status, seconds) spans inside it."""
    return _status_cell(status_day(day, spans), incidents)


def _status_cell(found: StatusDay, incidents: Sequence[str]) -> DayCell:
    if found.uptime_text is None:
        return day_cell(DayFigure(found.day, Figures()), incidents)
    uptime = f"{found.uptime_text} %"
    when = weekday_date_text(found.day)
    label = f"{when}: uptime {uptime} ({REPORTED_STATUS}); {_incident_phrase(incidents)}"
    return DayCell(found.day, found.level, uptime, "not measured", tuple(incidents), label)


def _spans_within(
    intervals: Sequence[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[str, float]]:
    """(status, seconds) of the intervals' parts inside [start, end)."""
    return [
        (status, (min(e, end) - max(s, start)).total_seconds())
        for status, s, e in intervals
        if s < end and e > start
    ]


def status_days(
    intervals: Sequence[tuple[str, datetime, datetime]], days: Sequence[date], tz: ZoneInfo
) -> list[StatusDay]:
    """One day per site-local day from status intervals (status, start, end)."""
    return [status_day(day, _spans_within(intervals, *day_range(day, tz))) for day in days]


def status_windows(
    intervals: Sequence[tuple[str, datetime, datetime]],
    windows: Iterable[str],
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, int | None]:
    """A manual component's uptime (parts per million) in each window up to `now`, by
    its days' rule over the window's time: "24h" is the 24 hours before `now` (the
    status history is exact, so no hour roll-ups to round to), "7d" .. "90d" start at
    site-local midnight of their first day (`window_bounds`). Time without a known
    status is left out, as on a day; None: no status known in the window. The
    intervals must reach back to the earliest window's start."""
    return {
        window: reported_uptime_ppm(_spans_within(intervals, _window_start(window, now, tz), now))
        for window in windows
    }


def _window_start(window: str, now: datetime, tz: ZoneInfo) -> datetime:
    if window == "24h":
        return now.astimezone(UTC) - DAY
    return window_bounds(window, now, tz)[0]


def status_day_cells(
    intervals: Sequence[tuple[str, datetime, datetime]],
    days: Sequence[date],
    tz: ZoneInfo,
    incidents: Mapping[date, Sequence[str]],
) -> list[DayCell]:
    """One cell per site-local day from status intervals (status, start, end)."""
    return [
        _status_cell(found, incidents.get(found.day, ()))
        for found in status_days(intervals, days, tz)
    ]


def history_days(now: datetime, tz: ZoneInfo) -> list[date]:
    """The site-local days of the bar and the calendar, oldest first, ending today."""
    first_day = local_date(now, tz) - timedelta(days=HISTORY_DAYS - 1)
    return [first_day + timedelta(days=n) for n in range(HISTORY_DAYS)]
