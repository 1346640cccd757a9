"""Webhook URLs that looked public to the checks but lead inside: IPv6 forms that
carry an IPv4 address a gateway will reach (NAT64), the rest of the reserved ::/8,
and IDNA spellings that the HTTP client (yarl: IDNA 2008, UTS 46) reads as an IP
address while urlsplit and the socket module (IDNA 2003) read a name."""

from __future__ import annotations

import ipaddress

import pytest

from statuspage.rules.subscriber_addresses import (
    connection_host,
    destination_problem,
    is_public,
    url_problem,
)


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254
        "http://[64:ff9b::a00:5]/hook",  # NAT64 of 10.0.0.5
        "http://[::7f00:1]/hook",  # IPv4-compatible ::127.0.0.1 (deprecated, reserved)
        "http://[::ffff:0:7f00:1]/hook",  # SIIT's IPv4-translated form
        "http://127.0.0.\U0001fbf1/hook",  # SEGMENTED DIGIT ONE: 127.0.0.1 to yarl
        "http://\U0001fbf127.0.0.1/hook",
        "http://10.0.0.\U0001ccf5/hook",  # OUTLINED DIGIT FIVE
    ],
)
def test_inside_addresses_in_disguise_are_refused(url: str) -> None:
    assert destination_problem(url, allow_private=False) is not None


def test_the_client_reads_the_disguise_as_loopback() -> None:
    assert connection_host("http://127.0.0.\U0001fbf1:8080/hook") == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    ["http://[64:ff9b::808:808]/hook", "https://bücher.example/hook", "https://Example.COM./"],
)
def test_public_destinations_still_pass(url: str) -> None:
    assert destination_problem(url, allow_private=False) is None


def test_nat64_of_a_public_address_is_public() -> None:
    assert is_public(ipaddress.ip_address("64:ff9b::808:808"))
    assert not is_public(ipaddress.ip_address("64:ff9b::c0a8:101"))


def test_the_length_limit_counts_bytes() -> None:
    """PostgreSQL's unique index on the address cannot hold ~2.7 kB; 1,900 CJK
    characters are 5,700 bytes (the form answered 500 on PostgreSQL)."""
    url = "https://example.com/" + "\u4e00" * 1900
    assert url_problem(url) == "must be at most 2000 bytes in UTF-8"


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/hook",  # 127.0.0.1 as one number
        "http://0x7f.1/hook",
        "http://017700000001/hook",  # octal
        "http://127.1/hook",
        "http://0/hook",  # 0.0.0.0: this host
        "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data",  # 169.254.169.254
    ],
)
def test_ipv4_the_c_library_way_is_judged_at_the_form(url: str) -> None:
    """getaddrinfo takes these as addresses without asking DNS. The send refused
    them, but the form took them, and the subscriber failed at every notice."""
    assert destination_problem(url, allow_private=False) is not None
