"""A component's recent samples: counts over any window, the newest failures in a row,
latencies, forgetting, late results, and the nearest-rank quantile."""

from __future__ import annotations

import pytest

from statuspage.rules.alerts.samples import Counts, SampleWindow, quantile
from tests.rules.alerts.builders import NOW, counted, sample, window_of


def test_a_window_holds_what_came_after_its_start_up_to_and_including_now() -> None:
    window = window_of(sample(NOW + t) for t in (-120.0, -119.5, -1.0, 0.0, 0.5))
    assert window.counts(NOW, 120.0).results == 3  # now - 120 < at <= now


def test_counts_add_up_results_failures_slow_successes_and_their_latency() -> None:
    window = window_of(
        [
            sample(NOW - 3, ms=100.0),
            sample(NOW - 2, ms=700.0, slow=True),
            sample(NOW - 1, failed=True, ms=30_000.0),
            sample(NOW, ms=250.0),
        ]
    )
    assert window.counts(NOW, 60.0) == Counts(
        results=4, failures=1, over_sla=1, latency_sum_ms=1050.0
    )


def test_a_failed_sample_is_neither_over_the_sla_nor_part_of_the_latency() -> None:
    window = window_of([sample(NOW, failed=True, ms=900.0, slow=True)])
    assert window.counts(NOW, 60.0) == Counts(results=1, failures=1)
    assert window.latencies(NOW, 60.0) == []


def test_a_window_counts_only_its_own_part_of_a_longer_history() -> None:
    window = window_of(
        sample(NOW - 600 + 60 * n, failed=n % 2 == 0, ms=10.0 * n, slow=n == 9) for n in range(10)
    )
    # The samples at now - 240 .. now - 60: n = 6 (failed), 7, 8 (failed), 9 (slow).
    assert window.counts(NOW - 60, 200.0) == Counts(4, 2, 1, 160.0)


def test_an_empty_window_counts_nothing() -> None:
    window = window_of([sample(NOW - 300), sample(NOW + 10)])
    assert window.counts(NOW, 60.0) == Counts()
    assert window.failing_run(NOW, 60.0) == 0
    assert window.latencies(NOW, 60.0) == []


def test_successes_and_error_ratio_follow_from_the_counts() -> None:
    assert Counts(results=8, failures=2).successes == 6
    assert Counts(results=8, failures=2).error_ratio == 0.25
    assert Counts().error_ratio is None


def test_the_failing_run_counts_the_newest_failures_in_a_row() -> None:
    flags = [True, False, True, True, True]
    window = window_of(sample(NOW - 4 + n, failed=f) for n, f in enumerate(flags))
    assert window.failing_run(NOW, 60.0) == 3
    assert window.failing_run(NOW - 1, 60.0) == 2  # the newest is after this `now`
    assert window.failing_run(NOW - 3, 60.0) == 0  # the newest then had succeeded


def test_the_failing_run_stops_at_the_start_of_the_window() -> None:
    window = window_of(sample(NOW - 4 + n, failed=True) for n in range(5))
    assert window.failing_run(NOW, 2.5) == 3


def test_latencies_are_the_successes_of_the_window_in_time_order() -> None:
    window = window_of(
        [sample(NOW - 3, ms=300.0), sample(NOW - 2, failed=True, ms=5.0), sample(NOW, ms=100.0)]
    )
    assert window.latencies(NOW, 60.0) == [300.0, 100.0]
    assert window.latencies(NOW, 2.5) == [100.0]


def test_a_late_sample_takes_its_place_in_time() -> None:
    window = window_of([sample(NOW - 20, ms=1.0), sample(NOW, ms=3.0)])
    window.add(sample(NOW - 10, ms=2.0, slow=True))
    assert window.latencies(NOW, 60.0) == [1.0, 2.0, 3.0]
    assert window.counts(NOW - 5, 10.0) == Counts(1, 0, 1, 2.0)
    assert window.newest_at == NOW


def test_a_late_sample_keeps_what_the_samples_around_it_were() -> None:
    window = window_of(
        [
            sample(NOW - 30, failed=True, ms=9.0),
            sample(NOW - 20, ms=700.0, slow=True),
            sample(NOW, ms=50.0),
        ]
    )
    window.add(sample(NOW - 25, ms=20.0))
    assert window.counts(NOW, 60.0) == Counts(4, 1, 1, 770.0)
    assert window.failing_run(NOW - 26, 60.0) == 1


def test_a_late_sample_at_the_same_time_as_another_counts_as_well() -> None:
    window = window_of([sample(NOW - 10), sample(NOW)])
    window.add(sample(NOW - 10, failed=True))
    assert window.counts(NOW - 10, 1.0) == Counts(2, 1, 0, 100.0)
    assert window.failing_run(NOW - 10, 1.0) == 1  # the late one came second


def test_forgetting_drops_samples_at_or_before_keep_s_ago() -> None:
    window = window_of(sample(NOW - t) for t in (61.0, 60.0, 59.0, 0.0))
    window.keep_s = 60.0
    window.forget_before(NOW)
    assert len(window) == 2
    assert window.counts(NOW, 3600.0).results == 2


def test_forgetting_never_brings_samples_back() -> None:
    window = window_of([sample(NOW - 100), sample(NOW)], keep_s=60.0)
    window.forget_before(NOW)
    window.forget_before(NOW - 1000)
    assert window.counts(NOW, 3600.0).results == 1


def test_the_newest_time_is_none_once_everything_is_forgotten() -> None:
    window = window_of([], keep_s=60.0)
    assert window.newest_at is None
    window.add(sample(NOW))
    assert window.newest_at == NOW
    window.forget_before(NOW + 60)
    assert window.newest_at is None
    assert len(window) == 0


def test_a_long_history_forgotten_in_part_still_counts_exactly() -> None:
    history = [sample(float(t), failed=t % 7 == 0, ms=t % 50, slow=t % 5 == 0) for t in range(3000)]
    window = window_of(history, keep_s=1000.0)
    window.forget_before(2500.0)  # 1501 samples forgotten: the lists are cut down
    kept = history[1501:]
    asked = [(2999.0, 100.0), (3000.0, 1500.0), (1600.0, 10.0), (5000.0, 2001.0)]
    for late in [sample(3000.0, ms=4.0), sample(1600.0, failed=True)]:  # the second one late
        assert [window.counts(*a) for a in asked] == [counted(kept, *a) for a in asked]
        window.add(late)
        kept = sorted([*kept, late], key=lambda s: s.at)
    assert [window.counts(*a) for a in asked] == [counted(kept, *a) for a in asked]
    assert len(window) == len(kept)


def test_a_window_that_runs_for_days_holds_only_a_bounded_backlog() -> None:
    # Forgetting moves a start index; now and then the forgotten part is cut off the lists.
    window = SampleWindow(keep_s=100.0)
    for t in range(20_000):
        window.add(sample(float(t)))
        window.forget_before(float(t))
        assert len(window._times) <= 1024 + 2 * len(window)
    assert len(window) == 100


def test_a_late_sample_keeps_the_oldest_sample_slow() -> None:
    window = window_of([sample(NOW - 30, slow=True), sample(NOW - 20, slow=True), sample(NOW)])
    window.add(sample(NOW - 25))
    assert window.counts(NOW, 60.0).over_sla == 2


def test_the_p95_of_twenty_values_is_the_nineteenth_smallest() -> None:
    values = [
        float(v) for v in (13, 7, 20, 1, 16, 4, 10, 19, 2, 5, 8, 11, 14, 17, 3, 6, 9, 12, 15, 18)
    ]
    assert quantile(values, 0.95) == 19.0  # rank ceil(0.95 * 20) = 19
    assert quantile(values, 0.99) == 20.0  # rank ceil(19.8) = 20
    assert quantile(values, 0.5) == 10.0
    assert quantile(values, 0.0) == 1.0  # the rank is never below the first


def test_the_quantile_of_one_value_is_that_value() -> None:
    assert quantile([42.0], 0.95) == 42.0


def test_the_quantile_of_repeated_values_counts_each_one() -> None:
    assert quantile([5.0, 5.0, 5.0, 1.0], 0.5) == 5.0
    assert quantile([5.0, 1.0, 1.0, 1.0], 0.75) == 1.0


def test_the_quantile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^no values$"):
        quantile([], 0.95)


def test_a_fresh_window_is_empty() -> None:
    window = SampleWindow(60.0)
    assert len(window) == 0
    assert window.keep_s == 60.0


def test_a_windows_latencies_are_sorted_and_summed_in_time_order() -> None:
    window = window_of(
        [
            sample(NOW - 3, ms=0.1),
            sample(NOW - 2, failed=True, ms=5.0),
            sample(NOW - 1, ms=0.2),
            sample(NOW, ms=0.3),
        ]
    )
    summary = window.latency_summary(NOW, 60.0)
    assert summary.ascending == (0.1, 0.2, 0.3)
    assert summary.total_ms == (0.1 + 0.2) + 0.3  # not 0.1 + (0.2 + 0.3): a different float
    assert (summary.slowest, summary.quantile(0.5), summary.count_above(0.1)) == (0.3, 0.2, 2)
    assert window.latency_summary(NOW - 2, 0.5).slowest is None  # only the failure


def test_latencies_worked_out_before_the_window_is_compacted_are_not_given_after() -> None:
    window = window_of((sample(float(t), ms=float(t)) for t in range(1, 3001)), keep_s=1000.0)
    before = window.latency_summary(3000.0, 101.0)  # samples 2,900 to 3,000: indexes 2,899 on
    window.forget_before(3000.0)  # keeps the last 1,000 samples, from index 0 now
    assert window.latency_summary(3000.0, 101.0) == before
    for t in range(3001, 5001):
        window.add(sample(float(t), ms=float(t)))
    after = window.latency_summary(5000.0, 101.0)  # the same indexes as `before` had
    assert before.ascending[0] == 2900.0
    assert after.ascending == tuple(window.latencies(5000.0, 101.0))
    assert after.ascending[0] == 4900.0


def test_many_windows_asked_of_one_sample_list_each_get_their_own_latencies() -> None:
    window = window_of(sample(NOW - t, ms=float(t)) for t in range(20))
    for span in range(1, 21):
        assert window.latency_summary(NOW, float(span)).ascending == tuple(map(float, range(span)))
    assert window.latency_summary(NOW, 3.0).total_ms == 3.0


def test_a_window_asked_again_before_its_samples_move_is_sorted_only_once() -> None:
    window = window_of(sample(NOW - t, ms=float(t)) for t in range(20))
    first = window.latency_summary(NOW, 10.0)
    assert window.latency_summary(NOW + 0.5, 10.5) is first  # the same samples
    window.add(sample(NOW + 1, ms=1.0))
    assert window.latency_summary(NOW, 10.0) is not first
