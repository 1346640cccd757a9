"""Who hears what about an alert group: routes, and the next message a channel needs.

Pure: what a channel was told and what is firing now go in, a decision comes out.

A route sends alerts of some severities (and, optionally, only some components) to
some channels. With no routes configured, the production configuration's routing
applies: critical to every Slack and PagerDuty channel, warning to Slack, info to
the admin dashboard only (no channel).

Per group and channel:

* it hears *firing* when an alert of a severity routed to it fires (and is not
  silenced), and *raised* when a more severe one routed to it fires after that;
* it hears *resolved* as soon as the group has no firing alert of a severity routed
  to it: PagerDuty, routed critical, is resolved when the critical alerts end, not
  when a 10-minute info window finally clears. A silenced alert still counts as
  firing here: a silence stops messages, it does not pretend the problem is over;
* it hears *acknowledged* (if its kind does) once someone acknowledges the group;
* until then it hears a *reminder* each time its severity's response time passes;
* a group's worst severity dropping says nothing, but it ends the group's episode
  (storage clears the acknowledgement then); when the severity rises again a new
  episode begins (`Now.since`), and a channel last paged before it hears *firing*
  afresh, even one that still thinks it hears the same severity (Slack, routed the
  warning that held the group open, was never told the critical alerts ended).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.vocabulary import AlertSeverity, NotificationEvent, Severity

DEFAULT_KINDS_BY_SEVERITY = {
    AlertSeverity.CRITICAL: frozenset({"slack", "pagerduty"}),
    AlertSeverity.WARNING: frozenset({"slack"}),
    AlertSeverity.INFO: frozenset(),
}
# Reminders: the incident procedure's response time for a critical group is its
# component's severity's (P0 5 min, P1 30 min, P2 2 h, P3 next business day); a
# warning is a ticket, due by the end of the next business day; info never reminds.
WARNING_RESPONSE = Severity.P3


@dataclass(frozen=True, slots=True)
class Route:
    severities: frozenset[AlertSeverity]
    channels: tuple[str, ...]
    components: frozenset[str] | None = None  # None: every component and the site

    def covers(self, severity: AlertSeverity, component_id: str | None) -> bool:
        if severity not in self.severities:
            return False
        return self.components is None or component_id in self.components


def default_routes(channels: Iterable[tuple[str, str]]) -> tuple[Route, ...]:
    """The production configuration's routing for these (name, kind) channels."""
    named = list(channels)
    routes = []
    for severity, kinds in DEFAULT_KINDS_BY_SEVERITY.items():
        chosen = tuple(name for name, kind in named if kind in kinds)
        if chosen:
            routes.append(Route(frozenset({severity}), chosen))
    return tuple(routes)


def channels_for(
    routes: Iterable[Route], severity: AlertSeverity, component_id: str | None
) -> frozenset[str]:
    return frozenset(c for r in routes if r.covers(severity, component_id) for c in r.channels)


def worst_routed(
    routes: Iterable[Route],
    channel: str,
    severities: Iterable[AlertSeverity],
    component_id: str | None,
) -> AlertSeverity | None:
    """The worst of `severities` that reaches `channel`, or None."""
    routes = tuple(routes)
    heard = [s for s in severities if channel in channels_for(routes, s, component_id)]
    return max(heard, key=lambda s: s.rank, default=None)


@dataclass(frozen=True, slots=True)
class Now:
    """A group as one channel should see it now."""

    active: AlertSeverity | None  # worst routed firing alert not silenced
    present: AlertSeverity | None  # worst routed firing alert, silenced or not
    acknowledged: bool
    since: datetime | None = None  # when the group's current episode began


@dataclass(frozen=True, slots=True)
class Heard:
    """What the channel was told: `severity` None when nothing is open for it."""

    severity: AlertSeverity | None
    acknowledged: bool
    reminder_due: datetime | None  # when the next reminder is due, if ever
    paged_at: datetime | None = None  # its latest firing, raised or reminder message

    def before(self, since: datetime | None) -> bool:
        """Whether its latest page was about an episode that ended before `since`."""
        return since is not None and self.paged_at is not None and self.paged_at < since


def next_message(
    heard: Heard, now: Now, at: datetime, *, hears_acknowledgements: bool
) -> tuple[NotificationEvent, AlertSeverity] | None:
    """The one message the channel needs next, with the severity it speaks of, or None.
    One at a time: a second one (an acknowledgement after a rise) follows at the next
    planning, which sees the first as told."""
    if heard.severity is None:
        return None if now.active is None else (NotificationEvent.FIRING, now.active)
    if now.present is None:
        return NotificationEvent.RESOLVED, heard.severity
    if now.active is not None and heard.before(now.since):
        return NotificationEvent.FIRING, now.active
    if now.active is not None and now.active.rank > heard.severity.rank:
        return NotificationEvent.RAISED, now.active
    if now.acknowledged:
        if hears_acknowledgements and not heard.acknowledged:
            return NotificationEvent.ACKNOWLEDGED, heard.severity
        return None
    due = heard.reminder_due
    if now.active is not None and due is not None and at >= due:
        return NotificationEvent.REMINDER, now.active
    return None


def response_severity(severity: AlertSeverity, component_severity: str | None) -> str | None:
    """The incident severity (P0-P3) whose response time spaces reminders."""
    if severity is AlertSeverity.CRITICAL:
        return component_severity or Severity.P1
    return WARNING_RESPONSE if severity is AlertSeverity.WARNING else None
