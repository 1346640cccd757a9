"""Serve JSON, feeds and badges the way the pages are served.

Same cache (`keys.WEB`'s `PageCache`), same version (settings generation, data
version, data stamp), same ETag / Last-Modified / 304 rules, same gzip choice
and the same "last good copy" when the database is away: only the content
type differs, and the page engineer's `make_variant` is HTML-only, so the
variants are re-labelled here rather than built a second way.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.web.cache import (
    PAGE_CACHE_CONTROL,
    STALE_CACHE_CONTROL,
    RenderedPage,
    Variant,
    Version,
    rendered_page,
)
from statuspage.web.errors import PageError
from statuspage.web.freshness import DATABASE_ERRORS, DataUnavailable
from statuspage.web.serving import respond
from statuspage.web.state import WebState

JSON = "application/json; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Document:
    """What a build step returns: the text and how to label it."""

    text: str
    content_type: str


Build = Callable[[], Awaitable[Document]]


async def serve_document(
    request: web.Request,
    key: str,
    build: Build,
    *,
    cache_control: str = PAGE_CACHE_CONTROL,
) -> web.StreamResponse:
    """`key` names the document (path and the query values that matter) in the cache."""
    app = request.app
    state = app[keys.WEB]
    try:
        stamp = await state.watcher.stamp()
    except DataUnavailable:
        return _fallback(request, state, key)
    version = (app[keys.SETTINGS].generation, app[keys.DATA_VERSION].value, stamp)
    page = state.cache.fresh(key, version, time.monotonic())
    if page is None:
        try:
            page = await state.cache.render_once(
                key, version, lambda: _render(state, key, version, build, cache_control)
            )
        except DATABASE_ERRORS as error:
            state.watcher.failed(error)
            return _fallback(request, state, key)
    return respond(request, page)


async def _render(
    state: WebState, key: str, version: Version, build: Build, cache_control: str
) -> RenderedPage:
    async with asyncio.timeout(state.render_timeout_s):
        document = await build()
    page = rendered_page(
        key,
        document.text,
        version=version,
        status=200,
        now=state.clock(),
        monotonic=time.monotonic(),
        previous=state.cache.last_good(key),
        cache_control=cache_control,
    )
    relabel(page, document.content_type)
    state.cache.store(page)
    return page


def relabel(page: RenderedPage, content_type: str, cache_control: str | None = None) -> None:
    """Give both variants `content_type` (and optionally another Cache-Control)."""
    changes: dict[str, str] = {"Content-Type": content_type}
    if cache_control is not None:
        changes["Cache-Control"] = cache_control
    page.identity = _with_headers(page.identity, changes)
    page.gzipped = _with_headers(page.gzipped, changes)


def _with_headers(variant: Variant, changes: Mapping[str, str]) -> Variant:
    kept = {k: v for k, v in variant.not_modified_headers.items() if k != "Content-Type"}
    return dataclasses.replace(
        variant,
        headers={**variant.headers, **changes},
        not_modified_headers={**kept, **{k: v for k, v in changes.items() if k != "Content-Type"}},
    )


def _fallback(request: web.Request, state: WebState, key: str) -> web.StreamResponse:
    """The last good copy, briefly cacheable, or 503 when there is none."""
    page = state.cache.last_good(key)
    if page is None:
        raise PageError(
            503,
            "Live data is temporarily unavailable. Please try again in a minute.",
            headers={"Retry-After": "30"},
        )
    if page.fallback is None:
        stale = dataclasses.replace(page, fallback=None)
        relabel(stale, page.identity.headers["Content-Type"], STALE_CACHE_CONTROL)
        page.fallback = stale
    return respond(request, page.fallback)
