"""Day cells: colour thresholds on exact counts, honest "no data", incidents per day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from statuspage.presentation.days import (
    StatusDay,
    calendar_months,
    day_anchor,
    day_cell,
    day_cells,
    day_level,
    day_levels,
    history_days,
    incidents_by_day,
    measuring_cell,
    reported_level,
    reported_uptime_ppm,
    status_day_cell,
    status_day_cells,
    status_windows,
)
from storage.figures.windows import DayFigure, Figures
from storage.incidents.reads import IncidentView
from tests.storage.builders import incident_view
from tests.web.factories import BERLIN, NOW

DAY = date(2026, 11, 20)


def figures(up: int, down: int = 0, **more: int) -> Figures:
    return Figures(up=up, down=down, **more)


@pytest.mark.parametrize(
    ("up", "down", "level"),
    [
        (999, 1, "good"),  # exactly 99.9 %
        (998, 2, "fair"),
        (99, 1, "fair"),  # exactly 99 %
        (98, 2, "poor"),
        (95, 5, "poor"),  # exactly 95 %
        (94, 6, "bad"),
        (0, 10, "bad"),
    ],
)
def test_levels_follow_the_published_thresholds(up: int, down: int, level: str) -> None:
    assert day_level(figures(up, down)) == level


def test_a_day_without_results_has_no_colour_and_says_no_data() -> None:
    cell = day_cell(DayFigure(DAY, Figures()))
    assert (cell.level, cell.availability, cell.sla_compliance) == ("none", "no data", "no data")
    assert cell.label == "Fri 20 Nov 2026: no data; no incidents"


def test_a_day_under_maintenance_only_is_no_data_and_says_why() -> None:
    cell = day_cell(DayFigure(DAY, figures(0, maintenance=30)))
    assert cell.level == "none"
    assert "no data (under maintenance)" in cell.label


def test_the_label_gives_date_availability_sla_compliance_and_incidents() -> None:
    cell = day_cell(DayFigure(DAY, figures(999, 1, within_sla=900)), ["Slow API"])
    assert cell.label == (
        "Fri 20 Nov 2026: availability 99.90 %, within SLA 90.09 %; 1 incident: Slow API"
    )


def test_availability_is_rounded_down_so_it_never_shows_a_perfect_day_that_was_not() -> None:
    assert day_cell(DayFigure(DAY, figures(99_999, 1))).availability == "99.99 %"


def test_many_incidents_are_named_up_to_three_and_counted() -> None:
    cell = day_cell(DayFigure(DAY, figures(10)), ["a", "b", "c", "d", "e"])
    assert cell.label.endswith("5 incidents: a; b; c; and 2 more")


def incident(
    started: datetime, resolved: datetime | None, *, components: dict[str, str]
) -> IncidentView:
    return incident_view(
        started,
        name="Outage\x07",
        status="resolved" if resolved else "identified",
        impact="major",
        resolved_at=resolved,
        components=components,
    )


def test_an_incident_counts_on_every_day_from_start_to_resolution() -> None:
    start = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    found = incidents_by_day(
        [incident(start, start + timedelta(days=1), components={"api": "major_outage"})],
        "api",
        first_day=date(2026, 9, 1),
        now=NOW,
        tz=BERLIN,
    )
    assert found == {date(2026, 11, 22): ["Outage"], date(2026, 11, 23): ["Outage"]}


def test_an_open_incident_runs_until_today_and_only_on_its_components() -> None:
    start = NOW - timedelta(days=2)
    views = [incident(start, None, components={"api": "major_outage"})]
    assert len(incidents_by_day(views, "api", first_day=DAY, now=NOW, tz=BERLIN)) == 3
    assert incidents_by_day(views, "database", first_day=DAY, now=NOW, tz=BERLIN) == {}


def test_calendar_months_start_on_monday_and_leave_other_days_empty() -> None:
    cells = [day_cell(DayFigure(date(2026, 11, d), figures(1))) for d in (29, 30)]
    cells.append(day_cell(DayFigure(date(2026, 12, 1), figures(1))))
    november, december = calendar_months(cells)
    assert (november.title, december.title) == ("November 2026", "December 2026")
    last_week = november.weeks[-1]  # Mon 30 Nov .. Sun 6 Dec
    assert last_week[0] is not None
    assert last_week[0].day == date(2026, 11, 30)
    assert all(cell is None for cell in last_week[1:])


def test_a_manual_components_day_counts_major_outage_fully_and_partial_at_30_percent() -> None:
    day = date(2026, 11, 20)
    hour = 3600.0
    cell = status_day_cell(
        day, [("operational", 21 * hour), ("major_outage", 2 * hour), ("partial_outage", hour)]
    )
    # lost: 2 h + 0.3 h of 24 h -> 90.41 % (rounded down)
    assert cell.availability == "90.41 %"
    assert cell.level == "bad"
    assert "uptime 90.41 % (from reported status)" in cell.label


def test_a_manual_component_with_no_history_that_day_has_no_data() -> None:
    cell = status_day_cell(date(2026, 11, 20), [])
    assert cell.level == "none"
    assert cell.availability == "no data"


def test_manual_day_cells_are_cut_at_site_midnight() -> None:
    tz = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 11, 19, 23, 0, tzinfo=tz)
    end = datetime(2026, 11, 20, 1, 0, tzinfo=tz)
    cells = status_day_cells(
        [("major_outage", start, end)], [date(2026, 11, 19), date(2026, 11, 20)], tz, {}
    )
    # Each day holds one hour of the outage, and only that hour has a known status.
    assert [(c.day.day, c.availability) for c in cells] == [(19, "0.00 %"), (20, "0.00 %")]


def test_a_manual_components_day_with_any_outage_is_never_100_percent() -> None:
    cell = status_day_cell(
        date(2026, 11, 20), [("operational", 86_399.999), ("major_outage", 0.001)]
    )
    assert cell.availability == "99.99 %"


def test_manual_windows_start_at_site_midnight_and_the_24_hours_before_now() -> None:
    # Major outage 23:00 to 01:00 in Berlin: the 7 days start at midnight, so they hold
    # one hour of it (of 6 days 11.25 hours); the 24 hours before now hold none of it.
    outage_start, outage_end = (
        datetime(2026, 11, 19, 22, tzinfo=UTC),
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    intervals = [
        ("operational", datetime(2026, 10, 1, tzinfo=UTC), outage_start),
        ("major_outage", outage_start, outage_end),
        ("operational", outage_end, NOW),
    ]
    found = status_windows(intervals, ("24h", "7d"), NOW, BERLIN)
    assert found == {"24h": 1_000_000, "7d": 1_000_000 - 6_442}  # 1 h / 155.25 h, rounded down


def test_a_manual_window_without_a_known_status_has_no_figure() -> None:
    intervals = [("major_outage", NOW - timedelta(days=3), NOW - timedelta(days=2))]
    assert status_windows(intervals, ("24h", "7d"), NOW, BERLIN) == {"24h": None, "7d": 0}


def test_a_month_has_no_week_without_a_day_of_the_range() -> None:
    # 1 to 3 Dec: the rest of December is after today, so no blank weeks under it.
    cells = [day_cell(DayFigure(date(2026, 12, d), figures(1))) for d in (1, 2, 3)]
    (december,) = calendar_months(cells)
    assert len(december.weeks) == 1
    days = [c.day.day if c else None for c in december.weeks[0]]
    assert days == [None, 1, 2, 3, None, None, None]


def test_a_days_anchor_is_its_level_letter_month_and_day() -> None:
    assert day_anchor(date(2026, 9, 7), "good") == "g0907"
    assert day_anchor(date(2026, 12, 31), "bad") == "b1231"
    assert day_cell(DayFigure(date(2026, 11, 2), Figures())).anchor == "n1102"


def test_day_levels_read_the_stored_counts_as_day_level_reads_figures() -> None:
    # (up, degraded, down, maintenance, within_sla), as the day totals store them.
    counts = [
        None,  # nothing stored for the day
        (0, 0, 0, 7, 0),  # maintenance only: nothing that counts
        (999, 0, 1, 0, 0),
        (500, 499, 1, 0, 0),  # degraded is available: 99.9 %
        (0, 990, 10, 0, 0),
        (1, 94, 5, 3, 0),
        (90, 4, 6, 0, 0),
    ]
    levels = day_levels(counts)
    assert levels == ["none", "none", "good", "good", "fair", "poor", "bad"]
    assert levels[1:] == [day_level(Figures._make(c)) for c in counts[1:] if c is not None]


def test_the_label_names_up_to_three_incidents_and_counts_the_rest() -> None:
    def phrase(names: list[str]) -> str:
        return day_cell(DayFigure(DAY, figures(10)), names).label.split("; ", 1)[1]

    assert phrase(["a", "b"]) == "2 incidents: a; b"
    assert phrase(["a", "b", "c"]) == "3 incidents: a; b; c"
    assert phrase(["a", "b", "c", "d"]) == "4 incidents: a; b; c; and 1 more"


def test_a_cell_keeps_its_incidents_and_a_maintenance_day_says_so_in_full() -> None:
    cell = day_cell(DayFigure(DAY, figures(0, maintenance=30)), ["Upgrade"])
    assert cell.incidents == ("Upgrade",)
    assert cell.label == "Fri 20 Nov 2026: no data (under maintenance); 1 incident: Upgrade"


def test_day_cells_give_each_day_its_own_incidents() -> None:
    days = [DayFigure(DAY, figures(1)), DayFigure(DAY + timedelta(days=1), figures(1))]
    cells = day_cells(days, {DAY + timedelta(days=1): ["Outage"]})
    assert [c.incidents for c in cells] == [(), ("Outage",)]


def test_a_measuring_cell_says_so_instead_of_no_data_and_keeps_its_incidents() -> None:
    cell = measuring_cell(day_cell(DayFigure(DAY, Figures()), ["Outage"]))
    assert (cell.day, cell.level, cell.incidents) == (DAY, "none", ("Outage",))
    assert (cell.availability, cell.sla_compliance) == ("measuring", "measuring")
    assert cell.label == (
        "Fri 20 Nov 2026: measuring, the first figures appear within a minute; 1 incident: Outage"
    )


def test_an_unknown_level_anchors_as_no_data() -> None:
    assert day_anchor(date(2026, 1, 2), "measuring") == "n0102"


def test_incidents_fall_on_site_local_days_and_other_components_are_skipped() -> None:
    start = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)  # 00:30 on the 22nd in Berlin
    views = [
        incident(start, start, components={"database": "major_outage"}),
        incident(start, start + timedelta(days=1), components={"api": "major_outage"}),
    ]
    found = incidents_by_day(views, "api", first_day=DAY, now=NOW, tz=BERLIN)
    assert found == {date(2026, 11, 22): ["Outage"], date(2026, 11, 23): ["Outage"]}


def maintenance(
    scheduled: tuple[datetime, datetime], resolved: datetime | None = None
) -> IncidentView:
    # Its start time is when it was entered: its days are those of its schedule.
    entered = datetime(2026, 11, 1, tzinfo=UTC)
    return replace(
        incident(entered, resolved, components={"api": "under_maintenance"}),
        kind="maintenance",
        name="Upgrade",
        scheduled_for=scheduled[0],
        scheduled_until=scheduled[1],
    )


def test_maintenance_counts_on_the_days_of_its_schedule() -> None:
    window = (datetime(2026, 11, 21, 22, tzinfo=UTC), datetime(2026, 11, 22, 0, 30, tzinfo=UTC))
    found = incidents_by_day([maintenance(window)], "api", first_day=DAY, now=NOW, tz=BERLIN)
    assert found == {
        date(2026, 11, 21): ["Maintenance: Upgrade"],
        date(2026, 11, 22): ["Maintenance: Upgrade"],
    }


def test_maintenance_ended_early_ends_then_and_one_ended_unbegun_keeps_its_first_day() -> None:
    window = (datetime(2026, 11, 21, 22, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC))
    early = maintenance(window, resolved=datetime(2026, 11, 22, 8, tzinfo=UTC))
    never = maintenance(window, resolved=datetime(2026, 11, 20, 8, tzinfo=UTC))
    for view, days in ((early, [21, 22]), (never, [21])):
        found = incidents_by_day([view], "api", first_day=DAY, now=NOW, tz=BERLIN)
        assert sorted(d.day for d in found) == days


def test_an_incident_counts_from_its_start_whatever_schedule_it_carries() -> None:
    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    view = replace(
        incident(start, start, components={"api": "major_outage"}),
        scheduled_for=datetime(2026, 11, 21, 9, tzinfo=UTC),
        scheduled_until=datetime(2026, 11, 22, 9, tzinfo=UTC),
    )
    found = incidents_by_day([view], "api", first_day=DAY, now=NOW, tz=BERLIN)
    assert found == {date(2026, 11, 24): ["Outage"]}


def test_a_manual_day_cell_gives_its_uptime_not_a_measurement_and_its_incidents() -> None:
    cell = status_day_cell(DAY, [("operational", 3600.0)], ["Outage"])
    assert (cell.availability, cell.sla_compliance, cell.incidents) == (
        "100.00 %",
        "not measured",
        ("Outage",),
    )
    assert (
        cell.label == "Fri 20 Nov 2026: uptime 100.00 % (from reported status); 1 incident: Outage"
    )
    empty = status_day_cell(DAY, [], ["Outage"])
    assert empty.label == "Fri 20 Nov 2026: no data; 1 incident: Outage"


def test_manual_day_cells_take_each_days_incidents() -> None:
    tz = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 11, 20, 8, tzinfo=tz)
    cells = status_day_cells(
        [("operational", start, start + timedelta(hours=1))], [DAY], tz, {DAY: ["Outage"]}
    )
    assert cells[0].incidents == ("Outage",)


@pytest.mark.parametrize(
    ("ppm", "level"),
    [
        (1_000_000, "good"),
        (999_000, "good"),
        (998_999, "fair"),
        (990_000, "fair"),
        (950_000, "poor"),
        (949_999, "bad"),
        (None, "none"),
    ],
)
def test_a_manual_days_level_follows_the_published_thresholds(ppm: int | None, level: str) -> None:
    assert reported_level(ppm) == level
    assert StatusDay(DAY, ppm).level == level


def test_manual_uptime_is_summed_in_whole_microseconds() -> None:
    # 0.3 s up and 0.7 s down is 30 % exactly; any other scale of the microseconds
    # rounds the parts apart (0.7 s of 1.000001 s is 299,999 ppm up).
    assert reported_uptime_ppm([("operational", 0.3), ("major_outage", 0.7)]) == 300_000
    assert reported_uptime_ppm([("major_outage", 0.000_001)]) == 0  # one microsecond known
    assert reported_uptime_ppm([("major_outage", 0.0)]) is None


def test_the_manual_24_hours_are_the_24_hours_before_now_not_whole_hours() -> None:
    # NOW is 10:15 UTC: the hour from 10:15 yesterday is in the 24 hours, though the
    # measured 24 hours (hour roll-ups) would start at 11:00 yesterday.
    day_ago = NOW - timedelta(days=1)
    intervals = [
        ("major_outage", day_ago, day_ago + timedelta(hours=1)),
        ("operational", day_ago + timedelta(hours=1), NOW),
    ]
    assert status_windows(intervals, ("24h",), NOW, BERLIN) == {
        "24h": 958_333
    }  # 1 h of 24, rounded down


def test_the_history_is_ninety_site_local_days_ending_today() -> None:
    late = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already the 27th in Berlin
    days = history_days(late, BERLIN)
    assert (len(days), days[0], days[-1]) == (90, date(2026, 8, 30), date(2026, 11, 27))
    assert all(b - a == timedelta(days=1) for a, b in pairwise(days))
