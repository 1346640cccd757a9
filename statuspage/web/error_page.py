"""The error page in the public site's look: what `statuspage.http.errors` shows."""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiohttp import web

from statuspage import keys
from statuspage.web.context_site import SiteContext, feed_links, site_context


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """Context of every error page (templates/error.html)."""

    site: SiteContext
    title: str  # <title>
    status: int  # the HTTP status
    heading: str  # e.g. "Page not found"
    message: str  # one or two sentences for the reader


def render_error_page(request: web.Request, status: int, heading: str, message: str) -> str:
    state, settings = request.app[keys.WEB], request.app[keys.SETTINGS].current
    site = site_context(settings, state.assets, request.path)
    # The address of an error is not a page: announce the site-wide feeds only,
    # never a component's feed "under" it (/components/x/badge.svg/history.atom).
    site = replace(site, feeds=feed_links("/", settings.file.site.name))
    page = ErrorPage(site, f"{heading} · {site.name}", status, heading, message)
    return state.renderer.render("error.html", page)
