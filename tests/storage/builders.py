"""Builders and database helpers for tests of storage and of code that uses it.

Not used at run time. PostgreSQL helpers read STATUSPAGE_TEST_POSTGRES_URL, an
admin URL on a disposable server: each test database gets a random name and is
dropped afterwards, so parallel runs never meet.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from probes.model import Phases, ProbeResult, ProbeStatus
from storage.components import ComponentDefinition
from storage.database import Database
from storage.engine import normalise_url
from storage.figures import histogram
from storage.figures.windows import LatencyFigures
from storage.incidents.reads import IncidentView
from storage.results.writer import ResultRecord, ResultWriter

POSTGRES_ENV = "STATUSPAGE_TEST_POSTGRES_URL"
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday noon, far from any DST change


def component(slug: str, **fields: Any) -> ComponentDefinition:
    """A probed component named after its slug, with a 500 ms SLA unless told otherwise."""
    probed = ComponentDefinition(id=slug, name=slug.title(), sla_ms=500.0, probed=True)
    return dataclasses.replace(probed, **fields)


def incident_view(at: datetime, **fields: Any) -> IncidentView:
    """An open, published, minor incident started, created and updated at `at`, with no
    updates and no components unless told otherwise: as a read returns one."""
    values: dict[str, Any] = {
        "id": 1, "kind": "incident", "name": "Outage", "status": "investigating",
        "impact": "minor", "impact_override": False, "severity": None, "draft": False,
        "created_at": at, "updated_at": at, "started_at": at, "monitoring_at": None,
        "resolved_at": None, "scheduled_for": None, "scheduled_until": None,
        "postmortem_body": None, "postmortem_published_at": None, "updates": (),
        "components": {},
    }  # fmt: skip
    return IncidentView(**(values | fields))


_REASONS = {
    ProbeStatus.DOWN: "connection refused",
    ProbeStatus.UNKNOWN: "not measured: too many open files on the prober",
}


def result(
    at: datetime, status: str = "up", latency_ms: float = 100.0, *, within_sla: bool | None = None
) -> ProbeResult:
    """A probe result; `within_sla` defaults to "up means within the target"."""
    probe_status = ProbeStatus(status)
    failed = probe_status in (ProbeStatus.DOWN, ProbeStatus.UNKNOWN)
    return ProbeResult(
        status=probe_status,
        latency_ms=latency_ms,
        started_at=at,
        phases=Phases(dns_ms=1.0, connect_ms=2.0, ttfb_ms=latency_ms - 5, total_ms=latency_ms),
        http_status=None if failed else 200,
        error=_REASONS.get(probe_status),
        within_sla=probe_status is ProbeStatus.UP if within_sla is None else within_sla,
    )


def record(
    at: datetime,
    status: str = "up",
    latency_ms: float = 100.0,
    *,
    component_id: str = "api",
    region: str = "default",
    within_sla: bool | None = None,
) -> ResultRecord:
    return ResultRecord(
        component_id, region, at, result(at, status, latency_ms, within_sla=within_sla)
    )


def every(start: datetime, step: timedelta, count: int) -> list[datetime]:
    return [start + i * step for i in range(count)]


async def write(db: Database, records: list[ResultRecord]) -> None:
    """Store records the way production does: through a ResultWriter."""
    writer = ResultWriter(db)
    for r in records:
        writer.submit(r)
    await writer.flush()


def assert_latency_agrees(rolled: LatencyFigures | None, exact: LatencyFigures | None) -> None:
    """Same count, minimum and maximum; the average up to float rounding; each
    percentile in the histogram bucket of the exact value."""
    if exact is None or rolled is None:
        assert rolled is exact is None, (rolled, exact)
        return
    assert (rolled.count, rolled.min_ms, rolled.max_ms) == (exact.count, exact.min_ms, exact.max_ms)
    assert abs(rolled.average_ms - exact.average_ms) <= 1e-9 * exact.max_ms
    for name in ("p50_ms", "p95_ms", "p99_ms"):
        estimate, value = getattr(rolled, name), getattr(exact, name)
        assert histogram.bucket_index(estimate) == histogram.bucket_index(value), name


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


async def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"statuspage_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return _admin_url().set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


async def terminate_connections(url: str) -> int:
    """Kill every server process serving the database at `url`, as an admin could."""
    return await _admin(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = :name AND pid <> pg_backend_pid()",
        name=make_url(url).database,
    )


def _admin_url() -> URL:
    admin = postgres_admin_url()
    if admin is None:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    return normalise_url(admin)


async def _admin(statement: str, **params: object) -> int:
    # CREATE / DROP DATABASE cannot run inside a transaction.
    engine = create_async_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(statement), params)
            return int(result.scalar() or 0) if result.returns_rows else 0
    finally:
        await engine.dispose()
