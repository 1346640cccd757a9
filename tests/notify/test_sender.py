"""The sender against receivers that accept, refuse, rate-limit, fail and hang: it
retries what can succeed later (after `Retry-After` when asked), stops on what
cannot, and never writes a secret where people read."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.notify.sender import LEASE, MAX_ATTEMPTS, retry_delay_s, scrub
from storage.notify.delivery import claim
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import NotificationView, list_notifications
from storage.vocabulary import NotificationEvent, NotificationState
from tests.notify.helpers import NotifySite, channels_config, notify_settings, notify_site
from tests.notify.receivers import Answer, receiver

PENDING, SENT, FAILED = NotificationState.PENDING, NotificationState.SENT, NotificationState.FAILED


async def queue(s: NotifySite, channel: str = "hook") -> None:
    await enqueue(
        s.db,
        [NewMessage(channel, NotificationEvent.TEST, None, {"title": "t"}, "t:1")],
        s.clock.now,
    )


async def the_message(s: NotifySite) -> NotificationView:
    (entry,) = (await list_notifications(s.db)).entries
    return entry


def test_backoff_doubles_from_thirty_seconds_to_an_hour() -> None:
    assert [retry_delay_s(n) for n in (1, 2, 3, 8, 9)] == [30, 60, 120, 3600, 3600]


def test_backoff_waits_longer_when_the_receiver_asks() -> None:
    assert retry_delay_s(1, retry_after_s=120) == 120
    assert retry_delay_s(3, retry_after_s=5) == 120
    assert retry_delay_s(1, retry_after_s=10**9) == 6 * 3600


def test_secrets_and_their_tokens_are_scrubbed() -> None:
    url = "https://hooks.slack.com/services/T0000/B0000/XXXXSECRETXXXX"
    text = f"failed posting to {url}; token XXXXSECRETXXXX"
    assert scrub(text, [url]) == "failed posting to ***; token ***"


async def test_a_message_the_receiver_takes_is_sent_with_its_answer(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(202, "thanks"))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        assert await s.deliver() == 1
        entry = await the_message(s)
        assert (entry.state, entry.attempts, entry.answer) == (SENT, 1, "HTTP 202: thanks")
        assert len(hook.received) == 1


async def test_a_429_is_retried_after_the_time_the_receiver_asked_for(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = (await receiver(aiohttp_server)).then(Answer(429, "slow down", {"Retry-After": "120"}))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await s.deliver()
        entry = await the_message(s)
        assert (entry.state, entry.last_error) == (PENDING, "HTTP 429: slow down")
        assert entry.next_attempt_at == s.clock.now + timedelta(seconds=120)

        s.clock.advance(seconds=119)
        assert await s.deliver() == 0
        s.clock.advance(seconds=1)
        assert await s.deliver() == 1
        assert (await the_message(s)).state is SENT


@pytest.mark.parametrize("asked", ["²", "①", "٣", " ", "1" * 5000, "soon"])
async def test_a_retry_after_that_is_not_a_number_is_read_as_none_given(
    tmp_path: Path, aiohttp_server: AiohttpServer, asked: str
) -> None:
    hook = (await receiver(aiohttp_server)).then(Answer(503, "busy", {"Retry-After": asked}))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await s.deliver()
        entry = await the_message(s)
        assert (entry.state, entry.last_error) == (PENDING, "HTTP 503: busy")
        assert entry.next_attempt_at == s.clock.now + timedelta(seconds=30)  # the usual backoff


async def test_a_500_is_retried_with_backoff(tmp_path: Path, aiohttp_server: AiohttpServer) -> None:
    hook = (await receiver(aiohttp_server)).then(Answer(500, "oops"), Answer(503, "busy"))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await s.deliver()
        s.clock.advance(seconds=30)
        await s.deliver()
        entry = await the_message(s)
        assert (entry.state, entry.attempts, entry.last_error) == (PENDING, 2, "HTTP 503: busy")
        assert entry.next_attempt_at == s.clock.now + timedelta(seconds=60)
        s.clock.advance(seconds=60)
        await s.deliver()
        assert (await the_message(s)).state is SENT
        assert len(hook.received) == 3


async def test_a_receiver_that_hangs_is_given_up_on_and_retried(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = (await receiver(aiohttp_server)).then(Answer(hang=True))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        s.notifier.sender.timeout_s = 0.3
        await queue(s)
        await s.deliver()
        entry = await the_message(s)
        assert (entry.state, entry.last_error) == (PENDING, "no answer within 0.3 s")
        s.clock.advance(seconds=30)
        await s.deliver()
        assert (await the_message(s)).state is SENT


async def test_a_4xx_is_permanent_and_shown(tmp_path: Path, aiohttp_server: AiohttpServer) -> None:
    hook = await receiver(aiohttp_server, Answer(404, "no such hook"))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await s.deliver()
        s.clock.advance(hours=2)
        assert await s.deliver() == 0
        entry = await the_message(s)
        assert (entry.state, entry.attempts, entry.last_error) == (
            FAILED,
            1,
            "HTTP 404: no such hook",
        )


async def test_a_redirect_is_not_followed(tmp_path: Path, aiohttp_server: AiohttpServer) -> None:
    elsewhere = await receiver(aiohttp_server)
    hook = await receiver(aiohttp_server, Answer(307, "", {"Location": elsewhere.url}))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await s.deliver()
        assert (await the_message(s)).state is FAILED
        assert elsewhere.received == []


async def test_the_sender_gives_up_after_its_last_attempt(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(500, "down"))
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        for _ in range(MAX_ATTEMPTS + 2):
            await s.deliver()
            s.clock.advance(hours=1)
        entry = await the_message(s)
        assert (entry.state, entry.attempts) == (FAILED, MAX_ATTEMPTS)
        assert entry.last_error == f"gave up after {MAX_ATTEMPTS} attempts: HTTP 500: down"


async def test_a_channel_no_longer_configured_fails_its_messages(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server)
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s, channel="gone")
        await s.deliver()
        entry = await the_message(s)
        assert (entry.state, entry.last_error) == (FAILED, "channel 'gone' is no longer configured")


async def test_no_secret_reaches_the_log_or_the_delivery_log(
    tmp_path: Path, aiohttp_server: AiohttpServer, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await receiver(aiohttp_server)
    secret_url = slack.url + "/T0000/B0000/XXXXSECRETXXXX"
    body = f"invalid_token for {secret_url}"
    slack.usual = Answer(403, body)
    caplog.set_level(logging.DEBUG)
    async with notify_site(notify_settings(tmp_path, channels_config(slack=secret_url))) as s:
        await queue(s, channel="incidents")
        await s.deliver()
        entry = await the_message(s)
        assert entry.state is FAILED
        assert "XXXXSECRETXXXX" not in (entry.last_error or "")
        ours = [vars(r) for r in caplog.records if r.name.startswith("statuspage")]
        assert ours
        assert "XXXXSECRETXXXX" not in str(ours)


async def test_a_message_claimed_by_a_sender_that_died_is_sent_after_its_lease(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server)
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=hook.url))) as s:
        await queue(s)
        await claim(s.db, now=s.clock.now, lease=LEASE, limit=10)  # and then it died
        assert await s.deliver() == 0
        s.clock.advance(seconds=LEASE.total_seconds())
        assert await s.deliver() == 1
        entry = await the_message(s)
        assert (entry.state, entry.attempts) == (SENT, 2)
        assert len(hook.received) == 1
