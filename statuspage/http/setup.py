"""`setup_http(app)`: what every served page, feed and document shares: the cache and
its data stamp watcher, the renderer, error pages, body deadlines, security headers."""

from __future__ import annotations

from aiohttp import web

from statuspage import keys
from statuspage.http.assets import Assets
from statuspage.http.cache import PageCache
from statuspage.http.data_stamp import StampWatcher
from statuspage.http.errors import error_pages
from statuspage.http.limits import body_deadline
from statuspage.http.render import Renderer
from statuspage.http.security import add_security_headers
from statuspage.http.state import WebState
from storage.queries.latest import DataStamp, data_stamp


def setup_http(app: web.Application) -> None:
    async def read_stamp() -> DataStamp:
        # The database is opened by a cleanup context, after the routes exist.
        return await data_stamp(app[keys.DATABASE])

    app[keys.WEB] = WebState(
        renderer=Renderer(),
        assets=Assets.load(),
        cache=PageCache(),
        watcher=StampWatcher(read_stamp),
        clock=app[keys.CLOCK],
    )
    app.middlewares.append(error_pages)
    app.middlewares.append(body_deadline)  # before any handler or guard reads a body
    app.on_response_prepare.append(add_security_headers)
