"""Tables for alerting: alerts, the groups they are notified in, and bad API tokens.

An alert is one rule about one subject (a component, a client address, a region, an
incident), from the moment its condition began (pending) through firing to resolved.
Alerts about the same subject that are open at the same time share a group: the group
is what is acknowledged, escalated and notified (storage/notify), so one outage pages once
however many rules fire. At most one alert per rule and subject is open at a time;
a partial unique index holds that even if two evaluators ever ran at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import AlertSeverity, AlertState

_OPEN = text("resolved_at IS NULL")


class AlertGroup(SQLModel, table=True):
    __tablename__ = "alert_groups"
    __table_args__ = (
        CheckConstraint(one_of("severity", AlertSeverity), name="severity"),
        # One open group per subject: a later alert joins it rather than paging again.
        Index(
            "uq_alert_groups_open_subject",
            "subject",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    subject: str = Field(max_length=200)  # "component:api", "address:10.0.0.9", "site"
    component_id: str | None = Field(default=None, max_length=100)
    severity: AlertSeverity = Field(sa_type=EnumText(AlertSeverity, 16))  # worst firing
    opened_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=100)
    incident_id: int | None = Field(default=None, foreign_key="incidents.id", sa_type=BigId)
    # Recovery's proposed resolving update, for an operator to post (or not).
    proposed_update: str | None = None


class Alert(SQLModel, table=True):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(one_of("severity", AlertSeverity), name="severity"),
        CheckConstraint(one_of("state", AlertState), name="state"),
        Index(
            "uq_alerts_open_rule_subject",
            "rule",
            "subject",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index(None, "group_id"),
        Index(None, "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    group_id: int = Field(foreign_key="alert_groups.id", sa_type=BigId)
    rule: str = Field(max_length=100)
    severity: AlertSeverity = Field(sa_type=EnumText(AlertSeverity, 16))
    subject: str = Field(max_length=200)
    component_id: str | None = Field(default=None, max_length=100)
    state: AlertState = Field(sa_type=EnumText(AlertState, 16))
    started_at: datetime = Field(sa_type=UTCDateTime)
    fired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    clear_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # hysteresis
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: str | None = Field(default=None, max_length=100)  # None: the rule cleared
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=100)
    silenced_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    silenced_by: str | None = Field(default=None, max_length=100)
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # when it fired
    resolve_figures: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class TokenFailure(SQLModel, table=True):
    """A write-API request with a missing, unknown or revoked token."""

    __tablename__ = "token_failures"
    __table_args__ = (Index(None, "at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    at: datetime = Field(sa_type=UTCDateTime)
    address: str = Field(max_length=64)
