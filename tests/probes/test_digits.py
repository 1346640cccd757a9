"""A whole number read from someone else's text: ASCII digits only, bounded, or None."""

from __future__ import annotations

import pytest

from probes.digits import ascii_int


@pytest.mark.parametrize(
    ("text", "number"), [("0", 0), ("7", 7), ("007", 7), ("9" * 18, 10**18 - 1)]
)
def test_ascii_digits_are_a_number(text: str, number: int) -> None:
    assert ascii_int(text) == number


@pytest.mark.parametrize(
    "text", ["", "²", "①", "٣", "１", " 7", "7 ", "+7", "-7", "1_000", "7\n", "0x1f", "9" * 19]
)
def test_anything_else_is_none(text: str) -> None:
    assert ascii_int(text) is None


def test_the_length_bound_is_the_callers_to_choose() -> None:
    assert ascii_int("1234567", max_digits=6) is None
    assert ascii_int("123456", max_digits=6) == 123456
