"""What a subscriber may give as an address: an email address, or a webhook URL
that reaches only the public internet (SSRF).

A subscriber types the URL, so by default it must lead to the public internet: not
loopback, link-local (cloud metadata lives at 169.254.169.254), private, shared
(100.64/10), multicast, reserved or unspecified addresses, nor IPv6 forms that embed
one (IPv4-mapped, 6to4, Teredo and NAT64's 64:ff9b::/96 are judged by the IPv4
address inside; the rest of ::/8, such as IPv4-compatible ::a.b.c.d, is reserved).
A host is judged as the HTTP client will read it (`connection_host`): yarl applies
IDNA 2008 with UTS 46 mapping, so `127.0.0.\U0001fbf1` is 127.0.0.1 to it, while
urlsplit and the socket module's IDNA 2003 see a name. An operator
who runs receivers on a private network allows them
(`[subscribers] allow_private_webhook_addresses`).

Pure: the caller resolves names; this judges addresses and URLs' shape.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from yarl import URL

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL = 2000
MAX_EMAIL = 254  # RFC 5321's limit on a path
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$"
)
_INET_ATON = re.compile(r"[0-9a-fA-FxX.]{1,40}")  # what inet_aton may read as IPv4
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")
# RFC 6052's well-known prefix: a NAT64 gateway connects to the IPv4 address in the
# last 32 bits, and DNS64 makes such an address for a name that has only an A record.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def email_address(text: str) -> str | None:
    """`text` as the address to store (trimmed, lower case), or None if it is not one
    we can mail: a plain `local@domain.tld`, no display name, no comments, no quotes."""
    address = text.strip().lower()
    if len(address) > MAX_EMAIL or not _EMAIL.fullmatch(address):
        return None
    local = address.split("@", 1)[0]
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    return address


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return is_public(inner)
        if address.is_reserved:  # ::/8 (IPv4-compatible, SIIT) and other unassigned space
            return False
    return address.is_global and not address.is_multicast


def parsed_address(host: str) -> Address | None:
    """`host` as an IP address, or None for a name. The IPv4 spellings the C library
    takes as an address (`2130706433`, `0x7f.1`, `017700000001`, `127.1`) count too:
    they never reach DNS, so they must be judged as the address they are."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if not _INET_ATON.fullmatch(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def connection_host(url: str) -> str | None:
    """The host as aiohttp connects to it (yarl's reading: IDNA 2008 with UTS 46
    mapping, IP addresses in their canonical text), lower case, without brackets or
    a final dot; None if yarl cannot read the URL."""
    try:
        host = URL(url).raw_host
    except (ValueError, UnicodeError):
        return None
    return None if host is None else host.lower().rstrip(".")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a subscriber's webhook, by its shape alone; None: fine."""
    if len(url) > MAX_URL:
        return f"must be at most {MAX_URL} characters"
    if len(url.encode()) > MAX_URL:  # PostgreSQL's unique index holds at most ~2.7 kB
        return f"must be at most {MAX_URL} bytes in UTF-8"
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must start with https:// (or http://) and name a host"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if port == 0:
        return "names port 0"
    if connection_host(url) is None:
        return "is not a valid URL"
    return None


def destination_problem(url: str, *, allow_private: bool) -> str | None:
    """`url_problem`, and unless private addresses are allowed, an address written
    in the URL that is not public or a name that is local by definition. A name is
    resolved when the webhook is called, and judged then (notify/subscribers)."""
    if problem := url_problem(url):
        return problem
    if allow_private:
        return None
    # The host as the HTTP client will read it and connect to (url_problem has made
    # sure it can): an IDNA spelling of an address is judged as that address.
    host = connection_host(url) or ""
    literal = parsed_address(host)
    if literal is not None and not is_public(literal):
        return "must reach a public address (not loopback, private or link-local)"
    if host.endswith(_LOCAL_NAMES):
        return "must name a public host"
    return None
