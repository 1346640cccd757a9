"""`statuspage demo`: everything a newcomer needs to see the product working at once.

A simulated application serves the production configuration's three health
endpoints in this process; the probes watch it every few seconds; a few days of history are
pre-filled so the uptime bars are not empty; the status page is served.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from probes.model import Phases, ProbeResult, ProbeStatus
from statuspage.simulated_app import SimulatedApp
from storage.database import Database
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from storage.results.rollup import roll_up
from storage.results.writer import ResultRecord, ResultWriter
from storage.status import record_status_change
from storage.vocabulary import ComponentStatus, IncidentStatus, Severity, StatusSource

# Everything the demo writes lives in one folder: the config, and beside it (the
# config's storage.url is relative to it) the database with its WAL and lock files.
DEMO_DIR = ".statuspage-demo"
DEMO_CONFIG_NAME = "statuspage.toml"
DEMO_DATABASE_NAME = "statuspage.db"
PREFILL_DAYS = 3
PREFILL_EVERY = timedelta(minutes=5)
SLAS_MS = {"system": 100.0, "database": 200.0, "external": 500.0}


def demo_folder(folder: Path) -> Path:
    """Make the demo's folder; its own `.gitignore` keeps it out of whatever repository
    it is made in, not only this one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("# Written by `statuspage demo`.\n*\n", encoding="utf-8")
    return folder


def demo_config_text(*, port: int, target_port: int, db_name: str) -> str:
    """The production example's components, pointed at the simulated app, probed every 5 s.

    `tests/test_demo.py` checks these components, SLAs and assertions match
    `examples/production.toml`, so the demo shows what the example configures.
    """
    target = f"http://127.0.0.1:{target_port}/api/health"
    return f"""# Written by `statuspage demo`; copy examples/production.toml for your own app.
[site]
name = "Acme Status (demo)"
url = "http://127.0.0.1:{port}"
time_zone = "UTC"
description = "Live status of the simulated Acme application and its providers."
footer_text = "This is a demo: the application behind it is simulated."

[server]
host = "127.0.0.1"
port = {port}

[storage]
url = "sqlite:///{db_name}"

[probes]
interval_s = 5
timeout_s = 3

[[components]]
id = "system"
name = "System"
group = "Platform"
description = "Application servers: service status, database connectivity, memory."
url = "{target}/system"
sla_ms = 100
expect_status = [200]
assertions = [
  'body.status == "healthy"',
  'body.database.status == "connected"',
  'body.memory.percent < 80',
]

[[components]]
id = "database"
name = "Database"
group = "Platform"
description = "MongoDB connectivity and query performance."
url = "{target}/database"
sla_ms = 200
expect_status = [200]
assertions = [
  'body.mongodb.status == "connected"',
  'body.mongodb.query_ms.p95 < 200',
]

[[components]]
id = "external"
name = "External services"
group = "Providers"
description = "Payments (Stripe), the LLM provider and email delivery."
url = "{target}/external"
sla_ms = 500
severity = "P0"
critical = true
expect_status = [200]
assertions = [
  'body.services.stripe.status == "operational"',
  'body.services.llm.status == "operational"',
  'body.services.email.status == "operational"',
]

[[components]]
id = "status-updates"
name = "Customer notifications"
group = "Providers"
description = "Incident notices and emails we send to customers."
""" + metrics_config_text(url=f"http://127.0.0.1:{target_port}/metrics", interval_s=5)


def simulated_result(app: SimulatedApp, component_id: str, at: datetime) -> ProbeResult:
    latency_ms = app.latency_s(component_id) * 1000
    sla_ms = SLAS_MS[component_id]
    if app.fails(component_id):
        return ProbeResult(
            ProbeStatus.DOWN,
            latency_ms,
            at,
            Phases(total_ms=latency_ms),
            http_status=503,
            error="HTTP 503",
        )
    status = ProbeStatus.UP if latency_ms <= sla_ms else ProbeStatus.DEGRADED
    return ProbeResult(
        status,
        latency_ms,
        at,
        Phases(total_ms=latency_ms),
        http_status=200,
        within_sla=status is ProbeStatus.UP,
    )


async def prefill_history(db: Database, *, now: datetime, tz_name: str, rng_state: int = 7) -> int:
    """Write PREFILL_DAYS of simulated results and roll them up; returns results written."""
    from zoneinfo import ZoneInfo

    simulated = SimulatedApp(rng=random.Random(rng_state))
    start = now - timedelta(days=PREFILL_DAYS)
    for component_id in SLAS_MS:
        await record_status_change(
            db, component_id, ComponentStatus.OPERATIONAL, at=start, source=StatusSource.PROBE
        )
    writer = ResultWriter(db, batch_size=1000)
    at = start
    while at < now:
        for component_id in SLAS_MS:
            writer.submit(
                ResultRecord(
                    component_id, "default", at, simulated_result(simulated, component_id, at)
                )
            )
        at += PREFILL_EVERY
    await writer.close()
    await _example_incident(db, now - timedelta(days=1, hours=3))
    await roll_up(db, now=now, tz=ZoneInfo(tz_name))
    return writer.written


async def _example_incident(db: Database, start: datetime) -> None:
    """One resolved incident, so the history page, the feeds and the API have content."""
    incident_id = await create_incident(
        db,
        NewIncident(
            name="Slow payment confirmations",
            status=IncidentStatus.INVESTIGATING,
            body="Payment confirmations are taking longer than usual. We are investigating.",
            severity=Severity.P1,
            components={"external": ComponentStatus.DEGRADED_PERFORMANCE},
            author="demo",
        ),
        now=start,
    )
    steps = [
        (
            20,
            IncidentStatus.IDENTIFIED,
            "Our payment provider's API is answering slowly; we have raised it with them.",
        ),
        (
            50,
            IncidentStatus.MONITORING,
            "The provider has deployed a fix; latency is back to normal. We are **monitoring**.",
        ),
        (
            95,
            IncidentStatus.RESOLVED,
            "Payment confirmations have been fast for 45 minutes. Resolved.",
        ),
    ]
    for minutes, status, body in steps:
        update = NewUpdate(status, body, author="demo")
        await post_update(db, incident_id, update, now=start + timedelta(minutes=minutes))


DEMO_ADMIN = "admin"


async def demo_admin_password(db: Database, *, now: datetime) -> str:
    """Create the demo's admin user, or give it a fresh password, and return the password.

    The password is new on every start, so it can be printed: no password is
    ever kept in a file.
    """
    from statuspage.admin.passwords import Passwords
    from storage.accounts.users import add_user, set_password_hash

    password = secrets.token_urlsafe(12)
    password_hash = await Passwords().hash_off_loop(password)
    if await set_password_hash(db, DEMO_ADMIN, password_hash, now=now, actor="demo") is None:
        await add_user(db, DEMO_ADMIN, password_hash, now=now, actor="demo")
    return password


DEMO_PUSH_TOKEN_NAME = "simulated application"  # noqa: S105 (a name, not a secret)


async def demo_push_token(db: Database, *, now: datetime) -> str:
    """A new API token for the simulated application's pushes, revoking the one of
    the demo's previous start (its plain text was never kept)."""
    from storage.accounts.tokens import create_token, list_tokens, revoke_token

    for old in await list_tokens(db):
        if old.active and old.name == DEMO_PUSH_TOKEN_NAME:
            await revoke_token(db, str(old.id), actor="demo", now=now)
    return (await create_token(db, DEMO_PUSH_TOKEN_NAME, created_by="demo", now=now))[1]


def metrics_config_text(*, url: str, interval_s: float) -> str:
    """The production example's metrics, reading `url`: `tests/test_demo.py` checks they
    match `examples/production.toml`, so the demo shows what the example configures."""
    return f"""
# The application's own metrics (docs/metrics.md): its Prometheus endpoint, scraped on
# the probes' scheduler. The production configuration watches latency (p95 < 1 s
# critical, p99 < 2 s warning, average < 500 ms), throughput, errors (overall < 1 %,
# critical endpoints < 0.1 %, payment failures < 0.01 %), resources (CPU < 70 %,
# memory < 80 % on average, the database pool) and a business dashboard.
[[metric_sources]]
name = "app"
kind = "scrape"
url = "{url}"
interval_s = {interval_s:g}

[[metrics]]
id = "api-p95"
name = "API response time (p95)"
group = "Latency"
source = "app"
kind = "quantile"
histogram = 'http_request_duration_seconds_bucket'
quantile = 0.95
scale = 1000.0
unit = "ms"
target_below = 1000.0
public = true

[[metrics]]
id = "api-p99"
name = "API response time (p99)"
group = "Latency"
source = "app"
kind = "quantile"
histogram = 'http_request_duration_seconds_bucket'
quantile = 0.99
scale = 1000.0
unit = "ms"
target_below = 2000.0

[[metrics]]
id = "api-average"
name = "API response time (average)"
group = "Latency"
description = "Time spent over requests served: the histogram's sum over its count."
source = "app"
kind = "ratio"
numerator = 'http_request_duration_seconds_sum'
denominator = 'http_request_duration_seconds_count'
scale = 10.0  # a ratio is a percentage: x 100, then x 10 turns seconds into ms
unit = "ms"
target_below = 500.0
average_latency = true  # judged by latency-average against target_below

[[metrics]]
id = "requests"
name = "Requests"
group = "Throughput"
source = "app"
kind = "rate"
selector = 'http_requests_total'
unit = "/s"

[[metrics]]
id = "db-queries"
name = "Database queries"
group = "Throughput"
source = "app"
kind = "rate"
selector = 'db_queries_total'
unit = "/s"

[[metrics]]
id = "active-sessions"
name = "Concurrent users"
group = "Throughput"
source = "app"
kind = "gauge"
selector = 'active_sessions'

[[metrics]]
id = "api-error-rate"
name = "API error rate"
group = "Errors"
source = "app"
kind = "ratio"
numerator = 'http_requests_total{{status=~"5.."}}'
denominator = 'http_requests_total'
unit = "%"
target_below = 1.0
public = true

[[metrics]]
id = "critical-error-rate"
name = "Critical endpoints error rate"
group = "Errors"
source = "app"
kind = "ratio"
numerator = 'http_requests_total{{route=~"/api/payments|/api/auth/.*", status=~"5.."}}'
denominator = 'http_requests_total{{route=~"/api/payments|/api/auth/.*"}}'
unit = "%"
target_below = 0.1

[[metrics]]
id = "payment-failures"
name = "Payment failures"
group = "Errors"
source = "app"
kind = "ratio"
numerator = 'payments_total{{outcome="failed"}}'
denominator = 'payments_total'
unit = "%"
target_below = 0.01

[[metrics]]
id = "cpu"
name = "CPU"
group = "Resources"
source = "app"
kind = "gauge"
selector = 'process_cpu_percent'
aggregate = "avg"
unit = "%"
target_below = 70.0

[[metrics]]
id = "memory"
name = "Memory"
group = "Resources"
source = "app"
kind = "gauge"
selector = 'process_memory_percent'
aggregate = "avg"
unit = "%"
target_below = 80.0

[[metrics]]
id = "db-pool"
name = "Database pool in use"
group = "Resources"
source = "app"
kind = "gauge"
selector = 'db_pool_connections{{state="in_use"}}'
unit = "connections"

[[metrics]]
id = "daily-active-users"
name = "Daily active users"
group = "Business"
source = "app"
kind = "gauge"
selector = 'active_users{{window="day"}}'

[[metrics]]
id = "monthly-active-users"
name = "Monthly active users"
group = "Business"
source = "app"
kind = "gauge"
selector = 'active_users{{window="month"}}'

[[metrics]]
id = "payment-success"
name = "Payment success"
group = "Business"
source = "app"
kind = "ratio"
numerator = 'payments_total{{outcome="succeeded"}}'
denominator = 'payments_total'
unit = "%"
target_above = 99.99

[[metrics]]
id = "signups"
name = "Sign-ups"
group = "Business"
source = "app"
kind = "rate"
selector = 'signups_total'
scale = 3600.0
unit = "/h"

[[metrics]]
id = "conversion"
name = "Conversion"
group = "Business"
source = "app"
kind = "gauge"
selector = 'subscription_rate_percent{{kind="conversion"}}'
unit = "%"

[[metrics]]
id = "churn"
name = "Churn"
group = "Business"
source = "app"
kind = "gauge"
selector = 'subscription_rate_percent{{kind="churn"}}'
unit = "%"

[[metrics]]
id = "ai-use"
name = "AI questions"
group = "Business"
source = "app"
kind = "rate"
selector = 'http_request_duration_seconds_count{{route="/api/ai/ask"}}'
scale = 60.0
unit = "/min"

[[metrics]]
id = "knowledge-base-use"
name = "Knowledge Base reads"
group = "Business"
source = "app"
kind = "rate"
selector = 'http_request_duration_seconds_count{{route="/api/knowledge-base"}}'
scale = 60.0
unit = "/min"

[[metrics]]
id = "service-requests"
name = "Service requests created"
group = "Business"
source = "app"
kind = "rate"
selector = 'service_requests_total{{state="created"}}'
scale = 3600.0
unit = "/h"

# A share of a few requests an hour: the application's own figure over the last day,
# not a ratio of two scrapes' increases (a handful each, so it would swing 0-100 %).
[[metrics]]
id = "service-request-fulfilment"
name = "Service requests fulfilled (24 h)"
group = "Business"
source = "app"
kind = "gauge"
selector = 'service_requests_fulfilled_percent'
unit = "%"
target_above = 90.0

# Figures the application computes itself are pushed over the write API with a token
# (POST /api/admin/metrics/{{id}}/data, docs/metrics.md); the demo's simulated
# application pushes these two every scrape interval.
[[metrics]]
id = "assessment-completion-free"
name = "Assessment completion (free tier)"
group = "Business"
kind = "push"
unit = "%"

[[metrics]]
id = "assessment-completion-pro"
name = "Assessment completion (pro tier)"
group = "Business"
kind = "push"
unit = "%"
"""
