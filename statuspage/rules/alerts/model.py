"""What every alert rule has: a name, a severity, thresholds with hysteresis, hold
times and the statistical guard; and the registry each kind of rule joins.

A rule measures one value per subject (a component, an address, the prober).
It breaches when the value is above `above` and the guard is met; a firing alert
clears when the value is at or below `clear_at` (lower than `above`, so a value
hovering at the threshold does not open and close an alert every minute).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from storage.vocabulary import AlertSeverity

Figures = Mapping[str, float | int | str | None]


@dataclass(frozen=True, slots=True)
class Reading:
    """A rule's measurement of one subject at one moment."""

    value: float | None  # None: too little data to judge, so nothing changes
    offending: int = 0  # samples that on their own break the threshold (for the guard)
    figures: Figures = field(default_factory=dict)  # what the alert row and messages show


NO_DATA = Reading(None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One configured rule. `name` is its stable id (the API's `rule`)."""

    name: str
    kind: str
    severity: AlertSeverity
    above: float  # breached when the value is above this
    clear_at: float  # a firing alert clears when the value is at or below this
    window_s: float = 0.0  # 0: the rule looks at a moment, not a window
    for_s: float = 0.0  # pending this long before it fires
    resolve_for_s: float = 0.0  # clear this long before it resolves
    min_samples: int = 2  # fewer in the window: not judged
    min_offending: int = 2  # one bad sample never fires anything on its own
    options: Mapping[str, float] = field(default_factory=dict)  # the kind's own settings

    def breached(self, reading: Reading) -> bool | None:
        """True, False, or None when the reading cannot be judged."""
        if reading.value is None:
            return None
        return reading.value > self.above and reading.offending >= self.min_offending

    def cleared(self, reading: Reading) -> bool | None:
        if reading.value is None:
            return None
        return reading.value <= self.clear_at


Data = TypeVar("Data")
Out = TypeVar("Out")
Measure = Callable[[Rule, Data, float], Out]  # (rule, data, now in epoch seconds)


class Kinds(Generic[Data, Out]):
    """A registry of rule kinds that read the same data: each kind's measure joins with
    `kind(name)` (a decorator, or called on the measure), so configuration and
    documentation find every kind here."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._measures: dict[str, Measure[Data, Out]] = {}

    def kind(self, name: str) -> Callable[[Measure[Data, Out]], Measure[Data, Out]]:
        def register(measure: Measure[Data, Out]) -> Measure[Data, Out]:
            if name in self._measures:
                raise ValueError(f"rule kind {name!r} is registered twice")
            self._measures[name] = measure
            return measure

        return register

    def __contains__(self, name: object) -> bool:
        return name in self._measures

    def names(self) -> list[str]:
        return sorted(self._measures)

    def measure(self, rule: Rule, data: Data, now: float) -> Out:
        return self._measures[rule.kind](rule, data, now)
