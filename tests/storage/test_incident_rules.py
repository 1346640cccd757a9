"""What an incident or maintenance write must satisfy, field by field, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage.incidents.rules import (
    EARLIEST_TIME,
    MAX_BODY,
    MAX_NAME,
    SCHEDULE_AHEAD,
    IncidentError,
    NewIncident,
    check_new,
    check_time_range,
    check_times,
    check_window,
    derive_impact,
    storable,
    worse_impact,
)

START = datetime(2026, 3, 10, 22, tzinfo=UTC)
INCIDENT = NewIncident(name="API errors", status="investigating", body="Looking into it.")
MAINTENANCE = NewIncident(
    name="Database upgrade",
    status="scheduled",
    body="",
    kind="maintenance",
    scheduled_for=START,
    scheduled_until=START + timedelta(hours=1),
)


def refusal(new: NewIncident) -> tuple[str, str, str]:
    with pytest.raises(IncidentError) as caught:
        check_new(new)
    return caught.value.field, caught.value.message, str(caught.value)


def test_a_complete_incident_and_a_complete_maintenance_are_accepted() -> None:
    check_new(INCIDENT)
    check_new(replace(INCIDENT, name="x" * MAX_NAME, body="y" * MAX_BODY, severity="P0"))
    check_new(replace(INCIDENT, impact="critical", components={"api": "major_outage"}))
    check_new(MAINTENANCE)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "   "}, "name", "a title is required"),
        ({"name": "x" * (MAX_NAME + 1)}, "name", f"at most {MAX_NAME} characters"),
        ({"body": "y" * (MAX_BODY + 1)}, "body", f"at most {MAX_BODY} characters"),
        ({"body": "  "}, "body", "the first update needs a message"),
        (
            {"status": "scheduled"},
            "status",
            "expected one of investigating, identified, monitoring, resolved, postmortem",
        ),
        ({"severity": "P4"}, "severity", "expected P0, P1, P2 or P3"),
        ({"impact": "total"}, "impact", "expected none, minor, major, critical or maintenance"),
        ({"components": {"api": "down"}}, "components.api", "unknown component status 'down'"),
    ],
)
def test_an_incident_is_refused_naming_the_field_and_the_problem(
    change: dict[str, object], field: str, message: str
) -> None:
    changed = replace(INCIDENT, **change)  # type: ignore[arg-type]
    assert refusal(changed) == (field, message, f"{field}: {message}")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"status": "investigating"},
            "status",
            "expected one of scheduled, in_progress, verifying, completed",
        ),
        ({"scheduled_for": None}, "scheduled_for", "a start time is required"),
        ({"scheduled_until": None}, "scheduled_until", "an end time is required"),
        ({"scheduled_until": START}, "scheduled_until", "must be after the start"),
    ],
)
def test_a_maintenance_is_refused_naming_the_field_and_the_problem(
    change: dict[str, object], field: str, message: str
) -> None:
    changed = replace(MAINTENANCE, **change)  # type: ignore[arg-type]
    assert refusal(changed) == (field, message, f"{field}: {message}")


def test_a_window_one_microsecond_long_is_a_window() -> None:
    check_window(START, START + timedelta(microseconds=1))


def test_an_incident_needs_no_window() -> None:
    check_new(replace(INCIDENT, scheduled_for=None, scheduled_until=None))


@pytest.mark.parametrize(
    ("statuses", "impact"),
    [
        ([], "none"),
        (["operational"], "none"),
        (["under_maintenance", "operational"], "maintenance"),
        (["degraded_performance", "under_maintenance"], "minor"),
        (["partial_outage", "degraded_performance"], "major"),
        (["operational", "major_outage", "partial_outage"], "critical"),
    ],
)
def test_the_impact_is_that_of_the_worst_component(statuses: list[str], impact: str) -> None:
    assert derive_impact(statuses) == impact


def test_the_worse_of_two_impacts_is_kept() -> None:
    assert worse_impact("minor", "major") == "major"
    assert worse_impact("critical", "none") == "critical"


def test_storable_text_drops_nul_and_replaces_lone_surrogates_only() -> None:
    assert storable("a\x00b\ud800c<b>\x07") == "ab\ufffdc<b>\x07"


NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize("at", [None, EARLIEST_TIME, NOW, NOW + SCHEDULE_AHEAD])
def test_times_from_the_histories_first_moment_to_a_year_ahead_are_accepted(
    at: datetime | None,
) -> None:
    check_time_range("scheduled_for", at, NOW)


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        (EARLIEST_TIME - TICK, "must be after 2000-01-01 14:00 UTC"),
        (NOW + SCHEDULE_AHEAD + TICK, "must be at most 365 days ahead"),
    ],
)
def test_a_time_outside_the_range_is_refused_naming_its_field(at: datetime, problem: str) -> None:
    with pytest.raises(IncidentError) as raised:
        check_time_range("scheduled_until", at, NOW)
    assert (raised.value.field, raised.value.message) == ("scheduled_until", problem)


Y1999 = datetime(1999, 12, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (replace(INCIDENT, started_at=Y1999), "started_at"),
        (replace(INCIDENT, started_at=NOW + SCHEDULE_AHEAD + TICK), "started_at"),
        (replace(MAINTENANCE, scheduled_for=Y1999), "scheduled_for"),
        (replace(MAINTENANCE, scheduled_until=Y1999), "scheduled_until"),
    ],
)
def test_every_time_of_a_new_incident_is_checked(new: NewIncident, field: str) -> None:
    with pytest.raises(IncidentError) as raised:
        check_times(new, NOW)
    assert raised.value.field == field
    check_times(MAINTENANCE, NOW)
    check_times(replace(INCIDENT, started_at=NOW), NOW)
