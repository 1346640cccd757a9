"""The system clock reads the time as an aware UTC datetime: stored times, windows and
the site's time zone all start from it. (tests/test_clock.py checks that nothing
else in the product reads the wall clock.)"""

from __future__ import annotations

from datetime import UTC, timedelta

from probes.clock import system_clock


def test_the_system_clock_gives_an_aware_utc_time() -> None:
    now = system_clock()
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)
