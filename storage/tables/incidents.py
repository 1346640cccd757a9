"""Tables for what operators say: incidents, maintenance and their updates.

A scheduled maintenance is an incident of kind "maintenance" (the Statuspage
shape is the incident shape plus the window), so pages, feeds and the API walk
one timeline. Nothing here is deleted: deletion sets `deleted_at` and the audit
log keeps what it was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import ComponentStatus, Impact, IncidentKind, IncidentStatus, Severity


class Incident(SQLModel, table=True):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(one_of("kind", IncidentKind), name="kind"),
        CheckConstraint(one_of("status", IncidentStatus), name="status"),
        CheckConstraint(one_of("impact", Impact), name="impact"),
        CheckConstraint("severity IS NULL OR " + one_of("severity", Severity), name="severity"),
        Index(None, "kind", "started_at"),
        Index(None, "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    kind: IncidentKind = Field(default=IncidentKind.INCIDENT, sa_type=EnumText(IncidentKind, 16))
    name: str = Field(max_length=300)
    status: IncidentStatus = Field(sa_type=EnumText(IncidentStatus, 16))
    impact: Impact = Field(sa_type=EnumText(Impact, 16))
    impact_override: bool = False  # True: an operator chose the impact, do not derive it
    severity: Severity | None = Field(default=None, sa_type=EnumText(Severity, 2))
    draft: bool = False  # drafts are visible only in the admin area
    # When an operator first acknowledged it (an alert's ack, or any human update):
    # the response-time figure shown against the severity's target.
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=100)
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
        CheckConstraint(one_of("status", IncidentStatus), name="status"),
        Index(None, "incident_id", "display_at"),
        Index(None, "display_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    incident_id: int = Field(foreign_key="incidents.id", sa_type=BigId)
    status: IncidentStatus = Field(sa_type=EnumText(IncidentStatus, 16))
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
    # the status the incident gave the component
    status: ComponentStatus = Field(sa_type=EnumText(ComponentStatus, 32))
