"""The admin forms' "Notify subscribers" box, as an operator uses it: it starts
ticked, a ticked box reaches a confirmed subscriber, an unticked one reaches nobody,
and a draft notifies nobody until it is published, when it follows the box it was
saved with (README "Subscribers of the page", docs/subscribers.md). The incident,
update and maintenance forms each read the box themselves, so each is posted."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from tests.admin.helpers import (
    CHEAP_HASHER,
    PASSWORD,
    add_test_user,
    open_incident,
    post_form,
    sign_in,
)
from tests.notify.mailbox import Mailbox
from tests.notify.subscriber_site import SubscriberSite
from tests.notify.test_subscribers import subscribed

WINDOW = {"scheduled_for": "2026-11-27T10:00", "scheduled_until": "2026-11-27T11:00"}


@pytest.fixture
async def s(s: SubscriberSite, mailbox: Mailbox) -> SubscriberSite:
    """The site (tests/notify/conftest.py) with one confirmed subscriber, ann, and an
    operator signed in."""
    s.client.app[ADMIN].passwords = Passwords(CHEAP_HASHER)
    await add_test_user(s.db, "alice")
    assert (await sign_in(s.client, "alice", PASSWORD)).status == 303
    await subscribed(s, mailbox, "ann@example.com")
    return s


async def subjects_sent(s: SubscriberSite, mailbox: Mailbox) -> list[str]:
    """What ann hears from here on, once the sender has run."""
    before = len(mailbox.mail)
    await s.deliver()
    return [str(m["Subject"]) for m in mailbox.mail[before:]]


async def box_is_ticked(s: SubscriberSite, path: str) -> bool:
    response = await s.client.get(path)
    assert response.status == 200, response.status
    box = BeautifulSoup(await response.text(), "html.parser").select_one(
        "input[type=checkbox][name=notify_subscribers][value=yes]"
    )
    assert box is not None, f"no Notify subscribers box on {path}"
    return box.has_attr("checked")


async def test_every_form_starts_with_the_box_ticked(s: SubscriberSite) -> None:
    incident_id = await open_incident(s.client, notify_subscribers="yes")
    assert await box_is_ticked(s, "/admin/incidents/new")
    assert await box_is_ticked(s, f"/admin/incidents/{incident_id}")
    assert await box_is_ticked(s, "/admin/maintenances/new")


async def test_a_new_incident_with_the_box_ticked_reaches_the_subscriber(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await open_incident(s.client, notify_subscribers="yes")
    assert await subjects_sent(s, mailbox) == [
        "[Acme Status] Incident investigating: Checkout is failing"
    ]


async def test_a_new_incident_with_the_box_unticked_reaches_nobody(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await open_incident(s.client)  # incident_form() sends no box, as a browser for an unticked one
    assert await subjects_sent(s, mailbox) == []


async def test_an_update_follows_its_own_box(s: SubscriberSite, mailbox: Mailbox) -> None:
    incident_id = await open_incident(s.client)
    updates = f"/admin/incidents/{incident_id}/updates"
    quiet = {"status": "identified", "body": "Found it.", "action": "post"}
    assert (await post_form(s.client, updates, quiet)).status == 303
    assert await subjects_sent(s, mailbox) == []
    told = {"status": "resolved", "body": "Fixed.", "action": "post", "notify_subscribers": "yes"}
    assert (await post_form(s.client, updates, told)).status == 303
    assert await subjects_sent(s, mailbox) == [
        "[Acme Status] Incident resolved: Checkout is failing"
    ]


async def test_maintenance_follows_its_box(s: SubscriberSite, mailbox: Mailbox) -> None:
    quiet = {"name": "Quiet upgrade", "components": "api", **WINDOW}
    assert (await post_form(s.client, "/admin/maintenances", quiet)).status == 303
    assert await subjects_sent(s, mailbox) == []
    told = {"name": "Database upgrade", "notify_subscribers": "yes", **WINDOW}
    assert (await post_form(s.client, "/admin/maintenances", told)).status == 303
    assert await subjects_sent(s, mailbox) == [
        "[Acme Status] Maintenance scheduled: Database upgrade"
    ]


async def test_a_draft_with_the_box_ticked_notifies_only_when_published(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    incident_id = await open_incident(s.client, action="draft", notify_subscribers="yes")
    assert await subjects_sent(s, mailbox) == []
    response = await post_form(s.client, f"/admin/incidents/{incident_id}/publish", {})
    assert response.status == 303
    assert await subjects_sent(s, mailbox) == [
        "[Acme Status] Incident investigating: Checkout is failing"
    ]


async def test_a_draft_with_the_box_unticked_stays_quiet_when_published(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    incident_id = await open_incident(s.client, action="draft")
    response = await post_form(s.client, f"/admin/incidents/{incident_id}/publish", {})
    assert response.status == 303
    assert await subjects_sent(s, mailbox) == []
