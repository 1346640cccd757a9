"""A request header is sendable when its name is an RFC 9110 token and its value holds
no control character but the tab. (tests/test_config_headers.py checks that start-up
applies these rules to every probe's headers.)"""

from __future__ import annotations

import pytest

from probes.header_rules import header_name_problem, header_value_problem

NAME_PROBLEM = "a header name is letters, digits and !#$%&'*+-.^_`|~ only (no spaces or colons)"
VALUE_PROBLEM = "a header value may not hold line breaks, NUL or other control characters"


@pytest.mark.parametrize("name", ["X-Api-Key", "accept", "a0", "!#$%&'*+-.^_`|~"])
def test_a_token_is_a_header_name(name: str) -> None:
    assert header_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "Bad Name", "X-Colon:", "Ünicode", "(x)", "a\tb"])
def test_anything_else_is_not_a_header_name_and_says_what_is(name: str) -> None:
    assert header_name_problem(name) == NAME_PROBLEM


@pytest.mark.parametrize("value", ["", "Bearer abc", "a\tb", "é ~ \x80"])
def test_a_value_without_control_characters_is_sendable(value: str) -> None:
    assert header_value_problem(value) is None


@pytest.mark.parametrize(
    "value", ["a\r\nX: 1", "a\nb", "a\rb", "\x00", "\x08", "\x0b", "\x1f", "\x7f"]
)
def test_a_control_character_in_a_value_is_refused_and_the_value_not_repeated(value: str) -> None:
    assert header_value_problem(f"SECRET{value}") == VALUE_PROBLEM
