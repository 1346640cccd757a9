"""A PostgreSQL that accepts connections and never answers, staged with a real proxy.

Without timeouts, asyncpg waited 60 s to connect and for ever for an answer on a
connection that went silent, so writes and jobs stalled for a minute or more.
Every wait here is generous; what is asserted is that an operation fails at all
before a deadline the old behaviour could not meet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.engine import DEFAULT_TIMEOUTS, Timeouts
from storage.failures import Severity, diagnose
from storage.results.writer import ResultWriter
from tests.fault_proxy import FaultProxy, Mode
from tests.storage.builders import T0, every, record

pytestmark = pytest.mark.postgres
QUICK = Timeouts(connect_s=1, statement_s=1)


@pytest.fixture
async def proxy(postgres_db: Database) -> AsyncIterator[FaultProxy]:
    server = make_url(str(postgres_db.engine.url))
    proxy = await FaultProxy(server.port or 5432, server.host or "127.0.0.1").start()
    yield proxy
    await proxy.close()


def through(proxy: FaultProxy, db: Database, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> Database:
    """The same database, reached through the proxy."""
    url = db.engine.url.set(port=proxy.port).render_as_string(hide_password=False)
    return Database.from_url(url, timeouts=timeouts)


async def select_one(db: Database) -> None:
    async with db.read() as session:
        await session.exec(text("SELECT 1"))  # type: ignore[call-overload]


async def outcome_within(seconds: float, work: Awaitable[None]) -> BaseException | None:
    """What `work` ended with; fails the test if it is still waiting after `seconds`."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait([task], timeout=seconds)
    if not done:
        task.cancel()
        pytest.fail(f"still waiting after {seconds} s")
    return task.exception()


def severity_of(error: BaseException | None, db: Database) -> Severity | None:
    problem = diagnose(error, db.engine.url) if error is not None else None
    return None if problem is None else problem.severity


async def until(condition: Callable[[], bool], seconds: float) -> float:
    """Poll until `condition` holds; how long that took. Fails the test after `seconds`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not condition():
        if loop.time() - started > seconds:
            pytest.fail(f"not so after {seconds} s")
        await asyncio.sleep(0.05)
    return loop.time() - started


async def test_connecting_to_a_server_that_never_answers_fails_within_the_connect_timeout(
    postgres_db: Database, proxy: FaultProxy
) -> None:
    await proxy.switch(Mode.BLACKHOLE)
    db = through(proxy, postgres_db)  # the default timeouts
    error = await outcome_within(30, select_one(db))
    await db.dispose()
    assert severity_of(error, db) is Severity.UNAVAILABLE


async def test_a_statement_on_a_connection_gone_silent_fails_within_the_statement_timeout(
    postgres_db: Database, proxy: FaultProxy
) -> None:
    db = through(proxy, postgres_db, QUICK)
    async with db.read() as session:
        await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        await proxy.switch(Mode.BLACKHOLE)
        statement = session.exec(text("SELECT 2"))  # type: ignore[call-overload]
        error = await outcome_within(30, statement)
    await db.dispose()
    assert error is not None


async def test_a_slow_statement_is_cancelled_by_the_server_after_the_statement_timeout(
    postgres_db: Database,
) -> None:
    url = postgres_db.engine.url.render_as_string(hide_password=False)
    db = Database.from_url(url, timeouts=Timeouts(statement_s=0.5))
    error = await outcome_within(30, _sleep_in_the_server(db, seconds=20))
    await db.dispose()
    assert "statement timeout" in str(error)
    assert severity_of(error, db) is Severity.UNAVAILABLE


async def _sleep_in_the_server(db: Database, seconds: float) -> None:
    async with db.read() as session:
        await session.exec(text("SELECT pg_sleep(:s)").bindparams(s=seconds))  # type: ignore[call-overload]


async def test_the_writer_keeps_results_while_the_server_never_answers_and_writes_them_after(
    postgres_db: Database, proxy: FaultProxy
) -> None:
    db = through(proxy, postgres_db)  # the default timeouts and the writer's default backoff
    writer = ResultWriter(db)
    writer.start()
    times = every(T0, timedelta(seconds=1), 60)
    writer.submit(record(times[0]))
    await until(lambda: writer.written == 1, 30)
    await proxy.switch(Mode.BLACKHOLE)
    for at in times[1:]:
        writer.submit(record(at))
    await until(lambda: writer.failure is not None, 40)
    assert (writer.written, writer.pending) == (1, 59)
    await proxy.switch(Mode.FORWARD)
    resumed_after_s = await until(lambda: writer.pending == 0, 90)
    await writer.close()
    await db.dispose()
    assert resumed_after_s < 20  # it took 31 s and more with asyncpg's 60 s connect wait
    assert (writer.written, writer.dropped) == (60, 0)
    assert await stored_count(postgres_db) == 60


async def test_a_refused_connection_fails_at_once_and_writing_resumes_when_it_listens_again(
    postgres_db: Database, proxy: FaultProxy
) -> None:
    db = through(proxy, postgres_db, QUICK)
    writer = ResultWriter(db, retry_initial_s=0.05, retry_max_s=0.2)
    writer.start()
    await proxy.switch(Mode.REFUSE)
    writer.submit(record(T0))
    await until(lambda: writer.failure is not None, 30)
    assert severity_of(writer.failure, db) is Severity.UNAVAILABLE
    await proxy.switch(Mode.FORWARD)
    await until(lambda: writer.written == 1, 30)
    assert writer.failure is None
    await writer.close()
    await db.dispose()


async def stored_count(db: Database) -> int:
    async with db.read() as session:
        found = await session.exec(text("SELECT count(*) FROM probe_results"))  # type: ignore[call-overload]
        return int(found.scalar_one())
