"""Prometheus metrics of the service itself, on a registry owned by the app (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge

from statuspage.service.probe_stats import ProbeStats


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        # Updated on every probe: plain numbers, turned into metrics on scrape.
        self.probes = ProbeStats()
        r.register(self.probes)
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
