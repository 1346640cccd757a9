"""At a phone's width nothing scrolls sideways: every admin page (every form fits) and
every public page. And the shapes drawn to be read: a bar's stripes, a calendar's weeks."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from storage.vocabulary import HISTORY_DAYS
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


# Each stripe's left and right edge, and each calendar week's top and bottom, with
# the month it is in: read in one call rather than 360 round trips.
STRIPE_EDGES = """bar => [...bar.querySelectorAll('a')].map(a => {
  const box = a.getBoundingClientRect();
  return [box.left, box.right];
})"""
WEEKS = """calendar => [...calendar.querySelectorAll('table.month')].map(month => ({
  bottom: month.getBoundingClientRect().bottom,
  weeks: [...month.tBodies[0].rows].map(row => {
    const box = row.getBoundingClientRect();
    return [box.top, box.bottom];
  }),
}))"""
BORDER_SPACING_PX = 3  # .month's border-spacing: what lies below its last week


def test_each_day_of_a_bar_is_a_stripe_of_its_own_on_a_phone(
    open_page: Opener, site: LiveSite
) -> None:
    """At 360 px a day is about 2.5 px wide with a 1 px gap: at least 2 px, and apart."""
    page: Any = open_page(WIDTHS["phone"])
    page.goto("/")
    for bar in page.locator(".days").all():
        edges = bar.evaluate(STRIPE_EDGES)
        assert len(edges) == HISTORY_DAYS
        assert min(right - left for left, right in edges) >= 2.0, edges
        gaps = [later[0] - earlier[1] for earlier, later in pairwise(edges)]
        assert min(gaps) >= 0.9, gaps


@pytest.mark.parametrize("width", [pytest.param(w, id=name) for name, w in WIDTHS.items()])
def test_the_calendars_weeks_are_one_height_in_every_month(open_page: Opener, width: int) -> None:
    """A month of fewer weeks beside a longer one is not stretched to its height: no
    taller weeks, no blank space under the current month."""
    page: Any = open_page(width)
    page.goto("/components/external")
    months = page.locator(".calendar").evaluate(WEEKS)
    assert len(months) >= 3, months
    heights = [bottom - top for month in months for top, bottom in month["weeks"]]
    assert max(heights) - min(heights) <= 0.5, months
    for month in months:
        below = month["bottom"] - month["weeks"][-1][1]
        assert below <= BORDER_SPACING_PX + 0.5, month
