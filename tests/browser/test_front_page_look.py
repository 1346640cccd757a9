"""How the front page looks to a reader, as the browser draws it: the order of its
sections, the colours of its statuses (Statuspage's families) and its banner's words
in the dark scheme."""

from __future__ import annotations

import colorsys
import re
from collections.abc import Iterator
from typing import Any

import pytest

from statuspage.http.colour import contrast
from tests.browser.conftest import WIDTHS, Opener
from tests.browser.live_site import LiveSite
from tests.browser.pages import COMPONENTS, reload_until
from tests.browser.site_data import add_maintenance, set_status

SIZES = [pytest.param(width, id=name) for name, width in WIDTHS.items()]
SCHEMES = [pytest.param(False, id="light"), pytest.param(True, id="dark")]
# Statuspage's families as hue bands (degrees): operational green, degraded yellow,
# partial orange, major red, maintenance blue. Degraded and partial sit close on the
# wheel (Statuspage's own are 48 and 28), so the bands keep them apart.
FAMILIES = {
    "operational": (90.0, 160.0),
    "degraded_performance": (38.0, 65.0),
    "partial_outage": (15.0, 35.0),
    "major_outage": (-15.0, 10.0),
    "under_maintenance": (195.0, 240.0),
}
# After the first look (all operational), one component in each other status.
STATUSES = {
    "system": "degraded_performance",
    "database": "partial_outage",
    "external": "major_outage",
    "status-updates": "under_maintenance",
}


def hex_colour(computed: str) -> str:
    """`rgb(26, 127, 55)` as `#1a7f37`."""
    red, green, blue = (int(c) for c in re.findall(r"\d+", computed)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def hue(colour: str) -> float:
    """The hue in degrees, red near 0 given as -15 to 345 so a band can span it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    degrees = colorsys.rgb_to_hsv(*channels)[0] * 360
    return degrees - 360 if degrees > 345 else degrees


def computed(locator: Any, prop: str = "color") -> str:
    return hex_colour(locator.evaluate(f"e => getComputedStyle(e).{prop}"))


@pytest.mark.parametrize("width", SIZES)
def test_past_incidents_come_after_the_components(open_page: Opener, width: int) -> None:
    page = open_page(width)
    page.goto("/")
    components = page.locator("section.components").bounding_box()
    past = page.locator("section.incidents.past").bounding_box()
    assert past["y"] >= components["y"] + components["height"], (components, past)


@pytest.mark.parametrize("dark", SCHEMES)
def test_statuses_keep_statuspages_colour_families(
    open_page: Opener, site: LiveSite, dark: bool
) -> None:
    """The colour each status badge is drawn in, in the visitor's scheme."""
    page = open_page(WIDTHS["desktop"], dark=dark)
    page.goto("/")
    found = {"operational": computed(page.locator(".component .status-operational").first)}
    for component_id, status in STATUSES.items():
        set_status(site, component_id, status)
    last = list(STATUSES.values())[-1]
    reload_until(page, f".component .status-{last}")
    for status in STATUSES.values():
        found[status] = computed(page.locator(f".component .status-{status}").first)
    for status, (low, high) in FAMILIES.items():
        assert low <= hue(found[status]) <= high, (status, found[status], hue(found[status]))


def banners(site: LiveSite) -> Iterator[str]:
    """The front page's indicators one after another, as the site's state moves
    (rules/indicator.py: one outage is "major", every component out "critical")."""
    yield "none"
    set_status(site, "system", "degraded_performance")
    yield "minor"
    set_status(site, "system", "major_outage")
    yield "major"
    for component_id in COMPONENTS:
        set_status(site, component_id, "major_outage")
    yield "critical"
    for component_id in COMPONENTS:
        set_status(site, component_id, "operational")
    add_maintenance(site)
    yield "maintenance"


def test_the_banners_words_are_readable_in_the_dark_scheme(
    open_page: Opener, site: LiveSite
) -> None:
    page = open_page(WIDTHS["phone"], dark=True)
    seen = []
    for indicator in banners(site):
        page.goto("/")
        reload_until(page, f"section.banner.banner-{indicator}")
        banner = page.locator("section.banner")
        words, back = computed(banner.locator("h1"), "color"), computed(banner, "backgroundColor")
        assert contrast(words, back) >= 4.5, (indicator, words, back)
        seen.append(indicator)
    assert len(seen) == 5
