"""A site whose page takes subscribers: the real app on a real socket, a real SMTP
server for the mail, a sender the test drives, and a movable clock."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from pytest_aiohttp import AiohttpClient

from statuspage.config import Settings, load_settings
from statuspage.notify.sender import Sender
from storage.database import Database
from storage.subscribers.writes import Limits, request_subscription
from storage.vocabulary import SubscriberKind
from tests.admin.helpers import add_test_token
from tests.alerting.helpers import CONFIG, Clock, site
from tests.app_client import Client, app_client
from tests.notify.mailbox import Mailbox

SITE_URL = "http://status.acme.test"
# For tests that write subscribers straight to storage and are not about its limits.
NO_LIMITS = Limits(total=10**9, webhooks=10**9, per_webhook_host=10**9, host_of=str)


def subscriber_settings(
    tmp_path: Path, smtp_port: int | None, more: str = "", *, db_url: str | None = None
) -> Settings:
    smtp = (
        f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nfrom = "status@acme.test"\n'
        if smtp_port
        else ""
    )
    extra = f"{smtp}\n[subscribers]\n{more}\n"
    url = (db_url or f"sqlite:///{tmp_path / 'page.db'}").replace("+asyncpg", "")
    text = CONFIG.format(url=url, extra=extra, api_extra="")
    text = text.replace('name = "Acme Status"', f'name = "Acme Status"\nurl = "{SITE_URL}"', 1)
    path = tmp_path / "statuspage.toml"
    path.write_text(text, "utf-8")
    return load_settings(path, {})


@dataclass
class SubscriberSite:
    client: Client
    db: Database
    clock: Clock
    sender: Sender
    token: str  # for the write API
    mailbox: Mailbox | None

    async def deliver(self) -> int:
        """Send everything due, pass after pass (a subscriber's second notice waits
        for its first), as the sender's loop does; returns how many were claimed."""
        total = 0
        while sent := await self.sender.deliver_due():
            total += sent
        return total

    def api(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def subscribe(self, address: str, *components: str) -> int:
        form = [("email", address), *(("component", c) for c in components)]
        response = await self.client.post("/subscribe/email", data=form)
        return response.status

    async def add_webhook_directly(self, url: str) -> None:
        """A webhook subscribed past the form's checks: as if it had been taken before
        the form knew better."""
        await request_subscription(
            self.db,
            SubscriberKind.WEBHOOK,
            url,
            None,
            now=self.clock.now,
            resend_after=timedelta(0),
            limits=NO_LIMITS,
        )

    async def open_incident(self, name: str, body: str, **more: object) -> int:
        payload = {"name": name, "status": "investigating", "body": body, **more}
        response = await self.client.post("/api/admin/incidents", json=payload, headers=self.api())
        assert response.status == 201, await response.text()
        return int((await response.json())["id"])

    async def confirm_from_mail(self, mail: EmailMessage) -> int:
        """Follow the confirmation link as a person does: open it, press the button."""
        path = local_path(link_in(mail, "/subscribe/confirm"))
        page = await self.client.get(path)
        assert page.status == 200, await page.text()
        response = await self.client.post(path)
        return response.status


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(mail: EmailMessage) -> str:
    body = mail.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def link_in(mail: EmailMessage, path: str) -> str:
    found = re.search(re.escape(SITE_URL + path) + r"\?token=[^\s\"<>]+", text_of(mail))
    assert found is not None, f"no {path} link in the mail"
    return found.group(0)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@asynccontextmanager
async def subscriber_site(
    aiohttp_client: AiohttpClient,
    settings: Settings,
    mailbox: Mailbox | None,
    clock: Clock | None = None,
) -> AsyncIterator[SubscriberSite]:
    async with site(settings, clock or Clock()) as place:
        client = await app_client(aiohttp_client, settings, place.clock)
        sender = Sender(place.db, place.settings, clock=place.clock)
        token = await add_test_token(place.db)
        try:
            yield SubscriberSite(client, place.db, place.clock, sender, token, mailbox)
        finally:
            await sender.close()
