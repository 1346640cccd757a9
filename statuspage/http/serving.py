"""Serve pages, feeds, JSON and badges one way: from the cache when current, else
render; 304 when the client has it; the last good copy when the database is away.

A view hands `serve` a key (path and the query values that matter) and a build step
returning a `Document`; a page's build step returns a template and its context
(`serve_page`), rendered to a Document here. When the data changed, the request
waits for the new render (joined with any other request for the same key), so a
posted incident shows on the very next request. When only the clock moved (the
entry outlived the cache's age), the aged entry is answered at once and rendered
again behind it.

No request waits on the database longer than `DATABASE_WAIT_S` (2 s) when there
is a last good copy: a render that takes longer goes on behind the request, which
is answered with that copy. A page never rendered waits `FIRST_RENDER_WAIT_S` (10 s)
before 503 with Retry-After: a first render on a busy machine can pass 2 s. While a
render runs past its wait no other render of that page starts (`PageCache.stalled`).
A frozen disk or a silent server costs one stuck render per page, and the page
stays up.

The version a copy is current at is (settings generation, the database's version
of what pages show, the data stamp of other processes' writes): the first two move
in this process the moment a change commits, the third is checked at most once a
second (`statuspage.http.data_stamp`).

The warm path (a current entry) does no database work at all within the
stamp interval, builds no headers and compresses nothing: it picks the stored
variant and hands its bytes and headers to aiohttp.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import escape

from statuspage import keys
from statuspage.http.cache import (
    HTML,
    PAGE_CACHE_CONTROL,
    STALE_CACHE_CONTROL,
    RenderedPage,
    Variant,
    Version,
    rendered_page,
)
from statuspage.http.data_stamp import DATABASE_ERRORS, DataUnavailable, log
from statuspage.http.errors import STORAGE_RETRY_AFTER_S, PageError
from statuspage.http.state import WebState
from statuspage.presentation.display import time_text
from storage.database import Database

JSON = "application/json; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"
# base.html holds this marker where the "as of" note goes on a fallback copy.
STALE_MARKER = "<!--stale-note-->"


@dataclass(frozen=True, slots=True)
class Document:
    """What a build step returns: the text and how to send it."""

    text: str
    content_type: str = HTML
    status: int = 200  # anything else is answered but not kept as the last good copy
    cache_control: str = PAGE_CACHE_CONTROL


@dataclass(frozen=True, slots=True)
class Page:
    """What a page's build step returns: a template and its one context object."""

    template: str
    context: object
    status: int = 200


Build = Callable[[], Awaitable[Document]]
T = TypeVar("T")


async def serve_page(
    request: web.Request, key: str, build: Callable[[], Awaitable[Page]]
) -> web.StreamResponse:
    state = request.app[keys.WEB]
    load = in_snapshot(request.app[keys.DATABASE], build)

    async def document() -> Document:
        page = await load()  # the connection goes back to the pool before the template runs
        return Document(state.renderer.render(page.template, page.context), status=page.status)

    return await serve(request, key, document, snapshot=False)


async def serve(
    request: web.Request, key: str, build: Build, *, snapshot: bool = True
) -> web.StreamResponse:
    """`build`'s document, from the page cache when it is fresh; `snapshot`: run the
    build's reads in one session (serve_page runs only its page's reads in one)."""
    app = request.app
    state = app[keys.WEB]
    if snapshot:
        build = in_snapshot(app[keys.DATABASE], build)
    try:
        stamp = await state.watcher.stamp()
    except DataUnavailable:
        return fallback(request, state, key)
    version = (app[keys.SETTINGS].generation, app[keys.DATABASE].version, stamp)
    page = state.cache.fresh(key, version, time.monotonic())
    if page is not None:
        return respond(request, page)
    aged = state.cache.aged(key, version)
    if aged is not None:
        # Nothing changed but the clock: answer now, refresh behind this request.
        refresh_in_background(state, key, version, build)
        return respond(request, aged)
    page = await render_within(state, key, version, build)
    if page is None:
        return fallback(request, state, key)
    return respond(request, page)


async def render_within(
    state: WebState, key: str, version: Version, build: Build
) -> RenderedPage | None:
    """The render of `key` at `version`, joined with any running one; None when the
    database failed or did not answer within `state.database_wait_s`."""
    # With a good copy to answer with, a visitor gets it after 2 s; without one, the
    # render gets longer before the 503.
    has_copy = state.cache.last_good(key) is not None
    wait_s = state.database_wait_s if has_copy else state.first_render_wait_s
    if state.cache.stalled(key, wait_s):
        return None  # the stuck render stays the only one of this page until it ends
    task = state.cache.start_render(key, version, lambda: render(state, key, version, build))
    done, _ = await asyncio.wait({task}, timeout=wait_s)
    if not done:
        return None  # it goes on, and a later request finds its result in the cache
    try:
        return task.result()
    except DATABASE_ERRORS:
        return None  # `render` told the watcher


def in_snapshot(db: Database, build: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """The build with all its reads in one transaction (`Database.snapshot`)."""

    async def built() -> T:
        async with db.snapshot():
            return await build()

    return built


def refresh_in_background(state: WebState, key: str, version: Version, build: Build) -> None:
    if state.cache.rendering(key, version):
        return  # one refresh at a time, however many requests arrive meanwhile
    task = state.cache.start_render(key, version, lambda: render(state, key, version, build))
    task.add_done_callback(lambda done: _note_refresh_failure(state, key, done))


def _note_refresh_failure(state: WebState, key: str, done: asyncio.Future[RenderedPage]) -> None:
    error = None if done.cancelled() else done.exception()
    if error is not None and not isinstance(error, DATABASE_ERRORS):
        log.error("refreshing %s failed", key, exc_info=error)


async def render(state: WebState, key: str, version: Version, build: Build) -> RenderedPage:
    """Build, render and keep the document. A database error is told to the watcher
    here, once per render, whether or not a request still waits for it."""
    try:
        async with asyncio.timeout(state.render_timeout_s):
            document = await build()
    except DATABASE_ERRORS as error:
        state.watcher.failed(error)
        raise
    rendered = rendered_page(
        key,
        document.text,
        version=version,
        status=document.status,
        now=state.clock(),
        monotonic=time.monotonic(),
        previous=state.cache.last_good(key),
        cache_control=document.cache_control,
        content_type=document.content_type,
    )
    if document.status == 200:
        state.cache.store(rendered)
    return rendered


def fallback(request: web.Request, state: WebState, key: str) -> web.StreamResponse:
    """The last good copy, marked as such, or 503 when there is none."""
    page = state.cache.last_good(key)
    if page is None:
        raise PageError(
            503,
            "Live data is temporarily unavailable and this has not been shown since the "
            "service started. Please try again in a minute.",
            headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)},
        )
    if page.fallback is None:
        page.fallback = stale_copy(page, request.app[keys.SETTINGS].current.tz)
    return respond(request, page.fallback)


def stale_copy(page: RenderedPage, tz: ZoneInfo) -> RenderedPage:
    """A page with an "as of" note where base.html keeps room for it; any other
    document as it was. Either is cacheable only briefly."""
    text = page.identity.body.decode()
    content_type = page.identity.headers["Content-Type"]
    if content_type == HTML:
        when = time_text(page.rendered_at, tz)
        note = (
            f'<p class="stale-note" role="status">As of <time datetime="{when.iso}">'
            f"{escape(when.local)}</time> — live data is temporarily unavailable.</p>"
        )
        text = text.replace(STALE_MARKER, note, 1)
    return replace(
        rendered_page(
            page.key,
            text,
            version=page.version,
            status=page.status,
            now=page.rendered_at,
            monotonic=page.rendered_monotonic,
            cache_control=STALE_CACHE_CONTROL,
            content_type=content_type,
        ),
        last_modified=page.last_modified,
    )


def respond(request: web.Request, page: RenderedPage) -> web.Response:
    headers = request.headers
    variant = page.gzipped if accepts_gzip(headers.get("Accept-Encoding", "")) else page.identity
    if page.status == 200 and not_modified(
        headers.get("If-None-Match"), headers.get("If-Modified-Since"), variant, page.last_modified
    ):
        return web.Response(status=304, headers=variant.not_modified_headers)
    return web.Response(status=page.status, body=variant.body, headers=variant.headers)


def accepts_gzip(accept_encoding: str) -> bool:
    if "gzip" not in accept_encoding:
        return False
    if ";" not in accept_encoding:
        return True  # the common case: "gzip, deflate, br" without weights
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            return _weight(params) > 0
    return False


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    variant: Variant,
    last_modified: datetime,
) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison for GET);
    otherwise If-Modified-Since."""
    if if_none_match is not None:
        return etag_matches(if_none_match, variant.etag)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and last_modified <= since


def etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    return any(
        candidate.strip().removeprefix("W/") == etag for candidate in if_none_match.split(",")
    )
