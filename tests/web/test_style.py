"""The stylesheet's colours reach WCAG contrast in the light and the dark scheme."""

from __future__ import annotations

import re

import pytest

from statuspage.http.assets import STATIC_DIR
from statuspage.http.colour import contrast

CSS = (STATIC_DIR / "style.css").read_text("utf-8")
TEXT_COLOURS = ("text", "muted", "good", "degraded", "partial", "bad", "maintenance", "no-data")
BANNERS = ("none", "minor", "major", "critical", "maintenance", "no-data")
CALENDAR_FILLS = ("good", "cal-fair", "partial", "bad")  # .month td.lvl-* backgrounds


def palette(scheme: str) -> dict[str, str]:
    light = re.search(r":root \{(.*?)\n\}", CSS, re.DOTALL)
    assert light is not None
    colours = dict(re.findall(r"--([\w-]+): (#[0-9a-fA-F]{6});", light.group(1)))
    if scheme == "dark":
        dark = re.search(r"prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", CSS, re.DOTALL)
        assert dark is not None
        colours |= dict(re.findall(r"--([\w-]+): (#[0-9a-fA-F]{6});", dark.group(1)))
        colours["cal-fair"] = colours["fair"]  # var(--fair) in the dark block
    return colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_reach_four_and_a_half_to_one(scheme: str) -> None:
    colours = palette(scheme)
    for name in TEXT_COLOURS:
        assert contrast(colours[name], colours["bg"]) >= 4.5, name
        assert contrast(colours[name], colours["panel"]) >= 4.5, name


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_day_numbers_on_calendar_cells_are_readable(scheme: str) -> None:
    colours = palette(scheme)
    for fill in CALENDAR_FILLS:
        assert contrast(colours["on-level"], colours[fill]) >= 4.5, fill


def test_banner_words_are_readable_on_every_indicator() -> None:
    colours = palette("light")
    for indicator in BANNERS:
        assert contrast("#ffffff", colours[f"banner-{indicator}"]) >= 4.5, indicator


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_day_colours_stand_out_from_the_background(scheme: str) -> None:
    colours = palette(scheme)
    for level in ("good", "fair", "poor", "bad", "none"):
        assert contrast(colours[level], colours["bg"]) >= 3.0, level  # WCAG non-text contrast
