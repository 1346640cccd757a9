"""Rendered pages kept in memory, ready to send: bytes, gzip bytes and every header.

An entry is reused while the data version it was rendered at is still current
and it is younger than `ttl_s`. The age limit exists because a page also
depends on the clock: today's cell, the 24-hour window and the newest probe
results move on without any version changing.

Entries stay after they go stale: an aged entry of the current version is
answered while its re-render runs (`aged`), and any entry is the "last good
render" served when the database cannot be reached. Renders of one key are
shared, so a burst of requests after a change costs one render, not one per
request; a render that has run past the requests' deadline (`stalled`) is the only
one of its key until it ends, whatever the version, so a hung database holds one
render per page, not one per request.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from statuspage.http.security import SECURITY_HEADERS

Version = tuple[object, ...]
PAGE_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400"
STALE_CACHE_CONTROL = "public, max-age=5"  # a fallback page should not outlive the outage
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Variant:
    """One encoding of a page, with the complete headers to send it."""

    body: bytes
    etag: str  # strong: a hash of exactly these bytes
    headers: Mapping[str, str]
    not_modified_headers: Mapping[str, str]  # for a 304: validators and caching only


@dataclass(slots=True)
class RenderedPage:
    key: str
    version: Version
    status: int
    rendered_at: datetime  # wall clock (UTC): the "as of" of a fallback
    rendered_monotonic: float
    last_modified: datetime  # unchanged while re-renders give the same bytes
    identity: Variant
    gzipped: Variant
    fallback: RenderedPage | None = field(default=None, repr=False)  # built on first need


def make_variant(
    body: bytes,
    *,
    last_modified: datetime,
    cache_control: str,
    encoding: str | None,
    content_type: str = HTML,
) -> Variant:
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    validators = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }
    headers = {"Content-Type": content_type, **validators, **SECURITY_HEADERS}
    if encoding is not None:
        headers["Content-Encoding"] = encoding
    return Variant(body, etag, headers, {**validators, **SECURITY_HEADERS})


def rendered_page(
    key: str,
    text: str,
    *,
    version: Version,
    status: int,
    now: datetime,
    monotonic: float,
    previous: RenderedPage | None = None,
    cache_control: str = PAGE_CACHE_CONTROL,
    content_type: str = HTML,
) -> RenderedPage:
    body = text.encode()
    last_modified = now.replace(microsecond=0)
    if previous is not None and previous.identity.body == body:
        last_modified = previous.last_modified  # same bytes: a cache's copy is still valid
    return RenderedPage(
        key=key,
        version=version,
        status=status,
        rendered_at=now,
        rendered_monotonic=monotonic,
        last_modified=last_modified,
        identity=make_variant(
            body,
            last_modified=last_modified,
            cache_control=cache_control,
            encoding=None,
            content_type=content_type,
        ),
        gzipped=make_variant(
            gzip.compress(body, compresslevel=6, mtime=0),
            last_modified=last_modified,
            cache_control=cache_control,
            encoding="gzip",
            content_type=content_type,
        ),
    )


class PageCache:
    """At most `max_entries` pages, least recently used dropped first."""

    def __init__(self, *, max_entries: int = 512, ttl_s: float = 30.0) -> None:
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self.enabled = True  # off: every request renders (the benchmark's cold case)
        self._entries: OrderedDict[str, RenderedPage] = OrderedDict()
        # key: (version, the render, when it started on the monotonic clock)
        self._renders: dict[str, tuple[Version, asyncio.Future[RenderedPage], float]] = {}

    def fresh(self, key: str, version: Version, monotonic: float) -> RenderedPage | None:
        page = self._entries.get(key)
        if page is None or not self.enabled:
            return None
        if page.version != version or monotonic - page.rendered_monotonic >= self.ttl_s:
            return None
        self._entries.move_to_end(key)
        return page

    def aged(self, key: str, version: Version) -> RenderedPage | None:
        """An entry of the current version that has outlived `ttl_s`: still right
        about the data, only its clock-driven parts (today, the 24 hours) lag."""
        page = self._entries.get(key)
        if page is None or not self.enabled or page.version != version:
            return None
        return page

    def last_good(self, key: str) -> RenderedPage | None:
        return self._entries.get(key)

    def store(self, page: RenderedPage) -> None:
        self._entries[page.key] = page
        self._entries.move_to_end(page.key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def rendering(self, key: str, version: Version) -> bool:
        running = self._renders.get(key)
        return running is not None and running[0] == version

    def stalled(self, key: str, deadline_s: float) -> bool:
        """A render of `key`, of any version, has run `deadline_s` or more."""
        running = self._renders.get(key)
        return running is not None and time.monotonic() - running[2] >= deadline_s

    def in_flight(self) -> int:
        """Renders running now (stuck ones included)."""
        return len(self._renders)

    def start_render(
        self, key: str, version: Version, render: Callable[[], Awaitable[RenderedPage]]
    ) -> asyncio.Future[RenderedPage]:
        """The running render of `key` at `version`, started now if there is none.

        It runs in its own task, so a request that stops waiting for it (its
        client left, or the database is slow) does not cancel it for the others.
        """
        running = self._renders.get(key)
        if running is None or running[0] != version or not self.enabled:
            task = asyncio.ensure_future(render())
            running = (version, task, time.monotonic())
            self._renders[key] = running
            task.add_done_callback(lambda done: self._forget(key, done))
        return running[1]

    def _forget(self, key: str, done: asyncio.Future[RenderedPage]) -> None:
        if key in self._renders and self._renders[key][1] is done:
            del self._renders[key]
        if not done.cancelled():
            done.exception()  # retrieved here, so an unawaited failure is not logged twice
