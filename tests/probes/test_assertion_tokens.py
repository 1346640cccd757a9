"""Tokens of the assertion language: each refusal says what and at which column."""

from __future__ import annotations

import pytest

from probes.assertion_tokens import MAX_NUMBER_CHARS, AssertionSyntaxError, tokenize


@pytest.mark.parametrize(
    ("text", "reason", "column"),
    [
        ("status = 200", "unexpected character '='", 8),
        ("status == " + "1" * (MAX_NUMBER_CHARS + 1), "number too long", 11),
        ("status == 01", "malformed or out-of-range number '01'", 11),
        ("x == 'open", "unterminated string", 6),
        (r"x == 'a\u12g4'", "\\u needs four hex digits", 8),
    ],
)
def test_a_refused_token_names_the_problem_and_its_column(
    text: str, reason: str, column: int
) -> None:
    with pytest.raises(AssertionSyntaxError) as caught:
        tokenize(text)

    assert (caught.value.reason, caught.value.column) == (reason, column)
    assert str(caught.value) == f"{reason} (at column {column})"


def test_a_number_of_the_longest_length_allowed_is_read() -> None:
    longest = "1" * MAX_NUMBER_CHARS
    assert tokenize(longest)[0].value == int(longest)


def test_unicode_escapes_take_hex_digits_in_either_case() -> None:
    assert tokenize(r"'\u00E9\u00e9'")[0].value == "éé"
