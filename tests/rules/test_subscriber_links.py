"""Signed links: genuine ones verify for their purpose until they expire, and any
change to a token, its purpose, its secret or its address is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from statuspage.rules.subscriber_links import (
    CONFIRM,
    MAX_TOKEN,
    UNSUBSCRIBE,
    LinkClaims,
    address_digest,
    sign,
    verify,
)

SECRET = b"s" * 32
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=48)


def confirm_token() -> str:
    claims = LinkClaims(7, CONFIRM, "ann@example.com", ("api", "db"), LATER)
    return sign(SECRET, claims)


def test_a_confirmation_verifies_with_its_claims() -> None:
    found = verify(SECRET, confirm_token(), CONFIRM, NOW)
    assert found is not None
    assert found.subscriber_id == 7
    assert found.purpose == CONFIRM
    assert found.components == ("api", "db")
    assert found.matches("ann@example.com")
    assert not found.matches("bob@example.com")


def test_it_expires_at_its_moment_and_not_before() -> None:
    token = confirm_token()
    assert verify(SECRET, token, CONFIRM, LATER - timedelta(seconds=1)) is not None
    assert verify(SECRET, token, CONFIRM, LATER) is None


def test_an_unsubscribe_link_never_expires_and_carries_no_choice() -> None:
    token = sign(SECRET, LinkClaims(3, UNSUBSCRIBE, "ann@example.com"))
    found = verify(SECRET, token, UNSUBSCRIBE, NOW + timedelta(days=3650))
    assert found is not None
    assert found.components is None
    assert found.subscriber_id == 3


def test_a_token_works_only_for_its_purpose() -> None:
    assert verify(SECRET, confirm_token(), UNSUBSCRIBE, NOW) is None
    unsubscribe = sign(SECRET, LinkClaims(3, UNSUBSCRIBE, "a@b.co"))
    assert verify(SECRET, unsubscribe, CONFIRM, NOW) is None
    assert verify(SECRET, unsubscribe, "delete-everything", NOW) is None


def test_another_secret_refuses_it() -> None:
    assert verify(b"t" * 32, confirm_token(), CONFIRM, NOW) is None


def reencoded(token: str, change: dict[str, object]) -> str:
    text, mac = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw = json.dumps(body | change, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + mac


@pytest.mark.parametrize(
    "change", [{"s": 8}, {"e": int(LATER.timestamp()) + 3600}, {"c": None}, {"p": UNSUBSCRIBE}]
)
def test_changed_claims_break_the_signature(change: dict[str, object]) -> None:
    assert verify(SECRET, reencoded(confirm_token(), change), CONFIRM, NOW) is None


@pytest.mark.parametrize(
    "token",
    ["", ".", "abc", "a.b.c", "!!!.???", "e30.AAAA", "x" * (MAX_TOKEN + 1), "bm90IGpzb24.x"],
)
def test_garbage_is_refused(token: str) -> None:
    assert verify(SECRET, token, CONFIRM, NOW) is None


def signed_body(body: object) -> str:
    """A token whose MAC is right but whose claims are malformed."""
    from statuspage.rules.subscriber_links import _b64, _mac

    text = _b64(json.dumps(body).encode())
    return f"{text}.{_mac(SECRET, text)}"


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {"p": CONFIRM, "a": "x"},
        {"s": "7", "p": CONFIRM, "a": "x"},
        {"s": 7, "p": CONFIRM, "a": 5},
        {"s": 7, "p": CONFIRM, "a": "x", "c": "api"},
        {"s": 7, "p": CONFIRM, "a": "x", "c": [1]},
        {"s": 7, "p": CONFIRM, "a": "x", "e": "tomorrow"},
    ],
)
def test_well_signed_but_malformed_claims_are_refused(body: object) -> None:
    assert verify(SECRET, signed_body(body), CONFIRM, NOW) is None


def test_a_well_signed_minimal_token_is_accepted() -> None:
    found = verify(
        SECRET, signed_body({"s": 7, "p": CONFIRM, "a": address_digest("a@b.co")}), CONFIRM, NOW
    )
    assert found is not None
    assert found.matches("a@b.co")


def test_the_digest_depends_on_every_character() -> None:
    assert address_digest("ann@example.com") != address_digest("ann@example.co")
    assert len(address_digest("x")) == 24


def test_a_token_is_compact_canonical_json_and_url_safe() -> None:
    import re

    token = confirm_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", token)
    text = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    digest = address_digest("ann@example.com")
    expires = int(LATER.timestamp())
    assert decoded == f'{{"a":"{digest}","c":["api","db"],"e":{expires},"p":"confirm","s":7}}'


def test_a_token_of_exactly_the_limit_is_read() -> None:
    for n in range(3000):
        token = sign(SECRET, LinkClaims(1, CONFIRM, "a@b.co", ("x" * n,), LATER))
        if len(token) == MAX_TOKEN:
            break
    assert len(token) == MAX_TOKEN
    assert verify(SECRET, token, CONFIRM, NOW) is not None


def test_a_token_with_other_than_ascii_is_refused_not_an_error() -> None:
    """hmac.compare_digest raises TypeError for non-ASCII text: `?token=a.%C3%A9`
    was a 500 on the confirm and unsubscribe pages."""
    assert verify(SECRET, "abc.\u00e9", CONFIRM, NOW) is None
    assert verify(SECRET, "\u00e9.abc", UNSUBSCRIBE, NOW) is None
