"""The scrape-side operations against values worked out by hand (docs/metrics.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pytest

from probes.metrics.exposition import Sample
from probes.metrics.operations import (
    MetricProblem,
    Scrape,
    bucket_quantile,
    gauge,
    increases,
    quantile,
    rate,
    ratio,
)
from probes.metrics.selectors import parse_selector

INF = math.inf


def scrape(at_s: float, *series: tuple[str, dict[str, str], float]) -> Scrape:
    return Scrape(
        at_s, tuple(Sample(n, tuple(sorted(labels.items())), v) for n, labels, v in series)
    )


def requests(at_s: float, ok: float, failed: float) -> Scrape:
    return scrape(
        at_s,
        ("http_requests_total", {"status": "200"}, ok),
        ("http_requests_total", {"status": "503"}, failed),
    )


ALL = parse_selector("http_requests_total")
FAILED = parse_selector('http_requests_total{status=~"5.."}')


def test_a_gauge_sums_the_matching_series_by_default() -> None:
    now = scrape(0, ("pool", {"db": "a"}, 3), ("pool", {"db": "b"}, 4), ("other", {}, 100))
    assert gauge(now, parse_selector("pool"), "sum") == 7


@pytest.mark.parametrize(("aggregate", "expected"), [("avg", 3.5), ("min", 3), ("max", 4)])
def test_a_gauge_can_average_or_take_the_extreme(aggregate: str, expected: float) -> None:
    now = scrape(0, ("cpu", {"core": "0"}, 3), ("cpu", {"core": "1"}, 4))
    assert gauge(now, parse_selector("cpu"), aggregate) == expected


def test_a_gauge_with_no_matching_series_is_a_problem() -> None:
    with pytest.raises(MetricProblem, match="no series matches cpu"):
        gauge(scrape(0, ("memory", {}, 1)), parse_selector("cpu"), "sum")


@pytest.mark.parametrize("value", [math.nan, INF, -INF])
def test_a_gauge_that_is_not_finite_is_a_problem_naming_the_series(value: float) -> None:
    with pytest.raises(MetricProblem, match=r'^cpu\{core="1", host="a"\} is (nan|inf|-inf)$'):
        gauge(scrape(0, ("cpu", {"core": "1", "host": "a"}, value)), parse_selector("cpu"), "max")


def test_a_rate_is_the_increase_per_second_summed_over_series() -> None:
    # (110 - 100) + (7 - 5) = 12 requests in 15 s.
    assert rate(requests(0, 100, 5), requests(15, 110, 7), ALL) == pytest.approx(0.8)


def test_a_counter_that_went_down_was_reset_and_its_increase_is_its_new_value() -> None:
    # The 200 series restarted at 0 and reached 4: increase 4, plus 2 for the 503s.
    assert rate(requests(0, 100, 5), requests(10, 4, 7), ALL) == pytest.approx(0.6)


def test_a_counter_that_did_not_move_has_a_rate_of_zero() -> None:
    assert rate(requests(0, 100, 5), requests(10, 100, 5), ALL) == 0


def test_a_new_series_contributes_nothing_until_its_second_scrape() -> None:
    before = scrape(0, ("c", {"a": "1"}, 10))
    after = scrape(10, ("c", {"a": "1"}, 20), ("c", {"a": "2"}, 500))
    assert rate(before, after, parse_selector("c")) == 1


def test_a_series_gone_from_the_new_scrape_is_left_out() -> None:
    before = scrape(0, ("c", {"a": "1"}, 10), ("c", {"a": "2"}, 10))
    after = scrape(10, ("c", {"a": "1"}, 20))
    assert increases(before, after, parse_selector("c")) == {("c", (("a", "1"),)): 10}


def test_a_rate_needs_the_scrapes_in_time_order() -> None:
    with pytest.raises(MetricProblem, match=r"^the scrapes are not in time order$"):
        rate(requests(10, 1, 1), requests(10, 2, 2), ALL)


def test_a_rate_over_less_than_a_second_is_per_second() -> None:
    assert rate(requests(0, 100, 5), requests(0.5, 101, 5), ALL) == 2


def test_a_rate_of_a_counter_no_series_matches_is_a_problem() -> None:
    with pytest.raises(MetricProblem, match="no series matches payments_total"):
        rate(requests(0, 1, 1), requests(10, 2, 2), parse_selector("payments_total"))


def test_a_negative_counter_is_a_problem() -> None:
    with pytest.raises(MetricProblem, match="is negative"):
        rate(scrape(0, ("c", {}, 1)), scrape(10, ("c", {}, -1)), parse_selector("c"))


def test_a_nan_counter_in_either_scrape_is_a_problem() -> None:
    good, bad = scrape(0, ("c", {}, 1)), scrape(10, ("c", {}, math.nan))
    with pytest.raises(MetricProblem, match="is nan"):
        rate(good, bad, parse_selector("c"))
    with pytest.raises(MetricProblem, match="is nan"):
        rate(bad, scrape(20, ("c", {}, 1)), parse_selector("c"))


def test_an_error_rate_is_failed_requests_over_all_requests() -> None:
    # 3 of (10 + 3) requests failed.
    value = ratio(requests(0, 100, 5), requests(60, 110, 8), FAILED, ALL)
    assert value == pytest.approx(3 / 13)


def test_an_error_rate_with_no_error_series_yet_is_zero() -> None:
    before = scrape(0, ("http_requests_total", {"status": "200"}, 1))
    after = scrape(10, ("http_requests_total", {"status": "200"}, 5))
    assert ratio(before, after, FAILED, ALL) == 0


def test_an_error_rate_with_no_requests_is_no_value() -> None:
    assert ratio(requests(0, 100, 5), requests(60, 100, 5), FAILED, ALL) is None


def test_an_error_rate_across_a_reset_counts_the_new_values() -> None:
    # Both reset: 200s went to 6, 503s to 2, so 2 of 8.
    assert ratio(requests(0, 100, 5), requests(60, 6, 2), FAILED, ALL) == pytest.approx(0.25)


def test_an_error_rate_with_a_nan_numerator_is_a_problem_even_without_traffic() -> None:
    before = requests(0, 100, 5)
    after = scrape(60, ("http_requests_total", {"status": "200"}, 100), ("errors", {}, math.nan))
    with pytest.raises(MetricProblem, match="errors"):
        ratio(before, after, parse_selector("errors"), ALL)


def buckets(at_s: float, counts: Mapping[str, float], **labels: str) -> list[Sample]:
    return [
        Sample("latency_bucket", tuple(sorted({**labels, "le": le}.items())), count)
        for le, count in counts.items()
    ]


def histogram(at_s: float, *groups: list[Sample]) -> Scrape:
    return Scrape(at_s, tuple(sample for group in groups for sample in group))


LATENCY = parse_selector("latency_bucket")
START = {"0.1": 0, "0.5": 0, "1": 0, "+Inf": 0}


def test_a_quantile_interpolates_inside_its_bucket() -> None:
    # 100 observations: 50 <= 0.1, 40 in (0.1, 0.5], 10 in (0.5, 1]. p90: rank 90 is
    # the last of the (0.1, 0.5] bucket: 0.1 + 0.4 * 40/40 = 0.5. p75: rank 75 is 25
    # into that bucket of 40: 0.1 + 0.4 * 25/40 = 0.35.
    later = {"0.1": 50, "0.5": 90, "1": 100, "+Inf": 100}
    before, after = histogram(0, buckets(0, START)), histogram(60, buckets(60, later))
    assert quantile(before, after, LATENCY, 0.9) == pytest.approx(0.5)
    assert quantile(before, after, LATENCY, 0.75) == pytest.approx(0.35)


def test_a_quantile_in_the_first_bucket_starts_from_zero() -> None:
    # rank 25 of 50 in [0, 0.1]: 0.05.
    later = {"0.1": 50, "0.5": 90, "1": 100, "+Inf": 100}
    value = quantile(
        histogram(0, buckets(0, START)), histogram(60, buckets(60, later)), LATENCY, 0.25
    )
    assert value == pytest.approx(0.05)


def test_a_quantile_in_the_inf_bucket_is_the_highest_finite_bound() -> None:
    later = {"0.1": 50, "0.5": 90, "1": 95, "+Inf": 100}
    value = quantile(
        histogram(0, buckets(0, START)), histogram(60, buckets(60, later)), LATENCY, 0.99
    )
    assert value == 1


def test_a_quantile_sums_the_buckets_of_every_matching_series_by_bound() -> None:
    # /a: 10 fast; /b: 10 slow (0.5, 1]. Together p75: rank 15, 5 into the slow bucket
    # of 10: 0.5 + 0.5 * 5/10 = 0.75.
    fast = {"0.1": 10, "0.5": 10, "1": 10, "+Inf": 10}
    slow = {"0.1": 0, "0.5": 0, "1": 10, "+Inf": 10}
    before = histogram(0, buckets(0, START, route="/a"), buckets(0, START, route="/b"))
    after = histogram(60, buckets(60, fast, route="/a"), buckets(60, slow, route="/b"))
    assert quantile(before, after, LATENCY, 0.75) == pytest.approx(0.75)


def test_a_quantile_reads_buckets_in_any_order_and_any_spelling_of_the_bound() -> None:
    shuffled = {"+Inf": 100, "1.0": 100, "0.10": 50, "0.5": 90}
    begin = {"+Inf": 0, "1.0": 0, "0.10": 0, "0.5": 0}
    value = quantile(
        histogram(0, buckets(0, begin)), histogram(60, buckets(60, shuffled)), LATENCY, 0.75
    )
    assert value == pytest.approx(0.35)


def test_a_quantile_over_a_reset_uses_the_new_counts() -> None:
    high = {"0.1": 500, "0.5": 900, "1": 1000, "+Inf": 1000}
    low = {"0.1": 50, "0.5": 90, "1": 100, "+Inf": 100}
    value = quantile(histogram(0, buckets(0, high)), histogram(60, buckets(60, low)), LATENCY, 0.75)
    assert value == pytest.approx(0.35)


def test_a_quantile_with_no_observations_is_no_value() -> None:
    assert (
        quantile(histogram(0, buckets(0, START)), histogram(9, buckets(9, START)), LATENCY, 0.5)
        is None
    )


def test_a_histogram_without_an_inf_bucket_is_a_problem() -> None:
    counts = {"0.1": 1, "1": 2}
    zero = {"0.1": 0, "1": 0}
    with pytest.raises(MetricProblem, match=r'^the histogram has no le="\+Inf" bucket$'):
        quantile(histogram(0, buckets(0, zero)), histogram(9, buckets(9, counts)), LATENCY, 0.5)


@pytest.mark.parametrize(
    ("le", "says"),
    [
        ("fast", "^bucket bound le='fast' is not a number$"),
        ("NaN", '^bucket bound le="NaN" is not a number$'),
    ],
)
def test_a_bucket_bound_that_is_not_a_number_is_a_problem(le: str, says: str) -> None:
    with pytest.raises(MetricProblem, match=says):
        quantile(histogram(0, buckets(0, {le: 0})), histogram(9, buckets(9, {le: 1})), LATENCY, 0.5)


def test_a_bucket_series_without_le_is_a_problem() -> None:
    no_le = Scrape(0, (Sample("latency_bucket", (), 1),))
    with pytest.raises(MetricProblem, match=r"^a bucket series has no le label$"):
        quantile(no_le, Scrape(9, (Sample("latency_bucket", (), 2),)), LATENCY, 0.5)


@pytest.mark.parametrize("q", [-0.01, 1.01])
def test_a_quantile_outside_zero_to_one_is_a_problem(q: float) -> None:
    with pytest.raises(MetricProblem, match=r"outside 0\.\.1"):
        quantile(histogram(0, buckets(0, START)), histogram(9, buckets(9, START)), LATENCY, q)


def test_bucket_quantile_at_the_ends_of_zero_to_one() -> None:
    counts = [(1.0, 10.0), (2.0, 20.0), (INF, 20.0)]
    assert bucket_quantile(0, counts) == 0
    assert bucket_quantile(1, counts) == 2


def test_bucket_quantile_needs_two_buckets() -> None:
    with pytest.raises(MetricProblem, match=r"^the histogram needs at least two buckets$"):
        bucket_quantile(0.5, [(INF, 10.0)])


def test_bucket_quantile_with_no_buckets_is_a_problem() -> None:
    with pytest.raises(MetricProblem, match=r'^the histogram has no le="\+Inf" bucket$'):
        bucket_quantile(0.5, [])


def test_bucket_quantile_in_a_bucket_of_one_observation() -> None:
    assert bucket_quantile(0.5, [(1.0, 1.0), (INF, 1.0)]) == 0.5


def test_bucket_quantile_over_exactly_two_buckets() -> None:
    assert bucket_quantile(0.5, [(1.0, 10.0), (INF, 10.0)]) == 0.5


def test_bucket_quantile_at_zero_starts_at_the_first_bucket_with_observations() -> None:
    # Not 0/0: the first bucket is empty, so the lowest observation is above 1.
    assert bucket_quantile(0, [(1.0, 0.0), (2.0, 10.0), (INF, 10.0)]) == 1
    assert bucket_quantile(0, [(0.0, 0.0), (1.0, 10.0), (INF, 10.0)]) == 0


@pytest.mark.parametrize(("q", "expected"), [(0, 0.0), (1, 1.0)])
def test_a_quantile_of_zero_or_one_is_allowed(q: float, expected: float) -> None:
    later = {"0.1": 50, "0.5": 90, "1": 100, "+Inf": 100}
    value = quantile(histogram(0, buckets(0, START)), histogram(60, buckets(60, later)), LATENCY, q)
    assert value == expected


def test_bucket_quantile_interpolates_from_the_lifted_count() -> None:
    # Lifted: [10, 10, 12, 20]. p55: rank 11, 1 into (2, 3] holding 12 - 10 = 2: 2.5.
    # (From the unlifted 8 it would be 3 of 4: 2.75.)
    counts = [(1.0, 10.0), (2.0, 8.0), (3.0, 12.0), (INF, 20.0)]
    assert bucket_quantile(0.55, counts) == pytest.approx(2.5)


def test_bucket_quantile_lifts_a_bucket_that_reads_lower_than_the_one_before() -> None:
    # The (1, 2] bucket read 8 though the 1 bucket read 10: taken as 10, so all 20
    # observations are in [0, 1] and (2, +Inf]; p50 = rank 10 = the top of [0, 1].
    assert bucket_quantile(0.5, [(1.0, 10.0), (2.0, 8.0), (INF, 20.0)]) == 1
    assert bucket_quantile(0.75, [(1.0, 10.0), (2.0, 8.0), (INF, 20.0)]) == 2


def test_bucket_quantile_with_a_first_bound_at_or_below_zero_returns_that_bound() -> None:
    assert bucket_quantile(0.1, [(-1.0, 5.0), (1.0, 10.0), (INF, 10.0)]) == -1
    assert bucket_quantile(0.1, [(0.0, 5.0), (1.0, 10.0), (INF, 10.0)]) == 0


def test_bucket_quantile_between_negative_and_positive_bounds_interpolates() -> None:
    # rank 7.5 of 10: 2.5 into (-1, 1] holding 5: -1 + 2 * 2.5/5 = 0.
    assert bucket_quantile(0.75, [(-1.0, 5.0), (1.0, 10.0), (INF, 10.0)]) == pytest.approx(0)
