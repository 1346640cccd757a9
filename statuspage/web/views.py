"""Handlers of the public pages. Thin: parse the request, name the page, say how to build it.

Each build step loads through named storage queries, assembles the page's one
context object and names its template; `serving.serve_page` does the rest.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from aiohttp import web

from statuspage import keys
from statuspage.config import ComponentConfig, Settings
from statuspage.http.assets import IMMUTABLE, REVALIDATE
from statuspage.http.errors import PageError
from statuspage.http.serving import Page, accepts_gzip, etag_matches, serve_page
from statuspage.presentation.metric_cards import load_metric_cards
from statuspage.web.component_page import component_page, load_component
from statuspage.web.context_history import (
    Month,
    current_month,
    history_page,
    incident_page,
    load_history,
    month_key,
    parse_month,
)
from statuspage.web.context_home import home_page, load_home
from statuspage.web.context_site import site_context
from statuspage.web.context_subscribe import subscribe_page
from storage.incidents.reads import get_incident

MAX_INCIDENT_ID = 10**18  # the route allows up to 18 digits; ids are 64-bit


async def home(request: web.Request) -> web.StreamResponse:
    return await serve_page(request, "/", partial(build_home, request.app))


async def build_home(app: web.Application) -> Page:
    settings, state = app[keys.SETTINGS].current, app[keys.WEB]
    now = state.clock()
    data = await load_home(app[keys.DATABASE], settings, now)
    site = site_context(settings, state.assets, "/")
    public = [m for m in settings.metrics.metrics if m.public]
    metrics = await load_metric_cards(app[keys.DATABASE], public, now)
    page = replace(home_page(data, settings, site, now), public_metrics=tuple(metrics))
    return Page("home.html", page)


async def component(request: web.Request) -> web.StreamResponse:
    component_id = request.match_info["component_id"]
    _configured(request.app[keys.SETTINGS].current, component_id)
    build = partial(build_component, request.app, component_id)
    return await serve_page(request, f"/components/{component_id}", build)


async def build_component(app: web.Application, component_id: str) -> Page:
    settings, state = app[keys.SETTINGS].current, app[keys.WEB]
    config = _configured(settings, component_id)  # again: a reload may have removed it
    now = state.clock()
    data = await load_component(app[keys.DATABASE], settings, config, now)
    site = site_context(settings, state.assets, f"/components/{component_id}")
    return Page("component.html", component_page(data, settings, config, site, now))


def _configured(settings: Settings, component_id: str) -> ComponentConfig:
    for config in settings.components:
        if config.id == component_id:
            return config
    raise PageError(404, "There is no component with this name on this status page.")


async def history(request: web.Request) -> web.StreamResponse:
    settings, state = request.app[keys.SETTINGS].current, request.app[keys.WEB]
    text = request.query.get("month")
    now = state.clock()
    month = current_month(now, settings) if text is None else parse_month(text, now, settings)
    if month is None:
        raise PageError(404, "There is no history for that month. Months look like 2026-11.")
    # Without ?month= the page follows the calendar, so it is cached under its own key.
    key = "/history" if text is None else f"/history?month={month_key(month)}"
    return await serve_page(request, key, partial(build_history, request.app, month))


async def build_history(app: web.Application, month: Month) -> Page:
    settings, state = app[keys.SETTINGS].current, app[keys.WEB]
    now = state.clock()
    data = await load_history(app[keys.DATABASE], settings, month)
    site = site_context(settings, state.assets, "/history")
    return Page("history.html", history_page(data, settings, site, month, now))


async def incident(request: web.Request) -> web.StreamResponse:
    incident_id = int(request.match_info["incident_id"])
    if not 0 < incident_id < MAX_INCIDENT_ID:
        raise PageError(404, "There is no incident with this number.")
    build = partial(build_incident, request.app, incident_id)
    return await serve_page(request, f"/incidents/{incident_id}", build)


async def build_incident(app: web.Application, incident_id: int) -> Page:
    settings, state = app[keys.SETTINGS].current, app[keys.WEB]
    found = await get_incident(app[keys.DATABASE], incident_id)  # drafts and deleted: None
    if found is None:
        raise PageError(404, "There is no incident with this number.")
    now = state.clock()
    site = site_context(settings, state.assets, f"/incidents/{incident_id}")
    return Page("incident.html", incident_page(found, settings, site, now))


async def subscribe(request: web.Request) -> web.StreamResponse:
    return await serve_page(request, "/subscribe", partial(build_subscribe, request.app))


async def build_subscribe(app: web.Application) -> Page:
    settings, state = app[keys.SETTINGS].current, app[keys.WEB]
    site = site_context(settings, state.assets, "/subscribe")
    return Page("subscribe.html", subscribe_page(settings, site, state.clock()))


async def static_file(request: web.Request) -> web.StreamResponse:
    """A file from statuspage/static, or the generated theme; a year's cache when the
    request names the current fingerprint."""
    settings, state = request.app[keys.SETTINGS].current, request.app[keys.WEB]
    asset = state.assets.get(request.match_info["name"], settings.file.site.accent_colour)
    if asset is None:
        raise PageError(404)
    current = request.query.get("v") == asset.fingerprint
    packed = asset.gzipped if accepts_gzip(request.headers.get("Accept-Encoding", "")) else None
    headers = {
        "Content-Type": asset.content_type,
        "ETag": asset.etag if packed is None else asset.gzip_etag,
        "Cache-Control": IMMUTABLE if current else REVALIDATE,
        "Vary": "Accept-Encoding",
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag_matches(if_none_match, headers["ETag"]):
        return web.Response(status=304, headers=headers)
    if packed is not None:
        headers["Content-Encoding"] = "gzip"
        return web.Response(body=packed, headers=headers)
    return web.Response(body=asset.body, headers=headers)
