"""The browser tests' list of admin pages is every admin page the app serves: a new
page cannot escape the layout and accessibility checks by not being listed. The
public list's pages are the ones it means (a subscriber's link that had stopped
working would have the checks look at "This link has expired" instead), and the
site shows what a public page can: latency lines and a public metric with data."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from statuspage.app import create_app
from statuspage.service.roles import Roles
from tests.admin.helpers import settings_for
from tests.browser.conftest import WIDTHS, Opener
from tests.browser.live_site import LiveSite
from tests.browser.pages import ADMIN_PAGES
from tests.browser.site_data import PUBLIC_METRIC, subscriber_links

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


def test_a_subscribers_links_and_a_missing_page_open_what_the_list_means(
    open_page: Opener, site: LiveSite
) -> None:
    page = open_page(WIDTHS["desktop"], javascript=False)
    confirm, unsubscribe = subscriber_links(site)
    for path, heading in ((confirm, "Confirm your subscription"), (unsubscribe, "Unsubscribe")):
        assert page.goto(path).status == 200
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.get_by_role("button", name=heading.split()[0]).count() == 1
    assert page.goto("/no-such-page").status == 404


def test_the_front_page_shows_latency_lines_and_a_public_metrics_figures(
    open_page: Opener,
) -> None:
    page = open_page(WIDTHS["desktop"], javascript=False)
    page.goto("/")
    card = page.locator(f"#metric-{PUBLIC_METRIC}")
    assert card.locator(".metric-value strong").count() == 1, card.inner_text()
    assert card.locator("svg").count() == 1  # its last day's chart
    assert "Latency, last 24 hours" in page.locator("main").inner_text()
