"""axe-core finds no serious or critical violation on any public or admin page, on a
desk and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.axe import blocking
from tests.browser.conftest import WIDTHS, Opener, sign_in
from tests.browser.live_site import LiveSite
from tests.browser.pages import admin_pages, public_pages

SIZES = [pytest.param(width, id=name) for name, width in WIDTHS.items()]


@pytest.mark.parametrize("dark", [pytest.param(False, id="light"), pytest.param(True, id="dark")])
@pytest.mark.parametrize("width", SIZES)
def test_no_public_page_has_a_serious_violation(
    open_page: Opener, site: LiveSite, width: int, dark: bool
) -> None:
    page = open_page(width, dark=dark)
    found = {}
    for path in public_pages(site):
        page.goto(path)
        if problems := blocking(page):
            found[path] = problems
    assert not found, found


@pytest.mark.parametrize("width", SIZES)
def test_no_admin_page_has_a_serious_violation(
    open_page: Opener, site: LiveSite, width: int
) -> None:
    page = open_page(width)
    page.goto("/admin/sign-in")
    found = {}
    if problems := blocking(page):
        found["/admin/sign-in"] = problems
    sign_in(page)
    for path in admin_pages(site):
        page.goto(path)
        if problems := blocking(page):
            found[path] = problems
    assert not found, found


def test_the_checker_reports_what_it_should(open_page: Opener) -> None:
    """Proof the engine runs, target size included: a page with an unlabelled field,
    grey-on-white text and a row of 3 px links (a 90-day bar that every day could tab to)."""
    page = open_page(WIDTHS["desktop"])
    tiny = "".join(
        f'<a href="#d{day}" style="display:inline-block;width:3px;height:30px">d</a>'
        for day in range(10)
    )
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
        f'<input type="text"><p style="color:#ccc">faint</p><p>{tiny}</p></main></html>'
    )
    rules = {line.split(" ", 1)[0] for line in blocking(page)}
    assert {"label", "color-contrast", "target-size"} <= rules
