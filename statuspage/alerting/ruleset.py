"""The rules in force: the production configuration's defaults merged with `[[alerts]]`,
made concrete per component (its latency objectives, its availability objective, the
rules it opts out of)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from statuspage.alert_specs import RAW_HISTORY_S, merged_specs
from statuspage.config import ComponentConfig, Settings
from statuspage.metric_specs import MetricConfig
from statuspage.rules.alerts.component_rules import COMPONENT_KINDS
from statuspage.rules.alerts.defaults import COMPONENT_OBJECTIVE, LATENCY_CLEAR_FACTOR
from statuspage.rules.alerts.kinds import LATENCY_KINDS
from statuspage.rules.alerts.metric_rules import METRIC_BURN, METRIC_TARGET, probe_rule_kinds
from statuspage.rules.alerts.model import Rule
from statuspage.settings_model import ComponentSettings
from storage.vocabulary import AlertSeverity


@dataclass(frozen=True, slots=True)
class RuleSet:
    by_component: Mapping[str, tuple[Rule, ...]]  # probed components only
    site: tuple[Rule, ...]
    objectives: Mapping[str, float]  # component -> availability objective (0.99)
    by_metric: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)  # docs/metrics.md

    @property
    def keep_s(self) -> float:
        """How much raw history the evaluator keeps: an hour, or the longest window
        under that. Longer windows (error rates, burn rates) are read from roll-ups."""
        return RAW_HISTORY_S

    def long_spans(self) -> set[float]:
        """Windows longer than the raw history kept: counted from hourly roll-ups."""
        spans = set()
        for rules in self.by_component.values():
            for rule in rules:
                windows = [rule.window_s, rule.options.get("long_s", 0.0)]
                windows.append(rule.options.get("short_s", 0.0))
                spans |= {w for w in windows if w > self.keep_s}
        return spans


def build_ruleset(settings: Settings) -> RuleSet:
    specs = merged_specs(settings.file) if settings.file.alerting.enabled else []
    component_specs = [s for s in specs if s["kind"] in COMPONENT_KINDS]
    site = tuple(_rule(s) for s in specs if s["kind"] not in COMPONENT_KINDS)
    files = _component_settings(settings)
    by_component: dict[str, tuple[Rule, ...]] = {}
    objectives: dict[str, float] = {}
    for component in settings.probed_components:
        own = files.get(component.id)
        objectives[component.id] = component.availability_objective
        rules = []
        for spec in component_specs:
            if spec.get("components") is not None and component.id not in spec["components"]:
                continue
            if own is not None and spec["name"] in own.disabled_alerts:
                continue
            rule = _component_rule(spec, component, objectives[component.id])
            if rule is not None:
                rules.append(rule)
        by_component[component.id] = tuple(rules)
    return RuleSet(by_component, site, objectives, metric_rules(settings, component_specs))


def metric_rules(
    settings: Settings, component_specs: list[dict[str, Any]]
) -> dict[str, tuple[Rule, ...]]:
    """Each metric's rules: the component rules of its kind (not those limited to named
    components) and its own target's."""
    by_metric: dict[str, tuple[Rule, ...]] = {}
    unlimited = [s for s in component_specs if s.get("components") is None]
    for metric in settings.metrics.metrics:
        success_rate = metric.target_above is not None
        kinds = probe_rule_kinds(
            metric.kind, metric.unit, metric.quantile, success_rate, metric.average_latency
        )
        rules = [r for s in unlimited if s["kind"] in kinds if (r := _metric_rule(s, metric))]
        if (target := _target_rule(metric)) is not None:
            rules.append(target)
        by_metric[metric.id] = tuple(rules)
    return by_metric


def _metric_rule(spec: dict[str, Any], metric: MetricConfig) -> Rule | None:
    spec = dict(spec)
    if spec["kind"] in LATENCY_KINDS and spec.get("above") is None:
        if metric.target_below is None:  # no objective of its own: nothing to judge by
            return None
        spec["above"] = metric.target_below
        if spec.get("clear_at") is None:
            spec["clear_at"] = metric.target_below * LATENCY_CLEAR_FACTOR
    if spec["kind"] == "burn_rate":
        if metric.target_below is None:  # no objective: no budget to burn
            return None
        rule = _rule(spec)
        options = {**rule.options, "budget": metric.target_below}
        return replace(rule, kind=METRIC_BURN, options=options)
    return replace(_rule(spec), kind=METRIC_TARGET)


def _target_rule(metric: MetricConfig) -> Rule | None:
    """`metric-target`: the mean over five minutes beyond the metric's own target."""
    if metric.target_below is not None:
        above, direction = metric.target_below, 1.0
    elif metric.target_above is not None:
        above, direction = -metric.target_above, -1.0
    else:
        return None
    return Rule(
        name="metric-target",
        kind=METRIC_TARGET,
        severity=AlertSeverity.WARNING,
        above=above,
        clear_at=above,
        window_s=300.0,
        resolve_for_s=300.0,
        min_samples=2,
        min_offending=2,
        options={"direction": direction},
    )


def _component_settings(settings: Settings) -> dict[str, ComponentSettings]:
    by_name = {c.name: c for c in settings.file.components}
    return {c.id: by_name[c.name] for c in settings.components if c.name in by_name}


def _component_rule(
    spec: dict[str, Any], component: ComponentConfig, objective: float
) -> Rule | None:
    spec = dict(spec)
    if spec["kind"] in LATENCY_KINDS and spec.get("above") is None:
        objective_ms = dict(component.objectives).get(LATENCY_KINDS[spec["kind"]])
        if objective_ms is None:  # the component has no such objective
            return None
        spec["above"] = objective_ms
        spec.setdefault("clear_at", None)
        if spec["clear_at"] is None:
            spec["clear_at"] = objective_ms * LATENCY_CLEAR_FACTOR
    if spec["kind"] == "burn_rate":
        spec["objective"] = objective
    return _rule(spec)


def _rule(spec: dict[str, Any]) -> Rule:
    above = float(spec["above"])
    clear_at = spec.get("clear_at")
    options = {}
    if spec["kind"] == "burn_rate":
        options = {
            "long_s": float(spec["long_window_s"]),
            "short_s": float(spec["short_window_s"]),
            "objective": float(spec.get("objective", COMPONENT_OBJECTIVE)),
        }
    return Rule(
        name=spec["name"],
        kind=spec["kind"],
        severity=AlertSeverity(spec["severity"]),
        above=above,
        clear_at=above if clear_at is None else float(clear_at),
        window_s=float(spec.get("window_s") or 0.0),
        for_s=float(spec.get("for_s") or 0.0),
        resolve_for_s=float(spec.get("resolve_for_s") or 0.0),
        min_samples=int(spec.get("min_samples") or 2),
        min_offending=int(spec.get("min_offending") or 2),
        options=options,
    )
