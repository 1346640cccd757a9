"""`setup_pages(app)`: the public pages, and the error page in their look."""

from __future__ import annotations

from aiohttp import web

from statuspage import keys
from statuspage.web import views
from statuspage.web.error_page import render_error_page
from statuspage.web.subscriptions import Subscriptions


def setup_pages(app: web.Application) -> None:
    app[keys.WEB].error_page = render_error_page
    router = app.router
    router.add_get("/", views.home, name="home")
    router.add_get("/components/{component_id}", views.component, name="component")
    router.add_get("/history", views.history, name="history")
    router.add_get(r"/incidents/{incident_id:[0-9]{1,18}}", views.incident, name="incident")
    router.add_get("/subscribe", views.subscribe, name="subscribe")
    Subscriptions().add_routes(router)
    router.add_get("/static/{name}", views.static_file, name="static")
