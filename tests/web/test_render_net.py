"""The renderer's last net: no control character or lone surrogate leaves in a page,
whichever way (bytes first, the regular expression when needed) it is found."""

from __future__ import annotations

import re

import pytest

from statuspage.http.render import without_controls

NEVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@pytest.mark.parametrize("code", [*range(0x100), 0x2014, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFF])
def test_each_character_is_kept_or_dropped_as_the_rule_says(code: int) -> None:
    text = f"<p>é—{chr(code)}x</p>"
    assert without_controls(text) == NEVER.sub("", text)


def test_a_clean_page_comes_back_as_it_was() -> None:
    page = "<p>Tab\tand\r\nnew lines, “quotes” and 中文 stay.</p>" * 1000
    assert without_controls(page) is page


def test_controls_among_other_characters_are_all_removed() -> None:
    assert without_controls("a\x00b\x1fc\x7fd\ud83de\tf") == "abcde\tf"
