"""A healthy component's shortcut: whether its latency rules could breach at all.

A round judges a component with no open alert and no failure in its raw window by
its success kinds only (the latency kinds and `sla_share`; rules that count failures
cannot breach without one). The guard of each of those counts the samples that break
its threshold on their own: a latency above `above`, or a success over the component's
SLA. With none of those in the longest of their windows, no guard can be met, so
measuring the rules would move nothing, and the round skips them: the common case
costs one look at one window instead of a measurement per rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from statuspage.rules.alerts.kinds import LATENCY_KINDS
from statuspage.rules.alerts.model import Rule
from statuspage.rules.alerts.samples import SampleWindow

# Kinds a run of successes can breach (slow successes); the others count failures.
SUCCESS_KINDS = frozenset({*LATENCY_KINDS, "sla_share"})


@dataclass(frozen=True, slots=True)
class Quiet:
    """One component's success rules, and what to look at to know none can breach."""

    rules: tuple[Rule, ...]  # its rules of the success kinds, in order
    span_s: float  # the longest of their windows: it holds every one of them
    fastest_ms: float  # the lowest latency threshold among them (inf: none)
    sla: bool  # an sla_share rule is among them
    # Every guard needs an offending sample, and every window is raw (not roll-ups):
    # otherwise the shortcut cannot vouch for a rule, and every rule is measured.
    usable: bool

    @classmethod
    def of(cls, rules: Iterable[Rule], keep_s: float) -> Quiet:
        success = tuple(r for r in rules if r.kind in SUCCESS_KINDS)
        latency = [r.above for r in success if r.kind in LATENCY_KINDS]
        return cls(
            rules=success,
            span_s=max((r.window_s for r in success), default=0.0),
            fastest_ms=min(latency, default=math.inf),
            sla=any(r.kind == "sla_share" for r in success),
            usable=all(r.min_offending >= 1 and r.window_s <= keep_s for r in success),
        )

    def holds(self, samples: SampleWindow, now: float) -> bool:
        """True when none of `rules` can breach at `now` on `samples`."""
        if not self.usable:
            return False
        span = self.span_s
        maybe_over_sla = self.sla and not samples.surely_none(now, span, over_sla=True)
        if maybe_over_sla and samples.counts(now, span).over_sla:
            return False
        if samples.surely_none(now, span, slower_than_ms=self.fastest_ms):
            return True  # what the lines below would find, without the window's values
        slowest = samples.latency_summary(now, self.span_s).slowest
        return slowest is None or slowest <= self.fastest_ms
