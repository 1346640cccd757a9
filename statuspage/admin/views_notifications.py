"""The delivery log: every notification, newest first, PAGE_SIZE to a page, with its
state, attempts, the receiver's answer or the last error (secrets never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, page_number, render
from statuspage.presentation.display import TimeText, time_text
from storage.notify.reads import NotificationView, list_notifications
from storage.vocabulary import NotificationState

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: int
    created: TimeText
    channel: str
    event: str
    severity: str | None
    title: str
    group_id: int | None
    state: str  # pending | sending | sent | failed
    attempts: int
    next_attempt: TimeText | None  # while pending
    sent: TimeText | None
    answer: str | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class NotificationsPage:
    """Context of admin/notifications.html."""

    chrome: Chrome
    entries: tuple[NotificationRow, ...]
    failed_only: bool
    page: int  # from 1
    pages: int
    previous_url: str | None
    next_url: str | None


async def notifications(request: web.Request) -> web.Response:
    number = page_number(request.query.get("page", "1"))
    failed_only = request.query.get("state") == "failed"
    found = await list_notifications(
        request.app[keys.DATABASE],
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        state=NotificationState.FAILED if failed_only else None,
    )
    pages = max(1, -(-found.total // PAGE_SIZE))
    tz = request.app[keys.SETTINGS].current.tz
    base = "/admin/notifications?" + ("state=failed&" if failed_only else "")
    page = NotificationsPage(
        chrome=await chrome(request, "Notifications"),
        entries=tuple(_row(e, tz) for e in found.entries),
        failed_only=failed_only,
        page=number,
        pages=pages,
        previous_url=f"{base}page={number - 1}" if number > 1 else None,
        next_url=f"{base}page={number + 1}" if number < pages else None,
    )
    return render(request, "admin/notifications.html", page)


def _row(entry: NotificationView, tz: ZoneInfo) -> NotificationRow:
    waiting = entry.state is NotificationState.PENDING
    return NotificationRow(
        id=entry.id,
        created=time_text(entry.created_at, tz),
        channel=entry.channel,
        event=entry.event.value,
        severity=None if entry.severity is None else entry.severity.value,
        title=entry.title,
        group_id=entry.group_id,
        state=entry.state.value,
        attempts=entry.attempts,
        next_attempt=time_text(entry.next_attempt_at, tz) if waiting else None,
        sent=None if entry.sent_at is None else time_text(entry.sent_at, tz),
        answer=entry.answer,
        last_error=entry.last_error,
    )
