"""`[alerting]`, `[[alerts]]` and the components' alerting keys: defaults, overrides by
name, per-component rules, and every problem reported at once with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.alerting.ruleset import build_ruleset
from statuspage.config import ConfigError
from statuspage.rules.alerts.defaults import DEFAULT_NAMES
from tests.alerting.helpers import settings_for


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'a.db'}"


def test_a_site_without_alerts_gets_every_default_rule(tmp_path: Path) -> None:
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path)))
    names = {r.name for r in rules.by_component["api"]} | {r.name for r in rules.site}
    assert names == DEFAULT_NAMES


def test_naming_a_default_changes_only_the_keys_given(tmp_path: Path) -> None:
    extra = '\n[[alerts]]\nname = "error-rate-critical"\nabove = 10.0\n'
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path), extra=extra))
    (rule,) = [r for r in rules.by_component["api"] if r.name == "error-rate-critical"]
    assert (rule.above, rule.clear_at, rule.window_s, rule.severity) == (
        10.0,
        2.5,
        120.0,
        "critical",
    )


def test_a_critical_component_has_a_stricter_budget(tmp_path: Path) -> None:
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path)))
    assert rules.objectives == {"api": 0.99, "payments": 0.999}
    (burn,) = [r for r in rules.by_component["payments"] if r.name == "budget-fast-burn"]
    assert burn.options["objective"] == 0.999


def test_latency_rules_follow_the_components_objectives(tmp_path: Path) -> None:
    api_extra = "objectives = { p95_ms = 300, average_ms = false }"
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path), api_extra=api_extra))
    by_name = {r.name: r for r in rules.by_component["api"]}
    assert (by_name["latency-p95"].above, by_name["latency-p95"].clear_at) == (300.0, 270.0)
    assert by_name["latency-p99"].above == 2000.0
    assert "latency-average" not in by_name


def test_a_component_opts_out_and_a_rule_can_be_scoped(tmp_path: Path) -> None:
    api_extra = 'disabled_alerts = ["sla-share"]'
    extra = '\n[[alerts]]\nname = "outage"\ncomponents = ["payments"]\n'
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path), extra=extra, api_extra=api_extra))
    api = {r.name for r in rules.by_component["api"]}
    assert "sla-share" not in api
    assert "outage" not in api
    assert "outage" in {r.name for r in rules.by_component["payments"]}


def test_alerting_off_has_no_rules(tmp_path: Path) -> None:
    rules = build_ruleset(
        settings_for(tmp_path, url(tmp_path), extra="\n[alerting]\nenabled = false\n")
    )
    assert rules.site == ()
    assert all(r == () for r in rules.by_component.values())


def test_every_problem_is_reported_at_once_with_its_key(tmp_path: Path) -> None:
    api_extra = 'disabled_alerts = ["no-such-rule"]'
    extra = """
[[alerts]]
name = "new-rule"

[[alerts]]
name = "wrong-component"
kind = "error_rate"
severity = "warning"
above = 3.0
components = ["nope"]
"""
    with pytest.raises(ConfigError) as raised:
        settings_for(tmp_path, url(tmp_path), extra=extra, api_extra=api_extra)
    problems = "\n".join(raised.value.problems)
    assert "alerts[0] ('new-rule').kind: required for a rule that is not a default" in problems
    assert "alerts[0] ('new-rule').severity: required" in problems
    assert "alerts[0] ('new-rule').above: required" in problems
    assert "alerts[1] ('wrong-component').components: no component with id 'nope'" in problems
    assert "components[0] ('API').disabled_alerts: no rule named 'no-such-rule'" in problems


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('kind = "error_rates"', "unknown rule kind 'error_rates'"),
        ("above = 1.0\nclear_at = 2.0", "clear_at must be at or below above"),
        ("min_offending = 1", "greater than or equal to 2"),
        ('severity = "page"', "alerts[0] ('error-rate-info').severity: Input should be"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, entry: str, message: str) -> None:
    extra = f'\n[[alerts]]\nname = "error-rate-info"\n{entry}\n'
    with pytest.raises(ConfigError) as raised:
        settings_for(tmp_path, url(tmp_path), extra=extra)
    assert message in str(raised.value)
    assert "statuspage.toml" in str(raised.value)


def test_a_long_error_rate_window_is_read_from_roll_ups(tmp_path: Path) -> None:
    extra = '\n[[alerts]]\nname = "error-rate-info"\nwindow_s = 7200\n'
    rules = build_ruleset(settings_for(tmp_path, url(tmp_path), extra=extra))
    assert rules.keep_s == 3600
    assert 7200 in rules.long_spans()


@pytest.mark.parametrize("name", ["latency-p95", "sla-share"])
def test_a_window_longer_than_the_raw_history_is_refused_where_it_needs_results(
    tmp_path: Path, name: str
) -> None:
    extra = f'\n[[alerts]]\nname = "{name}"\nwindow_s = 7200\n'
    with pytest.raises(ConfigError) as raised:
        settings_for(tmp_path, url(tmp_path), extra=extra)
    assert f"alerts[0] ('{name}').window_s: at most 3600 s" in str(raised.value)


def test_a_burn_rates_short_window_is_the_shorter(tmp_path: Path) -> None:
    extra = '\n[[alerts]]\nname = "budget-fast-burn"\nshort_window_s = 7200\n'
    with pytest.raises(ConfigError) as raised:
        settings_for(tmp_path, url(tmp_path), extra=extra)
    assert "short_window_s: must be shorter than long_window_s" in str(raised.value)
