"""A DNS server on 127.0.0.1 for tests: real UDP lookups, answers chosen per name.

Enough of RFC 1035 for the questions c-ares asks (one question, A or AAAA, with or
without an EDNS record): an A record for a known name, no records of other types for
it, NXDOMAIN for an unknown name, SERVFAIL or silence for names the test picks.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field
from types import TracebackType
from typing import cast

TYPE_A = 1
NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3
_HEADER = struct.Struct(">HHHHHH")  # id, flags, questions, answers, authority, additional


@dataclass
class Zone:
    addresses: dict[str, str] = field(default_factory=dict)  # name -> IPv4 address
    failing: set[str] = field(default_factory=set)  # answered with SERVFAIL
    silent: set[str] = field(default_factory=set)  # never answered


class LoopbackDNS(asyncio.DatagramProtocol):
    def __init__(self, zone: Zone, host: str = "127.0.0.1") -> None:
        self.zone = zone
        self.host = host
        self.queries: list[tuple[str, int]] = []  # (name, type), in arrival order
        self._transport: asyncio.DatagramTransport | None = None

    @property
    def server(self) -> str:
        """'127.0.0.1:PORT' (or '[::1]:PORT'), as `[probes] dns_servers` takes it."""
        assert self._transport is not None
        host, port = self._transport.get_extra_info("sockname")[:2]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    async def __aenter__(self) -> LoopbackDNS:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, 0))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._transport is not None:
            self._transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # The selector loop's datagram transport does not subclass DatagramTransport.
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        name, qtype, question = _question(data)
        self.queries.append((name, qtype))
        if name in self.zone.silent or self._transport is None:
            return
        self._transport.sendto(self._answer(data[:2], name, qtype, question), addr)

    def _answer(self, query_id: bytes, name: str, qtype: int, question: bytes) -> bytes:
        records = b""
        if name in self.zone.failing:
            rcode = SERVFAIL
        elif name not in self.zone.addresses:
            rcode = NXDOMAIN
        else:
            rcode = NOERROR
            if qtype == TYPE_A:  # a pointer to the question's name, IN A, TTL 60
                address = bytes(int(part) for part in self.zone.addresses[name].split("."))
                records = b"\xc0\x0c" + struct.pack(">HHIH", TYPE_A, 1, 60, 4) + address
        flags = 0x8180 | rcode  # a response, recursion desired and available
        count = 1 if records else 0
        header = _HEADER.pack(int.from_bytes(query_id, "big"), flags, 1, count, 0, 0)
        return header + question + records


def _question(data: bytes) -> tuple[str, int, bytes]:
    """(name, type, the question's bytes) of a query with one question."""
    at, labels = _HEADER.size, []
    while length := data[at]:
        labels.append(data[at + 1 : at + 1 + length].decode("ascii").lower())
        at += 1 + length
    end = at + 5  # the closing zero, then type and class
    (qtype,) = struct.unpack(">H", data[at + 1 : at + 3])
    return ".".join(labels), qtype, data[_HEADER.size : end]
