"""What a subscriber may give: email addresses we can mail, and webhook URLs that
stay on the public internet (SSRF)."""

from __future__ import annotations

import ipaddress

import pytest

from statuspage.rules.subscriber_addresses import (
    destination_problem,
    email_address,
    is_public,
    url_problem,
)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann@Example.COM ", "ann@example.com"),
        ("o'neil+status@mail.example.co.uk", "o'neil+status@mail.example.co.uk"),
        ("a.b@x-y.io", "a.b@x-y.io"),
    ],
)
def test_plain_addresses_are_kept_in_lower_case(text: str, stored: str) -> None:
    assert email_address(text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "", "ann", "ann@", "@example.com", "ann@example", "ann@@example.com",
        "ann example@x.com", "Ann <ann@example.com>", "ann@example.com\r\nBcc: x@y.com",
        ".ann@example.com", "ann.@example.com", "a..b@example.com", "ann@-example.com",
        "ann@example.c", "a" * 65 + "@example.com", "ann@" + "a" * 250 + ".com",
        "ann@exa_mple.com", '"quoted"@example.com',
    ],
)  # fmt: skip
def test_anything_else_is_not_an_address(text: str) -> None:
    assert email_address(text) is None


def test_the_length_limit_is_254() -> None:
    local = "a" * 64
    domain = ".".join(["b" * 61] * 3) + ".com"  # 64 + 1 + 187 = 252
    assert email_address(f"{local}@{domain}") is not None
    assert email_address(f"{local}@{domain}xxx") is None  # 255


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("2002:808:808::", True),  # 6to4 around 8.8.8.8
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo: client 10.0.0.1
        ("ff02::1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://hooks.example.com/x?y=1", None),
        ("http://example.com:8080/x", None),
        ("ftp://example.com/", "must start with https:// (or http://) and name a host"),
        ("https:///path", "must start with https:// (or http://) and name a host"),
        ("https://u:p@example.com/", "must not contain a user name or password"),
        ("https://u@example.com/", "must not contain a user name or password"),
        ("https://example.com/a b", "must not contain spaces or control characters"),
        ("https://example.com/\x7f", "must not contain spaces or control characters"),
        ("https://example.com:99999/", "is not a valid URL"),
        ("https://example.com:0/", "names port 0"),
        ("https://example.com/" + "a" * 2000, "must be at most 2000 characters"),
    ],
)
def test_the_shape_of_a_webhook_url(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://[::1]:8080/", "http://10.0.0.8/", "http://localhost/",
        "http://LOCALHOST./", "http://api.localhost/", "http://nas.local/",
        "http://db.internal/", "http://router.home.arpa/",
    ],
)  # fmt: skip
def test_inside_destinations_are_refused_unless_allowed(url: str) -> None:
    assert destination_problem(url, allow_private=False) is not None
    assert destination_problem(url, allow_private=True) is None


def test_allowing_private_addresses_keeps_the_shape_checks() -> None:
    assert destination_problem("ftp://10.0.0.1/", allow_private=True) is not None
    assert destination_problem("https://hooks.example.com/", allow_private=False) is None


def test_what_each_refusal_says() -> None:
    assert destination_problem("http://10.0.0.1/", allow_private=False) == (
        "must reach a public address (not loopback, private or link-local)"
    )
    assert destination_problem("http://nas.local/", allow_private=False) == (
        "must name a public host"
    )


def test_a_url_may_hold_any_visible_character() -> None:
    assert url_problem("https://example.com/!a\"b'c") is None


def test_a_url_of_exactly_the_limit_is_accepted() -> None:
    base = "https://example.com/"
    assert url_problem(base + "a" * (2000 - len(base))) is None


def test_a_bracketed_address_is_read() -> None:
    from statuspage.rules.subscriber_addresses import parsed_address

    assert parsed_address("[::1]") == ipaddress.ip_address("::1")
    assert parsed_address("example.com") is None


def test_a_url_the_http_client_cannot_read_is_refused() -> None:
    from statuspage.rules.subscriber_addresses import connection_host

    assert url_problem("http://\u00ad.com/") == "is not a valid URL"
    assert connection_host("mailto:someone") is None
    assert connection_host("http://API.Example.COM./x") == "api.example.com"
