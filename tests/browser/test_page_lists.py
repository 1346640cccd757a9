"""The browser tests' list of admin pages is every admin page the app serves: a new
page cannot escape the layout and accessibility checks by not being listed."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from statuspage.app import create_app
from statuspage.service.roles import Roles
from tests.admin.helpers import settings_for
from tests.browser.pages import ADMIN_PAGES

# "/admin/" redirects to "/admin"; sign-in is checked on its own.
NOT_PAGES = {"/admin/", "/admin/sign-in", "/admin/sign-out", "/admin/admin.css"}


def admin_get_routes(app: web.Application) -> set[str]:
    found = set()
    for resource in app.router.resources():
        info = resource.get_info()
        path = info.get("path")
        methods = {route.method for route in resource}
        if path and path.startswith("/admin") and "GET" in methods:
            found.add(path)
    return found


def test_every_plain_admin_page_is_listed(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path), Roles(probes=False, jobs=False, web=True))
    assert admin_get_routes(app) - NOT_PAGES == set(ADMIN_PAGES)
