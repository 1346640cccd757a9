from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database
from storage.engine import Timeouts, asyncpg_connect_args, create_engine, normalise_url


def test_a_relative_sqlite_path_is_taken_from_the_base_dir(tmp_path: Path) -> None:
    url = normalise_url("sqlite:///data/status.db", base_dir=tmp_path)
    assert url.drivername == "sqlite+aiosqlite"
    assert url.database == str(tmp_path / "data" / "status.db")


def test_an_absolute_sqlite_path_is_kept(tmp_path: Path) -> None:
    assert normalise_url(f"sqlite:///{tmp_path}/a.db").database == f"{tmp_path}/a.db"


@pytest.mark.parametrize(
    "url", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+asyncpg://u@h/db"]
)
def test_postgres_urls_use_asyncpg(url: str) -> None:
    assert normalise_url(url).drivername == "postgresql+asyncpg"


@pytest.mark.parametrize(
    "url",
    ["sqlite:///:memory:", "sqlite://", "mysql://u@h/db", "postgresql+psycopg2://u@h/db"],
)
def test_urls_that_cannot_work_are_refused_with_a_message(url: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite:///|postgresql"):
        normalise_url(url)


async def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/a.db", create=True)
    async with engine.connect() as connection:
        pragmas = {
            name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    await engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


async def test_a_write_session_commits_and_a_failing_one_rolls_back(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path}/a.db", create=True)
    async with db.write() as session:
        await session.exec(text("CREATE TABLE t (x INTEGER)"))  # type: ignore[call-overload]

    async def insert_then_fail() -> None:
        async with db.write() as session:
            await session.exec(text("INSERT INTO t VALUES (1)"))  # type: ignore[call-overload]
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await insert_then_fail()
    async with db.read() as session:
        count = (await session.exec(text("SELECT count(*) FROM t"))).scalar()  # type: ignore[call-overload]
    await db.dispose()
    assert count == 0


async def test_sqlite_waits_for_another_connections_lock_as_long_as_the_statement_timeout(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path}/a.db", timeouts=Timeouts(statement_s=2.5), create=True
    )
    async with engine.connect() as connection:
        busy_timeout_ms = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    await engine.dispose()
    assert busy_timeout_ms == 2500


def test_postgres_connections_carry_connect_and_statement_timeouts() -> None:
    assert asyncpg_connect_args(Timeouts(connect_s=2, statement_s=3)) == {
        "timeout": 2,
        "command_timeout": 4.0,  # a second past the server's own limit
        "server_settings": {"statement_timeout": "3000"},
    }


def test_migrations_run_without_a_statement_limit_but_still_connect_in_time() -> None:
    args = asyncpg_connect_args(Timeouts(connect_s=2, statement_s=3), for_migrations=True)
    assert args == {"timeout": 2}


@pytest.mark.parametrize("timeouts", [{"connect_s": 0}, {"statement_s": -1}])
def test_timeouts_must_be_positive(timeouts: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="timeouts must be positive"):
        Timeouts(**timeouts)
