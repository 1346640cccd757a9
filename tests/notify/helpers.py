"""Sites with notification channels, a movable clock, and a sender driven by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from statuspage.alerting.service import AlertingService
from statuspage.channel_specs import SmtpConfig
from statuspage.config import Settings
from statuspage.notify.channels.base import Outside, open_channel_threads
from statuspage.notify.message import Message
from statuspage.notify.message import Site as PageSite
from statuspage.notify.service import Notifier
from storage.database import Database
from storage.vocabulary import AlertSeverity, NotificationEvent
from tests.alerting.helpers import Clock, Site, settings_for, site

ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345"


def channels_config(
    slack: str | None = None,
    pagerduty: str | None = None,
    webhook: str | None = None,
    extra: str = "",
) -> str:
    """`[[channels]]` for the receivers given (no `[[routes]]`: the defaults)."""
    parts = []
    if pagerduty:
        parts.append(
            f'[[channels]]\nname = "pagerduty"\nkind = "pagerduty"\nurl = "{pagerduty}"\n'
            f'routing_key = "{ROUTING_KEY}"\n'
        )
    if slack:
        parts.append(
            f'[[channels]]\nname = "incidents"\nkind = "slack"\nurl = "{slack}"\n'
            'channel = "#incidents"\n'
        )
    if webhook:
        parts.append(
            f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{webhook}"\n'
            'secret = "s3cret-signing-key"\n'
        )
    return "\n" + "\n".join(parts) + extra


def notify_settings(tmp_path: Path, channels: str, *, url: str | None = None) -> Settings:
    db_url = url or f"sqlite:///{tmp_path / 'notify.db'}"
    return settings_for(tmp_path, db_url, extra=channels)


@dataclass
class NotifySite:
    place: Site
    service: AlertingService
    notifier: Notifier

    @property
    def db(self) -> Database:
        return self.place.db

    @property
    def clock(self) -> Clock:
        return self.place.clock

    async def deliver(self) -> int:
        """Send everything due now, as the sender's loop does."""
        return await self.notifier.sender.deliver_due()


@asynccontextmanager
async def notify_site(settings: Settings, clock: Clock | None = None) -> AsyncIterator[NotifySite]:
    """A migrated site whose evaluator queues notifications, wired as the app wires it,
    with the sender driven by the test (`deliver`)."""
    async with site(settings, clock or Clock()) as place:
        service = place.service()
        notifier = Notifier(place.db, place.settings, clock=place.clock)
        service.planner = notifier.planner
        service.round_hooks.append(notifier.round)
        service.handlers.append(notifier.heard)
        try:
            yield NotifySite(place, service, notifier)
        finally:
            await service.resign()
            await notifier.sender.close()


def group_message(
    event: str = "firing",
    *,
    severity: str = "critical",
    message_id: int = 7,
    **more: object,
) -> Message:
    """A message about alert group 3, as the planner writes one."""
    payload: dict[str, object] = {
        "event": event,
        "severity": severity,
        "title": f"{severity.capitalize()}: API: error-rate-critical",
        "lines": ["error-rate-critical: error rate: 7.5 %, failures: 3, results: 40"],
        "at": "2026-11-26T10:00:00Z",
        "site": "Acme Status",
        "site_url": "http://status.acme.test",
        "alerts_url": "http://status.acme.test/admin/alerts#group-3",
        "group_id": 3,
        "subject": "component:api",
        "component_id": "api",
        "component": "API",
        "opened_at": "2026-11-26T09:58:00Z",
        "reminder": 0,
        "alerts": [{"rule": "error-rate-critical", "severity": severity}],
        **more,
    }
    return Message(
        message_id,
        "test-channel",
        NotificationEvent(event),
        AlertSeverity(severity),
        3,
        payload,
    )


def outside(
    http: aiohttp.ClientSession, smtp: SmtpConfig | None = None, threads: Executor | None = None
) -> Outside:
    """`threads`: the channels' threads; by default a pool that starts no thread until
    something is sent in it (only Apprise does)."""
    site = PageSite("Acme Status", "http://status.acme.test")
    pool = threads or open_channel_threads()
    return Outside(http, smtp, Clock(), site, timeout_s=5.0, threads=pool)
