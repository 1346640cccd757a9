"""Figures from roll-ups: definitions, display, and agreement with raw results."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.figures.aggregate import Aggregate, RawResult
from storage.figures.timebuckets import day_range
from storage.figures.windows import (
    WINDOWS,
    DayFigure,
    Figures,
    counts_of,
    day_figures,
    day_latency,
    format_percent,
    latency_of,
    window_bounds,
    window_figures,
    window_latency,
)
from storage.queries.summary import StoredBucket
from storage.results.rollup import day_aggregates, hour_aggregates
from tests.storage.builders import assert_latency_agrees
from tests.storage.oracles import figures_from_raw, latency_from_raw

NOW = datetime(2026, 3, 10, 15, 20, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def figures(up: int = 0, degraded: int = 0, down: int = 0, within_sla: int = 0) -> Figures:
    return Figures(up=up, degraded=degraded, down=down, within_sla=within_sla)


def bucket(start: datetime, aggregate: Aggregate) -> StoredBucket:
    return StoredBucket("api", start, **aggregate.columns())  # type: ignore[arg-type]


def test_availability_counts_degraded_as_available() -> None:
    assert figures(up=6, degraded=2, down=2).availability == 0.8


def test_no_results_means_no_availability_rather_than_0_or_100_percent() -> None:
    assert figures().availability is None
    assert figures().availability_text() == "no data"


def test_sla_compliance_is_within_target_over_successful_probes() -> None:
    assert figures(up=3, degraded=1, down=6, within_sla=3).sla_compliance == 0.75
    assert figures(down=5).sla_compliance is None


def test_a_percentage_is_rounded_down_so_a_failure_never_shows_as_100() -> None:
    assert format_percent(99_999, 100_000) == "99.99"
    assert format_percent(999_999_999, 1_000_000_000) == "99.99"
    assert format_percent(5, 5) == "100.00"
    assert format_percent(2, 3, decimals=1) == "66.6"
    assert format_percent(0, 0) == "no data"
    assert format_percent(1, 1) == "100.00"
    assert format_percent(2, 3, decimals=0) == "66"


def test_results_under_maintenance_do_not_count_towards_availability() -> None:
    total = Aggregate()
    total.add("down", 10.0, within_sla=False, maintenance=True)
    total.add("up", 10.0, within_sla=True, maintenance=False)
    assert (counts_of([total]).availability, counts_of([total]).maintenance) == (1.0, 1)


def test_latency_percentiles_come_from_successful_probes_only() -> None:
    total = Aggregate()
    for ms in (100.0, 110.0, 120.0):
        total.add("up", ms, within_sla=True, maintenance=False)
    total.add("down", 10_000.0, within_sla=False, maintenance=False)
    latency = latency_of(total)
    assert latency is not None
    assert (latency.count, latency.average_ms, latency.max_ms) == (
        3,
        110.0,
        120.0,
    )


def test_the_24_hour_window_is_the_current_hour_and_the_23_before() -> None:
    start, end = window_bounds("24h", NOW, UTC_ZONE)
    assert (start, end) == (
        datetime(2026, 3, 9, 16, tzinfo=UTC),
        datetime(2026, 3, 10, 16, tzinfo=UTC),
    )


def test_a_7_day_window_is_today_and_six_days_before_in_the_site_zone() -> None:
    tz = ZoneInfo("America/New_York")
    assert window_bounds("7d", NOW, tz) == (
        day_range(date(2026, 3, 4), tz)[0],
        day_range(date(2026, 3, 10), tz)[1],
    )


def test_day_figures_list_90_days_oldest_first_with_empty_days() -> None:
    total = Aggregate(up=1)
    days = day_figures([bucket(datetime(2026, 3, 9, tzinfo=UTC), total)], now=NOW, tz=UTC_ZONE)
    assert (len(days), days[0].day, days[-1].day) == (90, date(2025, 12, 11), date(2026, 3, 10))
    assert [d.day for d in days if d.figures.has_data] == [date(2026, 3, 9)]
    assert days[-1].figures.availability is None


ZONES = st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin"])
raw_results = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=9 * 24 * 60 - 1),  # minute in the nine days to NOW
        st.sampled_from(["up", "degraded", "down"]),
        st.floats(min_value=0.1, max_value=70_000.0),
        st.booleans(),
    ),
    max_size=120,
)
maintenance_windows = st.lists(
    st.tuples(st.integers(0, 9 * 24 * 60), st.integers(1, 600)), max_size=3
)


@settings(max_examples=300, deadline=None)
@given(raw=raw_results, windows=maintenance_windows, zone=ZONES)
def test_figures_from_roll_ups_match_figures_from_raw_results(
    raw: list[tuple[int, str, float, bool]], windows: list[tuple[int, int]], zone: str
) -> None:
    tz, origin = ZoneInfo(zone), NOW - timedelta(days=9)
    results: list[RawResult] = [
        (origin + timedelta(minutes=m), s, lat, ok and s != "down") for m, s, lat, ok in raw
    ]
    spans = [(origin + timedelta(minutes=a), origin + timedelta(minutes=a + n)) for a, n in windows]

    def under_maintenance(at: datetime) -> bool:
        return any(start <= at < end for start, end in spans)

    hours = hour_aggregates(results, under_maintenance, tz)
    days = {day_range(d, tz)[0]: a for d, a in day_aggregates(hours, tz).items()}
    hour_buckets = [bucket(s, a) for s, a in hours.items()]
    day_buckets = [bucket(s, a) for s, a in days.items()]
    counts = window_figures(hour_buckets, day_buckets, now=NOW, tz=tz)
    latency = window_latency(hour_buckets, day_buckets, now=NOW, tz=tz)
    for window in WINDOWS:
        span = window_bounds(window, NOW, tz)
        assert counts[window] == figures_from_raw(results, under_maintenance, *span)
        assert_latency_agrees(latency[window], latency_from_raw(results, under_maintenance, *span))
    per_day = day_latency(day_buckets, now=NOW, tz=tz, count=10)
    for day in day_figures(day_buckets, now=NOW, tz=tz, count=10):
        span = day_range(day.day, tz)
        assert day.figures == figures_from_raw(results, under_maintenance, *span)
        assert_latency_agrees(
            per_day.get(day.day), latency_from_raw(results, under_maintenance, *span)
        )


def test_availability_and_its_text_count_degraded_results_as_available() -> None:
    mixed = figures(up=1, degraded=2, down=1, within_sla=1)
    assert (mixed.total, mixed.availability, mixed.availability_text()) == (4, 0.75, "75.00")
    assert mixed.sla_compliance_text() == "33.33"
    assert figures(degraded=1).has_data
    assert Figures(maintenance=3).has_data is False


def test_raw_degraded_results_count_as_degraded_and_within_target_when_they_were() -> None:
    at = NOW - timedelta(minutes=5)
    results: list[RawResult] = [
        (at, "degraded", 900.0, False),
        (at, "up", 90.0, True),
        (at, "down", 5.0, True),  # a failure is never within the target, whatever its flag
    ]
    got = figures_from_raw(results, lambda _: False, NOW - timedelta(hours=1), NOW)
    assert got == Figures(up=1, degraded=1, down=1, maintenance=0, within_sla=1)


@pytest.mark.parametrize(
    ("window", "first_day"),
    [
        ("7d", date(2026, 3, 4)),
        ("30d", date(2026, 2, 9)),
        ("90d", date(2025, 12, 11)),
        ("365d", date(2025, 3, 11)),
    ],
)
def test_a_day_window_is_today_and_the_days_before_it(window: str, first_day: date) -> None:
    assert window_bounds(window, NOW, UTC_ZONE) == (
        datetime.combine(first_day, time(0), tzinfo=UTC),
        datetime(2026, 3, 11, tzinfo=UTC),
    )


def test_each_day_window_counts_only_the_days_inside_it() -> None:
    days = [bucket(NOW - n * timedelta(days=1), Aggregate(up=1)) for n in (0, 6, 7, 29, 30, 89)]
    days += [bucket(NOW - n * timedelta(days=1), Aggregate(up=1)) for n in (90, 364, 365)]
    counts = window_figures([], days, now=NOW, tz=UTC_ZONE)
    assert {w: counts[w].up for w in WINDOWS} == {
        "24h": 0,
        "7d": 2,
        "30d": 4,
        "90d": 6,
        "365d": 8,
    }


NEAR_MIDNIGHT_UTC = datetime(2026, 3, 10, 23, 40, tzinfo=UTC)  # 05:10 on the 11th in India


def test_today_is_the_site_zone_day_not_the_utc_day_near_midnight() -> None:
    india = ZoneInfo("Asia/Kolkata")
    today = day_figures([], now=NEAR_MIDNIGHT_UTC, tz=india, count=2)
    assert [d.day for d in today] == [date(2026, 3, 10), date(2026, 3, 11)]
    assert window_bounds("7d", NEAR_MIDNIGHT_UTC, india) == (
        datetime(2026, 3, 4, 18, 30, tzinfo=UTC),
        datetime(2026, 3, 11, 18, 30, tzinfo=UTC),
    )
    assert window_bounds("24h", NEAR_MIDNIGHT_UTC, india) == (  # 05:00 IST is 23:30 UTC
        datetime(2026, 3, 10, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 11, 0, 30, tzinfo=UTC),
    )


def test_a_result_just_after_site_midnight_counts_on_the_site_day() -> None:
    india = ZoneInfo("Asia/Kolkata")
    just_after = datetime(2026, 3, 10, 18, 45, tzinfo=UTC)  # 00:15 on the 11th in India
    cell = bucket(day_range(date(2026, 3, 11), india)[0], Aggregate(up=1, within_sla=1))
    days = day_figures([cell], now=just_after, tz=india, count=1)
    assert days == [DayFigure(date(2026, 3, 11), Figures(up=1, within_sla=1))]
    latency = day_latency([], now=just_after, tz=india, count=1)
    assert latency == {}


def test_percentage_texts_take_the_decimals_asked_for() -> None:
    mixed = figures(up=1, degraded=2, down=1, within_sla=1)
    assert (mixed.availability_text(decimals=1), mixed.sla_compliance_text(decimals=0)) == (
        "75.0",
        "33",
    )


def test_a_row_without_a_latency_range_has_no_latency_figures() -> None:
    row = Aggregate(up=2, histogram={5: 2}, latency_sum_ms=3.0, latency_max_ms=2.0)
    assert latency_of(row) is None
    assert latency_of(Aggregate(up=2, histogram={5: 2}, latency_min_ms=1.0)) is None


def test_a_bucket_starting_where_a_window_ends_is_outside_it() -> None:
    tomorrow = datetime(2026, 3, 11, tzinfo=UTC)
    counts = window_figures(
        [bucket(NOW.replace(minute=0) + timedelta(hours=1), Aggregate(up=1))],
        [bucket(tomorrow, Aggregate(up=1))],
        now=NOW,
        tz=UTC_ZONE,
    )
    assert {w: counts[w].up for w in WINDOWS} == dict.fromkeys(WINDOWS, 0)


def measured(ms: float) -> Aggregate:
    total = Aggregate()
    total.add("up", ms, within_sla=True, maintenance=False)
    return total


def test_the_24_hour_latency_window_follows_the_site_zone_not_the_machines() -> None:
    # 15:30 UTC yesterday opens India's 24 hours (its hours start at :30 UTC).
    first_hour = [bucket(datetime(2026, 3, 9, 15, 30, tzinfo=UTC), measured(10.0))]
    latency = window_latency(first_hour, [], now=NOW, tz=ZoneInfo("Asia/Kolkata"))["24h"]
    assert latency is not None
    assert latency.count == 1


def test_day_latency_covers_the_last_90_site_days_by_default() -> None:
    days = [bucket(NOW - n * timedelta(days=1), measured(10.0)) for n in (89, 90)]
    assert list(day_latency(days, now=NOW, tz=UTC_ZONE)) == [date(2025, 12, 11)]
    india = ZoneInfo("Asia/Kolkata")
    today_in_india = bucket(day_range(date(2026, 3, 11), india)[0], measured(10.0))
    latency = day_latency([today_in_india], now=NEAR_MIDNIGHT_UTC, tz=india, count=1)
    assert list(latency) == [date(2026, 3, 11)]


def test_raw_results_count_from_the_start_of_a_span_up_to_its_end() -> None:
    start, end = NOW - timedelta(hours=1), NOW
    results: list[RawResult] = [(start, "up", 10.0, True), (end, "up", 20.0, True)]
    assert figures_from_raw(results, lambda _: False, start, end) == Figures(up=1, within_sla=1)
    latency = latency_from_raw(results, lambda _: False, start, end)
    assert latency is not None
    assert (latency.count, latency.max_ms) == (1, 10.0)
