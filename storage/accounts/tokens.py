"""API tokens for the write API: made once, shown once, stored only as a SHA-256 hash.

A token is `sp_` plus 43 URL-safe characters (256 random bits). Because it is
that random, a plain SHA-256 (not a slow password hash) is enough: nobody can
guess their way to a hash, so looking the hash up by index leaks nothing useful
through timing. The first characters are kept to tell tokens apart in lists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from probes.digits import ascii_int
from storage.audit import add_audit_in
from storage.database import Database
from storage.tables.accounts import ApiToken

TOKEN_PREFIX = "sp_"  # noqa: S105 - a marker for secret scanners, not a secret
SHOWN_PREFIX_CHARS = 10  # "sp_" and 7 random characters
MAX_NAME = 100
# last_used_at is for people ("used 3 minutes ago"); writing it on every request
# of a busy integration would turn reads of the API into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """The token change cannot be made; the message says why, for people."""


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_token(
    db: Database, name: str, *, created_by: str, now: datetime
) -> tuple[TokenView, str]:
    """A new token and its only plain-text copy, which the caller shows once."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise TokenError(f"a token name is 1 to {MAX_NAME} characters")
    token = new_token()
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        prefix=token[:SHOWN_PREFIX_CHARS],
        created_by=created_by,
        created_at=now,
    )
    async with db.write(pages=False) as session:
        session.add(row)
        await session.flush()
        add_audit_in(
            session,
            actor=created_by,
            action="token.create",
            target=f"token:{row.id}",
            at=now,
            after={"name": name, "prefix": row.prefix},
        )
    return _view(row), token


async def list_tokens(db: Database) -> list[TokenView]:
    """Every token, active ones first, newest first within each."""
    async with db.read() as session:
        rows = await session.exec(
            select(ApiToken).order_by(
                col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc()
            )
        )
        return [_view(row) for row in rows]


async def revoke_token(db: Database, id_or_name: str, *, actor: str, now: datetime) -> TokenView:
    """Revoke one active token named by id or by name. A name shared by several
    active tokens is refused: revoking the wrong integration mid-incident is worse."""
    async with db.write(pages=False) as session:
        query = select(ApiToken).where(col(ApiToken.revoked_at).is_(None))
        if (token_id := ascii_int(id_or_name)) is not None:
            query = query.where(ApiToken.id == token_id)
        else:
            query = query.where(ApiToken.name == id_or_name)
        found = list(await session.exec(query))
        if not found:
            raise TokenError(f"no active token {id_or_name!r}")
        if len(found) > 1:
            ids = ", ".join(str(row.id) for row in found)
            raise TokenError(f"several active tokens are named {id_or_name!r} (ids {ids})")
        row = found[0]
        row.revoked_at = now
        add_audit_in(
            session,
            actor=actor,
            action="token.revoke",
            target=f"token:{row.id}",
            at=now,
            before={"name": row.name, "prefix": row.prefix},
        )
        return _view(row)


async def find_token(db: Database, token: str) -> TokenView | None:
    """The active token matching `token`; None for anything else. Only reads: recording
    its use is `record_token_use`, which the caller may let fail (the write API's reads
    must not depend on the database taking a write)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    async with db.read() as session:
        row = (await session.exec(select(ApiToken).where(ApiToken.token_hash == digest))).first()
    # The index lookup found it by equality already; the constant-time comparison
    # keeps that true should the lookup ever become a prefix or case-folding match.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return _view(row)


async def record_token_use(db: Database, token: TokenView, *, now: datetime) -> bool:
    """Record that `token` was used at `now`, unless its recorded use is less than
    `LAST_USED_RESOLUTION` old; True when it wrote. A database error propagates."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    async with db.write(pages=False) as session:
        row = await session.get(ApiToken, token.id)
        if row is not None:
            row.last_used_at = now
    return True


def _view(row: ApiToken) -> TokenView:
    assert row.id is not None
    return TokenView(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_by=row.created_by,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
