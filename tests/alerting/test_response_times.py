"""P3's "next business day" follows `[alerting] business_days`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from statuspage.rules.response_times import end_of_next_business_day, update_due_at

DUBAI = ZoneInfo("Asia/Dubai")
THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=DUBAI)


def test_a_sunday_to_thursday_week_skips_friday_and_saturday() -> None:
    sunday_to_thursday = frozenset({7, 1, 2, 3, 4})
    due = end_of_next_business_day(THURSDAY_NOON, DUBAI, sunday_to_thursday)
    assert due == datetime(2026, 11, 30, 0, 0, tzinfo=DUBAI)  # the end of Sunday the 29th


def test_the_default_week_is_monday_to_friday() -> None:
    assert update_due_at("P3", THURSDAY_NOON, DUBAI) == datetime(2026, 11, 28, tzinfo=DUBAI)


def test_no_business_days_is_refused() -> None:
    with pytest.raises(ValueError, match="no business days"):
        end_of_next_business_day(THURSDAY_NOON, DUBAI, frozenset())
