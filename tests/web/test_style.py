"""The stylesheet's colours reach WCAG contrast in the light and the dark scheme."""

from __future__ import annotations

import re

import pytest

from statuspage.http.assets import STATIC_DIR
from statuspage.http.colour import contrast
from storage.vocabulary import HISTORY_DAYS

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


def rules() -> list[tuple[str, dict[str, str]]]:
    """Every rule of the stylesheet outside @media blocks: (selector, declarations)."""
    flat = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)
    flat = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", flat)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", flat):
        declarations = {
            name.strip(): value.strip()
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        }
        found.append((" ".join(selector.split()), declarations))
    return found


def resolved(value: str, colours: dict[str, str]) -> str | None:
    """A colour as a hex string, through var(--x); None for what is not one colour."""
    match = re.fullmatch(r"var\(--([\w-]+)\)|(#[0-9a-fA-F]{6})", value)
    if match is None:
        return None
    return colours.get(match.group(1)) if match.group(1) else match.group(2)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_rule_that_sets_text_and_background_together_reaches_4_5_to_1(
    scheme: str,
) -> None:
    """The pairs each rule puts on screen (popovers, panels, the calendar's day labels,
    an update's component changes), worked out from the stylesheet itself."""
    colours = palette(scheme) | {"on-accent": "#ffffff", "accent": "#1f6feb"}
    checked = []
    for selector, declarations in rules():
        text = resolved(declarations.get("color", ""), colours)
        back = resolved(declarations.get("background", ""), colours)
        if text and back:
            checked.append(selector)
            assert contrast(text, back) >= 4.5, (selector, text, back)
    assert ".day-pop" in checked
    assert ".month td.day:target .day-label" in " | ".join(checked)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_front_pages_stripes_stand_out_and_its_words_are_readable(scheme: str) -> None:
    colours = palette(scheme)
    for level in ("good", "fair", "poor", "bad", "none"):  # .days a, .days a[href*="#f"], ...
        assert contrast(colours[level], colours["bg"]) >= 3.0, level  # rows sit on --bg
    for words in ("text", "muted"):  # the uptime figure; "90 days ago" and "Today"
        assert contrast(colours[words], colours["bg"]) >= 4.5, words


def test_the_bars_ends_drawn_by_the_stylesheet_say_its_length() -> None:
    assert f'content: "{HISTORY_DAYS} days ago"' in CSS
