"""P3's "next business day" follows `[alerting] business_days`, and its deadline is
the close of `business_hours` in the site's time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from statuspage.rules.response_times import (
    MONDAY_TO_FRIDAY,
    BusinessCalendar,
    end_of_next_business_day,
    parse_business_hours,
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
    with pytest.raises(ValueError, match="no business days"):
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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("17:00-09:00", "the close 09:00 must be after the opening 17:00"),
        ("09:00-09:00", "the close 09:00 must be after the opening 09:00"),
        ("25:00-26:00", "25:00 is not a time of day"),
        ("09:60-17:00", "09:60 is not a time of day"),
        ("9-5", "expected 24-hour opening and closing times like '09:00-17:00'"),
        ("09:00 - 17:00", "expected 24-hour opening and closing times"),
    ],
)
def test_business_hours_that_are_not_one_days_hours_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_business_hours(text)
