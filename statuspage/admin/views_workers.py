"""The probe workers page: who probes which region, how much, how late, when each last
renewed its lease and which metric sources each scrapes (the same rows as
`statuspage status`)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, render
from statuspage.admin.state import ADMIN
from statuspage.presentation.roster import RosterRow, live_by_region, roster_rows, unheld
from storage.workers import roster


@dataclass(frozen=True, slots=True)
class RegionLine:
    region: str
    workers: int  # live
    share: int  # components the live workers probe between them


@dataclass(frozen=True, slots=True)
class WorkersPage:
    """Context of admin/workers.html: live workers first, then those departed within
    the hour, each with the metric sources it scrapes; a line per region with live
    workers; the metric sources no live worker holds (every one when none is live)."""

    chrome: Chrome
    regions: tuple[RegionLine, ...]
    workers: tuple[RosterRow, ...]
    unheld_sources: tuple[str, ...]


async def workers(request: web.Request) -> web.Response:
    sources = [s.name for s in request.app[keys.SETTINGS].current.metrics.sources]
    states = await roster(request.app[keys.DATABASE])
    rows = roster_rows(states, sources, request.app[ADMIN].clock())
    regions = tuple(
        RegionLine(region, count, share)
        for region, (count, share) in sorted(live_by_region(rows).items())
    )
    page = WorkersPage(
        await chrome(request, "Probe workers"), regions, tuple(rows), unheld(rows, sources)
    )
    return render(request, "admin/workers.html", page)
