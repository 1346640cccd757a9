"""The address a request came from, seen through the reverse proxies the operator trusts.

Behind a proxy the connection's peer is the proxy. Each proxy appends the
address it received the request from to X-Forwarded-For, so the header is read
from the right: the rightmost address that is not itself a trusted proxy is the
client. Everything to its left was written by the client and proves nothing. The
header is read only when the peer is a trusted proxy; from anyone else it is
ignored, so a client cannot choose the address its sign-in failures count against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

from statuspage import keys

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def request_client(request: web.Request) -> str:
    """The client's address, through the proxies `server.trusted_proxies` names."""
    return client_address(request, request.app[keys.SETTINGS].current.file.server.trusted_proxies)


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    peer = request.remote or "unknown"
    if not trusted or not _is_trusted(_parse(peer), trusted):
        return peer
    hops = [hop.strip() for hop in ",".join(request.headers.getall("X-Forwarded-For", ()))
            .split(",") if hop.strip()]  # fmt: skip
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # not an address: nothing further left can be believed
            return peer
        if not _is_trusted(address, trusted):
            return str(address)
    return str(_parse(hops[0])) if hops else peer  # every hop a trusted proxy


def _is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def _parse(text: str) -> Address | None:
    """An address as proxies write it: bare, `[v6]`, `[v6]:port` or `v4:port`."""
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address
