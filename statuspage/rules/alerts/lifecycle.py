"""How one alert moves: pending → firing → resolved, from one reading to the next.

* A breach starts a pending alert; it fires once the breach has lasted the rule's
  `for_s` (at once when that is 0). A pending alert whose breach ends is dropped:
  it never fired, so nobody hears of it.
* A firing alert resolves only after its value has stayed at or below the lower
  `clear_at` for `resolve_for_s`: hysteresis in value and in time, so a condition
  hovering at its threshold does not open and close an alert every minute.
* A reading without enough data changes nothing: an alert neither fires nor
  resolves on silence.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from statuspage.rules.alerts.model import Reading, Rule
from storage.vocabulary import AlertState


class Change(enum.StrEnum):
    PENDING = "pending"  # a breach began
    FIRED = "fired"
    RESOLVED = "resolved"
    DROPPED = "dropped"  # a pending alert whose breach ended before it fired


@dataclass(frozen=True, slots=True)
class Tracked:
    """The open alert of one rule and subject (times in epoch seconds)."""

    state: AlertState  # PENDING or FIRING
    started_at: float  # when the breach began
    fired_at: float | None = None
    clear_since: float | None = None  # firing, but clear since then


@dataclass(frozen=True, slots=True)
class Step:
    tracked: Tracked | None  # None: no open alert any more (or still none)
    change: Change | None  # what happened at this step, if anything


def step(rule: Rule, tracked: Tracked | None, reading: Reading, now: float) -> Step:
    breached = rule.breached(reading)
    if breached is None:
        return Step(tracked, None)
    if tracked is None:
        return _begin(rule, now) if breached else Step(None, None)
    if tracked.state is AlertState.PENDING:
        return _pending(rule, tracked, breached, now)
    return _firing(rule, tracked, bool(rule.cleared(reading)), now)


def _begin(rule: Rule, now: float) -> Step:
    pending = Tracked(AlertState.PENDING, started_at=now)
    fired = _fire_if_due(rule, pending, now)
    return Step(fired, Change.FIRED if fired.state is AlertState.FIRING else Change.PENDING)


def _pending(rule: Rule, tracked: Tracked, breached: bool, now: float) -> Step:
    if not breached:
        return Step(None, Change.DROPPED)
    fired = _fire_if_due(rule, tracked, now)
    return Step(fired, Change.FIRED if fired is not tracked else None)


def _fire_if_due(rule: Rule, tracked: Tracked, now: float) -> Tracked:
    if now - tracked.started_at >= rule.for_s:
        return replace(tracked, state=AlertState.FIRING, fired_at=now)
    return tracked


def _firing(rule: Rule, tracked: Tracked, cleared: bool, now: float) -> Step:
    if not cleared:
        clearing = tracked.clear_since is not None  # 0.0 is a time like any other
        return Step(replace(tracked, clear_since=None) if clearing else tracked, None)
    since = tracked.clear_since if tracked.clear_since is not None else now
    if now - since >= rule.resolve_for_s:
        return Step(None, Change.RESOLVED)
    return Step(
        tracked if tracked.clear_since is not None else replace(tracked, clear_since=now), None
    )
