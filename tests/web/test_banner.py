"""The banner follows the roll-up table of STATUSPAGE-CONVENTIONS.md, row by row."""

from __future__ import annotations

import pytest

from statuspage.rules.indicator import (
    Banner,
    leaf_rollup,
    maintenance_under_way,
    page_banner,
    page_status,
    standing,
)
from storage.freshness import NO_RECENT_DATA
from storage.vocabulary import Impact, IncidentStatus

OP, DEG, PART, MAJOR, MAINT = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)


@pytest.mark.parametrize(
    ("leaves", "indicator", "description"),
    [
        ([MAJOR, MAJOR], "critical", "Major System Outage"),
        ([MAJOR, OP], "major", "Partial System Outage"),
        ([PART, PART], "major", "Partial System Outage"),
        ([PART, DEG, OP], "minor", "Minor Service Outage"),
        ([DEG, DEG], "minor", "Degraded System Service"),
        ([DEG, OP], "minor", "Partially Degraded Service"),
        ([MAINT, OP], "maintenance", "Service Under Maintenance"),
        ([MAINT, MAINT], "maintenance", "Service Under Maintenance"),
        ([OP, OP, OP], "none", "All Systems Operational"),
    ],
)
def test_each_row_of_the_conventions_table(
    leaves: list[str], indicator: str, description: str
) -> None:
    assert leaf_rollup(leaves) == Banner(Impact(indicator), description, has_data=True)


def test_the_indicator_is_an_impact_whether_rolled_up_or_raised() -> None:
    # Its words are Impact's (storage/vocabulary.py), not strings of its own.
    rolled = leaf_rollup([DEG, OP]).indicator
    raised = page_banner([OP], ["major"], maintenance_in_progress=False).indicator
    maintenance = page_banner([OP], [], maintenance_in_progress=True).indicator
    assert [type(i) for i in (rolled, raised, maintenance)] == [Impact] * 3


def test_maintenance_gives_way_to_anything_worse() -> None:
    assert leaf_rollup([MAINT, DEG]).indicator == "minor"


def test_leaves_without_a_status_are_left_out_of_the_rollup() -> None:
    banner = page_banner([DEG, None], [], maintenance_in_progress=False)
    assert banner.description == "Degraded System Service"


def test_a_page_where_nothing_has_reported_says_so() -> None:
    banner = page_banner([None, None], [], maintenance_in_progress=False)
    assert (banner.indicator, banner.has_data) == ("none", False)


def test_an_unresolved_incident_of_higher_impact_raises_the_indicator() -> None:
    banner = page_banner([OP, OP], ["major"], maintenance_in_progress=False)
    assert banner == Banner(Impact("major"), "Partial System Outage", has_data=True)


def test_a_critical_incident_reads_as_a_major_outage() -> None:
    banner = page_banner([DEG, OP], ["critical"], maintenance_in_progress=False)
    assert banner == Banner(Impact("critical"), "Major System Outage", has_data=True)


def test_an_incident_of_lower_impact_leaves_the_rollup_alone() -> None:
    banner = page_banner([MAJOR, MAJOR], ["minor"], maintenance_in_progress=False)
    assert banner.indicator == "critical"


def test_an_incident_without_impact_changes_nothing_but_counts_as_news() -> None:
    banner = page_banner([None], ["none"], maintenance_in_progress=False)
    assert banner == Banner(Impact("none"), "All Systems Operational", has_data=True)


def test_maintenance_in_progress_shows_as_service_under_maintenance() -> None:
    banner = page_banner([OP], [], maintenance_in_progress=True)
    assert banner == Banner(Impact("maintenance"), "Service Under Maintenance", has_data=True)


def test_an_incident_outranks_maintenance_in_progress() -> None:
    banner = page_banner([MAINT], ["minor"], maintenance_in_progress=True)
    assert banner.indicator == "minor"


SILENT = NO_RECENT_DATA


@pytest.mark.parametrize(
    ("shown", "recorded", "counts_as"),
    [
        (OP, OP, OP),  # not silent: what it shows
        (None, None, None),  # nothing yet: left out of the roll-up
        (SILENT, None, DEG),  # silent before its first status
        (SILENT, OP, DEG),  # never "operational" when nothing is known
        (SILENT, MAINT, DEG),  # maintenance ranks below every problem
        (SILENT, DEG, DEG),
        (SILENT, PART, PART),  # a worse last status stays: nothing says it recovered
        (SILENT, MAJOR, MAJOR),
        (SILENT, "bogus", DEG),
    ],
)
def test_a_silent_component_counts_as_degraded_or_its_worse_last_status(
    shown: str | None, recorded: str | None, counts_as: str | None
) -> None:
    assert standing(shown, recorded) == counts_as


def test_the_page_status_notes_how_many_components_are_silent() -> None:
    banner = page_status(
        [(OP, OP), (SILENT, OP), (SILENT, MAJOR), (None, None)], [], maintenance_in_progress=False
    )
    assert banner == Banner(
        Impact("major"), "Partial System Outage; no recent data from 2 components", has_data=True
    )
    one = page_status([(OP, OP), (SILENT, OP)], [], maintenance_in_progress=False)
    assert one.description == "Partially Degraded Service; no recent data from 1 component"


def test_without_silent_components_the_page_status_is_the_banner() -> None:
    leaves = [(OP, OP), (DEG, DEG)]
    assert page_status(leaves, ["major"], maintenance_in_progress=True) == page_banner(
        [OP, DEG], ["major"], maintenance_in_progress=True
    )
    assert page_status([], [], maintenance_in_progress=False).has_data is False
    in_maintenance = page_status([(OP, OP)], [], maintenance_in_progress=True)
    assert in_maintenance.indicator == "maintenance"


def test_an_incident_of_the_same_impact_keeps_the_roll_ups_words() -> None:
    banner = page_banner([DEG, OP], ["minor"], maintenance_in_progress=False)
    assert (banner.indicator, banner.description) == ("minor", "Partially Degraded Service")


def test_a_component_with_no_status_yet_counts_as_operational_beside_others() -> None:
    """As the API's rows show it: a client rolling them up gets the same banner."""
    banner = page_status([(None, None), (MAJOR, MAJOR)], [], maintenance_in_progress=False)
    assert (banner.indicator, banner.description) == ("major", "Partial System Outage")
    alone = page_status([(None, None)], [], maintenance_in_progress=False)
    assert alone.has_data is False


def test_only_maintenance_in_progress_or_verifying_puts_the_page_under_maintenance() -> None:
    scheduled, completed = IncidentStatus.SCHEDULED, IncidentStatus.COMPLETED
    assert maintenance_under_way([scheduled, IncidentStatus.IN_PROGRESS]) is True
    assert maintenance_under_way([IncidentStatus.VERIFYING]) is True
    assert maintenance_under_way([scheduled, completed]) is False
    assert maintenance_under_way([]) is False
