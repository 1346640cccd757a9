"""`setup_routes(app)`: the public pages, their shared state, error pages and headers."""

from __future__ import annotations

from aiohttp import web

from statuspage import keys
from statuspage.admin.routes import setup_admin
from statuspage.api.routes import setup_api_routes
from statuspage.feeds.routes import setup_feed_routes
from statuspage.web import views
from statuspage.web.assets import Assets
from statuspage.web.cache import PageCache
from statuspage.web.errors import error_pages
from statuspage.web.freshness import StampWatcher
from statuspage.web.limits import body_deadline
from statuspage.web.render import Renderer
from statuspage.web.security import add_security_headers
from statuspage.web.state import WebState
from storage.queries.latest import DataStamp, data_stamp


def setup_routes(app: web.Application) -> None:
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
    router = app.router
    router.add_get("/", views.home, name="home")
    router.add_get("/components/{component_id}", views.component, name="component")
    router.add_get("/history", views.history, name="history")
    router.add_get(r"/incidents/{incident_id:\d{1,18}}", views.incident, name="incident")
    router.add_get("/subscribe", views.subscribe, name="subscribe")
    router.add_get("/static/{name}", views.static_file, name="static")
    setup_api_routes(app)  # statuspage/api: JSON API v2, uptime, badges, OpenAPI
    setup_feed_routes(app)  # statuspage/feeds: history and updates feeds
    setup_admin(app)  # statuspage/admin: admin area, sign-in, API tokens, write API
