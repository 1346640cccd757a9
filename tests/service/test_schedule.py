"""Due times: spread evenly over the interval, and never drifting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statuspage.service.schedule import (
    ANCHOR,
    OVERDUE_SPREAD_S,
    due_at_or_after,
    due_at_or_before,
    grid_offset,
    resume_times,
    spread_offsets,
)


def test_components_with_the_same_interval_are_spread_evenly() -> None:
    assert spread_offsets([30, 30, 30]) == [0, 10, 20]


def test_each_interval_is_spread_on_its_own() -> None:
    assert spread_offsets([30, 60, 30, 60]) == [0, 0, 15, 30]


def test_run_n_is_due_at_offset_plus_n_intervals() -> None:
    now = datetime(2026, 11, 26, 10, 0, 7, tzinfo=UTC)
    first = due_at_or_after(now, offset_s=10, interval_s=30)
    assert first >= now
    assert ((first - ANCHOR).total_seconds() - 10) % 30 == 0


def test_due_times_do_not_drift_however_late_a_run_starts() -> None:
    due = datetime(2026, 11, 26, 10, 0, 10, tzinfo=UTC)
    for lateness_ms in (0, 3, 250, 14_999):
        started = due + timedelta(milliseconds=lateness_ms)
        assert due_at_or_before(started, offset_s=10, interval_s=30) == due


def test_a_run_exactly_on_time_serves_its_own_due_time() -> None:
    due = due_at_or_after(datetime(2026, 11, 26, tzinfo=UTC), offset_s=2.5, interval_s=5)
    assert due_at_or_before(due, offset_s=2.5, interval_s=5) == due
    assert due_at_or_after(due, offset_s=2.5, interval_s=5) == due


NOW = datetime(2026, 3, 2, 12, 0, 7, 250_000, tzinfo=UTC)


def test_a_taken_component_carries_on_one_interval_after_its_last_run() -> None:
    last = NOW - timedelta(seconds=20.5)
    assert resume_times({"api": (last, 30.0)}, NOW) == {"api": last + timedelta(seconds=30)}


def test_a_run_due_exactly_now_is_not_pushed_back() -> None:
    assert resume_times({"api": (NOW - timedelta(seconds=30), 30.0)}, NOW) == {"api": NOW}


def test_a_last_run_stamped_ahead_of_this_clock_still_waits_an_interval() -> None:
    last = NOW + timedelta(seconds=2)
    assert resume_times({"api": (last, 30.0)}, NOW) == {"api": last + timedelta(seconds=30)}


def test_overdue_components_run_at_once_spread_over_the_next_seconds() -> None:
    long_ago = NOW - timedelta(minutes=5)
    first = resume_times({f"c{k}": (long_ago, 60.0) for k in range(4)}, NOW)
    step = timedelta(seconds=OVERDUE_SPREAD_S / 4)
    assert first == {f"c{k}": NOW + k * step for k in range(4)}


def test_an_overdue_spread_never_outlasts_the_interval() -> None:
    long_ago = NOW - timedelta(minutes=5)
    first = resume_times({"a": (long_ago, 2.0), "b": (long_ago, 2.0)}, NOW)
    assert first == {"a": NOW, "b": NOW + timedelta(seconds=1)}


def test_the_first_run_is_a_due_time_of_its_grid() -> None:
    first = NOW + timedelta(seconds=12.75)
    assert due_at_or_after(NOW, grid_offset(first, 30.0), 30.0) == first
