"""The token of an Authorization header, read one way for the write API and /metrics."""

from __future__ import annotations

import pytest

from statuspage.rules.bearer import bearer_token


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER  abc ", "abc"),
        (None, None),
        ("", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("Basic abc", None),
        ("Bearerabc", None),
    ],
)
def test_the_token_of_a_bearer_header(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token
