"""Tables for who may act: admin users, their sessions, API tokens, the audit log and
failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A signed-in browser (`storage.accounts.sessions`): the session cookie carries a random
    key, and only its SHA-256 is kept here. The row is the session: deleting it signs
    that browser out, in every process at once."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index(None, "user_id"), Index(None, "expires_at"))

    key_hash: str = Field(primary_key=True, max_length=64)  # SHA-256 hex of the cookie's key
    user_id: int = Field(foreign_key="users.id")
    started_at: datetime = Field(sa_type=UTCDateTime)  # when the user signed in
    expires_at: datetime = Field(sa_type=UTCDateTime)  # absolute; rows past it are pruned


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=128)  # SHA-256 hex of the token; the token is shown once
    prefix: str = Field(max_length=16)  # first characters, to tell tokens apart in lists
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)  # user name, or "token:<name>"
    action: str = Field(max_length=64)  # e.g. incident.create, update.edit, token.revoke
    target: str | None = Field(default=None, max_length=100)  # e.g. incident:12
    before: dict[str, object] | None = Field(default=None, sa_type=JSON)
    after: dict[str, object] | None = Field(default=None, sa_type=JSON)


class SignInFailure(SQLModel, table=True):
    """Every failed sign-in, for the audit trail and for alerting on brute force."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index(None, "at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    at: datetime = Field(sa_type=UTCDateTime)
    user_name: str = Field(max_length=200)
    address: str = Field(max_length=64)
