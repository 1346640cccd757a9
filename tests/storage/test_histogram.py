"""Latency histogram: fixed buckets, compact text, percentiles within one bucket."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from storage.figures import histogram

latencies = st.floats(min_value=0.0, max_value=120_000.0, allow_nan=False)


def test_the_buckets_run_from_1_ms_to_60_s_at_10_percent_steps() -> None:
    assert histogram.bucket_bounds(1) == (1.0, 1.1)
    assert histogram.bucket_bounds(histogram.TOP)[1] >= 60_000
    assert histogram.BUCKET_COUNT == 118


def test_sub_millisecond_and_very_slow_latencies_have_their_own_buckets() -> None:
    assert histogram.bucket_index(0.2) == 0
    assert histogram.bucket_index(math.nan) == 0
    assert histogram.bucket_index(10 * 60_000) == histogram.OVERFLOW


def test_a_histogram_is_stored_as_sparse_index_count_pairs() -> None:
    assert histogram.encode({32: 118, 31: 2, 5: 0}) == "31:2,32:118"
    assert histogram.decode("31:2,32:118") == {31: 2, 32: 118}
    assert histogram.decode("") == {}


@given(st.lists(latencies, max_size=50))
def test_encoding_round_trips(values: list[float]) -> None:
    built = histogram.build(values)
    assert histogram.decode(histogram.encode(built)) == built


@given(st.floats(min_value=0.0, max_value=70_000.0))
def test_a_value_lies_within_its_bucket(value: float) -> None:
    low, high = histogram.bucket_bounds(histogram.bucket_index(value))
    assert low <= value * (1 + 1e-12)
    assert value <= high * (1 + 1e-12)


def test_a_percentile_never_leaves_the_observed_range() -> None:
    built = histogram.build([100.0, 100.0, 101.0])
    assert histogram.percentile(built, 0.99, low_ms=100.0, high_ms=101.0) == 101.0
    assert histogram.percentile({}, 0.5, low_ms=0, high_ms=0) is None


def test_build_counts_every_latency_in_its_bucket() -> None:
    assert histogram.build([0.5, 0.7, 1.05, 1.05, 1.05]) == {0: 2, 1: 3}


def test_one_millisecond_exactly_opens_the_first_regular_bucket() -> None:
    assert histogram.bucket_index(1.0) == 1
    assert histogram.bucket_index(0.999) == 0


def test_each_bucket_reports_its_geometric_middle_and_the_edges_their_own_values() -> None:
    assert histogram.representative_ms(0) == 0.5
    assert histogram.representative_ms(1) == math.sqrt(1.1)
    assert histogram.representative_ms(histogram.TOP) == 1.1 ** (histogram.TOP - 0.5)
    overflow_start = histogram.bucket_bounds(histogram.OVERFLOW)[0]
    assert histogram.representative_ms(histogram.OVERFLOW) == overflow_start
    assert math.isfinite(overflow_start)
