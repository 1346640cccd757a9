"""Name servers for probes: by default the system's resolver, or the ones an operator names.

A probe that asks the system resolver (`getaddrinfo` in a thread, aiohttp's default)
sees what the host sees, /etc/hosts and search domains included. Naming servers in
`[probes] dns_servers` makes every lookup go to them through c-ares (aiodns), which is
how an operator checks that public resolvers, not only the probe host's, can find the
service, and how tests point lookups at a server on loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from probes.digits import ascii_int

# Channels kept ready for lookups; more lookups at once than this make their own.
MAX_READY_CHANNELS = 16
_BRACKETED = re.compile(r"^\[(?P<host>[^\]]+)\](?::(?P<port>\d{1,5}))?$")


def parse_dns_server(text: str) -> tuple[str, int]:
    """(address, port) of '1.1.1.1', '1.1.1.1:5353', '::1' or '[::1]:5353'; ValueError if not."""
    host, port = text, "53"
    if match := _BRACKETED.match(text):
        host, port = match["host"], match["port"] or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an IP address with an optional port "
            "(e.g. '1.1.1.1', '1.1.1.1:5353' or '[2606:4700::1111]:53')"
        ) from None
    number = ascii_int(port, 5)
    if number is None or not 1 <= number <= 65535:
        raise ValueError(f"{text!r} has no port between 1 and 65535")
    return str(address), number


class FreshLookupResolver(AbstractResolver):
    """Asks the servers anew on every lookup, each time through an unused c-ares channel.

    A long-lived channel answers from c-ares's cache for as long as a record's TTL: the
    probe would time a cache hit as its DNS phase and would notice the servers failing
    only when the TTL ran out. Making a channel takes time (about 0.15 ms on the
    benchmark machine, `bench/dns.py`), and aiohttp times the DNS phase around
    `resolve`, so channels are made ahead: after each lookup, outside its timed span, a
    new one replaces the one used. Lookups beyond the channels ready at once make their
    own. Only processes that name `dns_servers` pay for this. Keep-alive sessions still
    cache in aiohttp, as they do with the system's resolver.
    """

    def __init__(self, nameservers: Sequence[str]) -> None:
        self._nameservers = list(nameservers)
        self._ready: list[aiohttp.AsyncResolver] = []
        self._retiring: set[asyncio.Task[None]] = set()

    @property
    def ready_channels(self) -> int:
        """Unused channels made ahead for the next lookups."""
        return len(self._ready)

    @property
    def retiring(self) -> int:
        """Used channels still being closed and replaced."""
        return len(self._retiring)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        channel = self._ready.pop() if self._ready else self._new_channel()
        try:
            return await channel.resolve(host, port, family)
        finally:
            # Runs after this lookup's span ends: drop the used channel, make the next.
            task = asyncio.get_running_loop().create_task(self._retire(channel))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    async def _retire(self, used: aiohttp.AsyncResolver) -> None:
        await used.close()
        if len(self._ready) < MAX_READY_CHANNELS:
            self._ready.append(self._new_channel())

    def _new_channel(self) -> aiohttp.AsyncResolver:
        return aiohttp.AsyncResolver(nameservers=self._nameservers)

    async def close(self) -> None:
        await asyncio.gather(*self._retiring)
        ready, self._ready = self._ready, []
        for channel in ready:
            await channel.close()


def dns_resolver(servers: Sequence[str]) -> AbstractResolver | None:
    """A resolver asking `servers` in turn, or None for the system's."""
    if not servers:
        return None
    addresses = [parse_dns_server(s) for s in servers]
    return FreshLookupResolver([f"[{a}]:{p}" if ":" in a else f"{a}:{p}" for a, p in addresses])
