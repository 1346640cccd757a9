"""The words statuses are spelt in, each defined once: storage columns, rules, pages,
the API and forms all use these enums (they are `str`s, so they compare and
serialise as their values)."""

from __future__ import annotations

import enum

# The days of history the page shows: the bar under each component, its calendar,
# the uptime API's cells and the "90 days" figure.
HISTORY_DAYS = 90


class AlertSeverity(enum.StrEnum):
    CRITICAL = "critical"  # pages someone now
    WARNING = "warning"  # needs attention today (a ticket)
    INFO = "info"  # shown on the dashboard only

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {AlertSeverity.INFO: 1, AlertSeverity.WARNING: 2, AlertSeverity.CRITICAL: 3}


class AlertState(enum.StrEnum):
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


class ComponentStatus(enum.StrEnum):
    """The Statuspage component statuses, stored as these strings."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class StatusSource(enum.StrEnum):
    """Who set a status: the probe evaluator, an operator, or a maintenance window."""

    PROBE = "probe"
    MANUAL = "manual"
    MAINTENANCE = "maintenance"


class Granularity(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


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
