"""The probe workers page: who probes which region, how much, how late, and when each
last renewed its lease (the same rows as `statuspage status`)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, render
from statuspage.admin.state import ADMIN
from statuspage.presentation.roster import RosterRow, live_by_region, roster_rows
from storage.workers import roster


@dataclass(frozen=True, slots=True)
class RegionLine:
    region: str
    workers: int  # live
    share: int  # components the live workers probe between them


@dataclass(frozen=True, slots=True)
class WorkersPage:
    """Context of admin/workers.html: live workers first, then those departed within
    the hour; a line per region with live workers."""

    chrome: Chrome
    regions: tuple[RegionLine, ...]
    workers: tuple[RosterRow, ...]


async def workers(request: web.Request) -> web.Response:
    rows = roster_rows(await roster(request.app[keys.DATABASE]), request.app[ADMIN].clock())
    regions = tuple(
        RegionLine(region, count, share)
        for region, (count, share) in sorted(live_by_region(rows).items())
    )
    page = WorkersPage(await chrome(request, "Probe workers"), regions, tuple(rows))
    return render(request, "admin/workers.html", page)
