"""Staleness: how long a component may go without results, and which regions still
count towards its status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statuspage.rules.status import blinding_stall_s, fresh_regions, is_stale, stale_limit_s

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_by_default_a_component_is_stale_after_three_intervals_and_its_timeout() -> None:
    assert stale_limit_s(30, 10, None) == 100


def test_a_configured_staleness_wins() -> None:
    assert stale_limit_s(30, 10, 45) == 45


def test_a_result_at_the_limit_is_still_fresh_and_one_older_is_not() -> None:
    assert is_stale(NOW - timedelta(seconds=100), NOW, 100) is False
    assert is_stale(NOW - timedelta(seconds=100.5), NOW, 100) is True


def test_no_result_in_the_window_read_is_stale() -> None:
    assert is_stale(None, NOW, 100) is True


def test_a_region_cut_off_stops_counting_and_the_others_decide() -> None:
    by_region = {"eu": ["down", "down"], "us": ["up", "up"]}
    newest = {"eu": NOW - timedelta(seconds=500), "us": NOW - timedelta(seconds=5)}
    assert fresh_regions(by_region, newest, NOW, 100) == {"us": ["up", "up"]}


def test_a_restart_gives_the_limit_again_from_when_it_started() -> None:
    started = NOW - timedelta(seconds=50)
    hour_old = NOW - timedelta(hours=1)
    assert is_stale(hour_old, NOW, 100, watching_since=started) is False
    assert is_stale(None, NOW, 100, watching_since=started) is False
    assert is_stale(hour_old, NOW, 40, watching_since=started) is True
    assert is_stale(None, NOW, 49.5, watching_since=started) is True
    # A result newer than the start is what counts once there is one.
    assert is_stale(NOW - timedelta(seconds=10), NOW, 20, watching_since=started) is False
    assert is_stale(NOW - timedelta(seconds=30), NOW, 20, watching_since=started) is True


def test_only_a_stall_taking_up_the_rest_of_the_limit_can_make_a_component_look_silent() -> None:
    assert blinding_stall_s(30, 10, stale_limit_s(30, 10, None)) == 60
    assert blinding_stall_s(30, 10, 45) == 5
    assert blinding_stall_s(30, 10, 20) == 0  # a limit under an interval: any stall
