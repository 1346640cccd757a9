"""Subscribers of the public page, end to end: the form on /subscribe, the
confirmation mail through a real SMTP server, the link, the notices an update
sends, one-click unsubscribe, and what must never happen (a mail storm, a notice to
someone who did not confirm, a draft reaching anyone)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient
from sqlmodel import col, select

from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from tests.notify.mailbox import Mailbox
from tests.notify.subscriber_site import (
    SITE_URL,
    SubscriberSite,
    html_of,
    link_in,
    local_path,
    subscriber_settings,
    subscriber_site,
    text_of,
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
async def s(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox, db_url: str
) -> AsyncIterator[SubscriberSite]:
    """The site on SQLite and, when the tests have one, on PostgreSQL."""
    settings = subscriber_settings(tmp_path, mailbox.port, db_url=db_url)
    async with subscriber_site(aiohttp_client, settings, mailbox) as place:
        yield place


async def subscribed(s: SubscriberSite, mailbox: Mailbox, address: str, *components: str) -> None:
    assert await s.subscribe(address, *components) == 200
    await s.deliver()
    assert await s.confirm_from_mail(mailbox.mail[-1]) == 200


async def unsubscribe_link_of_a_subscriber(s: SubscriberSite, mailbox: Mailbox) -> str:
    """The path of the unsubscribe link in the update mail ann@example.com gets."""
    await subscribed(s, mailbox, "ann@example.com")
    await s.open_incident("Slow API", "Looking.")
    await s.deliver()
    return local_path(link_in(mailbox.mail[-1], "/subscribe/unsubscribe"))


async def rows(s: SubscriberSite) -> list[Subscriber]:
    async with s.db.read() as session:
        return list(await session.exec(select(Subscriber).order_by(col(Subscriber.id))))


async def test_a_subscription_waits_for_its_confirmation(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    response = await s.client.post("/subscribe/email", data={"email": "Ann@Example.com"})
    assert response.status == 200
    assert "Check your inbox" in await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    await s.deliver()
    (mail,) = mailbox.mail
    assert mail["To"] == "ann@example.com"
    assert mail["Subject"] == "[Acme Status] Confirm your subscription"
    assert (await rows(s))[0].confirmed_at is None

    await s.open_incident("Payments failing", "We are looking into it.")
    await s.deliver()
    assert len(mailbox.mail) == 1  # nothing to an address that has not confirmed

    assert await s.confirm_from_mail(mail) == 200
    assert (await rows(s))[0].confirmed_at == s.clock.now


async def test_opening_the_link_alone_confirms_nothing(s: SubscriberSite, mailbox: Mailbox) -> None:
    await s.subscribe("ann@example.com")
    await s.deliver()
    page = await s.client.get(local_path(link_in(mailbox.mail[0], "/subscribe/confirm")))
    soup = BeautifulSoup(await page.text(), "html.parser")
    assert soup.select_one("form[method=post] button") is not None  # a mail scanner follows links
    assert (await rows(s))[0].confirmed_at is None


async def test_an_update_reaches_a_confirmed_subscriber_in_text_and_html(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    incident_id = await s.open_incident(
        f"Checkout {HOSTILE}",
        f"**Payments** fail.\n\n{HOSTILE}",
        components={"payments": "major_outage"},
    )
    assert await s.deliver() == 1
    mail = mailbox.mail[-1]
    assert mail["Subject"] == f"[Acme Status] Incident investigating: Checkout {HOSTILE}"
    text, html = text_of(mail), html_of(mail)
    assert "Affects: Payments" in text
    assert f"Follow it: {SITE_URL}/incidents/{incident_id}" in text
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None
    assert page.find("img") is None
    assert page.find("strong").get_text() == "Payments"  # type: ignore[union-attr]
    assert f"Checkout {HOSTILE}" in page.h1.get_text()  # type: ignore[union-attr]


async def test_every_notice_offers_one_click_unsubscribe(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    await s.open_incident("Slow API", "Looking.")
    await s.deliver()
    mail = mailbox.mail[-1]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(mail["List-Unsubscribe"])
    assert header == f"<{link_in(mail, '/subscribe/unsubscribe')}>"
    # What a mail client's button sends (RFC 8058): a POST to that address.
    response = await s.client.post(
        local_path(header.strip("<>")), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status == 200
    assert await rows(s) == []

    await s.open_incident("Slow API again", "Looking.")
    assert await s.deliver() == 0


async def test_a_subscriber_hears_only_about_the_components_chosen(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "api-only@example.com", "api")
    await subscribed(s, mailbox, "everything@example.com")
    sent_before = len(mailbox.mail)
    await s.open_incident("Payments down", "Looking.", components={"payments": "major_outage"})
    await s.open_incident("Whole site slow", "Looking.")
    await s.deliver()
    to = sorted((m["To"], m["Subject"]) for m in mailbox.mail[sent_before:])
    assert to == [
        ("api-only@example.com", "[Acme Status] Incident investigating: Whole site slow"),
        ("everything@example.com", "[Acme Status] Incident investigating: Payments down"),
        ("everything@example.com", "[Acme Status] Incident investigating: Whole site slow"),
    ]


async def test_a_form_posted_a_hundred_times_sends_one_mail(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox
) -> None:
    settings = subscriber_settings(tmp_path, mailbox.port, "requests_per_client_per_hour = 1000")
    async with subscriber_site(aiohttp_client, settings, mailbox) as s:
        statuses = [await s.subscribe("target@example.com") for _ in range(100)]
        await s.deliver()
        assert statuses == [200] * 100  # the answer tells nobody whether the address is known
        assert len(mailbox.mail) == 1
        s.clock.advance(minutes=11)
        await s.subscribe("target@example.com")
        await s.deliver()
        assert len(mailbox.mail) == 2


async def test_one_client_may_ask_ten_times_an_hour(s: SubscriberSite) -> None:
    statuses = [await s.subscribe(f"n{i}@example.com") for i in range(11)]
    assert statuses == [200] * 10 + [429]
    response = await s.client.post("/subscribe/email", data={"email": "late@example.com"})
    assert response.status == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    s.clock.advance(hours=1)
    assert await s.subscribe("later@example.com") == 200


async def test_an_expired_or_altered_link_confirms_nothing(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await s.subscribe("ann@example.com")
    await s.deliver()
    path = local_path(link_in(mailbox.mail[0], "/subscribe/confirm"))
    altered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await s.client.post(altered)).status == 400
    s.clock.advance(hours=48)
    assert (await s.client.post(path)).status == 400
    assert (await rows(s))[0].confirmed_at is None


@pytest.mark.parametrize("token", ["aaaa.bbbb", "", "nodot"])
async def test_an_unsubscribe_link_this_site_did_not_make_is_not_valid(
    s: SubscriberSite, mailbox: Mailbox, token: str
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    for method in ("GET", "POST"):
        response = await s.client.request(method, f"/subscribe/unsubscribe?token={token}")
        assert response.status == 400, method
        assert "This link is not valid" in await response.text()
    assert len(await rows(s)) == 1


async def test_an_altered_unsubscribe_link_removes_nobody(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    path = await unsubscribe_link_of_a_subscriber(s, mailbox)
    altered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await s.client.post(altered)).status == 400
    assert len(await rows(s)) == 1


async def test_a_genuine_unsubscribe_link_says_unsubscribed_every_time(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    path = await unsubscribe_link_of_a_subscriber(s, mailbox)
    for method in ("POST", "POST", "GET"):  # the button, a one-click after it, the link again
        response = await s.client.request(method, path)
        assert response.status == 200, method
        assert "You are unsubscribed" in await response.text()
    assert await rows(s) == []


async def test_a_bad_address_comes_back_with_its_label(s: SubscriberSite) -> None:
    response = await s.client.post(
        "/subscribe/email", data={"email": "not an address<script>", "component": "api"}
    )
    assert response.status == 400
    soup = BeautifulSoup(await response.text(), "html.parser")
    error = soup.select_one("#email-error")
    assert error is not None
    assert error.get_text().startswith("Email address: enter an email address")
    field = soup.select_one("#email-address")
    assert field is not None
    assert field["value"] == "not an address<script>"
    assert field["aria-invalid"] == "true"
    assert soup.select_one("input[name=component][value=api]").has_attr("checked")  # type: ignore[union-attr]
    assert await rows(s) == []


async def test_an_unknown_component_is_refused(s: SubscriberSite) -> None:
    response = await s.client.post(
        "/subscribe/email", data={"email": "a@example.com", "component": "nope"}
    )
    assert response.status == 400
    assert "choose components from the list" in await response.text()


@pytest.mark.parametrize(
    ("path", "field", "value", "label"),
    [
        ("/subscribe/webhook", "url", "http://0x7f.1/x", "Webhook URL"),
        ("/subscribe/email", "email", "not an address", "Email address"),
    ],
)
async def test_each_problem_shows_under_its_own_field_all_at_once(
    s: SubscriberSite, path: str, field: str, value: str, label: str
) -> None:
    response = await s.client.post(path, data={field: value, "component": "nope2"})
    assert response.status == 400
    soup = BeautifulSoup(await response.text(), "html.parser")
    kind = path.removeprefix("/subscribe/")
    address = soup.select_one(f"#{kind}-error")
    components = soup.select_one(f"fieldset#{kind}-components #{kind}-components-error")
    assert address is not None
    assert components is not None
    assert address.get_text().startswith(f"{label}: ")
    assert "components" not in address.get_text()
    assert components.get_text() == "Components: choose components from the list"


async def test_a_good_address_with_an_unknown_component_marks_only_the_components(
    s: SubscriberSite,
) -> None:
    response = await s.client.post(
        "/subscribe/webhook", data={"url": "https://example.com/hook", "component": "nope2"}
    )
    assert response.status == 400
    soup = BeautifulSoup(await response.text(), "html.parser")
    assert soup.select_one("#webhook-error") is None
    assert not soup.select_one("#webhook-address").has_attr("aria-invalid")  # type: ignore[union-attr]
    fieldset = soup.select_one("fieldset#webhook-components")
    assert fieldset is not None
    assert fieldset["aria-describedby"] == "webhook-components-error"
    assert await rows(s) == []


async def test_a_draft_reaches_nobody_until_it_is_published(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    sent = len(mailbox.mail)
    incident_id = await s.open_incident("Quiet", "Draft text.", draft=True)
    assert await s.deliver() == 0
    response = await s.client.patch(
        f"/api/admin/incidents/{incident_id}", json={"draft": False}, headers=s.api()
    )
    assert response.status == 200, await response.text()
    assert await s.deliver() == 1
    assert mailbox.mail[sent]["Subject"] == "[Acme Status] Incident investigating: Quiet"


async def test_deliver_notifications_false_sends_nothing(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    incident_id = await s.open_incident("Hush", "Text.", deliver_notifications=False)
    assert await s.deliver() == 0
    response = await s.client.post(
        f"/api/admin/incidents/{incident_id}/updates",
        json={"status": "resolved", "body": "Fixed.", "deliver_notifications": True},
        headers=s.api(),
    )
    assert response.status == 201
    assert await s.deliver() == 1
    assert mailbox.mail[-1]["Subject"] == "[Acme Status] Incident resolved: Hush"


async def test_an_update_that_fails_queues_nothing(s: SubscriberSite, mailbox: Mailbox) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    incident_id = await s.open_incident("Real", "Text.")
    await s.deliver()
    response = await s.client.post(
        f"/api/admin/incidents/{incident_id}/updates",
        json={"status": "resolved", "body": "x", "components": {"nope": "operational"}},
        headers=s.api(),
    )
    assert response.status in (400, 422)
    async with s.db.read() as session:
        queued = list(
            await session.exec(select(Notification).where(Notification.state == "pending"))
        )
    assert queued == []


async def test_a_mail_server_that_refuses_the_address_stops_at_once(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    mailbox.refuse.add("gone@example.com")
    await s.subscribe("gone@example.com")
    await s.deliver()
    async with s.db.read() as session:
        (row,) = list(await session.exec(select(Notification)))
    assert row.state == "failed"
    assert "recipients refused" in (row.last_error or "")
    assert "gone@example.com" not in str(row.payload)  # the address is never in the outbox


async def test_without_smtp_there_is_no_email_form(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    settings = subscriber_settings(tmp_path, None)
    async with subscriber_site(aiohttp_client, settings, None) as place:
        soup = BeautifulSoup(await (await place.client.get("/subscribe")).text(), "html.parser")
        assert soup.select_one("form[action='/subscribe/email']") is None
        assert soup.select_one("form[action='/subscribe/webhook']") is not None
        response = await place.client.post("/subscribe/email", data={"email": "a@example.com"})
        assert response.status == 404


async def test_retention_forgets_requests_nobody_confirmed(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    from storage.results.retention import RetentionPolicy, apply_retention

    await subscribed(s, mailbox, "kept@example.com")
    await s.subscribe("never@example.com")
    await s.deliver()
    s.clock.advance(hours=71)
    report = await apply_retention(s.db, now=s.clock.now, policy=RetentionPolicy())
    assert report.unconfirmed_subscribers_deleted == 0
    s.clock.advance(hours=2)
    report = await apply_retention(s.db, now=s.clock.now, policy=RetentionPolicy())
    assert report.unconfirmed_subscribers_deleted == 1
    assert [r.address for r in await rows(s)] == ["kept@example.com"]
