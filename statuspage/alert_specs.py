"""The rules as configured: the production configuration's defaults with `[[alerts]]`
applied by name, and what is wrong with them (reported at start-up with every other
problem in the file)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from statuspage.rules.alerts.defaults import DEFAULT_RULES
from statuspage.rules.alerts.kinds import LATENCY_KINDS
from statuspage.settings_model import AlertRuleSettings, FileSettings

RAW_HISTORY_S = 3600.0  # the evaluator keeps this much raw history
RAW_ONLY_KINDS = {*LATENCY_KINDS, "sla_share"}  # need each result, not counts

_RULE_KEYS = frozenset(AlertRuleSettings.model_fields) - {"name"}


def merged_specs(file: FileSettings) -> list[dict[str, Any]]:
    """Every enabled rule as a full dict: defaults (if on) with `[[alerts]]` applied."""
    alerting = file.alerting
    specs = {d["name"]: dict(d) for d in DEFAULT_RULES} if alerting.default_rules else {}
    for entry in file.alerts:
        given = {k: getattr(entry, k) for k in entry.model_fields_set if k in _RULE_KEYS}
        specs[entry.name] = {**specs.get(entry.name, {}), **given, "name": entry.name}
    return [s for s in specs.values() if s.get("enabled", True)]


def spec_problems(file: FileSettings, component_ids: Collection[str]) -> list[str]:
    """What `[[alerts]]` entries lack or name wrongly, all at once, for start-up, each
    under the entry's own key as the other configuration problems are."""
    problems = []
    specs = {spec["name"]: spec for spec in merged_specs(file)}
    for index, entry in enumerate(file.alerts):
        spec = specs.get(entry.name)
        if spec is not None:
            problems += _problems_of(spec, f"alerts[{index}] ({entry.name!r})", component_ids)
    known = set(specs) | {d["name"] for d in DEFAULT_RULES}
    for index, component in enumerate(file.components):
        for name in component.disabled_alerts:
            if name not in known:
                where = f"components[{index}] ({component.name!r}).disabled_alerts"
                problems.append(f"{where}: no rule named {name!r}")
    return problems


def _problems_of(spec: dict[str, Any], where: str, component_ids: Collection[str]) -> list[str]:
    problems = [
        f"{where}.{key}: required for a rule that is not a default"
        for key in ("kind", "severity")
        if spec.get(key) is None
    ]
    if spec.get("above") is None and spec.get("kind") not in LATENCY_KINDS:
        problems.append(f"{where}.above: required for this kind")
    kind = spec.get("kind")
    if kind == "burn_rate":
        long, short = spec.get("long_window_s"), spec.get("short_window_s")
        if not (long and short):
            problems.append(f"{where}: burn_rate needs long_window_s and short_window_s")
        elif short >= long:
            problems.append(f"{where}.short_window_s: must be shorter than long_window_s")
    if kind in RAW_ONLY_KINDS and (spec.get("window_s") or 0) > RAW_HISTORY_S:
        problems.append(
            f"{where}.window_s: at most {RAW_HISTORY_S:g} s for {kind} (one hour of results "
            "is kept for it; only error rates and burn rates read longer windows, from "
            "the hourly roll-ups)"
        )
    for component in spec.get("components") or ():
        if component not in component_ids:
            problems.append(f"{where}.components: no component with id {component!r}")
    return problems
