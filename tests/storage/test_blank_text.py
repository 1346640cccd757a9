"""What counts as an empty message: nothing a reader would see."""

from __future__ import annotations

import pytest

from storage.incidents.rules import is_blank


@pytest.mark.parametrize(
    "text",
    ["", " ", "\t\r\n", "\u00a0\u2003\u3000", "\u2028\u2029", "\u200b\u200d\ufeff", "\x01\x7f"],
)
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " . ", "\u200b!", "—", "🙂"])
def test_text_with_anything_visible_is_not_blank(text: str) -> None:
    assert not is_blank(text)
