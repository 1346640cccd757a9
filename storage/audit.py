"""The audit log (who did what, when, with the row before and after) and failed sign-ins.

Audit entries are written inside the same transaction as the change they
describe (`add_audit_in`), so the log can never claim a change that did not
commit, nor miss one that did. Snapshots are plain JSON: datetimes become ISO
strings, and secrets (password hashes, token hashes) are never passed in.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.tables.accounts import AuditEntry, SignInFailure

Snapshot = dict[str, object]
MAX_USER_NAME = 200  # column widths of sign_in_failures: longer input is cut, not refused
MAX_ADDRESS = 64


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    at: datetime
    actor: str  # user name, "token:<name>" or "cli"
    action: str  # e.g. "incident.create"
    target: str | None  # e.g. "incident:12"
    before: Snapshot | None
    after: Snapshot | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditView, ...]  # newest first
    total: int  # entries in the whole log


def json_value(value: object) -> object:
    """A value as JSON can hold it: datetimes as ISO 8601, enums as their value."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def snapshot(row: SQLModel, fields: Iterable[str]) -> Snapshot:
    """The named fields of a row, JSON-ready, for an entry's `before` or `after`."""
    return {name: json_value(getattr(row, name)) for name in fields}


def add_audit_in(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    target: str | None,
    at: datetime,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> None:
    """Add an entry inside the caller's write transaction."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor[:100],
            action=action,
            target=target,
            before=None if before is None else dict(before),
            after=None if after is None else dict(after),
        )
    )


async def add_audit(
    db: Database,
    *,
    actor: str,
    action: str,
    target: str | None,
    at: datetime,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> None:
    # A standalone entry (a sign-in, a user or token change) shows on no page.
    async with db.write(pages=False) as session:
        add_audit_in(
            session, actor=actor, action=action, target=target, at=at, before=before, after=after
        )


async def list_audit(db: Database, *, offset: int = 0, limit: int = 50) -> AuditPage:
    """One page of the log, newest first."""
    async with db.read() as session:
        total = (await session.exec(select(func.count()).select_from(AuditEntry))).one()
        rows = await session.exec(
            select(AuditEntry)
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .offset(max(offset, 0))
            .limit(limit)
        )
        return AuditPage(tuple(_audit_view(row) for row in rows), int(total))


def _audit_view(row: AuditEntry) -> AuditView:
    assert row.id is not None
    return AuditView(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        before=row.before,
        after=row.after,
    )


async def record_sign_in_failure(
    db: Database, *, user_name: str, address: str, at: datetime
) -> None:
    async with db.write(pages=False) as session:
        session.add(
            SignInFailure(at=at, user_name=user_name[:MAX_USER_NAME], address=address[:MAX_ADDRESS])
        )


@dataclass(frozen=True, slots=True)
class RecentFailures:
    """Failed sign-ins inside a window, oldest first, by the two keys they are limited on."""

    by_address: tuple[datetime, ...]
    by_user_name: tuple[datetime, ...]


async def recent_sign_in_failures(
    db: Database, *, user_name: str, address: str, now: datetime, window: timedelta
) -> RecentFailures:
    name, addr = user_name[:MAX_USER_NAME], address[:MAX_ADDRESS]
    async with db.read() as session:
        rows = await session.exec(
            select(SignInFailure)
            .where(SignInFailure.at > now - window, SignInFailure.at <= now)
            .where(or_(col(SignInFailure.address) == addr, col(SignInFailure.user_name) == name))
            .order_by(col(SignInFailure.at))
        )
        found = list(rows)
    return RecentFailures(
        by_address=tuple(f.at for f in found if f.address == addr),
        by_user_name=tuple(f.at for f in found if f.user_name == name),
    )


# What an entry keeps of an incident or an update: everything a reader sees.
INCIDENT_FIELDS = (
    "kind",
    "name",
    "status",
    "impact",
    "impact_override",
    "severity",
    "draft",
    "started_at",
    "resolved_at",
    "scheduled_for",
    "scheduled_until",
    "postmortem_body",
    "postmortem_published_at",
    "deleted_at",
)
UPDATE_FIELDS = ("incident_id", "status", "body", "display_at", "affected_components", "deleted_at")


def audit_incident_in(
    session: AsyncSession,
    actor: str | None,
    action: str,
    incident_id: int | None,
    *,
    at: datetime,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> None:
    """`add_audit_in` for a change to incident `incident_id`; nothing when there is
    no actor (a periodic job moving maintenance on is not an admin action)."""
    if actor is not None:
        target = f"incident:{incident_id}"
        add_audit_in(
            session, actor=actor, action=action, target=target, at=at, before=before, after=after
        )
