"""Prometheus metrics of the service itself, on a registry owned by the app (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge

from statuspage.service.alert_metrics import AlertFigures
from statuspage.service.probe_stats import ProbeStats


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        # Updated on every probe: plain numbers, turned into metrics on scrape.
        self.probes = ProbeStats()
        r.register(self.probes)
        # Read from the database at each scrape (`statuspage.service.alert_metrics`).
        self.alerts = AlertFigures()
        r.register(self.alerts)
        self.buffer_pending = Gauge(
            "statuspage_results_pending", "Results waiting to be committed", registry=r
        )
        self.buffer_dropped = Gauge(
            "statuspage_results_dropped",
            "Results dropped because the buffer was full",
            registry=r,
        )
        self.points_pending = Gauge(
            "statuspage_metric_points_pending",
            "Scraped metric points waiting to be committed",
            registry=r,
        )
        self.points_dropped = Gauge(
            "statuspage_metric_points_dropped",
            "Scraped metric points dropped because their buffer was full, since start",
            registry=r,
        )
        self.unmeasured = Counter(
            "statuspage_probes_unmeasured",
            "Probe runs recorded as unknown because the prober itself failed: cause "
            "local_error (no file descriptors, no memory) or loop_stall (its event loop "
            "stood still during the probe)",
            ["cause"],
            registry=r,
        )
        self.loop_stalls = Gauge(
            "statuspage_event_loop_stalls",
            "Times this process's event loop stood still for 0.5 s or more, since start",
            registry=r,
        )
        self.loop_longest_stall = Gauge(
            "statuspage_event_loop_longest_stall_seconds",
            "The longest stall of this process's event loop since start",
            registry=r,
        )
        self.connections_open = Gauge(
            "statuspage_http_connections_open", "Web connections open now", registry=r
        )
        self.connections_shed = Gauge(
            "statuspage_http_connections_shed",
            "Connections closed to make room because they had sent no complete request, "
            "since start",
            registry=r,
        )
        self.connections_idle_closed = Gauge(
            "statuspage_http_connections_idle_closed",
            "Connections waiting between requests (keep-alive) closed to make room, since start",
            registry=r,
        )
        self.connections_slow_bodies_closed = Gauge(
            "statuspage_http_connections_slow_bodies_closed",
            "Requests whose body arrived too slowly, closed to make room, since start",
            registry=r,
        )
        self.connections_write_timeouts = Gauge(
            "statuspage_http_connections_write_timeouts",
            "Connections aborted because a response was not written to the client within "
            "server.response_write_timeout_s, since start",
            registry=r,
        )
        self.connections_refused = Gauge(
            "statuspage_http_connections_refused",
            "Connections answered 503 because server.max_connections were all busy, since start",
            registry=r,
        )
        self.failed_logins = Counter(
            "statuspage_failed_sign_ins", "Failed admin sign-in attempts", registry=r
        )
        self.token_failures = Counter(
            "statuspage_api_token_failures",
            "Write-API requests refused for a missing, unknown or revoked token",
            registry=r,
        )
