"""The page's overall status: the roll-up rule of STATUSPAGE-CONVENTIONS.md.

Pure: the caller passes leaf statuses and what the open incidents say. The
indicator and description are the Statuspage ones, so the JSON API can serve
this very value; only `has_data` is ours, for an honest banner on a page whose
checks have not reported yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.freshness import NO_RECENT_DATA
from storage.vocabulary import MAINTENANCE_UNDER_WAY, ComponentStatus, Impact

OPERATIONAL = ComponentStatus.OPERATIONAL
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL_OUTAGE = ComponentStatus.PARTIAL_OUTAGE
MAJOR_OUTAGE = ComponentStatus.MAJOR_OUTAGE
UNDER_MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
KNOWN = frozenset(ComponentStatus)

# (worst leaf status, every leaf at it?) -> (indicator, description): the conventions' table.
_RULES = {
    (MAJOR_OUTAGE, True): (Impact.CRITICAL, "Major System Outage"),
    (MAJOR_OUTAGE, False): (Impact.MAJOR, "Partial System Outage"),
    (PARTIAL_OUTAGE, True): (Impact.MAJOR, "Partial System Outage"),
    (PARTIAL_OUTAGE, False): (Impact.MINOR, "Minor Service Outage"),
    (DEGRADED, True): (Impact.MINOR, "Degraded System Service"),
    (DEGRADED, False): (Impact.MINOR, "Partially Degraded Service"),
    (UNDER_MAINTENANCE, True): (Impact.MAINTENANCE, "Service Under Maintenance"),
    (UNDER_MAINTENANCE, False): (Impact.MAINTENANCE, "Service Under Maintenance"),
    (OPERATIONAL, True): (Impact.NONE, "All Systems Operational"),
}
# What an incident's impact says when it raises the indicator above the roll-up.
_RAISED = {
    Impact.MAINTENANCE: "Service Under Maintenance",
    Impact.MINOR: "Minor Service Outage",
    Impact.MAJOR: "Partial System Outage",
    Impact.CRITICAL: "Major System Outage",
}


@dataclass(frozen=True, slots=True)
class Banner:
    indicator: Impact  # serialised as its Statuspage word: none, minor, major, ...
    description: str  # the Statuspage description of the indicator
    has_data: bool  # False: no leaf has a status yet and nothing is open


def leaf_rollup(statuses: Sequence[str]) -> Banner:
    """The table row for the leaves' statuses (each a known component status)."""
    if not statuses:
        return Banner(Impact.NONE, "All Systems Operational", has_data=False)
    worst = max((ComponentStatus(s) for s in statuses), key=lambda s: s.rank)
    every_leaf = all(s == worst for s in statuses)
    indicator, description = _RULES[(worst, every_leaf)]
    return Banner(indicator, description, has_data=True)


def maintenance_under_way(statuses: Iterable[str]) -> bool:
    """Whether any of these maintenance statuses is under way (in progress or
    verifying, not scheduled or completed): what puts the page under maintenance. The
    front page and the API's status both ask this of the open maintenance."""
    return any(status in MAINTENANCE_UNDER_WAY for status in statuses)


def page_banner(
    leaf_statuses: Sequence[str | None],
    incident_impacts: Sequence[str],
    *,
    maintenance_in_progress: bool,
) -> Banner:
    """The roll-up, raised by an unresolved incident of higher impact or by
    maintenance in progress; leaves with no status yet are left out."""
    banner = leaf_rollup([s for s in leaf_statuses if s in KNOWN])
    raisers = [Impact(i) for i in incident_impacts if i in _RAISED]
    if maintenance_in_progress:
        raisers.append(Impact.MAINTENANCE)
    for impact in raisers:
        if impact.rank > banner.indicator.rank:
            banner = Banner(impact, _RAISED[impact], has_data=True)
    if not banner.has_data and (incident_impacts or maintenance_in_progress):
        # An open incident is news even before the first check reports.
        banner = Banner(banner.indicator, banner.description, has_data=True)
    return banner


def with_silent_components(banner: Banner, silent: int) -> Banner:
    """The banner with a note that `silent` components have no recent data (their
    results stopped arriving): the indicator stays, the description keeps its
    Statuspage words first, so a client matching on them still finds them."""
    if not silent:
        return banner
    noun = "component" if silent == 1 else "components"
    note = f"{banner.description}; no recent data from {silent} {noun}"
    return Banner(banner.indicator, note, has_data=True)


def standing(shown: str | None, recorded: str | None) -> str | None:
    """What a component counts as wherever statuses are rolled up (the page's banner, a
    group's status, the API's rows): the status it shows, None before the first one,
    and for one with no recent data (`shown`), never "operational", since nothing is
    known, nor an outage, which our own silence (a worker gone, a region cut off)
    does not show: the mildest problem, degraded performance, or its last recorded
    status (`recorded`) where that was worse, since nothing says it recovered."""
    if shown != NO_RECENT_DATA:
        return shown
    if recorded in KNOWN and ComponentStatus(recorded).rank > DEGRADED.rank:
        return recorded
    return DEGRADED.value


def page_status(
    components: Sequence[tuple[str | None, str | None]],
    incident_impacts: Sequence[str],
    *,
    maintenance_in_progress: bool,
) -> Banner:
    """The page's banner from each component's (shown, recorded) status, as the front
    page and the API both give it: the roll-up of their standings, with a note of how
    many have no recent data. Once any component has a status, one with none yet
    counts as operational, as the API's rows show it, so a client rolling up the rows
    itself gets the same answer."""
    standings = [standing(shown, recorded) for shown, recorded in components]
    if any(s is not None for s in standings):
        standings = [OPERATIONAL.value if s is None else s for s in standings]
    banner = page_banner(
        standings,
        incident_impacts,
        maintenance_in_progress=maintenance_in_progress,
    )
    silent = sum(1 for shown, _ in components if shown == NO_RECENT_DATA)
    return with_silent_components(banner, silent)
