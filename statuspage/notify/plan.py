"""The outbox's planner: for one alert group, the message each channel needs next.

Called by storage in the transaction that moves the group's alerts, and by the
alerting round for what changes without them (acknowledgements, silences ending,
reminders falling due). The decision per channel is `rules.routing.next_message`;
this module gathers its inputs from the settings in force and writes the payload.

Nothing is planned for a group whose component is under maintenance: its alerts
hold still during the window, and whatever a channel missed (an acknowledgement, a
reminder) is planned when the window ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from statuspage.channel_specs import ChannelConfig, NotifySettings
from statuspage.config import Settings
from statuspage.notify.channels import CHANNEL_KINDS
from statuspage.notify.message import Site, group_payload
from statuspage.rules.response_times import update_due_at
from statuspage.rules.routing import Heard, Now, next_message, response_severity, worst_routed
from statuspage.service.settings_holder import SettingsHolder
from storage.notify.outbox import FiringAlert, GroupFacts, NewMessage, Told
from storage.vocabulary import NotificationEvent


@dataclass(frozen=True, slots=True)
class _Site:
    """What planning reads from the settings, made once per settings generation."""

    notify: NotifySettings
    site: Site
    names: Mapping[str, str]  # component id -> name
    severities: Mapping[str, str]  # component id -> P0-P3
    settings: Settings


class GroupPlanner:
    def __init__(self, settings: SettingsHolder) -> None:
        self._settings = settings
        self._generation = -1
        self._site: _Site | None = None

    def __call__(
        self, group: GroupFacts, told: Mapping[str, Told], now: datetime
    ) -> list[NewMessage]:
        if group.under_maintenance:
            return []
        site = self._read()
        planned = []
        for channel in site.notify.enabled:
            message = self._next(site, channel, group, told.get(channel.name, Told()), now)
            if message is not None:
                planned.append(message)
        return planned

    def _read(self) -> _Site:
        if self._site is None or self._generation != self._settings.generation:
            settings = self._settings.current
            names = {c.id: c.name for c in settings.components}
            by_name = {c.name: c.severity.value for c in settings.file.components}
            self._site = _Site(
                notify=settings.notify,
                site=Site(settings.file.site.name, settings.file.site.url, settings.tz),
                names=names,
                severities={cid: by_name[name] for cid, name in names.items() if name in by_name},
                settings=settings,
            )
            self._generation = self._settings.generation
        return self._site

    def _next(
        self, site: _Site, channel: ChannelConfig, group: GroupFacts, told: Told, now: datetime
    ) -> NewMessage | None:
        routes, component = site.notify.routes, group.component_id
        firing = [a for a in group.firing if _routed(site, channel.name, a, component)]
        live = [a for a in firing if not a.silenced(now)]
        state = Now(
            active=worst_routed(routes, channel.name, (a.severity for a in live), component),
            present=worst_routed(routes, channel.name, (a.severity for a in firing), component),
            acknowledged=group.acknowledged_at is not None,
            since=group.opened_at,
        )
        due = self._reminder_due(site, group, told, state)
        heard = Heard(told.severity, told.acknowledged, due, told.paged_at)
        hears_acks = CHANNEL_KINDS.get(channel.kind).hears_acknowledgements
        decided = next_message(heard, state, now, hears_acknowledgements=hears_acks)
        if decided is None:
            return None
        event, severity = decided
        payload = group_payload(
            group,
            event,
            severity,
            [] if event is NotificationEvent.RESOLVED else live,
            component_name=site.names.get(component or ""),
            site=site.site,
            now=now,
            reminder=told.reminders + (event is NotificationEvent.REMINDER),
        )
        return NewMessage(channel.name, event, severity, payload)

    def _reminder_due(
        self, site: _Site, group: GroupFacts, told: Told, state: Now
    ) -> datetime | None:
        severity = state.active or told.severity
        if severity is None or told.paged_at is None:
            return None
        level = response_severity(severity, site.severities.get(group.component_id or ""))
        settings = site.settings
        return update_due_at(level, told.paged_at, settings.tz, settings.business_calendar)


def _routed(site: _Site, channel: str, alert: FiringAlert, component: str | None) -> bool:
    return worst_routed(site.notify.routes, channel, (alert.severity,), component) is not None
