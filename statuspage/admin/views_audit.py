"""The audit log page: every admin action, newest first, AUDIT_PAGE_SIZE to a page.

Loaded plain (`load_audit`: one page of the log as storage returns it), then
assembled (`audit_page`) without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, page_number, render
from statuspage.presentation.audit_diff import Change, changes
from statuspage.presentation.display import TimeText, time_text
from storage.audit import AuditPage as LoadedAudit
from storage.audit import AuditView, list_audit
from storage.database import Database

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: TimeText
    actor: str
    action: str
    target: str | None
    changes: tuple[Change, ...]  # only the fields that moved


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Context of admin/audit.html: AUDIT_PAGE_SIZE entries, newest first."""

    chrome: Chrome
    entries: tuple[AuditRow, ...]
    page: int  # from 1
    pages: int
    previous_url: str | None
    next_url: str | None


async def load_audit(db: Database, number: int) -> LoadedAudit:
    """Page `number` (from 1) of the log, and how many entries it holds in all."""
    return await list_audit(db, offset=(number - 1) * AUDIT_PAGE_SIZE, limit=AUDIT_PAGE_SIZE)


def audit_page(found: LoadedAudit, chrome: Chrome, number: int, tz: ZoneInfo) -> AuditPage:
    pages = max(1, -(-found.total // AUDIT_PAGE_SIZE))
    return AuditPage(
        chrome=chrome,
        entries=tuple(_audit_row(e, tz) for e in found.entries),
        page=number,
        pages=pages,
        previous_url=f"/admin/audit?page={number - 1}" if number > 1 else None,
        next_url=f"/admin/audit?page={number + 1}" if number < pages else None,
    )


async def audit(request: web.Request) -> web.Response:
    number = page_number(request.query.get("page", "1"))
    found = await load_audit(request.app[keys.DATABASE], number)
    tz = request.app[keys.SETTINGS].current.tz
    page = audit_page(found, await chrome(request, "Audit log"), number, tz)
    return render(request, "admin/audit.html", page)


def _audit_row(entry: AuditView, tz: ZoneInfo) -> AuditRow:
    return AuditRow(
        at=time_text(entry.at, tz),
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        changes=tuple(changes(entry.before, entry.after)),
    )
