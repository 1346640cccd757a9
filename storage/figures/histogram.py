"""Fixed log-spaced latency buckets, so histograms from any two roll-ups add up.

Bucket 0 holds latencies under 1 ms. Bucket i (1..116) holds [1.1**(i-1), 1.1**i)
ms: each bucket is 10 % wider than the one below, so a percentile read from the
histogram is within 10 % of the true value (5 % when reported at the bucket's
geometric middle). Bucket 116 ends at 63.4 s; bucket 117 holds anything slower,
which only a misconfigured timeout produces.

A histogram is stored sparsely as "index:count" pairs, e.g. "31:2,32:118,33:40":
a steady endpoint fills a dozen buckets, not 118.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

RATIO = 1.1
MIN_MS = 1.0
MAX_MS = 60_000.0
TOP = math.ceil(math.log(MAX_MS / MIN_MS) / math.log(RATIO))  # last regular bucket: 116
OVERFLOW = TOP + 1
BUCKET_COUNT = OVERFLOW + 1
_LOG_RATIO = math.log(RATIO)

Histogram = dict[int, int]


def bucket_index(latency_ms: float) -> int:
    if not latency_ms >= MIN_MS:  # also catches NaN
        return 0
    return min(1 + int(math.log(latency_ms / MIN_MS) / _LOG_RATIO), OVERFLOW)


def bucket_bounds(index: int) -> tuple[float, float]:
    """[low, high) in ms; the overflow bucket's high is infinity."""
    if index <= 0:
        return 0.0, MIN_MS
    low = MIN_MS * math.pow(RATIO, index - 1)
    return low, (math.inf if index >= OVERFLOW else MIN_MS * math.pow(RATIO, index))


def representative_ms(index: int) -> float:
    """The value reported for a percentile that falls in this bucket."""
    if index <= 0:
        return MIN_MS / 2
    if index >= OVERFLOW:
        return bucket_bounds(OVERFLOW)[0]
    return MIN_MS * math.pow(RATIO, index - 0.5)  # geometric middle: at most 5 % off either edge


def build(latencies_ms: Iterable[float]) -> Histogram:
    histogram: Histogram = {}
    for latency in latencies_ms:
        index = bucket_index(latency)
        histogram[index] = histogram.get(index, 0) + 1
    return histogram


def merge_into(target: Histogram, other: Mapping[int, int]) -> None:
    for index, count in other.items():
        target[index] = target.get(index, 0) + count


def encode(histogram: Mapping[int, int]) -> str:
    return ",".join(f"{i}:{c}" for i, c in sorted(histogram.items()) if c)


def decode(text: str) -> Histogram:
    if not text:
        return {}
    histogram: Histogram = {}
    for pair in text.split(","):
        index, _, count = pair.partition(":")
        histogram[int(index)] = int(count)
    return histogram


def percentile(
    histogram: Mapping[int, int], fraction: float, *, low_ms: float, high_ms: float
) -> float | None:
    """Nearest-rank percentile (fraction in (0, 1]) read from the histogram.

    The result is clamped to the observed [low_ms, high_ms], so it stays in the
    bucket that holds the true value and never exceeds the real maximum.
    """
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return min(max(representative_ms(index), low_ms), high_ms)
    raise AssertionError("unreachable: rank <= total")
