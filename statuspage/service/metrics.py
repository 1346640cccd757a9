"""Prometheus metrics of the service itself, on a registry owned by the app (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENESS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30)


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.probes = Counter(
            "statuspage_probes", "Probe results recorded", ["component", "status"], registry=r
        )
        self.probe_latency = Histogram(
            "statuspage_probe_latency_seconds",
            "Measured probe latency",
            ["component"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.lateness = Histogram(
            "statuspage_probe_start_lateness_seconds",
            "Probe start time minus its due time",
            buckets=_LATENESS_BUCKETS,
            registry=r,
        )
        self.retries = Counter(
            "statuspage_probe_confirmation_retries",
            "Down results re-probed before recording",
            registry=r,
        )
        self.buffer_pending = Gauge(
            "statuspage_results_pending", "Results waiting to be committed", registry=r
        )
        self.buffer_dropped = Gauge(
            "statuspage_results_dropped",
            "Results dropped because the buffer was full",
            registry=r,
        )
        self.failed_logins = Counter(
            "statuspage_failed_sign_ins", "Failed admin sign-in attempts", registry=r
        )
