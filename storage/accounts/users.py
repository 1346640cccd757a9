"""Admin users: who may sign in. Passwords arrive here already hashed.

A removed user keeps its row (with `deleted_at`), so the audit log's names keep
meaning something; adding the name again brings the row back with the new
password. Every change that should end sessions (a new password, removal)
deletes the user's rows in `user_sessions` in the same transaction
(`storage.accounts.sessions`), so a copied cookie opens nothing afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.accounts.sessions import end_sessions_in, hash_session_key
from storage.audit import add_audit_in
from storage.database import Database
from storage.tables.accounts import User, UserSession

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
NAME_RULE = "1 to 100 letters, digits or . _ @ -, starting with a letter or digit"


class UserError(ValueError):
    """The user change cannot be made; the message says why, for people."""


@dataclass(frozen=True, slots=True)
class UserView:
    """A user without the password hash, for lists and sessions."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session whose row exists and whose user is live; whether it is still in
    time is the caller's rule (it has the clock)."""

    user: UserView
    started_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Credentials:
    """What verifying a password needs; only sign-in and `passwd` ask for it."""

    user: UserView
    password_hash: str


def check_user_name(name: str) -> str:
    if not _NAME.match(name):
        raise UserError(f"a user name is {NAME_RULE}")
    return name


async def add_user(
    db: Database, name: str, password_hash: str, *, now: datetime, actor: str
) -> UserView:
    check_user_name(name)
    async with db.write(pages=False) as session:
        row = await _row_by_name(session, name)
        if row is not None and row.deleted_at is None:
            raise UserError(f"user {name!r} already exists")
        if row is None:
            row = User(name=name, password_hash=password_hash, created_at=now)
            session.add(row)
        else:
            row.password_hash, row.deleted_at = password_hash, None
        await session.flush()
        add_audit_in(
            session,
            actor=actor,
            action="user.add",
            target=f"user:{name}",
            at=now,
            after={"name": name},
        )
        return _view(row)


async def find_credentials(db: Database, name: str) -> Credentials | None:
    """The live user of that name and its hash; None when there is none."""
    async with db.read() as session:
        row = await _row_by_name(session, name)
        if row is None or row.deleted_at is not None:
            return None
        return Credentials(_view(row), row.password_hash)


async def find_session_user(db: Database, key: str) -> SignedIn | None:
    """The session of this cookie key and its user, in one read; None when the
    session has ended or its user has been removed."""
    query = (
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(UserSession.key_hash == hash_session_key(key))
        .where(col(User.deleted_at).is_(None))
    )
    async with db.read() as session:
        found = (await session.exec(query)).first()
    if found is None:
        return None
    signed_in, user = found
    return SignedIn(_view(user), signed_in.started_at, signed_in.expires_at)


async def list_users(db: Database) -> list[UserView]:
    async with db.read() as session:
        rows = await session.exec(
            select(User).where(col(User.deleted_at).is_(None)).order_by(col(User.name))
        )
        return [_view(row) for row in rows]


async def remove_user(db: Database, name: str, *, now: datetime, actor: str) -> bool:
    """Soft-delete the user and end its sessions; False when there is no such user."""
    async with db.write(pages=False) as session:
        row = await _row_by_name(session, name)
        if row is None or row.deleted_at is not None:
            return False
        row.deleted_at = now
        assert row.id is not None
        ended = await end_sessions_in(session, row.id)
        add_audit_in(
            session,
            actor=actor,
            action="user.remove",
            target=f"user:{name}",
            at=now,
            before={"name": name},
            after={"sessions_ended": ended},
        )
        return True


async def set_password_hash(
    db: Database,
    name: str,
    password_hash: str,
    *,
    now: datetime,
    actor: str,
    keep_session: str | None = None,
) -> UserView | None:
    """Replace the password and end every session of the user but `keep_session` (the
    key of the browser the user changed it from, if they did); None: no such user."""
    async with db.write(pages=False) as session:
        row = await _row_by_name(session, name)
        if row is None or row.deleted_at is not None:
            return None
        row.password_hash = password_hash
        assert row.id is not None
        ended = await end_sessions_in(session, row.id, keep=keep_session)
        add_audit_in(
            session,
            actor=actor,
            action="user.password",
            target=f"user:{name}",
            at=now,
            after={"sessions_ended": ended},
        )
        return _view(row)


async def replace_password_hash(db: Database, user_id: int, old_hash: str, new_hash: str) -> bool:
    """Store a new hash of the same password (new parameters), unless the password
    changed meanwhile; sessions stay. False when nothing was replaced."""
    async with db.write(pages=False) as session:
        row = await session.get(User, user_id)
        if row is None or row.password_hash != old_hash:
            return False
        row.password_hash = new_hash
        return True


async def _row_by_name(session: AsyncSession, name: str) -> User | None:
    return (await session.exec(select(User).where(User.name == name))).first()


def _view(row: User) -> UserView:
    assert row.id is not None
    return UserView(row.id, row.name, row.created_at)
