"""Subscribers of the public page in the admin area: search, list, remove.

Removing here erases the subscriber and every message to it, as its own
unsubscribe link would; the audit log records who removed which id, not the
address. `statuspage subscribers export|erase EMAIL` does the same from a shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, page_number, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.presentation.display import TimeText, time_text
from storage.subscribers.reads import search
from storage.subscribers.writes import remove

PAGE_SIZE = 50
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class SubscriberEntry:
    id: int
    kind: str  # email | webhook
    address: str
    components: str  # names, or "Everything"
    confirmed: TimeText | None  # None: waiting for the confirmation link
    created: TimeText


@dataclass(frozen=True, slots=True)
class SubscribersPage:
    """Context of admin/subscribers.html."""

    chrome: Chrome
    entries: tuple[SubscriberEntry, ...]
    search: str
    total: int  # matching the search
    confirmed: int  # of all subscribers
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None
    removed: bool  # just removed one


async def subscribers(request: web.Request) -> web.Response:
    text = request.query.get("q", "")[:MAX_SEARCH]
    number = page_number(request.query.get("page", "1"))
    found = await search(
        request.app[keys.DATABASE], text, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    settings = request.app[keys.SETTINGS].current
    names = {c.id: c.name for c in settings.components}
    entries = tuple(
        SubscriberEntry(
            row.id,
            row.kind.value,
            row.address,
            "Everything"
            if row.components is None
            else ", ".join(names.get(c, c) for c in row.components),
            None if row.confirmed_at is None else time_text(row.confirmed_at, settings.tz),
            time_text(row.created_at, settings.tz),
        )
        for row in found.rows
    )
    pages = max(1, -(-found.total // PAGE_SIZE))
    page = SubscribersPage(
        chrome=await chrome(request, "Subscribers"),
        entries=entries,
        search=text,
        total=found.total,
        confirmed=found.confirmed,
        page=number,
        pages=pages,
        previous_url=_page_url(text, number - 1) if number > 1 else None,
        next_url=_page_url(text, number + 1) if number < pages else None,
        removed=request.query.get("done") == "removed",
    )
    return render(request, "admin/subscribers.html", page)


async def remove_subscriber(request: web.Request) -> web.Response:
    subscriber_id = int(request.match_info["subscriber_id"])
    await remove(
        request.app[keys.DATABASE],
        subscriber_id,
        actor=request[USER].name,
        now=request.app[ADMIN].clock(),
    )
    return see_other("/admin/subscribers?done=removed")


def _page_url(text: str, number: int) -> str:
    return "/admin/subscribers?" + urlencode(
        {"q": text, "page": number} if text else {"page": number}
    )
