"""A window of samples answers every question as a plain list looked at whole would:
for any window and `now`, after forgetting, and with results that arrive late."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from statuspage.rules.alerts.samples import Sample, SampleWindow, quantile
from tests.rules.alerts.builders import counted

KEEP_S = 60.0

times = st.integers(min_value=0, max_value=400).map(lambda n: n / 2)  # ties happen
samples = st.builds(
    Sample,
    at=times,
    failed=st.booleans(),
    latency_ms=st.integers(min_value=0, max_value=5000).map(float),  # sums stay exact
    over_sla=st.booleans(),
)


@dataclass(frozen=True, slots=True)
class Forget:
    now: float


operations = st.lists(st.one_of(samples, samples, st.builds(Forget, times)), max_size=60)
questions = st.lists(st.tuples(times, st.integers(0, 250).map(float)), min_size=1, max_size=8)


def replay(ops: list[Sample | Forget]) -> tuple[SampleWindow, list[Sample]]:
    """The window after `ops`, and the plain list the same operations leave."""
    window, kept = SampleWindow(KEEP_S), list[Sample]()
    for op in ops:
        window, kept = replay_onto(window, kept, op)
    return window, kept


def replay_onto(
    window: SampleWindow, kept: list[Sample], op: Sample | Forget
) -> tuple[SampleWindow, list[Sample]]:
    if isinstance(op, Forget):
        window.forget_before(op.now)
        return window, [s for s in kept if s.at > op.now - KEEP_S]
    window.add(op)
    kept.insert(bisect_right([s.at for s in kept], op.at), op)  # after its equals
    return window, kept


def inside(kept: list[Sample], now: float, span_s: float) -> list[Sample]:
    return [s for s in kept if now - span_s < s.at <= now]


def failing_run(window: list[Sample]) -> int:
    run = 0
    for each in reversed(window):
        if not each.failed:
            break
        run += 1
    return run


@given(operations, questions)
def test_counts_are_what_a_look_at_every_sample_finds(
    ops: list[Sample | Forget], asked: list[tuple[float, float]]
) -> None:
    window, kept = replay(ops)
    for now, span_s in asked:
        assert window.counts(now, span_s) == counted(kept, now, span_s)


@given(operations, questions)
def test_latencies_and_failing_runs_are_what_a_look_at_every_sample_finds(
    ops: list[Sample | Forget], asked: list[tuple[float, float]]
) -> None:
    window, kept = replay(ops)
    for now, span_s in asked:
        seen = inside(kept, now, span_s)
        assert window.latencies(now, span_s) == [s.latency_ms for s in seen if not s.failed]
        assert window.failing_run(now, span_s) == failing_run(seen)


@given(operations)
def test_the_window_holds_the_samples_not_forgotten(ops: list[Sample | Forget]) -> None:
    window, kept = replay(ops)
    assert len(window) == len(kept)
    assert window.newest_at == (kept[-1].at if kept else None)


@dataclass(frozen=True, slots=True)
class Ask:
    now: float
    span_s: float


asking = st.lists(
    st.one_of(
        samples, st.builds(Forget, times), st.builds(Ask, times, st.sampled_from([30.0, 60.0]))
    ),
    max_size=60,
)


@given(asking)
def test_a_windows_latencies_sorted_and_summed_stay_true_as_samples_come_and_go(
    ops: list[Sample | Forget | Ask],
) -> None:
    """Asked between the samples (late ones too) and forgetting, as rounds ask: what
    was worked out for one window is never given for another."""
    window, kept = SampleWindow(KEEP_S), list[Sample]()
    for op in ops:
        if isinstance(op, Ask):
            plain = [s.latency_ms for s in inside(kept, op.now, op.span_s) if not s.failed]
            summary = window.latency_summary(op.now, op.span_s)
            assert (summary.ascending, summary.total_ms) == (tuple(sorted(plain)), sum(plain))
        else:
            window, kept = replay_onto(window, kept, op)


values = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False), min_size=1
)


@given(values, st.floats(min_value=0.0, max_value=1.0))
def test_the_quantile_is_the_smallest_value_with_that_share_at_or_below_it(
    latencies: list[float], q: float
) -> None:
    share_below = [v for v in latencies if sum(x <= v for x in latencies) >= q * len(latencies)]
    assert quantile(latencies, q) == min(share_below)


@given(values, st.sampled_from([0.5, 0.95, 0.99]))
def test_the_quantile_is_the_nearest_rank_of_the_sorted_values(
    latencies: list[float], q: float
) -> None:
    # ceil(q * n) in exact decimals: for these q it never differs from the float product.
    rank = max(1, -(-round(q * 100) * len(latencies) // 100))
    assert quantile(latencies, q) == sorted(latencies)[rank - 1]


@given(operations, questions, st.sampled_from([0.0, 1000.0, 4999.0, float("inf")]))
def test_surely_none_is_said_only_of_a_window_holding_none(
    ops: list[Sample | Forget], asked: list[tuple[float, float]], watch_ms: float
) -> None:
    """What the round's shortcuts ask: "no failure, no success over the SLA, no success
    slower than the watched latency in this window?" Yes only when a look at every
    sample agrees; and for the common case (nothing new of the kind) it is yes."""
    window, kept = SampleWindow(KEEP_S, watch_ms), list[Sample]()
    for op in ops:
        window, kept = replay_onto(window, kept, op)
    for now, span_s in asked:
        seen = inside(kept, now, span_s)
        ok = [s for s in seen if not s.failed]
        if window.surely_none(now, span_s, failed=True):
            assert not any(s.failed for s in seen)
        if window.surely_none(now, span_s, over_sla=True):
            assert not any(s.over_sla for s in ok)
        for above in (watch_ms, watch_ms + 1.0, 0.0):
            if window.surely_none(now, span_s, slower_than_ms=above):
                assert not any(s.latency_ms > above for s in ok)
        newest = max((op.at for op in ops if isinstance(op, Sample)), default=-1.0)
        if newest <= now - span_s:  # nothing was ever added after the window's edge
            assert window.surely_none(
                now, span_s, failed=True, over_sla=True, slower_than_ms=watch_ms
            )
