"""The words statuses are spelt in, each defined once, with how they rank and read.

Storage columns, rules, pages, feeds, the API and forms all use these enums. They
are `str`s, so they compare equal to, and serialise as, their values.
"""

from __future__ import annotations

import enum

# The days of history the page shows: the bar under each component, its calendar and
# the uptime API's cells.
HISTORY_DAYS = 90


class ComponentStatus(enum.StrEnum):
    """The Statuspage component statuses, stored as these strings."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"

    @property
    def label(self) -> str:
        """As a reader sees it, in Statuspage's words and Title Case: "Degraded Performance"."""
        return " ".join(word.capitalize() for word in self.value.split("_"))

    @property
    def rank(self) -> int:
        """Worse is higher; maintenance sits above operational and below every problem."""
        return self.impact.rank

    @property
    def impact(self) -> Impact:
        """The impact a component in this status gives an incident (and the page)."""
        return _IMPACT_OF_STATUS[self]


# What an incident can do to a component; operational is what resolving restores.
AFFECTING_STATUSES = tuple(s for s in ComponentStatus if s is not ComponentStatus.OPERATIONAL)


class StatusSource(enum.StrEnum):
    """Who set a status: the probe evaluator, an operator, or a maintenance window."""

    PROBE = "probe"
    MANUAL = "manual"
    MAINTENANCE = "maintenance"


# A non-operational status set by these holds until a human (or the window's end)
# sets it back: probes never override it.
HUMAN_SOURCES = (StatusSource.MANUAL, StatusSource.MAINTENANCE)


class Granularity(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


class MetricProblemSide(enum.StrEnum):
    """Whose fault a missing metric value is: the application's (`target`: what it
    answered cannot be used) or ours (`local`: the scrape could not be made)."""

    TARGET = "target"
    LOCAL = "local"


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

    @property
    def label(self) -> str:
        """As a reader sees it: "In progress"."""
        return self.value.replace("_", " ").capitalize()


UNRESOLVED_INCIDENT = (
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
)
FINISHED = (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM, IncidentStatus.COMPLETED)
# A maintenance whose window is open: the page shows it as in progress.
MAINTENANCE_UNDER_WAY = (IncidentStatus.IN_PROGRESS, IncidentStatus.VERIFYING)


class Impact(enum.StrEnum):
    """An incident's impact, and the page's indicator (the Statuspage words)."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"

    @property
    def rank(self) -> int:
        return _IMPACT_RANK[self]

    @property
    def label(self) -> str:
        return _IMPACT_LABELS[self]


_IMPACT_RANK = {
    Impact.NONE: 0,
    Impact.MAINTENANCE: 1,
    Impact.MINOR: 2,
    Impact.MAJOR: 3,
    Impact.CRITICAL: 4,
}
_IMPACT_LABELS = {
    Impact.NONE: "No impact",
    Impact.MINOR: "Minor impact",
    Impact.MAJOR: "Major impact",
    Impact.CRITICAL: "Critical impact",
    Impact.MAINTENANCE: "Maintenance",
}
_IMPACT_OF_STATUS = {
    ComponentStatus.OPERATIONAL: Impact.NONE,
    ComponentStatus.UNDER_MAINTENANCE: Impact.MAINTENANCE,
    ComponentStatus.DEGRADED_PERFORMANCE: Impact.MINOR,
    ComponentStatus.PARTIAL_OUTAGE: Impact.MAJOR,
    ComponentStatus.MAJOR_OUTAGE: Impact.CRITICAL,
}


class Severity(enum.StrEnum):
    """Incident severities of the incident procedure, most urgent first."""

    P0 = "P0"  # critical: revenue impact, security breach, data loss
    P1 = "P1"  # high: major feature failure, performance degradation
    P2 = "P2"  # medium: minor feature issues
    P3 = "P3"  # low: documentation, minor bugs


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


class NotificationEvent(enum.StrEnum):
    """What a notification tells its channel about an alert group (or, `test`, that
    the channel works), or a subscriber about the page."""

    FIRING = "firing"  # the group began firing at a severity routed to the channel
    RAISED = "raised"  # a more severe alert routed to the channel fired
    REMINDER = "reminder"  # still firing, nobody acknowledged it within the response time
    ACKNOWLEDGED = "acknowledged"  # someone is on it
    RESOLVED = "resolved"  # no firing alert of a severity routed to the channel is left
    TEST = "test"  # `statuspage notify test`
    # To subscribers of the public page (docs/subscribers.md):
    CONFIRM = "confirm"  # the double opt-in mail with its confirmation link
    UPDATE = "update"  # an incident or maintenance update was posted
    UPCOMING = "upcoming"  # a maintenance window starts soon


class SubscriberKind(enum.StrEnum):
    """How a subscriber of the public page hears about incidents and maintenance."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class NotificationState(enum.StrEnum):
    """A message in the outbox: waiting (or backing off), claimed by a sender, sent, or
    given up (a permanent failure, or too many attempts)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
