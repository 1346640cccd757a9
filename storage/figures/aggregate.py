"""The counts a roll-up holds, as a value that can be built from results and added up.

Classification of one result, the single rule every figure follows:

- taken while the component was `under_maintenance` (per status history):
  counted in `maintenance` and nowhere else;
- otherwise counted as `up`, `degraded` or `down`;
- `within_sla` counts results that were successful (up or degraded) *and*
  flagged within the latency target;
- latency (sum, min, max, histogram) covers successful results only: the time a
  failed probe took says how it failed, not how fast the service is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from storage.figures import histogram as hist

RawResult = tuple[datetime, str, float, bool]  # scheduled_at, status, latency_ms, within_sla


class CountsLike(Protocol):
    """The counts of a roll-up; all that availability and SLA figures need."""

    @property
    def up(self) -> int: ...
    @property
    def degraded(self) -> int: ...
    @property
    def down(self) -> int: ...
    @property
    def maintenance(self) -> int: ...
    @property
    def within_sla(self) -> int: ...


class RollupLike(CountsLike, Protocol):
    """A whole stored roll-up (`storage.models.Rollup` fits), latency included."""

    @property
    def latency_sum_ms(self) -> float: ...
    @property
    def latency_min_ms(self) -> float | None: ...
    @property
    def latency_max_ms(self) -> float | None: ...
    @property
    def histogram(self) -> str: ...


@dataclass(slots=True)
class Aggregate:
    up: int = 0
    degraded: int = 0
    down: int = 0
    maintenance: int = 0
    within_sla: int = 0
    latency_sum_ms: float = 0.0
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None
    histogram: hist.Histogram = field(default_factory=dict)

    @property
    def successful(self) -> int:
        return self.up + self.degraded

    @property
    def total(self) -> int:
        """Results that count towards availability (maintenance excluded)."""
        return self.up + self.degraded + self.down

    def add(self, status: str, latency_ms: float, *, within_sla: bool, maintenance: bool) -> None:
        if maintenance:
            self.maintenance += 1
            return
        if status == "down":
            self.down += 1
            return
        if status == "up":
            self.up += 1
        elif status == "degraded":
            self.degraded += 1
        else:
            raise ValueError(f"unknown probe status {status!r}")
        self.within_sla += within_sla
        self._add_latency(latency_ms)

    def _add_latency(self, latency_ms: float) -> None:
        self.latency_sum_ms += latency_ms
        self.latency_min_ms = _min(self.latency_min_ms, latency_ms)
        self.latency_max_ms = _max(self.latency_max_ms, latency_ms)
        index = hist.bucket_index(latency_ms)
        self.histogram[index] = self.histogram.get(index, 0) + 1

    def merge(self, other: Aggregate) -> None:
        self.up += other.up
        self.degraded += other.degraded
        self.down += other.down
        self.maintenance += other.maintenance
        self.within_sla += other.within_sla
        self.latency_sum_ms += other.latency_sum_ms
        self.latency_min_ms = _min(self.latency_min_ms, other.latency_min_ms)
        self.latency_max_ms = _max(self.latency_max_ms, other.latency_max_ms)
        hist.merge_into(self.histogram, other.histogram)

    @classmethod
    def of(cls, rollup: RollupLike) -> Aggregate:
        return cls(
            up=rollup.up,
            degraded=rollup.degraded,
            down=rollup.down,
            maintenance=rollup.maintenance,
            within_sla=rollup.within_sla,
            latency_sum_ms=rollup.latency_sum_ms,
            latency_min_ms=rollup.latency_min_ms,
            latency_max_ms=rollup.latency_max_ms,
            histogram=hist.decode(rollup.histogram),
        )

    def columns(self) -> dict[str, object]:
        """The values of a `rollups` row, without its key."""
        return {
            "up": self.up,
            "degraded": self.degraded,
            "down": self.down,
            "maintenance": self.maintenance,
            "within_sla": self.within_sla,
            "latency_sum_ms": self.latency_sum_ms,
            "latency_min_ms": self.latency_min_ms,
            "latency_max_ms": self.latency_max_ms,
            "histogram": hist.encode(self.histogram),
        }


def merged(rollups: Iterable[RollupLike | Aggregate]) -> Aggregate:
    total = Aggregate()
    for rollup in rollups:
        total.merge(rollup if isinstance(rollup, Aggregate) else Aggregate.of(rollup))
    return total


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)
