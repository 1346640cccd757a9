"""How alerts read in the admin area: severities, states, subjects and the figures a
rule recorded, as short lines for people. Figures and subjects can hold client
addresses and other text from outside: cleaned of control characters here,
escaped by the template like everything else."""

from __future__ import annotations

from collections.abc import Mapping

from statuspage.presentation.display import clean_text, format_ms
from storage.vocabulary import AlertSeverity, AlertState

SEVERITY_LABELS = {
    AlertSeverity.CRITICAL: "Critical",
    AlertSeverity.WARNING: "Warning",
    AlertSeverity.INFO: "Info",
}
STATE_LABELS = {
    AlertState.PENDING: "Pending",
    AlertState.FIRING: "Firing",
    AlertState.RESOLVED: "Resolved",
}
# What a subject's prefix says about it (storage.tables.alerts names the kinds).
_SUBJECT_KINDS = {
    "address": "Client address",
    "prober": "Prober in region",
    "incident": "Incident",
    "site": "Site",
    "metric": "Metric",
}
MAX_FIGURE_TEXT = 200  # a figure's text is cut here: a line, not a page


# Subjects that are a component under another prefix: `silent:api` is the
# no-recent-data alert's (its own group, apart from `component:api`'s).
_COMPONENT_KINDS = ("component", "silent")


def subject_text(subject: str, component_names: Mapping[str, str]) -> str:
    """ "API" for `component:api` and `silent:api`, "Client address 10.0.0.9" for
    `address:10.0.0.9`, "The whole site" for `site`."""
    if subject == "site":
        return "The whole site"
    kind, _, key = subject.partition(":")
    if kind in _COMPONENT_KINDS:
        return clean_text(component_names.get(key, key))
    label = _SUBJECT_KINDS.get(kind)
    return clean_text(f"{label} {key}" if label else subject)


def figure_lines(figures: Mapping[str, object]) -> tuple[str, ...]:
    """One line per figure, in the rule's order: "error rate: 7.5 %", "p95: 1.24 s"."""
    return tuple(_line(str(name), value) for name, value in figures.items())


def _line(name: str, value: object) -> str:
    for suffix, unit in (("_percent", " %"), ("_minutes", " min")):
        if name.endswith(suffix):
            return f"{_label(name.removesuffix(suffix))}: {_value(value)}{unit}"
    if name.endswith("_ms") and _is_number(value):
        assert isinstance(value, int | float)
        return f"{_label(name.removesuffix('_ms'))}: {format_ms(float(value))}"
    return f"{_label(name)}: {_value(value)}"


def _label(name: str) -> str:
    return clean_text(name.replace("_", " "))[:60]


def _value(value: object) -> str:
    if value is None:
        return "none"
    return clean_text(str(value))[:MAX_FIGURE_TEXT]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
