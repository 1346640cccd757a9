"""P3's "next business day" follows `[alerting] business_days`, and its deadline is
the close of `business_hours` in the site's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from statuspage.rules.response_times import (
    MONDAY_TO_FRIDAY,
    BusinessCalendar,
    duration_text,
    end_of_next_business_day,
    parse_business_hours,
    target_text,
    update_due_at,
)

DUBAI = ZoneInfo("Asia/Dubai")
THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=DUBAI)


def test_a_sunday_to_thursday_week_skips_friday_and_saturday() -> None:
    sunday_to_thursday = frozenset({7, 1, 2, 3, 4})
    due = end_of_next_business_day(THURSDAY_NOON, DUBAI, BusinessCalendar(sunday_to_thursday))
    assert due == datetime(2026, 11, 30, 0, 0, tzinfo=DUBAI)  # the end of Sunday the 29th


def test_the_default_week_is_monday_to_friday() -> None:
    assert update_due_at("P3", THURSDAY_NOON, DUBAI) == datetime(2026, 11, 28, tzinfo=DUBAI)


def test_no_business_days_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^no business days$"):
        end_of_next_business_day(THURSDAY_NOON, DUBAI, BusinessCalendar(frozenset()))


BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = BusinessCalendar(MONDAY_TO_FRIDAY, time(9), time(17))


def p3_due(at: datetime) -> datetime | None:
    return update_due_at("P3", at, BERLIN, NINE_TO_FIVE)


def test_a_p3_opened_friday_afternoon_is_due_at_mondays_close() -> None:
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    assert p3_due(friday) == datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN)


def test_a_p3_opened_before_mondays_opening_is_due_at_tuesdays_close() -> None:
    monday_early = datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)
    assert p3_due(monday_early) == datetime(2026, 12, 1, 17, 0, tzinfo=BERLIN)


def test_a_p3_opened_on_saturday_is_due_at_mondays_close() -> None:
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN)
    assert p3_due(saturday) == datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN)


def test_the_close_is_berlins_five_oclock_across_the_change_to_summer_time() -> None:
    friday = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # 16:00 CET; clocks go forward Sunday
    assert p3_due(friday) == datetime(2026, 3, 30, 15, 0, tzinfo=UTC)  # 17:00 CEST


def test_the_close_is_berlins_five_oclock_across_the_change_to_winter_time() -> None:
    friday = datetime(2026, 10, 23, 14, 0, tzinfo=UTC)  # 16:00 CEST; clocks go back Sunday
    assert p3_due(friday) == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)  # 17:00 CET


def test_a_close_at_24_00_is_midnight_like_no_hours() -> None:
    assert parse_business_hours("08:00-24:00") == (time(8), None)
    assert parse_business_hours("09:00-17:30") == (time(9), time(17, 30))


ACROSS_MIDNIGHT = "(hours across midnight are not supported; '24:00' closes at midnight)"
NOT_A_TIME = "is not a time of day (00:00 to 23:59, or 24:00)"
NOT_HOURS = "expected 24-hour opening and closing times like '09:00-17:00'"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("17:00-09:00", f"the close 09:00 must be after the opening 17:00 {ACROSS_MIDNIGHT}"),
        ("09:00-09:00", f"the close 09:00 must be after the opening 09:00 {ACROSS_MIDNIGHT}"),
        ("25:00-26:00", f"25:00 {NOT_A_TIME}"),
        ("09:60-17:00", f"09:60 {NOT_A_TIME}"),
        ("09:00-24:30", f"24:30 {NOT_A_TIME}"),
        ("9-5", NOT_HOURS),
        ("09:00 - 17:00", NOT_HOURS),
    ],
)
def test_business_hours_that_are_not_one_days_hours_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(problem)}$"):
        parse_business_hours(text)


def test_the_last_minute_of_the_day_is_a_time_of_day() -> None:
    assert parse_business_hours("23:00-23:59") == (time(23), time(23, 59))


CHRISTMAS = BusinessCalendar(
    MONDAY_TO_FRIDAY,
    time(9),
    time(17),
    frozenset({date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 28)}),
)


def test_a_holiday_is_not_the_next_business_day() -> None:
    tuesday = datetime(2026, 12, 22, 10, 0, tzinfo=BERLIN)
    due = update_due_at("P3", tuesday, BERLIN, CHRISTMAS)
    assert due == datetime(2026, 12, 23, 17, 0, tzinfo=BERLIN)  # Wednesday is not one
    wednesday = datetime(2026, 12, 23, 10, 0, tzinfo=BERLIN)
    due = update_due_at("P3", wednesday, BERLIN, CHRISTMAS)
    # Thursday 24th and Friday 25th are holidays, then the weekend, then Monday 28th.
    assert due == datetime(2026, 12, 29, 17, 0, tzinfo=BERLIN)


def test_an_incident_opened_on_a_holiday_is_due_on_the_next_business_day() -> None:
    christmas_day = datetime(2026, 12, 25, 11, 0, tzinfo=BERLIN)
    assert update_due_at("P3", christmas_day, BERLIN, CHRISTMAS) == datetime(
        2026, 12, 29, 17, 0, tzinfo=BERLIN
    )


def test_a_holiday_on_a_weekend_changes_nothing() -> None:
    saturday_off = BusinessCalendar(holidays=frozenset({date(2026, 11, 28)}))
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    assert end_of_next_business_day(friday, BERLIN, saturday_off) == datetime(
        2026, 12, 1, 0, 0, tzinfo=BERLIN
    )


def test_a_holiday_is_a_date_in_the_sites_zone() -> None:
    # 23:30 UTC on Tuesday the 22nd is already Wednesday the 23rd in Berlin: the
    # incident's own day is the 23rd, the 24th, 25th and 28th are holidays.
    late = datetime(2026, 12, 22, 23, 30, tzinfo=UTC)
    assert update_due_at("P3", late, BERLIN, CHRISTMAS) == datetime(
        2026, 12, 29, 17, 0, tzinfo=BERLIN
    )


def test_holidays_on_the_only_business_weekday_push_the_deadline_weeks_on() -> None:
    mondays_off = frozenset(date(2026, 11, 30) + timedelta(weeks=n) for n in range(3))
    mondays_only = BusinessCalendar(frozenset({1}), holidays=mondays_off)
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN)
    assert end_of_next_business_day(friday, BERLIN, mondays_only) == datetime(
        2026, 12, 22, 0, 0, tzinfo=BERLIN
    )


def test_holidays_covering_every_weekday_for_weeks_still_end() -> None:
    fortnight = frozenset(date(2026, 12, 1) + timedelta(days=n) for n in range(21))
    calendar = BusinessCalendar(holidays=fortnight)
    start = datetime(2026, 11, 30, 12, 0, tzinfo=BERLIN)
    assert end_of_next_business_day(start, BERLIN, calendar) == datetime(
        2026, 12, 23, 0, 0, tzinfo=BERLIN
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0 s"),
        (0, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (12 * 60 + 59, "12 min"),
        (3600, "1 h"),
        (2 * 3600 + 5 * 60, "2 h 5 min"),
        (86400, "1 d"),
        (3 * 86400 + 4 * 3600 + 59 * 60, "3 d 4 h"),
    ],
)
def test_a_duration_is_written_in_two_units_at_most(seconds: int, text: str) -> None:
    assert duration_text(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("severity", "text"),
    [("P0", "5 min"), ("P1", "30 min"), ("P2", "2 h"), ("P3", "next business day"), (None, "none")],
)
def test_each_severitys_target_in_words(severity: str | None, text: str) -> None:
    assert target_text(severity) == text
