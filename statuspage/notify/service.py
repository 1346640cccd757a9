"""Notifications as the running service sees them: the planner the alert evaluator
queues messages with, the round hook that plans what changes without an alert
moving, and the sender's task. `statuspage.app` wires them to the evaluator."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from probes.clock import Clock
from statuspage.channel_specs import NotifySettings
from statuspage.notify.plan import GroupPlanner
from statuspage.notify.sender import Sender
from statuspage.rules.routing import channels_for
from statuspage.service.settings_holder import SettingsHolder
from storage.alerts.writes import GroupEvent
from storage.database import Database
from storage.notify.outbox import reconcile
from storage.vocabulary import AlertSeverity

log = logging.getLogger("statuspage.notify")


class Notifier:
    def __init__(self, db: Database, settings: SettingsHolder, *, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self.planner = GroupPlanner(settings)
        self.sender = Sender(db, settings, clock=clock)
        self.failure: Exception | None = None  # the latest planning round's error
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        for name in unrouted(self._settings.current.notify):
            log.warning(
                "notifications: a channel no route reaches (only `notify test` uses it)",
                extra={"fields": {"channel": name}},
            )
        self._task = asyncio.create_task(self.sender.run(), name="notifications")

    async def stop(self) -> None:
        await self.sender.stop()
        if self._task is not None:
            await self._task
        await self.sender.close()

    async def round(self, now: datetime) -> None:
        """The alerting round's hook: acknowledgements, silences that ended, reminders
        due, alerts resolved by hand. Its failure is its own, not the evaluator's."""
        if not self._settings.current.notify.enabled:
            return
        try:
            if await reconcile(self._db, self.planner, now):
                self.sender.wake()
            self.failure = None
        except Exception as error:
            self.failure = error
            log.error("notifications: planning failed", extra={"fields": {"reason": str(error)}})

    async def heard(self, event: GroupEvent) -> None:
        """An alert group moved: its messages were queued with it; send them now."""
        self.sender.wake()


def unrouted(notify: NotifySettings) -> list[str]:
    """Enabled channels that no route sends anything to."""
    reached = {
        name for severity in AlertSeverity for name in channels_for(notify.routes, severity, None)
    }
    reached |= {name for route in notify.routes for name in route.channels}
    return [c.name for c in notify.enabled if c.name not in reached]
