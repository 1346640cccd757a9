"""The lifecycle over any sequence of readings: an alert fires only after a breach that
lasted `for_s` and resolves only after a clear that lasted `resolve_for_s`, it does both
as soon as those holds are met, and a value that never clears fires at most once."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from hypothesis import example, given
from hypothesis import strategies as st

from statuspage.rules.alerts.lifecycle import Change, Tracked, step
from statuspage.rules.alerts.model import NO_DATA, Reading, Rule
from storage.vocabulary import AlertState
from tests.rules.alerts.builders import rule

ABOVE, CLEAR_AT = 5.0, 2.0


@dataclass(frozen=True, slots=True)
class Moment:
    at: float
    reading: Reading
    tracked: Tracked | None  # after this step
    change: Change | None


def run(r: Rule, readings: list[tuple[float, Reading]]) -> list[Moment]:
    tracked: Tracked | None = None
    moments = []
    for at, reading in readings:
        result = step(r, tracked, reading, at)
        tracked = result.tracked
        moments.append(Moment(at, reading, tracked, result.change))
    return moments


def held_since(r: Rule, moments: list[Moment], end: int, breached: bool) -> float:
    """When the run of judged readings ending at `end` that all breach (or, with
    `breached` False, all clear) began: readings without data do not break it."""
    start = moments[end].at
    for m in reversed(moments[: end + 1]):
        if m.reading.value is None:
            continue
        if (r.breached(m.reading) if breached else r.cleared(m.reading)) is not True:
            break
        start = m.at
    return start


values = st.sampled_from([0.0, CLEAR_AT, 3.0, ABOVE, 7.0, 50.0])
readings = st.one_of(st.just(NO_DATA), st.builds(Reading, values, st.integers(0, 3)))
gaps = (st.sampled_from([0, 10, 30]) | st.integers(min_value=0, max_value=120)).map(float)
holds = st.sampled_from([0.0, 30.0, 60.0, 300.0])
rules = st.builds(
    lambda f, r, g: rule(above=ABOVE, clear_at=CLEAR_AT, for_s=f, resolve_for_s=r, min_offending=g),
    holds,
    holds,
    st.integers(1, 3),
)


steps = st.lists(st.tuples(gaps, readings), max_size=40)


@st.composite
def histories(
    draw: st.DrawFn, steps: st.SearchStrategy[list[tuple[float, Reading]]] = steps
) -> list[tuple[float, Reading]]:
    """Readings at increasing times: epoch seconds, or a simulated clock that is at 0 at
    one of the steps (0 is a moment like any other)."""
    drawn = draw(steps)
    times = list(accumulate(gap for gap, _ in drawn))
    origin = draw(st.sampled_from(times) | st.integers(-(10**9), 0) if times else st.just(0.0))
    return [(at - origin, reading) for at, (_, reading) in zip(times, drawn, strict=True)]


@given(rules, histories())
def test_an_alert_fires_only_once_its_breach_has_lasted_for_s(
    r: Rule, history: list[tuple[float, Reading]]
) -> None:
    moments = run(r, history)
    for n, m in enumerate(moments):
        if m.change is Change.FIRED:
            assert r.breached(m.reading) is True
            assert m.at - held_since(r, moments, n, breached=True) >= r.for_s
            assert m.tracked is not None
            assert m.tracked.fired_at == m.at


@given(rules, histories())
@example(  # a clear hold that began at 0 once survived the value going back up
    rule(for_s=0.0, resolve_for_s=30.0, min_offending=1),
    [(-30.0, Reading(7.0, 1)), (0.0, Reading(0.0)), (10.0, Reading(3.0)), (40.0, Reading(0.0))],
)
def test_an_alert_resolves_only_once_clear_for_resolve_for_s(
    r: Rule, history: list[tuple[float, Reading]]
) -> None:
    moments = run(r, history)
    for n, m in enumerate(moments):
        if m.change is Change.RESOLVED:
            assert r.cleared(m.reading) is True
            assert m.at - held_since(r, moments, n, breached=False) >= r.resolve_for_s
            before = moments[n - 1].tracked
            assert before is not None
            assert before.state is AlertState.FIRING


@given(rules, histories())
def test_an_alert_fires_and_resolves_as_soon_as_its_holds_are_met(
    r: Rule, history: list[tuple[float, Reading]]
) -> None:
    moments = run(r, history)
    for n, m in enumerate(moments[1:], start=1):
        before = moments[n - 1].tracked
        if before is None:
            continue
        clear_s = m.at - held_since(r, moments, n, breached=False)
        if (
            before.state is AlertState.FIRING
            and r.cleared(m.reading)
            and clear_s >= r.resolve_for_s
        ):
            assert m.change is Change.RESOLVED
        breach_s = m.at - before.started_at
        if before.state is AlertState.PENDING and r.breached(m.reading) and breach_s >= r.for_s:
            assert m.change is Change.FIRED


@given(rules, histories())
def test_only_a_change_of_state_is_reported(r: Rule, history: list[tuple[float, Reading]]) -> None:
    state: AlertState | None = None
    for m in run(r, history):
        after = m.tracked.state if m.tracked else None
        expected = {
            (None, AlertState.PENDING): Change.PENDING,
            (None, AlertState.FIRING): Change.FIRED,
            (AlertState.PENDING, AlertState.FIRING): Change.FIRED,
            (AlertState.PENDING, None): Change.DROPPED,
            (AlertState.FIRING, None): Change.RESOLVED,
        }.get((state, after))
        assert m.change is expected
        state = after


above_clear = st.sampled_from([2.01, 3.0, ABOVE, 7.0, 50.0])  # all above clear_at
never_clear = st.one_of(st.just(NO_DATA), st.builds(Reading, above_clear, st.integers(0, 3)))


@given(rules, histories(st.lists(st.tuples(gaps, never_clear), max_size=40)))
def test_a_value_that_never_clears_fires_at_most_once_and_never_resolves(
    r: Rule, history: list[tuple[float, Reading]]
) -> None:
    changes = [m.change for m in run(r, history)]
    assert changes.count(Change.FIRED) <= 1
    assert Change.RESOLVED not in changes
