"""Sign-in limits count the client's address, read through trusted proxies only."""

from __future__ import annotations

import dataclasses
import ipaddress

import pytest
from aiohttp.test_utils import make_mocked_request

from statuspage import keys
from statuspage.http.client_address import Network, client_address
from tests.admin.helpers import PASSWORD, sign_in
from tests.app_client import Client

PROXIES: list[Network] = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8")]


class Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return (self.peer, 40000) if name == "peername" else default


def address_of(peer: str, forwarded: str | None, trusted: list[Network] = PROXIES) -> str:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = make_mocked_request("POST", "/admin/sign-in", headers=headers,
                                  transport=Transport(peer))  # fmt: skip
    return client_address(request, trusted)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),  # no proxy
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # an untrusted peer's header is ignored
        ("10.0.0.2", None, "10.0.0.2"),  # a proxy that says nothing
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the left part is the client's
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # through two proxies
        ("10.0.0.2", "198.51.100.1:5555", "198.51.100.1"),
        ("10.0.0.2", "[2001:db8::1]:5555", "2001:db8::1"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # nothing believable: the peer
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # only proxies: the first of them
        ("fd00::5", "198.51.100.1", "198.51.100.1"),
        ("::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),  # a mapped IPv4 peer
    ],
)
def test_the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy(
    peer: str, forwarded: str | None, expected: str
) -> None:
    assert address_of(peer, forwarded) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert address_of("10.0.0.2", "198.51.100.1", trusted=[]) == "10.0.0.2"


def trust_loopback(client: Client) -> None:
    holder = client.app[keys.SETTINGS]
    current = holder.current
    server = current.file.server.model_copy(
        update={"trusted_proxies": [ipaddress.ip_network("127.0.0.1/32")]}
    )
    holder.replace(
        dataclasses.replace(current, file=current.file.model_copy(update={"server": server}))
    )


async def address_throttled(client: Client, forwarded: str) -> None:
    """Fail with a new user name each time until this address alone is made to wait."""
    for attempt in range(20):
        response = await sign_in(client, f"nobody{attempt}", "wrong",
                                 headers={"X-Forwarded-For": forwarded})  # fmt: skip
        if response.status == 429:
            return
    raise AssertionError("the address was never throttled")


async def test_behind_a_trusted_proxy_one_client_is_throttled_not_everyone(
    client: Client, alice: str
) -> None:
    trust_loopback(client)
    await address_throttled(client, "203.0.113.7")
    other = await sign_in(client, alice, PASSWORD, headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status == 303


async def test_an_untrusted_peer_cannot_pick_its_address_with_the_header(
    client: Client, alice: str
) -> None:
    await address_throttled(client, "203.0.113.7")
    other = await sign_in(client, alice, PASSWORD, headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status == 429
