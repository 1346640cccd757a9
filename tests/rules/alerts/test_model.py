"""What every rule shares: breaching strictly above its threshold with the guard met,
clearing at or below the lower `clear_at`, and the registries of rule kinds."""

from __future__ import annotations

import pytest

from statuspage.rules.alerts import kinds as every_kind  # loads every kind's module
from statuspage.rules.alerts.component_rules import COMPONENT_KINDS
from statuspage.rules.alerts.model import NO_DATA, Kinds, Reading, Rule
from statuspage.rules.alerts.site_rules import SITE_KINDS
from tests.rules.alerts.builders import CRITICAL, rule


def test_a_value_above_the_threshold_with_enough_offending_samples_breaches() -> None:
    assert rule(above=5.0).breached(Reading(5.1, offending=2)) is True


def test_a_value_at_the_threshold_does_not_breach() -> None:
    assert rule(above=5.0).breached(Reading(5.0, offending=3)) is False


def test_too_few_offending_samples_do_not_breach_however_high_the_value() -> None:
    assert rule(min_offending=3).breached(Reading(100.0, offending=2)) is False
    assert rule(min_offending=3).breached(Reading(100.0, offending=3)) is True


def test_a_reading_without_data_is_neither_breached_nor_cleared() -> None:
    assert rule().breached(NO_DATA) is None
    assert rule().cleared(NO_DATA) is None


def test_a_value_clears_at_or_below_clear_at_only() -> None:
    assert rule(clear_at=2.0).cleared(Reading(2.0)) is True
    assert rule(clear_at=2.0).cleared(Reading(2.01)) is False


def test_a_rule_guards_against_one_sample_unless_told_otherwise() -> None:
    plain = Rule("r", "error_rate", CRITICAL, above=1.0, clear_at=0.5)
    assert (plain.min_samples, plain.min_offending) == (2, 2)
    assert (plain.window_s, plain.for_s, plain.resolve_for_s) == (0.0, 0.0, 0.0)
    assert plain.options == {}


def test_a_reading_offends_with_nothing_and_shows_nothing_unless_told() -> None:
    assert Reading(1.0) == Reading(1.0, 0, {})
    assert NO_DATA.value is None


def test_a_kind_joins_its_registry_and_measures_rules_of_that_kind() -> None:
    kinds: Kinds[int, Reading] = Kinds("test")

    @kinds.kind("double")
    def double(rule: Rule, data: int, now: float) -> Reading:
        return Reading(2.0 * data + now)

    assert "double" in kinds
    assert "triple" not in kinds
    assert kinds.measure(rule(kind="double"), 4, 1.0) == Reading(9.0)
    assert kinds.scope == "test"


def test_a_kind_registered_twice_is_refused() -> None:
    kinds: Kinds[int, Reading] = Kinds("test")
    kinds.kind("same")(lambda r, d, n: NO_DATA)
    with pytest.raises(ValueError, match="rule kind 'same' is registered twice"):
        kinds.kind("same")(lambda r, d, n: NO_DATA)


def test_the_registries_list_every_kind_by_name() -> None:
    assert COMPONENT_KINDS.names() == [
        "burn_rate",
        "error_rate",
        "latency_average",
        "latency_p95",
        "latency_p99",
        "outage",
        "sla_share",
    ]
    assert SITE_KINDS.names() == [
        "bad_tokens",
        "failed_sign_ins",
        "failed_sign_ins_per_address",
        "no_recent_data",
        "prober_unmeasured",
        "response_target_missed",
    ]
    assert (COMPONENT_KINDS.scope, SITE_KINDS.scope) == ("component", "site")
    assert (*COMPONENT_KINDS.names(), *SITE_KINDS.names()) == every_kind.ALL_KINDS
