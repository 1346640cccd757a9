"""The no-recent-data rule: a component marked stale fires at once, per component,
and clears when it is no longer marked."""

from __future__ import annotations

from statuspage.rules.alerts.freshness_rules import no_recent_data
from statuspage.rules.alerts.kinds import ALL_KINDS
from statuspage.rules.alerts.model import Reading
from statuspage.rules.alerts.site_rules import SiteData
from tests.rules.alerts.builders import MINUTE, NOW, WARNING, rule

SILENCE = rule(kind="no_recent_data", severity=WARNING, above=0.0, min_samples=1)


def test_each_stale_component_reads_how_long_it_has_been_marked() -> None:
    data = SiteData(stale={"api": NOW - 3 * MINUTE, "web": NOW - 30})
    readings = no_recent_data(SILENCE, data, NOW)
    assert readings["api"] == Reading(180.0, SILENCE.min_offending, {"component": "api"})
    assert readings["web"].value == 30.0


def test_the_figure_is_the_time_since_the_last_result_not_since_the_mark() -> None:
    # Marked just now, after 7.5 minutes without a result: the page reads 7.5, not 0.
    data = SiteData(stale={"api": NOW}, last_results={"api": NOW - 450})
    reading = no_recent_data(SILENCE, data, NOW)["api"]
    assert reading.figures == {"component": "api", "since_last_result_minutes": 7.5}


def test_the_time_since_the_last_result_shows_in_minutes_to_one_decimal() -> None:
    data = SiteData(stale={"api": NOW - 100}, last_results={"api": NOW - 100})
    reading = no_recent_data(SILENCE, data, NOW)["api"]
    assert reading.figures["since_last_result_minutes"] == 1.7


def test_a_silence_exactly_at_the_threshold_offends_nothing() -> None:
    # The reading's own count, which `breached` reads only beside the value.
    minute = rule(kind="no_recent_data", severity=WARNING, above=60.0, min_samples=1)
    reading = no_recent_data(minute, SiteData(stale={"api": NOW - 60}), NOW)["api"]
    assert reading == Reading(60.0, 0, {"component": "api"})


def test_a_stale_component_fires_at_once() -> None:
    reading = no_recent_data(SILENCE, SiteData(stale={"api": NOW - 1}), NOW)["api"]
    assert SILENCE.breached(reading) is True


def test_a_component_with_results_again_is_absent_so_its_alert_clears() -> None:
    assert no_recent_data(SILENCE, SiteData(stale={}), NOW) == {}


def test_a_mark_from_a_clock_ahead_reads_zero_and_does_not_fire() -> None:
    data = SiteData(stale={"api": NOW + 5}, last_results={"api": NOW + 5})
    reading = no_recent_data(SILENCE, data, NOW)["api"]
    assert reading == Reading(0.0, 0, {"component": "api", "since_last_result_minutes": 0.0})
    assert SILENCE.breached(reading) is False


def test_the_kind_is_registered() -> None:
    assert "no_recent_data" in ALL_KINDS
