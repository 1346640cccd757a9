"""Revision 0004: admin users survive the move from a session epoch to session rows."""

from __future__ import annotations

from storage.engine import create_engine
from storage.migrate import downgrade_database, upgrade_database

USER = (
    "INSERT INTO users (name, password_hash, session_epoch, created_at)"
    " VALUES ('alice', 'argon2-hash', 3, '2026-01-01 00:00:00')"
)


async def _scalars(url: str, statement: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.exec_driver_sql(statement)
            return list(result.scalars()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_users_keep_their_password_through_the_upgrade_and_back(db_url: str) -> None:
    await upgrade_database(db_url, revision="0003")
    await _scalars(db_url, USER)
    await upgrade_database(db_url, revision="0004")
    assert await _scalars(db_url, "SELECT password_hash FROM users") == ["argon2-hash"]
    assert await _scalars(db_url, "SELECT count(*) FROM user_sessions") == [0]
    await downgrade_database(db_url, revision="0003")
    assert await _scalars(db_url, "SELECT session_epoch FROM users") == [0]
    assert await _scalars(db_url, "SELECT password_hash FROM users") == ["argon2-hash"]
