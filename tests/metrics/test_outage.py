"""Scraped metric points survive a database outage: they wait in the point writer's
buffer and are written when the database answers again. Pushed points are not
buffered: the write API answers an error, so the client retries its batch.

The outage is real: another connection holding SQLite's write lock, or a TCP proxy
in front of PostgreSQL that refuses connections."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, Gauge
from pytest_aiohttp import AiohttpClient
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from probes.sessions import ProbeSessions
from statuspage import keys
from statuspage.admin import api_metrics
from storage.database import Database
from storage.engine import Timeouts
from storage.metrics.buffer import PointWriter
from storage.metrics.reads import latest_problems, points_since
from storage.migrate import upgrade_database
from storage.vocabulary import MetricProblemSide
from tests.admin.helpers import NOW, SITE, Clock, add_test_token, settings_for
from tests.app_client import Client, app_client
from tests.fault_proxy import FaultProxy, Mode
from tests.metrics.helpers import (
    CPU,
    MovingClock,
    collector,
    metrics_settings,
    scrape_source,
    serving,
)
from tests.storage.builders import T0
from tests.storage.test_failures import write_locked
from tests.waiting import eventually

QUICK = Timeouts(connect_s=1, statement_s=0.2)


async def stored_cpu(db: Database) -> list[tuple[float, float]]:
    """(seconds after T0, value) of every stored point of "cpu"."""
    found = await points_since(db, "cpu", T0, 100)
    return [((p.at - T0).total_seconds(), p.value) for p in found]


async def scrape_through_an_outage(
    db: Database,
    checked: Database,
    outage: contextlib.AbstractAsyncContextManager[None],
    sessions: ProbeSessions,
    tmp_path: Path,
) -> PointWriter:
    """One scrape before the outage, two during it, then the database comes back."""
    registry, clock = CollectorRegistry(), MovingClock()
    cpu = Gauge("process_cpu_percent", "CPU", registry=registry)
    writer = PointWriter(db, retry_initial_s=0.05, retry_max_s=0.2)
    writer.start()
    with serving(registry) as url:
        settings = metrics_settings(tmp_path, scrape_source(url), CPU)
        run = collector(db, sessions, settings, clock, points=writer)
        cpu.set(10.0)
        await run.collect("app")
        async with outage:
            for value in (20.0, 30.0):
                clock.advance(60)
                cpu.set(value)
                await run.collect("app")
            assert writer.pending == 2
            assert writer.failure is not None
        await eventually(lambda: writer.pending == 0, "the buffered points to be written")
    await writer.close()
    assert await stored_cpu(checked) == [(0.0, 10.0), (60.0, 20.0), (120.0, 30.0)]
    return writer


async def quick_sqlite(tmp_path: Path) -> tuple[Path, Database]:
    """A new SQLite file, and a handle that gives up on a held lock quickly."""
    path = tmp_path / "status.db"
    await upgrade_database(f"sqlite:///{path}")
    return path, Database.from_url(f"sqlite:///{path}", timeouts=QUICK)


async def test_scraped_points_wait_out_a_locked_sqlite_file_and_are_written_after(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    path, db = await quick_sqlite(tmp_path)

    @contextlib.asynccontextmanager
    async def locked() -> AsyncIterator[None]:
        with write_locked(path):
            yield

    try:
        writer = await scrape_through_an_outage(db, db, locked(), sessions, tmp_path)
    finally:
        await db.dispose()
    assert (writer.written, writer.dropped) == (3, 0)


@pytest.mark.postgres
async def test_scraped_points_wait_out_a_postgres_that_refuses_and_are_written_after(
    postgres_db: Database, sessions: ProbeSessions, tmp_path: Path
) -> None:
    server = make_url(str(postgres_db.engine.url))
    proxy = await FaultProxy(server.port or 5432, server.host or "127.0.0.1").start()
    url = server.set(port=proxy.port).render_as_string(hide_password=False)
    db = Database.from_url(url, timeouts=QUICK)

    @contextlib.asynccontextmanager
    async def refused() -> AsyncIterator[None]:
        await proxy.switch(Mode.REFUSE)
        yield
        await proxy.switch(Mode.FORWARD)

    try:
        await scrape_through_an_outage(db, postgres_db, refused(), sessions, tmp_path)
    finally:
        await db.dispose()
        await proxy.close()


async def test_a_scrape_problem_met_during_an_outage_is_stored_once_the_database_is_back(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    path, db = await quick_sqlite(tmp_path)
    writer = PointWriter(db, retry_initial_s=0.05, retry_max_s=0.2)
    writer.start()
    clock = MovingClock()
    with serving(CollectorRegistry()) as url:
        gone = url  # the application's endpoint, closed before the scrape below
    settings = metrics_settings(tmp_path, scrape_source(gone), CPU)
    run = collector(db, sessions, settings, clock, points=writer)
    try:
        with write_locked(path):
            await run.collect("app")
            assert writer.pending == 1
        await eventually(lambda: writer.pending == 0, "the buffered problem to be written")
        problem = (await latest_problems(db, ["cpu"]))["cpu"]
    finally:
        await writer.close()
        await db.dispose()
    assert (problem.at, problem.side) == (clock(), MetricProblemSide.TARGET)
    assert "refused" in problem.message.lower() or "connect" in problem.message.lower()


async def test_past_its_limit_the_oldest_points_go_and_are_counted(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    path, db = await quick_sqlite(tmp_path)
    writer = PointWriter(db, batch_size=1, max_buffer=2)
    registry, clock = CollectorRegistry(), MovingClock()
    cpu = Gauge("process_cpu_percent", "CPU", registry=registry)
    with serving(registry) as url:
        settings = metrics_settings(tmp_path, scrape_source(url), CPU)
        run = collector(db, sessions, settings, clock, points=writer)
        with write_locked(path):
            for value in (1.0, 2.0, 3.0):
                cpu.set(value)
                await run.collect("app")
                clock.advance(60)
        await writer.flush()
    assert (writer.written, writer.dropped, writer.pending) == (2, 1, 0)
    assert await stored_cpu(db) == [(60.0, 2.0), (120.0, 3.0)]
    await db.dispose()


PUSHED = """
[[metrics]]
id = "signups"
name = "Sign-ups"
kind = "push"
"""


@pytest.fixture
async def api(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    quick = SITE.replace(
        'url = "sqlite:///page.db"\n', 'url = "sqlite:///page.db"\nstatement_timeout_s = 0.2\n'
    )
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    client = await app_client(aiohttp_client, settings_for(tmp_path, quick + PUSHED), Clock())
    token = await add_test_token(client.app[keys.DATABASE], "pusher")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def test_a_pushed_batch_the_database_cannot_store_is_answered_with_an_error(
    api: Client, tmp_path: Path
) -> None:
    first = {"points": [{"at": "2026-03-02T09:00:00Z", "value": 5.0}]}
    batch = {"points": [{"at": "2026-03-02T10:00:00Z", "value": 7.0}]}
    # Stored while the database answers; it also records the token's use, which the
    # next request then has no need to write, so what fails below is the points' write.
    assert (await push(api, first))[0] == 200
    with write_locked(tmp_path / "page.db"):
        status, body = await push(api, batch)
    assert status == 503, body  # the client keeps its batch and retries
    assert body["error"]["message"].startswith("the database did not answer in time")
    assert [
        p.value for p in await points_since(db_of(api), "signups", NOW - timedelta(days=1), 10)
    ] == [5.0]
    assert await push(api, batch) == (200, {"metric_id": "signups", "stored": 1})
    assert [
        p.value for p in await points_since(db_of(api), "signups", NOW - timedelta(days=1), 10)
    ] == [5.0, 7.0]


async def push(api: Client, body: object) -> tuple[int, Any]:
    response = await api.post("/api/admin/metrics/signups/data", json=body)
    if response.status == 503:
        assert response.headers["Retry-After"] == "30"
    return response.status, await response.json()


def db_of(api: Client) -> Database:
    return api.app[keys.DATABASE]


def _refused_constraint() -> IntegrityError:
    """A real SQLite constraint failure, as SQLAlchemy wraps it."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    connection.execute("INSERT INTO t VALUES (1)")
    try:
        connection.execute("INSERT INTO t VALUES (1)")
    except sqlite3.IntegrityError as refused:
        return IntegrityError("INSERT INTO t VALUES (1)", {}, refused)
    finally:
        connection.close()
    raise AssertionError("the second insert was not refused")


async def test_a_refused_write_is_a_server_error_not_try_again_later(
    api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a database that does not answer is 503: a constraint it refuses (or a
    schema out of date) would be refused again however often the client retried."""

    async def refusing(*_: object, **__: object) -> int:
        raise _refused_constraint()

    monkeypatch.setattr(api_metrics, "write_points", refusing)
    response = await api.post(
        "/api/admin/metrics/signups/data",
        json={"points": [{"at": "2026-03-02T10:00:00Z", "value": 7.0}]},
    )
    assert response.status == 500
    assert "Retry-After" not in response.headers
