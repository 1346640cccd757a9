"""What every page, feed and JSON document served shares in one process (`keys.WEB`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from probes.clock import Clock
from statuspage.http.assets import Assets
from statuspage.http.cache import PageCache
from statuspage.http.data_stamp import DATABASE_WAIT_S, FIRST_RENDER_WAIT_S, StampWatcher
from statuspage.http.render import Renderer


@dataclass(slots=True)
class WebState:
    renderer: Renderer
    assets: Assets
    cache: PageCache
    watcher: StampWatcher
    clock: Clock  # the app's clock (`keys.CLOCK`): "now" for page contexts
    render_timeout_s: float = 10.0  # a render slower than this is a database outage
    # A request waits this long for a render, then is answered from the cache (or 503)
    # while the render goes on: the page stays up through a hung database.
    database_wait_s: float = DATABASE_WAIT_S
    # A page with no good copy to fall back on waits this long for its render before
    # answering 503: a first render on a busy machine can pass 2 s, and a visitor
    # would rather wait for the page than be told to come back.
    first_render_wait_s: float = FIRST_RENDER_WAIT_S
    # The HTML of an error page (request, status, heading, message); None: plain.
    error_page: Callable[[web.Request, int, str, str], str] | None = None
