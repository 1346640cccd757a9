"""Sending one outbox row addressed to a subscriber: find the subscriber as it is
now (gone: nothing to send), sign its links, and mail it or post to its webhook.

The address is read at sending time, never kept in the row, so erasing a subscriber
leaves no copy of it; nor does the answer or the reason a send failed, which go to the
log as well as the row (an SMTP server's refusal names the recipient), so the address
is taken out of both here. A notice waits for nobody unconfirmed: only a confirmation
goes to an address that has not opted in.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import aiohttp

from probes.clock import Clock
from statuspage.config import Settings
from statuspage.notify.channels.base import HTTP_TIMEOUT_S, DeliveryError
from statuspage.notify.channels.email import send_mail
from statuspage.notify.posting import post
from statuspage.notify.subscribers.links import Links
from statuspage.notify.subscribers.mail import confirmation, envelope, notice_mail
from statuspage.notify.subscribers.notice import Notice
from statuspage.notify.subscribers.webhook import (
    check_destination,
    open_guarded_http,
    statuspage_body,
)
from storage.database import Database
from storage.notify.delivery import Claimed
from storage.subscribers.reads import SubscriberRow, subscriber
from storage.subscribers.secrets import SUBSCRIBER_LINKS, site_secret
from storage.subscribers.writes import remove
from storage.vocabulary import NotificationEvent, SubscriberKind

GONE = 410


class SubscriberSender:
    def __init__(self, db: Database, clock: Clock, timeout_s: float = HTTP_TIMEOUT_S) -> None:
        self._db = db
        self._clock = clock
        self._timeout_s = timeout_s
        self._secret: bytes | None = None
        self._guarded: aiohttp.ClientSession | None = None
        self._open: aiohttp.ClientSession | None = None

    async def send(self, claimed: Claimed, settings: Settings) -> str:
        assert claimed.subscriber_id is not None
        found = await subscriber(self._db, claimed.subscriber_id)
        if found is None:
            raise DeliveryError("the subscriber has left", permanent=True)
        if found.confirmed_at is None and claimed.event != NotificationEvent.CONFIRM:
            raise DeliveryError("the subscriber has not confirmed", permanent=True)
        links = await self._links(settings)
        try:
            if found.kind == SubscriberKind.EMAIL:
                answer = await self._mail(claimed, found, links, settings)
            else:
                answer = await self._post(claimed, found, links, settings)
        except DeliveryError as error:
            raise DeliveryError(
                _without(error.reason, found.address),
                permanent=error.permanent,
                retry_after_s=error.retry_after_s,
            ) from None
        except Exception as error:  # as the sender's `bounded` words it, but without the address
            reason = f"unexpected error: {type(error).__name__}: {error}"
            raise DeliveryError(_without(reason, found.address)) from None
        return _without(answer, found.address)

    async def close(self) -> None:
        for http in (self._guarded, self._open):
            if http is not None:
                await http.close()
        self._guarded = self._open = None

    async def _links(self, settings: Settings) -> Links:
        if self._secret is None:
            self._secret = await site_secret(self._db, SUBSCRIBER_LINKS, now=self._clock())
        hours = settings.file.subscribers.confirmation_hours
        return Links(self._secret, settings.file.site.url, timedelta(hours=hours))

    async def _mail(
        self, claimed: Claimed, found: SubscriberRow, links: Links, settings: Settings
    ) -> str:
        smtp = settings.notify.smtp
        if smtp is None:
            raise DeliveryError("no [smtp] server is configured", permanent=True)
        site = settings.file.site.name
        if claimed.event == NotificationEvent.CONFIRM:
            subject = "Confirm your subscription"
            mail = envelope(smtp, found.address, subject, claimed.id, site, now=self._clock())
            chosen = claimed.payload.get("components")
            requested = datetime.fromisoformat(str(claimed.payload.get("requested_at")))
            url = links.confirm(found.id, found.address, chosen, requested)
            hours = settings.file.subscribers.confirmation_hours
            return await send_mail(smtp, confirmation(mail, site, url, hours))
        notice = Notice(claimed.event, claimed.payload)
        mail = envelope(smtp, found.address, notice.subject(), claimed.id, site, now=self._clock())
        mail = notice_mail(
            mail,
            notice,
            unsubscribe_url=links.unsubscribe(found.id, found.address),
            incident_url=links.incident(notice.incident.get("id")),
        )
        return await send_mail(smtp, mail)

    async def _post(
        self, claimed: Claimed, found: SubscriberRow, links: Links, settings: Settings
    ) -> str:
        allow_private = settings.file.subscribers.allow_private_webhook_addresses
        if not allow_private:
            await check_destination(found.address)
        notice = Notice(claimed.event, claimed.payload)
        body = statuspage_body(
            notice,
            site=settings.file.site.name,
            site_url=settings.file.site.url,
            unsubscribe_url=links.unsubscribe(found.id, found.address),
            incident_url=links.incident(notice.incident.get("id")),
        )
        headers = {
            "Content-Type": "application/json",
            "X-Statuspage-Delivery": str(claimed.id),
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        http = self._http(guarded=not allow_private)
        try:
            return await post(
                http, found.address, raw, headers, timeout_s=self._timeout_s, clock=self._clock
            )
        except DeliveryError as error:
            if error.reason.startswith(f"HTTP {GONE}"):
                # The receiver says it is gone for good: unsubscribe it, as Statuspage does.
                await remove(self._db, found.id, found.address)
                raise DeliveryError(
                    "HTTP 410: the webhook is gone; unsubscribed", permanent=True
                ) from None
            raise

    def _http(self, *, guarded: bool) -> aiohttp.ClientSession:
        if guarded:
            if self._guarded is None or self._guarded.closed:
                self._guarded = open_guarded_http()
            return self._guarded
        if self._open is None or self._open.closed:
            self._open = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=20, limit_per_host=2),
                headers={"User-Agent": "statuspage-subscriber-webhooks"},
            )
        return self._open


def _without(text: str, address: str) -> str:
    """`text` with no copy of the subscriber's address, in any case."""
    return re.sub(re.escape(address), "<subscriber>", text, flags=re.IGNORECASE)
