"""The sender: claims due messages from the outbox and delivers them, off the probe
path, in its own task.

Every process with the jobs role runs one. On PostgreSQL they share the work (a
claim skips rows another sender holds); on SQLite one process writes anyway.

* A claim is a lease (`LEASE`): a sender that dies after claiming leaves the row to
  be claimed again once the lease has run out. Each send is bounded well inside it.
* A failed send is retried with exponential backoff (30 s doubling, at most an
  hour apart; longer if the receiver's `Retry-After` asks), up to `MAX_ATTEMPTS`.
  A permanent failure (a 4xx other than 429, a refused address) stops at once.
  Either way the row says why, and the admin area's delivery log shows it.
* Delivery is at least once: a sender that dies after the receiver took a message
  but before the row says so sends it again after the lease. Receivers that can
  deduplicate are given the key to: PagerDuty's `dedup_key` (one per group),
  the webhook's `X-Statuspage-Delivery`, the email's `Message-ID`.
* Secrets (URLs, keys, passwords) are taken out of every reason and answer
  before it is logged or stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import aiohttp

from probes.clock import Clock
from statuspage.channel_specs import ChannelConfig, NotifySettings
from statuspage.notify.channels import CHANNEL_KINDS, Channel
from statuspage.notify.channels.base import (
    HTTP_TIMEOUT_S,
    DeliveryError,
    Outside,
    open_channel_threads,
)
from statuspage.notify.message import Message, Site
from statuspage.notify.subscribers.delivery import SubscriberSender
from statuspage.service.settings_holder import SettingsHolder
from storage.database import Database
from storage.notify.delivery import Claimed, any_due, claim, finish
from storage.notify.reads import group_incident
from storage.vocabulary import NotificationState

log = logging.getLogger("statuspage.notify")

LEASE = timedelta(minutes=2)
SEND_DEADLINE_S = 60.0  # a send is abandoned (and retried) after this, inside the lease
BATCH = 20
POLL_S = 5.0  # other processes' messages are found within this
MAX_ATTEMPTS = 10
FIRST_RETRY_S = 30.0
LONGEST_RETRY_S = 3600.0
LONGEST_RETRY_AFTER_S = 6 * 3600.0
CONNECTIONS_PER_HOST = 5  # one slow receiver cannot take every connection


def retry_delay_s(attempt: int, retry_after_s: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: 30 s, 60 s, 2 min, … at most an hour
    apart, or longer if the receiver asked (at most six hours)."""
    backoff = min(FIRST_RETRY_S * 2.0 ** max(attempt - 1, 0), LONGEST_RETRY_S)
    if retry_after_s is None:
        return backoff
    return max(backoff, min(retry_after_s, LONGEST_RETRY_AFTER_S))


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, and every long piece of a secret URL (a token in
    its path or query), replaced by `***`."""
    for secret in secrets:
        pieces = [secret, *(p for p in re.split(r"[/:@?&=#]+", secret) if len(p) >= 8)]
        for piece in sorted(pieces, key=len, reverse=True):
            text = text.replace(piece, "***")
    return text


class Sender:
    def __init__(
        self,
        db: Database,
        settings: SettingsHolder,
        *,
        clock: Clock,
        timeout_s: float = HTTP_TIMEOUT_S,
    ) -> None:
        self.timeout_s = timeout_s  # one receiver's answer
        self._db = db
        self._settings = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._http: aiohttp.ClientSession | None = None
        self._threads: ThreadPoolExecutor | None = None  # opened with the first send
        self._subscribers = SubscriberSender(db, clock, timeout_s)
        self.failure: Exception | None = None  # the latest pass's error, while failing
        self.sent = 0  # delivered by this sender (tests wait on these)
        self.passes = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = await self.deliver_due()
                self.failure = None
            except Exception as error:  # a database outage must not end delivery
                self.failure, busy = error, 0
                log.error("notifications: a pass failed", extra={"fields": {"reason": str(error)}})
            if busy < BATCH:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_S)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def close(self) -> None:
        await self._subscribers.close()
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    async def deliver_due(self) -> int:
        """One pass: claim what is due and send it, concurrently. Returns how many."""
        now = self._clock()
        claimed = []
        if await any_due(self._db, now=now):
            claimed = await claim(self._db, now=now, lease=LEASE, limit=BATCH)
        if claimed:
            notify = self._settings.current.notify
            outside = self._outside(notify)
            await asyncio.gather(*(self._deliver(m, notify, outside) for m in claimed))
        self.passes += 1
        return len(claimed)

    def _outside(self, notify: NotifySettings) -> Outside:
        if self._http is None or self._http.closed:
            self._http = open_http()
        if self._threads is None:
            self._threads = open_channel_threads()
        file = self._settings.current.file
        site = Site(file.site.name, file.site.url)
        return Outside(
            self._http, notify.smtp, self._clock, site, self.timeout_s, threads=self._threads
        )

    async def _deliver(self, claimed: Claimed, notify: NotifySettings, outside: Outside) -> None:
        try:
            answer = await self._send(claimed, notify, outside)
        except DeliveryError as error:
            await self._failed(claimed, error, notify.secrets())
            return
        await finish(
            self._db,
            claimed,
            now=self._clock(),
            state=NotificationState.SENT,
            answer=scrub(answer, notify.secrets()),
        )
        self.sent += 1
        log.info("notification sent", extra={"fields": _fields(claimed)})

    async def _send(self, claimed: Claimed, notify: NotifySettings, outside: Outside) -> str:
        if claimed.subscriber_id is not None:
            return await bounded(self._subscribers.send(claimed, self._settings.current))
        config = notify.channel(claimed.channel)
        message = await self._message(claimed)
        if config is None or not config.enabled:
            state = "no longer configured" if config is None else "disabled"
            raise DeliveryError(f"channel {claimed.channel!r} is {state}", permanent=True)
        return await send(build(config, outside), message)

    async def _message(self, claimed: Claimed) -> Message:
        """The queued payload, with the group's incident as it is now: the incident a
        critical group opens is linked just after the alert change commits."""
        message = Message(
            claimed.id,
            claimed.channel,
            claimed.event,
            claimed.severity,
            claimed.group_id,
            claimed.payload,
            claimed.attempt,
        )
        if claimed.group_id is None:
            return message
        found = await group_incident(self._db, claimed.group_id)
        if found is None:
            return message
        incident_id, name = found
        site = self._settings.current.file.site
        return message.with_payload(
            incident_id=incident_id,
            incident_name=name,
            incident_url=Site(site.name, site.url).incident_url(incident_id),
        )

    async def _failed(
        self, claimed: Claimed, error: DeliveryError, secrets: tuple[str, ...]
    ) -> None:
        reason = scrub(error.reason, secrets)
        now = self._clock()
        if error.permanent or claimed.attempt >= MAX_ATTEMPTS:
            why = (
                reason if error.permanent else f"gave up after {claimed.attempt} attempts: {reason}"
            )
            await finish(self._db, claimed, now=now, state=NotificationState.FAILED, error=why)
            log.warning("notification failed", extra={"fields": _fields(claimed) | {"reason": why}})
            return
        retry_at = now + timedelta(seconds=retry_delay_s(claimed.attempt, error.retry_after_s))
        await finish(
            self._db,
            claimed,
            now=now,
            state=NotificationState.PENDING,
            error=reason,
            retry_at=retry_at,
        )
        fields = _fields(claimed) | {"reason": reason, "retry_at": retry_at.isoformat()}
        log.info("notification will be retried", extra={"fields": fields})


def open_http() -> aiohttp.ClientSession:
    """The client every HTTP channel posts through: bounded, and its own, apart from
    the probes' sessions."""
    connector = aiohttp.TCPConnector(limit=20, limit_per_host=CONNECTIONS_PER_HOST)
    return aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": "statuspage-notifications"}
    )


def build(config: ChannelConfig, outside: Outside) -> Channel:
    return CHANNEL_KINDS.get(config.kind)(config, outside)


async def send(channel: Channel, message: Message) -> str:
    """Deliver through `channel` within the deadline; DeliveryError on any failure
    (an unexpected exception is a failure to retry, with its type as the reason)."""
    return await bounded(channel.notify(message))


async def bounded(sending: Coroutine[Any, Any, str]) -> str:
    """`sending` within the deadline, every failure a DeliveryError."""
    try:
        return await asyncio.wait_for(sending, SEND_DEADLINE_S)
    except DeliveryError:
        raise
    except TimeoutError:
        raise DeliveryError(f"no answer within {SEND_DEADLINE_S:g} s") from None
    except Exception as error:  # a bug or a library's surprise: retried, and shown
        # No traceback in the log: a library's message may quote a URL with its token.
        raise DeliveryError(f"unexpected error: {type(error).__name__}: {error}") from None


def _fields(claimed: Claimed) -> dict[str, object]:
    return {
        "id": claimed.id,
        "channel": claimed.channel,
        "event": claimed.event.value,
        "group": claimed.group_id,
        "attempt": claimed.attempt,
    }
