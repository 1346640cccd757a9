"""At a phone's width nothing scrolls sideways: every admin page (every form fits) and
every public page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import WIDTHS, Opener, no_horizontal_scroll, sign_in, widest_elements
from tests.browser.live_site import LiveSite
from tests.browser.pages import admin_pages, public_pages
from tests.browser.site_data import add_incident, add_template


def test_no_admin_page_scrolls_sideways_at_360_px(open_page: Opener, site: LiveSite) -> None:
    page: Any = open_page(WIDTHS["phone"])
    page.goto("/admin/sign-in")
    assert no_horizontal_scroll(page), ("/admin/sign-in", widest_elements(page))
    sign_in(page)
    for path in admin_pages(site):
        page.goto(path)
        assert no_horizontal_scroll(page), (path, widest_elements(page))


@pytest.mark.parametrize(
    "javascript", [pytest.param(True, id="js"), pytest.param(False, id="no-js")]
)
def test_no_public_page_scrolls_sideways_at_360_px(
    open_page: Opener, site: LiveSite, javascript: bool
) -> None:
    page: Any = open_page(WIDTHS["phone"], javascript=javascript)
    for path in public_pages(site):
        page.goto(path)
        assert no_horizontal_scroll(page), (path, widest_elements(page))


def test_a_long_unbroken_word_does_not_push_an_admin_page_sideways(
    open_page: Opener, site: LiveSite
) -> None:
    long_word = "Checkout-" + "x" * 150
    add_incident(site, long_word)
    add_template(site, name=long_word[:100])
    page: Any = open_page(WIDTHS["phone"])
    sign_in(page)
    for path in admin_pages(site):
        page.goto(path)
        assert no_horizontal_scroll(page), (path, widest_elements(page))


def test_a_long_unbroken_word_does_not_push_a_public_page_sideways(
    open_page: Opener, site: LiveSite
) -> None:
    add_incident(site, "Checkout-" + "x" * 150)
    page: Any = open_page(WIDTHS["phone"])
    wide = {}
    for path in public_pages(site):
        page.goto(path)
        if not no_horizontal_scroll(page):
            wide[path] = widest_elements(page)
    assert not wide, wide
