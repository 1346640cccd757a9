"""What an attacker, or a careless operator, tried against the subscriber forms and
their delivery, each on the real app over a real socket (SMTP server and webhook
receivers on 127.0.0.1): SSRF through an IDNA spelling of loopback, an address
left in the log after its owner was erased, a hijacked webhook, a rate limit
dodged by walking an IPv6 /64, and requests that answered 500."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient, AiohttpServer
from sqlmodel import select

from statuspage.notify.sender import Sender
from statuspage.service.settings_holder import SettingsHolder
from storage.notify.outbox import NewMessage, enqueue
from storage.subscribers.reads import search
from storage.subscribers.writes import erase_address, forget_unconfirmed, request_subscription
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from storage.vocabulary import NotificationEvent, SubscriberKind
from tests.notify.helpers import channels_config
from tests.notify.mailbox import Mailbox
from tests.notify.receivers import Answer, receiver
from tests.notify.subscriber_site import (
    NO_LIMITS,
    SubscriberSite,
    link_in,
    local_path,
    subscriber_settings,
    subscriber_site,
)

PUBLIC = "93.184.215.14"  # what a wildcard DNS answers for any name (example.com's)


@pytest.fixture
async def s(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox, db_url: str
) -> AsyncIterator[SubscriberSite]:
    """The site on SQLite and, when the tests have one, on PostgreSQL."""
    settings = subscriber_settings(tmp_path, mailbox.port, db_url=db_url)
    async with subscriber_site(aiohttp_client, settings, mailbox) as place:
        yield place


async def subscribers(s: SubscriberSite) -> list[Subscriber]:
    async with s.db.read() as session:
        return list(await session.exec(select(Subscriber)))


async def test_an_idna_spelling_of_loopback_is_never_called(
    tmp_path: Path,
    aiohttp_client: AiohttpClient,
    aiohttp_server: AiohttpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`127.0.0.\\U0001fbf1` (SEGMENTED DIGIT ONE) is 127.0.0.1 to yarl, so aiohttp
    connects to loopback without asking the resolver, while the send-time check
    (urlsplit, then the socket module's IDNA 2003) saw the name `127.0.0.xn--ub0i`.
    Where that name resolves (a wildcard search domain; emulated here by answering
    every punycode name with a public address) the check passed and loopback got
    the POST. The form let the URL through too."""
    hook = await receiver(aiohttp_server)
    port = hook.url.split(":")[2].split("/")[0]
    url = f"http://127.0.0.\U0001fbf1:{port}/hook"
    real = asyncio.BaseEventLoop.getaddrinfo

    async def wildcard_dns(self: asyncio.BaseEventLoop, host: Any, *a: Any, **k: Any) -> Any:
        if isinstance(host, str) and b"xn--" in host.encode("idna"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 0))]
        return await real(self, host, *a, **k)

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", wildcard_dns)
    async with subscriber_site(aiohttp_client, subscriber_settings(tmp_path, None), None) as s:
        form = await s.client.post("/subscribe/webhook", data={"url": url})
        assert form.status == 400
        # As if it had been subscribed before the form knew better:
        await s.add_webhook_directly(url)
        await s.open_incident("Anything", "Text.")
        await s.deliver()
        async with s.db.read() as session:
            (row,) = list(await session.exec(select(Notification)))
        assert hook.received == []
        assert row.state == "failed"
        assert "not a public address" in (row.last_error or "")


async def test_a_refused_address_is_not_kept_in_the_log_after_erasure(
    s: SubscriberSite, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    """An SMTP server's refusal names the recipient; the reason went to the log line
    "notification failed" (and the row). Erasing the subscriber deletes the row, but
    not the log: the address outlived its erasure."""
    address = "gone@example.com"
    mailbox.refuse.add(address)
    caplog.set_level(logging.DEBUG, logger="statuspage")
    assert await s.subscribe(address) == 200
    await s.deliver()
    async with s.db.read() as session:
        (row,) = list(await session.exec(select(Notification)))
    assert row.state == "failed"
    assert "recipients refused" in (row.last_error or "")
    assert address not in (row.last_error or "")
    assert await erase_address(s.db, address) == 1
    ours = [r for r in caplog.records if r.name.startswith("statuspage")]
    logged = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in ours)
    assert "notification failed" in logged
    assert address not in logged.lower()


@pytest.mark.parametrize(
    "path", ["/subscribe/confirm?token=a.%C3%A9", "/subscribe/unsubscribe?token=a.%C3%A9"]
)
async def test_a_token_with_other_than_ascii_is_no_error(s: SubscriberSite, path: str) -> None:
    for method in ("GET", "POST"):
        response = await s.client.request(method, path)
        assert response.status in (200, 400), (method, response.status)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"email=\xff\xfe@example.com", "application/x-www-form-urlencoded"),
        (b"email=ann@example.com", "application/x-www-form-urlencoded; charset=bogus"),
        (b"junk", "multipart/form-data; boundary=zz"),
    ],
)
async def test_a_form_that_cannot_be_read_is_a_bad_request(
    s: SubscriberSite, body: bytes, content_type: str
) -> None:
    for path in ("/subscribe/email", "/subscribe/webhook"):
        response = await s.client.post(path, data=body, headers={"Content-Type": content_type})
        assert response.status == 400
    assert await subscribers(s) == []


async def test_a_double_click_subscribes_once_without_an_error(s: SubscriberSite) -> None:
    """Two requests for one new address at once: on PostgreSQL the second insert
    broke the unique index and the visitor saw a 500."""
    for path, field, value in (
        ("/subscribe/email", "email", "ann@example.com"),
        ("/subscribe/webhook", "url", "https://example.com/hook"),
    ):
        answers = await asyncio.gather(
            *(s.client.post(path, data={field: value}) for _ in range(4))
        )
        assert [a.status for a in answers] == [200] * 4
    assert len(await subscribers(s)) == 2


async def test_a_long_url_in_other_scripts_is_refused_at_the_form(s: SubscriberSite) -> None:
    """1,900 CJK characters fit the 2,000-character limit but not PostgreSQL's
    unique index (5.7 kB): the form answered 500 there."""
    url = "https://example.com/" + "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1900))
    response = await s.client.post("/subscribe/webhook", data={"url": url})
    assert response.status == 400
    assert await subscribers(s) == []


async def test_the_admin_search_finds_a_webhook_in_any_case(s: SubscriberSite) -> None:
    """Webhook URLs keep their case; SQLite's LIKE ignores it, PostgreSQL's did not."""
    url = "https://example.com/Hooks/ABC"
    await s.add_webhook_directly(url)
    for text in ("Hooks/ABC", "hooks/abc", "HOOKS"):
        assert [r.address for r in (await search(s.db, text)).rows] == [url], text


async def test_knowing_a_webhook_url_does_not_make_one_its_owner(s: SubscriberSite) -> None:
    """Posting someone's webhook URL again answered with its unsubscribe link and
    replaced its components: whoever knew (or guessed) the URL could silence it."""
    url = "https://receiver.example.com/statuspage"
    owner = await s.client.post("/subscribe/webhook", data={"url": url})
    kept = BeautifulSoup(await owner.text(), "html.parser").select_one("input.copy")
    assert kept is not None
    again = await s.client.post("/subscribe/webhook", data=[("url", url), ("component", "api")])
    assert again.status == 200
    assert str(kept["value"]) not in await again.text()
    assert BeautifulSoup(await again.text(), "html.parser").select_one("input.copy") is None
    (row,) = await subscribers(s)
    assert row.components is None  # still the whole page, as its owner chose


async def test_an_ipv6_client_cannot_walk_its_64_past_the_limit(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox
) -> None:
    """The hourly limit counted each address: a client with an IPv6 /64 (every
    customer line has one) has 2^64 of them, so it had no limit at all."""
    more = 'requests_per_client_per_hour = 3\n[server]\ntrusted_proxies = ["127.0.0.1/32"]'
    settings = subscriber_settings(tmp_path, mailbox.port, more)
    async with subscriber_site(aiohttp_client, settings, mailbox) as s:
        statuses = []
        for i in range(6):
            response = await s.client.post(
                "/subscribe/email",
                data={"email": f"victim+{i}@example.com"},
                headers={"X-Forwarded-For": f"2001:db8:1:2::{i + 1:x}"},
            )
            statuses.append(response.status)
        assert statuses == [200, 200, 200, 429, 429, 429]
        other = await s.client.post(
            "/subscribe/email",
            data={"email": "someone@example.com"},
            headers={"X-Forwarded-For": "2001:db8:1:3::1"},
        )
        assert other.status == 200  # the next /64 is someone else


async def test_subscribers_webhooks_cannot_hold_up_the_operators_page(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    """Anyone may subscribe webhooks (ten an hour per client, no cap in all), to a
    public host that never answers. An update fans out one row to each; the sender
    claimed the oldest due rows first, so the operators' own channel (their
    PagerDuty page) waited behind every one of them, a batch of 20 taking up to a
    minute. 45 such webhooks here; an attacker has thousands after a week."""
    slow = await receiver(aiohttp_server, Answer(hang=True))
    ops = await receiver(aiohttp_server)
    more = "allow_private_webhook_addresses = true\n" + channels_config(webhook=ops.url)
    settings = subscriber_settings(tmp_path, None, more)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        for i in range(45):
            await request_subscription(
                s.db,
                SubscriberKind.WEBHOOK,
                f"{slow.url}?n={i}",
                None,
                now=s.clock.now,
                resend_after=timedelta(0),
                limits=NO_LIMITS,
            )
        await s.open_incident("Payments failing", "Looking.")
        s.clock.advance(seconds=1)  # the operators' alert comes a moment later
        await enqueue(
            s.db,
            [NewMessage("hook", NotificationEvent.TEST, None, {"title": "t"}, "t:1")],
            s.clock.now,
        )
        sender = Sender(s.db, SettingsHolder(settings), clock=s.clock, timeout_s=0.2)
        try:
            await sender.deliver_due()  # one pass, as the loop makes it
        finally:
            await sender.close()
        assert len(ops.received) == 1


async def test_an_old_link_does_nothing_to_whoever_gets_its_id_next(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    """Held: SQLite gives an erased subscriber's id to the next one; the links of the
    first (confirm and unsubscribe) carry a digest of its address and do nothing
    to the newcomer."""
    assert await s.subscribe("ann@example.com") == 200
    await s.deliver()
    confirm_ann = local_path(link_in(mailbox.mail[-1], "/subscribe/confirm"))
    assert (await s.client.post(confirm_ann)).status == 200
    await s.open_incident("Payments failing", "Looking.")
    await s.deliver()
    leave_ann = local_path(link_in(mailbox.mail[-1], "/subscribe/unsubscribe"))
    (ann,) = await subscribers(s)
    assert await erase_address(s.db, "ann@example.com") == 1

    assert await s.subscribe("bob@example.com") == 200
    (bob,) = await subscribers(s)
    if s.db.is_sqlite:
        assert bob.id == ann.id  # the id was given again
    assert (await s.client.post(confirm_ann)).status == 400
    assert (await s.client.post(leave_ann)).status == 200  # "unsubscribed", says nothing
    (still,) = await subscribers(s)
    assert (still.id, still.address, still.confirmed_at) == (bob.id, "bob@example.com", None)


async def test_retention_keeps_a_request_whose_latest_link_still_works(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    """Unconfirmed requests are to be erased a day after their link expired; the
    retention judged by when the address first asked, so asking again on the
    third day sent a link that the next retention pass broke."""
    assert await s.subscribe("ann@example.com") == 200
    await s.deliver()
    s.clock.advance(hours=69)
    assert await s.subscribe("ann@example.com") == 200  # the first mail was lost
    await s.deliver()
    assert len(mailbox.mail) == 2
    s.clock.advance(hours=11)  # the retention job, as it runs: 48 h links + a day
    await forget_unconfirmed(s.db, older_than=s.clock.now - timedelta(hours=48 + 24))
    assert await s.confirm_from_mail(mailbox.mail[-1]) == 200


async def test_an_incident_name_cannot_add_a_header_to_the_mail(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    """Held: the subject is one line, whatever line breaks the name carries."""
    assert await s.subscribe("ann@example.com") == 200
    await s.deliver()
    assert await s.confirm_from_mail(mailbox.mail[-1]) == 200
    name = "Down\r\nBcc: eve@example.com\n\u2028\x85To: eve@example.com\rX-Evil: 1"
    await s.open_incident(name, "Body\r\nBcc: eve@example.com")
    await s.deliver()
    mail = mailbox.mail[-1]
    assert mail["Bcc"] is None
    assert mail["X-Evil"] is None
    assert mail.get_all("To") == ["ann@example.com"]
    assert not any(c in str(mail["Subject"]) for c in "\r\n\u2028\x85")
    assert [e.rcpt_tos for e in mailbox.envelopes][-1] == ["ann@example.com"]


async def test_another_site_cannot_make_its_visitors_subscribe(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    """A page elsewhere with an auto-submitting form to /subscribe/email or
    /subscribe/webhook made every visitor's browser a new client with a limit of its
    own: confirmation mail to addresses of its choosing, webhooks to URLs of its
    choosing, from as many addresses as it has visitors. Browsers say where a form
    came from (Sec-Fetch-Site); a cross-site one is refused."""
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    email = await s.client.post(
        "/subscribe/email", data={"email": "victim@example.com"}, headers=cross
    )
    hook = await s.client.post(
        "/subscribe/webhook", data={"url": "https://victim.example/hook"}, headers=cross
    )
    assert (email.status, hook.status) == (403, 403)
    await s.deliver()
    assert mailbox.mail == []
    assert await subscribers(s) == []
    own = await s.client.post(
        "/subscribe/email",
        data={"email": "ann@example.com"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert own.status == 200
