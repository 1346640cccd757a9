"""The delivery log: each message with its channel, what it said, its state, attempts
and the receiver's answer or the last error; failed ones on their own."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from storage.database import Database
from storage.notify.delivery import claim, finish
from storage.notify.outbox import NewMessage, enqueue
from storage.vocabulary import AlertSeverity, NotificationEvent, NotificationState
from tests.admin.helpers import NOW
from tests.app_client import Client

LEASE = timedelta(minutes=2)


async def queue_two(db: Database) -> None:
    """One message sent, one that failed for good."""
    critical = AlertSeverity.CRITICAL
    await enqueue(
        db,
        [
            NewMessage("ops", NotificationEvent.FIRING, critical, {"title": "Critical: API"}, "a"),
            NewMessage(
                "pager", NotificationEvent.FIRING, critical, {"title": "Critical: API"}, "b"
            ),
        ],
        NOW,
    )
    sent, failed = await claim(db, now=NOW, lease=LEASE, limit=2)
    await finish(db, sent, now=NOW, state=NotificationState.SENT, answer="HTTP 200: ok")
    await finish(db, failed, now=NOW, state=NotificationState.FAILED, error="HTTP 400: bad key")


async def test_the_log_shows_each_message_newest_first(admin: Client, db: Database) -> None:
    await queue_two(db)
    response = await admin.get("/admin/notifications")
    assert response.status == 200
    rows = BeautifulSoup(await response.text(), "html.parser").select(
        "table.notifications tbody tr"
    )
    assert [r["class"] for r in rows] == [["state-failed"], ["state-sent"]]
    failed, sent = (r.get_text(" ", strip=True) for r in rows)
    assert "pager" in failed
    assert "HTTP 400: bad key" in failed
    assert "firing (critical): Critical: API" in sent
    assert "HTTP 200: ok" in sent


async def test_failed_messages_can_be_shown_alone(admin: Client, db: Database) -> None:
    await queue_two(db)
    response = await admin.get("/admin/notifications?state=failed")
    rows = BeautifulSoup(await response.text(), "html.parser").select(
        "table.notifications tbody tr"
    )
    assert len(rows) == 1
    assert "pager" in rows[0].get_text()


async def test_the_log_needs_a_signed_in_user(client: Client) -> None:
    response = await client.get("/admin/notifications", allow_redirects=False)
    assert response.status in (302, 303)
