"""Status words as Statuspage writes them: its five statuses in Title Case, and our two
states it has no word for in the same case."""

from __future__ import annotations

from statuspage.presentation.display import status_badge
from storage.freshness import NO_RECENT_DATA
from storage.vocabulary import ComponentStatus


def test_each_status_reads_as_statuspage_writes_it() -> None:
    assert {s.value: status_badge(s.value).label for s in ComponentStatus} == {
        "operational": "Operational",
        "degraded_performance": "Degraded Performance",
        "partial_outage": "Partial Outage",
        "major_outage": "Major Outage",
        "under_maintenance": "Under Maintenance",
    }


def test_no_status_yet_and_no_recent_data_share_the_case_and_the_no_data_key() -> None:
    assert status_badge(None) == status_badge("bogus")
    assert (status_badge(None).key, status_badge(None).label) == ("no-data", "No Data Yet")
    stale = status_badge(NO_RECENT_DATA)
    assert (stale.key, stale.label) == ("no-data", "No Recent Data")
