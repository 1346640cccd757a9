"""Every time an incident or maintenance may carry has a month the history shows,
in any site zone: the range of `storage.incidents.rules` sits inside `parse_month`'s."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from statuspage.config import Settings, load_settings
from statuspage.web.context_history import month_key, parse_month
from storage.figures.timebuckets import local_date
from storage.incidents.rules import EARLIEST_TIME, SCHEDULE_AHEAD

ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/Santiago"]
NOWS = [datetime(2026, 1, 31, 23, 30, tzinfo=UTC), datetime(2027, 2, 28, 23, 59, tzinfo=UTC)]


def site_in(tmp_path: Path, zone: str) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(f'[site]\ntime_zone = "{zone}"\n', "utf-8")
    return load_settings(path, {})


def history_month(at: datetime, settings: Settings) -> str:
    day = local_date(at, settings.tz)
    return month_key((day.year, day.month))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("now", NOWS)
def test_the_range_ends_both_have_a_history_page(tmp_path: Path, zone: str, now: datetime) -> None:
    settings = site_in(tmp_path, zone)
    for at in (EARLIEST_TIME, now + SCHEDULE_AHEAD):
        assert parse_month(history_month(at, settings), now, settings) is not None, at
