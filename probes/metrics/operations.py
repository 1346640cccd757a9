"""The scrape-side operations, exactly: a gauge, the rate of a counter, the ratio of two
counter rates, and a quantile from a histogram's buckets, each over the series a
selector matches (docs/metrics.md has them with worked examples).

Pure: two scrapes in (the previous one and this one, each with its time in seconds),
a number out. Rates are per second over the interval between the two scrapes, summed
over the matching series, as `sum(rate(x[interval]))` in Prometheus with two samples:
a series whose value went down was reset (the process restarted), and its increase is
its new value; a series absent from the previous scrape is new and contributes nothing
until its next scrape. The quantile interpolates inside the bucket as Prometheus's
`histogram_quantile` does. A value that cannot be trusted (NaN or infinite samples,
buckets without +Inf) raises MetricProblem with the reason, and nothing is stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from probes.metrics.exposition import Sample
from probes.metrics.selectors import Selector

SeriesKey = tuple[str, tuple[tuple[str, str], ...]]
AGGREGATES = ("sum", "avg", "min", "max")


class MetricProblem(ValueError):
    """No value can be computed from these scrapes; the message says why."""


@dataclass(frozen=True, slots=True)
class Scrape:
    at_s: float  # when it was taken, in seconds (only differences are used)
    samples: tuple[Sample, ...]


def select(samples: Iterable[Sample], selector: Selector) -> list[Sample]:
    """The matching samples; a NaN or infinite value among them is a problem."""
    # The name first: most samples are of other metrics, and their labels need no dict.
    chosen = [
        s for s in samples if s.name == selector.name and selector.matches(s.name, s.label_map)
    ]
    for sample in chosen:
        if not math.isfinite(sample.value):
            raise MetricProblem(f"{sample.name}{_show(sample.labels)} is {sample.value}")
    return chosen


def gauge(scrape: Scrape, selector: Selector, aggregate: str) -> float:
    values = [s.value for s in select(scrape.samples, selector)]
    if not values:
        raise MetricProblem(f"no series matches {selector.name}")
    if aggregate == "avg":
        return sum(values) / len(values)
    if aggregate == "min":
        return min(values)
    if aggregate == "max":
        return max(values)
    return sum(values)


def increases(
    previous: Scrape, current: Scrape, selector: Selector, *, required: bool = True
) -> dict[SeriesKey, float]:
    """Each matching series' increase between the scrapes, resets counted. `required`:
    a selector matching nothing is a problem (not for an error counter, whose series
    appear with the first error)."""
    before = {_key(s): s.value for s in select(previous.samples, selector)}
    now = select(current.samples, selector)
    if required and not now:
        raise MetricProblem(f"no series matches {selector.name}")
    found: dict[SeriesKey, float] = {}
    for sample in now:
        if sample.value < 0:
            raise MetricProblem(f"counter {sample.name}{_show(sample.labels)} is negative")
        old = before.get(_key(sample))
        if old is not None:
            found[_key(sample)] = sample.value - old if sample.value >= old else sample.value
    return found


def rate(previous: Scrape, current: Scrape, selector: Selector) -> float:
    """Per second, summed over the matching series."""
    return sum(increases(previous, current, selector).values()) / _elapsed(previous, current)


def ratio(
    previous: Scrape, current: Scrape, numerator: Selector, denominator: Selector
) -> float | None:
    """rate(numerator) / rate(denominator), a fraction; None when the denominator did not
    move (no requests: an error rate of nothing is not 0 %, it is no value)."""
    below = sum(increases(previous, current, denominator).values())
    above = sum(increases(previous, current, numerator, required=False).values())
    return above / below if below else None


def quantile(previous: Scrape, current: Scrape, buckets: Selector, q: float) -> float | None:
    """`histogram_quantile(q, sum by (le) (rate(buckets)))`; None when nothing was observed."""
    if not 0 <= q <= 1:
        raise MetricProblem(f"quantile {q} is outside 0..1")
    per_bound: dict[float, float] = {}
    for (_, labels), increase in increases(previous, current, buckets).items():
        bound = _upper_bound(dict(labels))
        per_bound[bound] = per_bound.get(bound, 0.0) + increase
    return bucket_quantile(q, sorted(per_bound.items()))


def bucket_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """Prometheus's bucketQuantile over (upper bound, cumulative count), sorted by bound."""
    if not buckets or not math.isinf(buckets[-1][0]):
        raise MetricProblem('the histogram has no le="+Inf" bucket')
    if len(buckets) < 2:
        raise MetricProblem("the histogram needs at least two buckets")
    counts = _monotonic([count for _, count in buckets])
    total = counts[-1]
    if total == 0:
        return None
    rank = q * total
    # The first bucket reaching the rank that holds anything: for q = 0 an empty first
    # bucket would give 0/0 (Prometheus answers NaN there); its answer is the lower
    # bound of the first bucket with observations.
    index = next(i for i, count in enumerate(counts) if count >= rank and count > 0)
    if index == len(buckets) - 1:
        return buckets[-2][0]  # in the +Inf bucket: its lower bound is all that is known
    if index == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start = buckets[index - 1][0] if index > 0 else 0.0
    below = counts[index - 1] if index > 0 else 0.0
    end = buckets[index][0]
    return start + (end - start) * (rank - below) / (counts[index] - below)


def _monotonic(counts: list[float]) -> list[float]:
    # Buckets are scraped one by one, so a later (wider) bucket can read lower than an
    # earlier one; Prometheus lifts each to the largest before it, and so do we.
    lifted: list[float] = []
    for count in counts:
        lifted.append(max(count, lifted[-1]) if lifted else count)
    return lifted


def _upper_bound(labels: dict[str, str]) -> float:
    text = labels.get("le")
    if text is None:
        raise MetricProblem("a bucket series has no le label")
    try:
        bound = float(text)
    except ValueError:
        raise MetricProblem(f"bucket bound le={text!r} is not a number") from None
    if math.isnan(bound):
        raise MetricProblem('bucket bound le="NaN" is not a number')
    return bound


def _elapsed(previous: Scrape, current: Scrape) -> float:
    elapsed = current.at_s - previous.at_s
    if elapsed <= 0:
        raise MetricProblem("the scrapes are not in time order")
    return elapsed


def _key(sample: Sample) -> SeriesKey:
    return (sample.name, sample.labels)


def _show(labels: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in labels) + "}"
