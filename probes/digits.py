"""Whole numbers read from text someone else wrote: a query string, a form, an HTTP
header, a file name. The one home for that reading, at the bottom layer so that every
layer can use it.

`str.isdigit()` is not the test: it is true for '²', '①' and '٣', which `int()` then
refuses or reads as another digit, and `int()` takes ' 7', '+7' and '1_000' and
refuses a number of more than 4,300 digits. Here only ASCII 0-9 count, and the length
is bounded, so a hostile value is None, never an exception.
"""

from __future__ import annotations

MAX_DIGITS = 18  # below 2**63: every such number fits a BIGINT column


def ascii_int(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The non-negative integer `text` spells in 1 to `max_digits` ASCII digits, else None."""
    # No lower bound on the length: isdigit() is false for "", so the empty text is None.
    if len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
