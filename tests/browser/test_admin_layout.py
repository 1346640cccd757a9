"""The admin area at a phone's width: nothing scrolls sideways, every form fits."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import WIDTHS, Opener, no_horizontal_scroll, sign_in, widest_elements
from tests.browser.live_site import LiveSite
from tests.browser.pages import admin_pages


def test_no_admin_page_scrolls_sideways_at_360_px(open_page: Opener, site: LiveSite) -> None:
    page: Any = open_page(WIDTHS["phone"])
    sign_in(page)
    for path in admin_pages(site):
        page.goto(path)
        assert no_horizontal_scroll(page), (path, widest_elements(page))
