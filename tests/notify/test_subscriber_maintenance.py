"""Maintenance, as subscribers hear it: a notice when it is scheduled, one reminder
before it starts (however often the job runs), one when it starts and one when it
ends, each by the maintenance job as it runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytest_aiohttp import AiohttpClient

from statuspage.service.jobs import PeriodicJobs
from statuspage.service.settings_holder import SettingsHolder
from tests.notify.mailbox import Mailbox
from tests.notify.subscriber_site import SubscriberSite, subscriber_settings, subscriber_site
from tests.notify.test_subscribers import subscribed


async def subjects_after(s: SubscriberSite, mailbox: Mailbox, before: int) -> list[str]:
    await s.deliver()
    return [str(m["Subject"]) for m in mailbox.mail[before:]]


async def test_scheduled_reminded_started_and_completed(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox, db_url: str
) -> None:
    """On SQLite and, when the tests have one, on PostgreSQL."""
    more = "maintenance_reminder_minutes = 60"
    settings = subscriber_settings(tmp_path, mailbox.port, more, db_url=db_url)
    async with subscriber_site(aiohttp_client, settings, mailbox) as s:
        jobs = PeriodicJobs(s.db, SettingsHolder(settings), clock=s.clock)
        await subscribed(s, mailbox, "ann@example.com", "api")
        sent = len(mailbox.mail)
        start_at = s.clock.now + timedelta(hours=3)
        body = {
            "name": "Database upgrade",
            "scheduled_for": start_at.isoformat(),
            "scheduled_until": (start_at + timedelta(hours=1)).isoformat(),
            "components": ["api"],
        }
        response = await s.client.post("/api/admin/maintenances", json=body, headers=s.api())
        assert response.status == 201, await response.text()
        assert await subjects_after(s, mailbox, sent) == [
            "[Acme Status] Maintenance scheduled: Database upgrade"
        ]
        sent = len(mailbox.mail)

        s.clock.advance(minutes=110)  # 70 minutes before: not yet
        await jobs.advance_maintenances()
        assert await subjects_after(s, mailbox, sent) == []
        s.clock.advance(minutes=15)  # 55 minutes before
        await jobs.advance_maintenances()
        await jobs.advance_maintenances()
        assert await subjects_after(s, mailbox, sent) == [
            "[Acme Status] Maintenance starts soon: Database upgrade"
        ]
        sent = len(mailbox.mail)

        s.clock.advance(minutes=56)
        await jobs.advance_maintenances()
        s.clock.advance(hours=1)
        await jobs.advance_maintenances()
        assert await subjects_after(s, mailbox, sent) == [
            "[Acme Status] Maintenance in progress: Database upgrade",
            "[Acme Status] Maintenance completed: Database upgrade",
        ]


async def test_no_reminder_when_it_is_switched_off(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox
) -> None:
    settings = subscriber_settings(tmp_path, mailbox.port, "maintenance_reminder_minutes = 0")
    async with subscriber_site(aiohttp_client, settings, mailbox) as s:
        jobs = PeriodicJobs(s.db, SettingsHolder(settings), clock=s.clock)
        await subscribed(s, mailbox, "ann@example.com")
        start_at = s.clock.now + timedelta(minutes=30)
        body = {"name": "Quick", "scheduled_for": start_at.isoformat(),
                "scheduled_until": (start_at + timedelta(hours=1)).isoformat()}  # fmt: skip
        response = await s.client.post("/api/admin/maintenances", json=body, headers=s.api())
        assert response.status == 201
        sent = len(mailbox.mail) + 1  # the scheduled notice
        await jobs.advance_maintenances()
        assert await subjects_after(s, mailbox, sent) == []
