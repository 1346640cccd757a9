"""Due times: spread evenly over the interval, and never drifting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statuspage.service.schedule import (
    ANCHOR,
    due_at_or_after,
    due_at_or_before,
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
