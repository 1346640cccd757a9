"""The months the export asks the history for are written YYYY-MM, even for a year
below 1000 (strftime's %Y gives "1-01" for year 1 on Linux): a stored row older than
the range the write API now takes still names its month the way /history reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import update

from statuspage.config import Settings
from statuspage.export.site import export_paths
from storage.database import Database
from storage.tables.incidents import Incident


async def test_an_old_months_link_has_a_four_digit_year(
    settings: Settings, history: Database
) -> None:
    async with history.write() as session:
        await session.exec(update(Incident).values(started_at=datetime(999, 6, 1, tzinfo=UTC)))
    paths = await export_paths(history, settings)
    assert [p for p in paths if p.startswith("/history?")] == ["/history?month=0999-06"]
