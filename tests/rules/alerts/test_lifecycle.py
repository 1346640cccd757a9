"""How one alert moves: pending → firing after `for_s`, resolved after `resolve_for_s`
at or below `clear_at`; a pending breach that ends is dropped; no data changes nothing."""

from __future__ import annotations

from statuspage.rules.alerts.lifecycle import Change, Step, Tracked, step
from statuspage.rules.alerts.model import NO_DATA, Reading
from storage.vocabulary import AlertState
from tests.rules.alerts.builders import NOW, rule

HELD = rule(above=5.0, clear_at=2.0, for_s=60.0, resolve_for_s=300.0)
BREACH, BETWEEN, CLEAR = Reading(8.0, 5), Reading(4.0, 3), Reading(1.0, 1)
PENDING = Tracked(AlertState.PENDING, started_at=NOW)
FIRING = Tracked(AlertState.FIRING, started_at=NOW, fired_at=NOW + 60)


def test_a_quiet_subject_without_an_alert_stays_without_one() -> None:
    assert step(HELD, None, CLEAR, NOW) == Step(None, None)
    assert step(HELD, None, BETWEEN, NOW) == Step(None, None)


def test_a_breach_starts_a_pending_alert() -> None:
    assert step(HELD, None, BREACH, NOW) == Step(PENDING, Change.PENDING)


def test_a_breach_fires_at_once_when_the_rule_holds_for_no_time() -> None:
    fired = Tracked(AlertState.FIRING, started_at=NOW, fired_at=NOW)
    assert step(rule(for_s=0.0), None, BREACH, NOW) == Step(fired, Change.FIRED)


def test_a_value_above_the_threshold_with_one_offending_sample_starts_nothing() -> None:
    assert step(HELD, None, Reading(50.0, 1), NOW) == Step(None, None)


def test_a_pending_alert_fires_once_the_breach_has_lasted_for_s() -> None:
    assert step(HELD, PENDING, BREACH, NOW + 59) == Step(PENDING, None)
    fired = Tracked(AlertState.FIRING, started_at=NOW, fired_at=NOW + 60)
    assert step(HELD, PENDING, BREACH, NOW + 60) == Step(fired, Change.FIRED)


def test_a_pending_alert_whose_breach_ends_is_dropped() -> None:
    assert step(HELD, PENDING, BETWEEN, NOW + 30) == Step(None, Change.DROPPED)


def test_a_pending_alert_whose_offending_samples_fall_below_the_guard_is_dropped() -> None:
    assert step(HELD, PENDING, Reading(50.0, 1), NOW + 30) == Step(None, Change.DROPPED)


def test_no_data_changes_nothing() -> None:
    clearing = Tracked(AlertState.FIRING, NOW, NOW + 60, clear_since=NOW + 100)
    for tracked in (None, PENDING, FIRING, clearing):
        assert step(HELD, tracked, NO_DATA, NOW + 10_000) == Step(tracked, None)


def test_a_firing_alert_holds_while_its_value_stays_above_clear_at() -> None:
    assert step(HELD, FIRING, BETWEEN, NOW + 10_000) == Step(FIRING, None)
    assert step(HELD, FIRING, BREACH, NOW + 10_000) == Step(FIRING, None)


def test_a_firing_alert_starts_to_clear_at_or_below_clear_at() -> None:
    clearing = Tracked(AlertState.FIRING, NOW, NOW + 60, clear_since=NOW + 100)
    assert step(HELD, FIRING, Reading(2.0, 0), NOW + 100) == Step(clearing, None)
    assert step(HELD, clearing, CLEAR, NOW + 399) == Step(clearing, None)


def test_a_firing_alert_resolves_once_clear_for_resolve_for_s() -> None:
    clearing = Tracked(AlertState.FIRING, NOW, NOW + 60, clear_since=NOW + 100)
    assert step(HELD, clearing, CLEAR, NOW + 400) == Step(None, Change.RESOLVED)


def test_a_firing_alert_resolves_at_once_when_the_rule_holds_no_clear_time() -> None:
    assert step(rule(resolve_for_s=0.0), FIRING, CLEAR, NOW + 100) == Step(None, Change.RESOLVED)


def test_a_value_back_above_clear_at_restarts_the_clear_hold() -> None:
    clearing = Tracked(AlertState.FIRING, NOW, NOW + 60, clear_since=NOW + 100)
    assert step(HELD, clearing, BETWEEN, NOW + 200) == Step(FIRING, None)


def test_a_clear_hold_that_began_at_time_zero_restarts_too() -> None:
    # Times are plain numbers: 0.0 is a moment like any other (a simulated clock starts there).
    firing = Tracked(AlertState.FIRING, started_at=-100.0, fired_at=-100.0)
    clearing = step(HELD, firing, CLEAR, 0.0).tracked
    assert clearing == Tracked(AlertState.FIRING, -100.0, -100.0, clear_since=0.0)
    interrupted = step(HELD, clearing, BREACH, 10.0).tracked
    assert interrupted == firing
    assert step(HELD, interrupted, CLEAR, 310.0) == Step(
        Tracked(AlertState.FIRING, -100.0, -100.0, clear_since=310.0), None
    )
