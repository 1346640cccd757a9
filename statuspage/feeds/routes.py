"""`setup_feed_routes(app)`: the history and updates feeds, site-wide and per component.

Served through the pages' cache, so they get the same ETag / Last-Modified /
304 handling, gzip and Cache-Control, and the last good copy when the
database is away.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from statuspage import keys
from statuspage.config import Settings
from statuspage.feeds.build import FeedInfo, history_feed, updates_feed
from statuspage.http.errors import configured
from statuspage.http.serving import ATOM, RSS, Document, serve
from storage.incidents.reads import IncidentFilter, IncidentView, list_incidents
from storage.queries.page import page_updated_at

FEED_INCIDENTS = 50  # incidents (with all their updates) a feed is built from

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """What one feed request asks for, once the URL is read."""

    atom: bool
    path: str  # the request path: the feed's self link and cache key
    page_path: str  # the HTML page the feed mirrors
    title: str
    component_id: str | None  # None: the whole page


def setup_feed_routes(app: web.Application) -> None:
    router = app.router
    for suffix in ("rss", "atom"):
        router.add_get(f"/history.{suffix}", history)
        router.add_get(f"/updates.{suffix}", updates)
        router.add_get(f"/components/{{component_id}}/history.{suffix}", component_history)


async def history(request: web.Request) -> web.StreamResponse:
    name = request.app[keys.SETTINGS].current.file.site.name
    asked = _asked(request, "/history", f"{name} - Incident history", None)
    return await _serve(request, asked, kind="history")


async def updates(request: web.Request) -> web.StreamResponse:
    name = request.app[keys.SETTINGS].current.file.site.name
    asked = _asked(request, "/history", f"{name} - Incident updates", None)
    return await _serve(request, asked, kind="updates")


async def component_history(request: web.Request) -> web.StreamResponse:
    settings = request.app[keys.SETTINGS].current
    config = configured(settings, request.match_info["component_id"])
    title = f"{settings.file.site.name} - {config.name}: incident history"
    asked = _asked(request, f"/components/{config.id}", title, config.id)
    return await _serve(request, asked, kind="history")


def _asked(request: web.Request, page_path: str, title: str, component: str | None) -> FeedRequest:
    atom = request.path.endswith(".atom")
    return FeedRequest(atom, request.path, page_path, title, component)


async def _serve(request: web.Request, asked: FeedRequest, *, kind: str) -> web.StreamResponse:
    app = request.app

    async def build() -> Document:
        settings = app[keys.SETTINGS].current
        if asked.component_id is not None:
            configured(settings, asked.component_id)  # a reload may have removed it
        incidents = await list_incidents(
            app[keys.DATABASE],
            IncidentFilter(component_id=asked.component_id, limit=FEED_INCIDENTS),
        )
        info = _info(settings, asked, await _fallback_date(app, settings, incidents))
        if kind == "updates":
            names = {c.id: c.name for c in settings.components}
            xml = updates_feed(incidents, names, info, atom=asked.atom)
        else:
            xml = history_feed(incidents, info, atom=asked.atom)
        return Document(xml.decode("utf-8"), ATOM if asked.atom else RSS)

    return await serve(request, asked.path, build)


def _info(settings: Settings, asked: FeedRequest, fallback: datetime) -> FeedInfo:
    site = settings.file.site
    return FeedInfo(
        site_url=site.url,
        site_name=site.name,
        title=asked.title,
        path=asked.path,
        page_path=asked.page_path,
        tz=settings.tz,
        fallback_updated=fallback,
    )


async def _fallback_date(
    app: web.Application, settings: Settings, incidents: list[IncidentView]
) -> datetime:
    """A feed with no item yet is dated by the page's latest change (read only then)."""
    now = app[keys.WEB].clock()
    if incidents:
        return now  # unused: the newest item dates the feed
    return await page_updated_at(app[keys.DATABASE]) or now
