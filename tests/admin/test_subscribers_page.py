"""The admin area's subscriber list: search, pages, removal (audited without the
address), and hostile addresses shown as text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from storage.database import Database
from storage.subscribers.reads import search
from storage.subscribers.writes import confirm, request_subscription
from storage.tables.accounts import AuditEntry
from storage.vocabulary import SubscriberKind
from tests.admin.helpers import NOW, post_form
from tests.app_client import Client
from tests.notify.subscriber_site import NO_LIMITS


async def add(db: Database, address: str, components: list[str] | None = None) -> int:
    made = await request_subscription(
        db,
        SubscriberKind.EMAIL,
        address,
        components,
        now=NOW,
        resend_after=timedelta(0),
        limits=NO_LIMITS,
    )
    await confirm(db, made.subscriber_id, address, components, now=NOW)
    return made.subscriber_id


async def page(admin: Client, query: str = "") -> BeautifulSoup:
    response = await admin.get(f"/admin/subscribers{query}")
    assert response.status == 200
    return BeautifulSoup(await response.text(), "html.parser")


def addresses(soup: BeautifulSoup) -> list[str]:
    return [td.get_text() for td in soup.select("td.address")]


async def test_subscribers_are_listed_and_searched(admin: Client, db: Database) -> None:
    await add(db, "ann@example.com", ["api"])
    await add(db, "bob@example.org")
    await request_subscription(
        db,
        SubscriberKind.EMAIL,
        "waiting@example.com",
        None,
        now=NOW,
        resend_after=timedelta(0),
        limits=NO_LIMITS,
    )
    soup = await page(admin)
    assert sorted(addresses(soup)) == ["ann@example.com", "bob@example.org", "waiting@example.com"]
    row = soup.select_one("#subscriber-1")
    assert row is not None
    assert "API" in row.get_text()
    assert "waiting" in soup.select("tr")[1].get_text()  # newest first: not yet confirmed
    assert addresses(await page(admin, "?q=EXAMPLE.ORG")) == ["bob@example.org"]
    assert addresses(await page(admin, "?q=%25")) == []  # a wildcard is searched as text


async def test_removing_erases_and_audits_without_the_address(admin: Client, db: Database) -> None:
    sid = await add(db, "ann@example.com")
    response = await post_form(admin, f"/admin/subscribers/{sid}/remove", {})
    assert response.status == 303
    assert (await search(db)).rows == []
    async with db.read() as session:
        (entry,) = list(
            await session.exec(select(AuditEntry).where(AuditEntry.action == "subscriber.remove"))
        )
    assert entry.actor == "alice"
    assert entry.target == f"subscriber:{sid}"
    assert "ann@example.com" not in str(entry.before) + str(entry.after)


async def test_removal_needs_the_forms_token(admin: Client, db: Database) -> None:
    sid = await add(db, "ann@example.com")
    response = await admin.post(f"/admin/subscribers/{sid}/remove", allow_redirects=False)
    assert response.status == 403
    assert len((await search(db)).rows) == 1


async def test_a_hostile_address_is_shown_as_text(admin: Client, db: Database) -> None:
    hostile = "http://example.com/<script>alert(1)</script>"
    await request_subscription(
        db,
        SubscriberKind.WEBHOOK,
        hostile,
        None,
        now=NOW,
        resend_after=timedelta(0),
        limits=NO_LIMITS,
    )
    soup = await page(admin)
    assert soup.find("script") is None
    assert addresses(soup) == [hostile]


@pytest.mark.parametrize("number", ["%C2%B2", "%E2%91%A0", "%D9%A3", "0", "1" * 5000])
async def test_a_page_number_that_is_not_ascii_digits_shows_the_first_page(
    admin: Client, db: Database, number: str
) -> None:
    await add(db, "ann@example.com")
    assert addresses(await page(admin, f"?page={number}")) == ["ann@example.com"]
