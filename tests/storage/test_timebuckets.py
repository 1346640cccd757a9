"""Hour and day boundaries in the site time zone."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.figures.timebuckets import (
    day_range,
    hour_buckets_of_utc_hour,
    hour_start,
    local_date,
    next_hour_start,
    utc_hour,
)

ZONES = [
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
]


def test_a_new_york_spring_forward_day_lasts_23_hours() -> None:
    start, end = day_range(date(2026, 3, 8), ZoneInfo("America/New_York"))
    assert end - start == timedelta(hours=23)


def test_a_new_york_fall_back_day_lasts_25_hours() -> None:
    start, end = day_range(date(2026, 11, 1), ZoneInfo("America/New_York"))
    assert end - start == timedelta(hours=25)


def test_the_repeated_hour_of_a_fall_back_night_is_two_buckets() -> None:
    tz = ZoneInfo("America/New_York")
    first = hour_start(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), tz)  # 01:30 EDT
    second = hour_start(datetime(2026, 11, 1, 6, 30, tzinfo=UTC), tz)  # 01:30 EST
    assert (first, second) == (
        datetime(2026, 11, 1, 5, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    )


def test_a_utc_hour_overlaps_two_buckets_in_a_half_hour_zone() -> None:
    buckets = hour_buckets_of_utc_hour(
        datetime(2026, 3, 2, 10, tzinfo=UTC), ZoneInfo("Asia/Kolkata")
    )
    assert buckets == [
        datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize("zone", ZONES)
@given(minutes=st.integers(min_value=0, max_value=2 * 366 * 24 * 60))
def test_every_instant_is_in_exactly_one_hour_bucket_inside_one_day(
    zone: str, minutes: int
) -> None:
    tz = ZoneInfo(zone)
    at = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=minutes, seconds=7)
    start = hour_start(at, tz)
    end = next_hour_start(start, tz)
    assert start <= at < end
    assert hour_start(start, tz) == start
    day_start, day_end = day_range(local_date(start, tz), tz)
    assert day_start <= start
    assert end <= day_end


def test_the_utc_hour_of_an_instant_in_any_offset() -> None:
    at = datetime(2026, 3, 10, 15, 42, 7, 123, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert utc_hour(at) == datetime(2026, 3, 10, 10, tzinfo=UTC)


def test_a_utc_hour_is_one_bucket_in_a_whole_hour_zone() -> None:
    hour = datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert hour_buckets_of_utc_hour(hour, ZoneInfo("Europe/Berlin")) == [hour]


def test_bucket_starts_are_utc_whatever_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The machine's zone is 14 hours ahead; every start must still be stated in UTC.
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        at = datetime(2026, 3, 10, 23, 40, tzinfo=UTC)
        tz = ZoneInfo("America/New_York")
        starts = [hour_start(at, tz), utc_hour(at), day_range(date(2026, 3, 10), tz)[0]]
        assert [s.tzinfo for s in starts] == [UTC, UTC, UTC]
        assert local_date(at, tz) == date(2026, 3, 10)
    finally:
        monkeypatch.undo()
        time.tzset()
