"""Tables for what operators say: incidents, maintenance, their updates; and who may say it.

A scheduled maintenance is an incident of kind "maintenance" (the Statuspage
shape is the incident shape plus the window), so pages, feeds and the API walk
one timeline. Nothing here is deleted: deletion sets `deleted_at` and the audit
log keeps what it was.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import BigId, UTCDateTime, _one_of


class IncidentKind(enum.StrEnum):
    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


class IncidentStatus(enum.StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    # maintenance
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"


UNRESOLVED_INCIDENT = (
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
)
FINISHED = (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM, IncidentStatus.COMPLETED)


class Impact(enum.StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"


class Severity(enum.StrEnum):
    """Incident severities of the incident procedure, most urgent first."""

    P0 = "P0"  # critical: revenue impact, security breach, data loss
    P1 = "P1"  # high: major feature failure, performance degradation
    P2 = "P2"  # medium: minor feature issues
    P3 = "P3"  # low: documentation, minor bugs


class Incident(SQLModel, table=True):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(_one_of("kind", IncidentKind), name="kind"),
        CheckConstraint(_one_of("status", IncidentStatus), name="status"),
        CheckConstraint(_one_of("impact", Impact), name="impact"),
        CheckConstraint("severity IS NULL OR " + _one_of("severity", Severity), name="severity"),
        Index(None, "kind", "started_at"),
        Index(None, "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    kind: str = Field(default=IncidentKind.INCIDENT, max_length=16)
    name: str = Field(max_length=300)
    status: str = Field(max_length=16)
    impact: str = Field(max_length=16)
    impact_override: bool = False  # True: an operator chose the impact, do not derive it
    severity: str | None = Field(default=None, max_length=2)
    draft: bool = False  # drafts are visible only in the admin area
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime = Field(sa_type=UTCDateTime)
    monitoring_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    scheduled_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    scheduled_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    postmortem_body: str | None = None
    postmortem_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IncidentUpdate(SQLModel, table=True):
    __tablename__ = "incident_updates"
    __table_args__ = (
        CheckConstraint(_one_of("status", IncidentStatus), name="status"),
        Index(None, "incident_id", "display_at"),
        Index(None, "display_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    incident_id: int = Field(foreign_key="incidents.id", sa_type=BigId)
    status: str = Field(max_length=16)
    body: str  # Markdown source, exactly as the operator wrote it
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    display_at: datetime = Field(sa_type=UTCDateTime)
    # [{"code": component id, "name", "old_status", "new_status"}] or None
    affected_components: list[dict[str, str]] | None = Field(default=None, sa_type=JSON)
    deliver_notifications: bool = True
    author: str | None = Field(default=None, max_length=100)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IncidentComponent(SQLModel, table=True):
    """Which components an incident touches, for per-component history and feeds."""

    __tablename__ = "incident_components"

    incident_id: int = Field(primary_key=True, foreign_key="incidents.id", sa_type=BigId)
    component_id: str = Field(primary_key=True, foreign_key="components.id", max_length=100)
    status: str = Field(max_length=32)  # the status the incident gave the component


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A signed-in browser (`storage.user_sessions`): the session cookie carries a random
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
