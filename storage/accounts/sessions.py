"""Signed-in sessions of admin users: one row per signed-in browser, the only record of it.

The session cookie carries a random key (256 bits); only its SHA-256 is stored,
so a copy of the table opens nothing. A session is good while its row exists,
its user is live (`storage.users.find_session_user` reads both at once) and its
absolute expiry has not passed. Every way a session ends is the row going away,
in the one table every process reads:

- signing out deletes the row of that browser (`end_user_session`);
- a new password ends every session of the user but, when the user changed it
  themselves, the browser they did it from; removing a user ends all of them
  (`end_sessions_in`, called by `storage.accounts.users` in the same transaction);
- a row past its expiry is worth nothing and is deleted at the next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ColumnElement, delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.tables.accounts import UserSession


def new_session_key() -> str:
    return secrets.token_urlsafe(32)


def hash_session_key(key: str) -> str:
    # The key is random, so a plain SHA-256 suffices (as for API tokens).
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


async def start_user_session(
    db: Database,
    user_id: int,
    key: str,
    *,
    now: datetime,
    expires_at: datetime,
    replacing: str | None = None,
) -> None:
    """Record a new session; end the one it replaces in this browser (`replacing`, its
    key), if any; and delete every session whose expiry has passed."""
    async with db.write(pages=False) as session:
        if replacing is not None:
            await _delete(session, col(UserSession.key_hash) == hash_session_key(replacing))
        await _delete(session, col(UserSession.expires_at) <= now)
        session.add(
            UserSession(
                key_hash=hash_session_key(key),
                user_id=user_id,
                started_at=now,
                expires_at=expires_at,
            )
        )


async def end_user_session(db: Database, key: str) -> bool:
    """Sign one browser out; False when its session had already ended."""
    async with db.write(pages=False) as session:
        return await _delete(session, col(UserSession.key_hash) == hash_session_key(key)) > 0


async def end_sessions_in(session: AsyncSession, user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user, except the one with key `keep`; how many ended.
    Runs in the caller's transaction, with the change that calls for it."""
    condition = col(UserSession.user_id) == user_id
    if keep is not None:
        condition = condition & (col(UserSession.key_hash) != hash_session_key(keep))
    return await _delete(session, condition)


async def _delete(session: AsyncSession, condition: ColumnElement[bool]) -> int:
    result = await session.exec(delete(UserSession).where(condition))
    return int(result.rowcount)
