"""Rules about the site: failed sign-ins (all together and per address), bad API
tokens and the prober's own failures, each counted over its window."""

from __future__ import annotations

from statuspage.rules.alerts.model import Reading
from statuspage.rules.alerts.response_rules import response_target_missed
from statuspage.rules.alerts.site_rules import (
    SITE,
    SITE_KINDS,
    SiteData,
    bad_tokens,
    failed_sign_ins,
    failed_sign_ins_per_address,
    prober_unmeasured,
)
from tests.rules.alerts.builders import MINUTE, NOW, WARNING, rule

SIGN_INS = rule(
    kind="failed_sign_ins", severity=WARNING, above=19.0, clear_at=5.0, window_s=5 * MINUTE
)


def sign_ins(*failures: tuple[float, str]) -> SiteData:
    return SiteData(sign_in_failures=failures)


def test_failed_sign_ins_from_every_address_count_together() -> None:
    data = sign_ins(*[(NOW - 290 + 10 * n, f"10.0.0.{n % 4}") for n in range(20)])
    readings = failed_sign_ins(SIGN_INS, data, NOW)
    assert readings == {SITE: Reading(20.0, 20, {"failed_sign_ins": 20, "window_minutes": 5.0})}
    assert SIGN_INS.breached(readings[SITE]) is True


def test_a_window_holds_failures_after_its_start_up_to_and_including_now() -> None:
    data = sign_ins((NOW - 300, "a"), (NOW - 299, "a"), (NOW, "b"), (NOW + 1, "b"))
    assert failed_sign_ins(SIGN_INS, data, NOW)[SITE].value == 2.0
    assert failed_sign_ins_per_address(SIGN_INS, data, NOW) == {
        "a": Reading(1.0, 1, {"failed_sign_ins": 1, "window_minutes": 5.0}),
        "b": Reading(1.0, 1, {"failed_sign_ins": 1, "window_minutes": 5.0}),
    }


def test_no_failed_sign_ins_in_the_window_mentions_no_subject() -> None:
    data = sign_ins((NOW - 600, "a"))
    assert failed_sign_ins(SIGN_INS, data, NOW) == {}
    assert failed_sign_ins_per_address(SIGN_INS, data, NOW) == {}


def test_failed_sign_ins_are_counted_per_address() -> None:
    per_address = rule(kind="failed_sign_ins_per_address", above=9.0, clear_at=2.0, window_s=300.0)
    data = sign_ins(*[(NOW - n, "192.0.2.7") for n in range(10)], (NOW - 5, "198.51.100.1"))
    readings = failed_sign_ins_per_address(per_address, data, NOW)
    assert {address: r.value for address, r in readings.items()} == {
        "192.0.2.7": 10.0,
        "198.51.100.1": 1.0,
    }
    assert per_address.breached(readings["192.0.2.7"]) is True
    assert per_address.breached(readings["198.51.100.1"]) is False


def test_one_failed_sign_in_never_fires_on_its_own() -> None:
    anything = rule(kind="failed_sign_ins", above=0.0, clear_at=0.0)
    reading = failed_sign_ins(anything, sign_ins((NOW, "a")), NOW)[SITE]
    assert anything.breached(reading) is False


def test_bad_tokens_are_counted_over_the_window() -> None:
    tokens = rule(kind="bad_tokens", above=19.0, clear_at=5.0, window_s=90.0)
    data = SiteData(token_failures=[NOW - 90, NOW - 89, NOW - 1, NOW, NOW + 5])
    expected = Reading(3.0, 3, {"bad_tokens": 3, "window_minutes": 1.5})
    assert bad_tokens(tokens, data, NOW) == {SITE: expected}
    assert bad_tokens(tokens, data, NOW - 100) == {}


def test_the_window_is_shown_in_minutes_to_one_decimal() -> None:
    tokens = rule(kind="bad_tokens", window_s=100.0)
    reading = bad_tokens(tokens, SiteData(token_failures=[NOW]), NOW)[SITE]
    assert reading.figures["window_minutes"] == 1.7


def test_runs_the_prober_failed_are_counted_per_region_that_had_any() -> None:
    unmeasured = rule(kind="prober_unmeasured", above=2.0, clear_at=0.0, window_s=600.0)
    data = SiteData(unmeasured={"eu": [NOW - 700, NOW - 30, NOW], "us": [NOW - 700], "ap": []})
    expected = Reading(2.0, 2, {"unmeasured_runs": 2, "window_minutes": 10.0})
    assert prober_unmeasured(unmeasured, data, NOW) == {"eu": expected}


RESPONSE = rule(kind="response_target_missed", above=0.0, clear_at=0.0, min_offending=3)


def test_an_incident_past_its_response_target_reads_how_late_it_is() -> None:
    data = SiteData(awaiting_response={"incident-1": NOW - 600, "incident-2": NOW - 100})
    readings = response_target_missed(RESPONSE, data, NOW)
    assert readings == {
        "incident-1": Reading(600.0, 3, {"late_minutes": 10.0}),
        "incident-2": Reading(100.0, 3, {"late_minutes": 1.7}),
    }
    assert RESPONSE.breached(readings["incident-1"]) is True  # one missed target is enough


def test_an_incident_not_yet_past_its_target_is_not_late() -> None:
    data = SiteData(awaiting_response={"due-now": NOW, "due-later": NOW + 300})
    readings = response_target_missed(RESPONSE, data, NOW)
    assert readings["due-now"] == Reading(0.0, 0, {"late_minutes": 0.0})
    assert readings["due-later"] == Reading(-300.0, 0, {"late_minutes": -5.0})
    assert RESPONSE.cleared(readings["due-later"]) is True


def test_site_data_is_empty_unless_told() -> None:
    empty = SiteData()
    for name in SITE_KINDS.names():
        assert SITE_KINDS.measure(rule(kind=name, window_s=300.0), empty, NOW) == {}
