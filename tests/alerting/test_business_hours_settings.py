"""`[alerting] business_hours`: read into the settings' business calendar in the
site's time zone, and refused at start-up, naming the key, when it is not one day's hours."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from statuspage.config import ConfigError, Settings, load_settings
from statuspage.rules.response_times import update_due_at

BERLIN = ZoneInfo("Europe/Berlin")
CONFIG = """
[site]
time_zone = "Europe/Berlin"

[alerting]
{alerting}

[[components]]
id = "api"
name = "API"
"""


def load(tmp_path: Path, alerting: str) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(CONFIG.format(alerting=alerting), "utf-8")
    return load_settings(path, {})


def test_a_p3_is_due_at_the_configured_close_in_the_sites_zone(tmp_path: Path) -> None:
    settings = load(tmp_path, 'business_hours = "09:00-17:00"')
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    due = update_due_at("P3", friday, settings.tz, settings.business_calendar)
    assert due == datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN)


def test_without_business_hours_a_p3_is_due_at_midnight(tmp_path: Path) -> None:
    settings = load(tmp_path, "")
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    due = update_due_at("P3", friday, settings.tz, settings.business_calendar)
    assert due == datetime(2026, 12, 1, 0, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("17:00-09:00", "the close 09:00 must be after the opening 17:00"),
        ("25:00-26:00", "25:00 is not a time of day"),
        ("9-5", "expected 24-hour opening and closing times like '09:00-17:00'"),
    ],
)
def test_bad_business_hours_stop_start_up_naming_the_key(
    tmp_path: Path, value: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, f'business_hours = "{value}"')
    message = str(raised.value)
    assert "statuspage.toml" in message
    assert f"alerting.business_hours: {problem}" in message


def test_holidays_are_not_business_days(tmp_path: Path) -> None:
    settings = load(tmp_path, 'holidays = [2026-11-30, "2026-12-01"]')
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    due = update_due_at("P3", friday, settings.tz, settings.business_calendar)
    assert due == datetime(2026, 12, 3, 0, 0, tzinfo=BERLIN)  # the end of Wednesday


# A good one, a day that does not exist, a number, a date-time and another format.
BAD_HOLIDAYS = '[2026-12-25, "2026-02-30", 20261225, 2026-12-24T10:00:00, "25/12"]'


def test_bad_holidays_stop_start_up_naming_each_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, f"holidays = {BAD_HOLIDAYS}")
    message = str(raised.value)
    assert "alerting.holidays[0]" not in message
    assert "alerting.holidays[1]: 2026-02-30 is not a day of the calendar" in message
    for index in (2, 3, 4):
        assert f"alerting.holidays[{index}]: expected a date like 2026-12-25" in message
