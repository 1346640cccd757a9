"""Shared by the metrics tests: a real prometheus_client exposition on 127.0.0.1, a
settable clock, and a collector built as the service builds it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, start_http_server

from probes.sessions import ProbeSessions
from statuspage.config import load_settings
from statuspage.metric_specs import MetricsSettings
from statuspage.service.metric_collector import MetricCollector
from statuspage.service.runner import ProbeLimits
from storage.database import Database
from storage.metrics.buffer import PointWriter
from tests.storage.builders import T0


@dataclass
class MovingClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@contextmanager
def serving(registry: CollectorRegistry) -> Iterator[str]:
    """prometheus_client's own HTTP server for `registry`; yields its /metrics URL."""
    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    try:
        yield f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        assert not isinstance(thread, threading.Thread) or not thread.is_alive()


def metrics_settings(tmp_path: Path, source: str, metrics: str) -> MetricsSettings:
    path = tmp_path / "metrics.toml"
    path.write_text(source + metrics, encoding="utf-8")
    return load_settings(path, {}).metrics


def scrape_source(url: str, **extra: object) -> str:
    keys = "".join(f"{k} = {v!r}\n" for k, v in extra.items())
    return f'[[metric_sources]]\nname = "app"\nkind = "scrape"\nurl = "{url}"\n{keys}\n'


def collector(
    db: Database,
    sessions: ProbeSessions,
    settings: MetricsSettings,
    clock: MovingClock,
    points: PointWriter | None = None,
    limits: Callable[[], ProbeLimits] | None = None,
) -> MetricCollector:
    """As the service builds it; `points` not started unless the test starts it (each
    run then writes its points before it returns, while the database answers); roomy
    limits unless the test gives its own."""
    roomy = ProbeLimits(concurrency=10, rate_per_s=1000, per_host=0)
    writer = points or PointWriter(db)
    return MetricCollector(db, writer, sessions, limits or (lambda: roomy), lambda: settings, clock)


# The production example's error-rate metric (examples/production.toml), without its
# target: tests add the keys they are about.
ERROR_RATE = """
[[metrics]]
id = "api-error-rate"
name = "API error rate"
source = "app"
kind = "ratio"
numerator = 'http_requests_total{status=~"5.."}'
denominator = 'http_requests_total'
unit = "%"
"""


# A gauge the scrape tests' expositions serve (as prometheus_client's process metrics).
CPU = """
[[metrics]]
id = "cpu"
name = "CPU"
source = "app"
kind = "gauge"
selector = "process_cpu_percent"
unit = "%"
"""


# A ratio of request durations (an average latency), without its unit: tests add the
# keys they are about.
AVERAGE = """
[[metrics]]
id = "api-average"
name = "API average"
source = "app"
kind = "ratio"
numerator = "http_request_duration_seconds_sum"
denominator = "http_request_duration_seconds_count"
scale = 10.0
"""
