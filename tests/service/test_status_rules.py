"""From recent probe results to a component status, with a threshold against flapping."""

from __future__ import annotations

from statuspage.rules.status import CurrentStatus, next_status

OPERATIONAL = CurrentStatus("operational", "probe")


def test_one_failed_probe_does_not_open_an_outage() -> None:
    assert next_status(OPERATIONAL, {"eu": ["down", "up", "up"]}, threshold=2) is None


def test_consecutive_failures_open_a_major_outage() -> None:
    assert next_status(OPERATIONAL, {"eu": ["down", "down"]}, threshold=2) == "major_outage"


def test_failing_in_one_region_of_two_is_a_partial_outage() -> None:
    results = {"eu": ["down", "down"], "us": ["up", "up"]}
    assert next_status(OPERATIONAL, results, threshold=2) == "partial_outage"


def test_slow_but_working_is_degraded_performance() -> None:
    assert next_status(OPERATIONAL, {"eu": ["degraded"] * 3}, 3) == "degraded_performance"


def test_recovery_needs_the_threshold_too() -> None:
    outage = CurrentStatus("major_outage", "probe")
    assert next_status(outage, {"eu": ["up", "down"]}, threshold=2) is None
    assert next_status(outage, {"eu": ["up", "up"]}, threshold=2) == "operational"


def test_an_unchanged_status_writes_nothing() -> None:
    assert next_status(OPERATIONAL, {"eu": ["up", "up"]}, threshold=2) is None


def test_a_status_set_by_an_operator_holds_against_the_probes() -> None:
    manual = CurrentStatus("partial_outage", "manual")
    assert next_status(manual, {"eu": ["up", "up"]}, threshold=2) is None


def test_probes_resume_once_an_operator_sets_operational_again() -> None:
    resolved = CurrentStatus("operational", "manual")
    assert next_status(resolved, {"eu": ["down", "down"]}, threshold=2) == "major_outage"


def test_a_maintenance_window_holds_against_the_probes() -> None:
    maintenance = CurrentStatus("under_maintenance", "maintenance")
    assert next_status(maintenance, {"eu": ["down", "down"]}, threshold=2) is None


def test_a_component_with_no_history_gets_its_first_status() -> None:
    assert next_status(CurrentStatus(None, None), {"eu": ["up"]}, threshold=1) == "operational"
