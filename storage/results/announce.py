"""Committed results announced to the alert evaluator.

In one process (SQLite, or a PostgreSQL process that also evaluates) the writer
calls its listeners after each commit. Across processes on PostgreSQL the writer
also sends `NOTIFY statuspage_results` in the same transaction, so the evaluator
holding the alerting lock hears of every result exactly when it commits, never
before and never for a rolled-back batch. A notification's payload is limited to
8,000 bytes, so a batch goes as several compact JSON arrays.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

CHANNEL = "statuspage_results"
MAX_PAYLOAD = 7000  # bytes; PostgreSQL refuses payloads of 8,000 or more


@dataclass(frozen=True, slots=True)
class Announced:
    """One committed, measured result (times in epoch seconds)."""

    component_id: str
    region: str
    at: float  # scheduled_at: the result's identity with component and region
    failed: bool
    latency_ms: float
    over_sla: bool

    def as_list(self) -> list[object]:
        return [
            self.component_id,
            self.region,
            self.at,
            int(self.failed),
            round(self.latency_ms, 3),
            int(self.over_sla),
        ]


def announced(
    component_id: str, region: str, at: datetime, down: bool, latency_ms: float, within_sla: bool
) -> Announced:
    return Announced(component_id, region, at.timestamp(), down, latency_ms, not within_sla)


def payloads(results: Sequence[Announced]) -> Iterator[str]:
    """Compact JSON arrays of results, each under the payload limit."""
    chunk: list[str] = []
    size = 2
    for result in results:
        item = json.dumps(result.as_list(), separators=(",", ":"))
        if chunk and size + len(item) + 1 > MAX_PAYLOAD:
            yield "[" + ",".join(chunk) + "]"
            chunk, size = [], 2
        chunk.append(item)
        size += len(item) + 1
    if chunk:
        yield "[" + ",".join(chunk) + "]"


def parse(payload: str) -> list[Announced]:
    """The results of one payload; a malformed one (not ours) yields none."""
    try:
        items = json.loads(payload)
        return [
            Announced(str(c), str(r), float(at), bool(f), float(lat), bool(slow))
            for c, r, at, f, lat, slow in items
        ]
    except (ValueError, TypeError):
        return []


def to_datetime(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)
