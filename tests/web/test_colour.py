"""The configured accent colour is made readable: 4.5:1 for text on the page."""

from __future__ import annotations

import pytest

from statuspage.http.colour import (
    DARK_BACKGROUND,
    contrast,
    darken_until_readable,
    lighten_until_readable,
    text_on,
    theme_css,
)


def test_contrast_of_black_on_white_is_21() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


@pytest.mark.parametrize("accent", ["#ffff00", "#1f6feb", "#ff8800", "#00ff00", "#777777"])
def test_links_in_the_accent_colour_reach_four_and_a_half_to_one(accent: str) -> None:
    assert contrast(darken_until_readable(accent), "#ffffff") >= 4.5


def test_an_accent_that_is_already_readable_is_kept() -> None:
    assert darken_until_readable("#0a3069") == "#0a3069"


@pytest.mark.parametrize("accent", ["#ffff00", "#1f6feb", "#777777", "#000000", "#ffffff"])
def test_text_on_the_accent_is_black_or_white_whichever_reads(accent: str) -> None:
    assert contrast(text_on(accent), accent) >= 4.5


def test_the_theme_holds_custom_properties_only() -> None:
    css = theme_css("#FFFF00")
    assert css.startswith(":root{--accent:#ffff00;--accent-text:#")
    assert "--on-accent:#000000" in css


@pytest.mark.parametrize("accent", ["#000080", "#1f6feb", "#550000", "#777777"])
def test_links_in_the_dark_scheme_reach_four_and_a_half_to_one(accent: str) -> None:
    assert contrast(lighten_until_readable(accent), DARK_BACKGROUND) >= 4.5
