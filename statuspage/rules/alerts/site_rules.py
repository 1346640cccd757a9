"""Rules about the site rather than one component: failed sign-ins, bad API tokens,
and the prober's own failures.

Each measure returns a reading per subject (one address, one region, or the whole
site). A subject it does not mention has nothing in the window: the evaluator reads
that as zero, so an alert about it clears.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from statuspage.rules.alerts.model import Kinds, Reading, Rule

SITE = "site"


@dataclass(frozen=True, slots=True)
class SiteData:
    """Events of the last while, each list in time order (epoch seconds)."""

    sign_in_failures: Sequence[tuple[float, str]] = ()  # (at, client address)
    token_failures: Sequence[float] = ()
    unmeasured: Mapping[str, Sequence[float]] = field(default_factory=dict)  # by region
    # Incidents waiting for a human, by subject: when their response target passes.
    awaiting_response: Mapping[str, float] = field(default_factory=dict)
    # Components whose results stopped arriving: since when they are marked so.
    stale: Mapping[str, float] = field(default_factory=dict)
    # Their last result, where one is known (the mark comes several intervals later).
    last_results: Mapping[str, float] = field(default_factory=dict)


SITE_KINDS: Kinds[SiteData, Mapping[str, Reading]] = Kinds("site")


def _in_window(times: Sequence[float], now: float, span_s: float) -> int:
    return bisect_right(times, now) - bisect_right(times, now - span_s)


def _count(count: int, what: str, rule: Rule) -> Reading:
    figures = {what: count, "window_minutes": round(rule.window_s / 60, 1)}
    return Reading(float(count), count, figures)


def failed_sign_ins(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Failed admin sign-ins in the window, from every address together."""
    count = _in_window([at for at, _ in data.sign_in_failures], now, rule.window_s)
    return {SITE: _count(count, "failed_sign_ins", rule)} if count else {}


def failed_sign_ins_per_address(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Failed admin sign-ins in the window, per client address."""
    since = now - rule.window_s
    per = Counter(address for at, address in data.sign_in_failures if since < at <= now)
    return {address: _count(n, "failed_sign_ins", rule) for address, n in per.items()}


def bad_tokens(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Write-API requests with a missing, unknown or revoked token in the window."""
    count = _in_window(data.token_failures, now, rule.window_s)
    return {SITE: _count(count, "bad_tokens", rule)} if count else {}


def prober_unmeasured(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Probe runs the prober itself failed (no file descriptors, no memory, a stalled
    event loop), per region: the prober, not a target, needs attention."""
    readings = {}
    for region, times in data.unmeasured.items():
        if count := _in_window(times, now, rule.window_s):
            readings[region] = _count(count, "unmeasured_runs", rule)
    return readings


# Each measure joins the registry by a call, not a decorator: mutmut leaves decorated
# functions unmutated (docs/testing.md), and these measures are what its run is for.
SITE_KINDS.kind("failed_sign_ins")(failed_sign_ins)
SITE_KINDS.kind("failed_sign_ins_per_address")(failed_sign_ins_per_address)
SITE_KINDS.kind("bad_tokens")(bad_tokens)
SITE_KINDS.kind("prober_unmeasured")(prober_unmeasured)
