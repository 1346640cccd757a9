"""Accessibility checks over every kind of page: headings, labelled graphics.

(Landmarks, the skip link, words next to every status icon and contrast are
checked in test_home_page.py and test_style.py.)"""

from __future__ import annotations

from itertools import pairwise

from storage.database import Database
from tests.app_client import Client
from tests.web.pages import attr, every_page


async def test_every_page_has_one_h1_and_never_skips_a_heading_level(
    client: Client, db: Database
) -> None:
    for path, soup in (await every_page(client, db)).items():
        levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert levels.count(1) == 1, path
        assert levels[0] == 1, path
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)


async def test_every_chart_and_bar_is_labelled(client: Client, db: Database) -> None:
    for path, soup in (await every_page(client, db)).items():
        for svg in soup.find_all("svg"):
            if attr(svg, "aria-hidden") == "true":
                continue  # icons, always next to their words
            if attr(svg, "role") == "img":  # a chart: named by its title
                assert svg.find("title") is not None, (path, svg.get("class"))
                continue
            # A day bar: no role on the svg, a named group around it, a label on each day.
            group = svg.find_parent(attrs={"role": "group"})
            assert group is not None, (path, svg.get("class"))
            assert attr(group, "aria-label"), path
            rects = svg.find_all("rect")
            assert rects, path
            assert all(attr(r, "aria-label") for r in rects), path
