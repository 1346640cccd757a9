"""What a probe is asked to do and what it found.

These two types are the contract between configuration, the probe engine, the
scheduler and storage. They hold plain values only, so a result can be copied
into a buffer, written to a database or printed as JSON without surprises.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from probes.assertions import Assertion


class ProbeStatus(enum.StrEnum):
    """Outcome of one probe, judged against the check's SLA and assertions."""

    UP = "up"
    DEGRADED = "degraded"  # everything passed, but slower than the SLA
    DOWN = "down"
    # Not measured: the prober itself failed (no file descriptors, no memory, its event
    # loop stalled), so the result says nothing about the target. Left out of every
    # figure and of status evaluation.
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One HTTP health endpoint to probe, with the limits that bound the probe."""

    name: str
    url: str
    sla_ms: float
    timeout_s: float = 10.0
    connect_timeout_s: float | None = None  # None: the whole timeout may be spent connecting
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    expect_status: tuple[int, ...] = ()  # empty: any 2xx
    assertions: tuple[Assertion, ...] = ()
    max_redirects: int = 5
    max_body_bytes: int = 1_048_576
    reuse_connections: bool = False  # default: a new connection, as a first-time visitor sees it

    def accepts_status(self, http_status: int) -> bool:
        if self.expect_status:
            return http_status in self.expect_status
        return 200 <= http_status < 300


@dataclass(frozen=True, slots=True)
class Phases:
    """Milliseconds spent in each phase of one request (None: the phase did not happen).

    DNS and TLS are None for a reused connection or a plain-HTTP URL; connect is
    None when the connection came from the pool.
    """

    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    total_ms: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "dns_ms": self.dns_ms,
            "connect_ms": self.connect_ms,
            "tls_ms": self.tls_ms,
            "ttfb_ms": self.ttfb_ms,
            "total_ms": self.total_ms,
        }


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one probe found. `error` is a short human reason, None when up."""

    status: ProbeStatus
    latency_ms: float
    started_at: datetime  # wall clock (UTC) when the request began
    phases: Phases = field(default_factory=Phases)
    http_status: int | None = None
    error: str | None = None
    within_sla: bool = False
    dependencies: Mapping[str, str] = field(default_factory=dict)
    attempts: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "latency_ms": round(self.latency_ms, 3),
            "started_at": self.started_at.isoformat(),
            "http_status": self.http_status,
            "error": self.error,
            "within_sla": self.within_sla,
            "phases": {
                k: (None if v is None else round(v, 3)) for k, v in self.phases.as_dict().items()
            },
            "dependencies": dict(self.dependencies),
            "attempts": self.attempts,
        }
