"""One result's place in a roll-up, and roll-ups added together."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.figures import histogram as hist
from storage.figures.aggregate import Aggregate, merged
from storage.queries.summary import StoredBucket


def aggregate_of(*results: tuple[str, float, bool, bool]) -> Aggregate:
    total = Aggregate()
    for status, latency_ms, within_sla, maintenance in results:
        total.add(status, latency_ms, within_sla=within_sla, maintenance=maintenance)
    return total


def test_a_result_under_maintenance_counts_there_and_nowhere_else() -> None:
    assert aggregate_of(("up", 50.0, True, True)) == Aggregate(maintenance=1)


def test_a_failure_counts_as_down_with_no_latency_and_never_within_the_target() -> None:
    assert aggregate_of(("down", 9000.0, True, False)) == Aggregate(down=1)


def test_successes_count_with_their_latency_and_target() -> None:
    total = aggregate_of(("up", 10.0, True, False), ("degraded", 30.0, False, False))
    assert total == Aggregate(
        up=1,
        degraded=1,
        within_sla=1,
        latency_sum_ms=40.0,
        latency_min_ms=10.0,
        latency_max_ms=30.0,
        histogram=hist.build([10.0, 30.0]),
    )
    assert (total.successful, total.total) == (2, 2)


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^unknown probe status 'slow'$"):
        Aggregate().add("slow", 1.0, within_sla=True, maintenance=False)


def test_merging_adds_counts_and_keeps_the_widest_latency_range() -> None:
    total = aggregate_of(("up", 20.0, True, False), ("down", 1.0, False, False))
    total.merge(aggregate_of(("degraded", 5.0, False, False), ("up", 90.0, True, True)))
    total.merge(Aggregate())  # nothing measured: the range stays
    assert total == Aggregate(
        up=1,
        degraded=1,
        down=1,
        maintenance=1,
        within_sla=1,
        latency_sum_ms=25.0,
        latency_min_ms=5.0,
        latency_max_ms=20.0,
        histogram=hist.build([20.0, 5.0]),
    )
    assert (total.successful, total.total) == (2, 3)


def test_merging_into_an_empty_aggregate_takes_the_other_range() -> None:
    total = Aggregate()
    total.merge(aggregate_of(("up", 7.0, True, False)))
    assert (total.latency_min_ms, total.latency_max_ms) == (7.0, 7.0)


def test_a_stored_row_and_an_aggregate_merge_the_same() -> None:
    measured = aggregate_of(("up", 12.0, True, False), ("degraded", 700.0, False, False))
    measured.merge(aggregate_of(("down", 1.0, False, False), ("up", 3.0, False, True)))
    row = StoredBucket("api", datetime(2026, 3, 10, tzinfo=UTC), **measured.columns())  # type: ignore[arg-type]
    assert measured.columns() == {
        "up": 1,
        "degraded": 1,
        "down": 1,
        "maintenance": 1,
        "within_sla": 1,
        "latency_sum_ms": 712.0,
        "latency_min_ms": 12.0,
        "latency_max_ms": 700.0,
        "histogram": hist.encode(hist.build([12.0, 700.0])),
    }
    assert Aggregate.of(row) == measured
    assert merged([row, measured]) == merged([measured, measured])
