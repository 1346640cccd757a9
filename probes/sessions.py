"""The pair of client sessions a caller that runs many checks holds.

aiohttp cannot choose per request whether to keep a connection alive, so checks that
open a new connection each time and checks that reuse one need a session each; both
share one resolver (`probes.resolver`). The scheduler's runner and `check_all` both
hold one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver

from probes.http import make_client_session
from probes.model import CheckSpec
from probes.resolver import dns_resolver


@dataclass(frozen=True, slots=True)
class ProbeSessions:
    fresh: aiohttp.ClientSession
    kept: aiohttp.ClientSession
    resolver: AbstractResolver | None = None  # shared by both; None: the system's

    @classmethod
    def open(
        cls, dns_servers: Sequence[str] = (), *, concurrency: int = 0, per_host: int = 0
    ) -> ProbeSessions:
        """Both sessions, capped at `concurrency` connections in all and `per_host` to one
        host (0, the default: no cap, for a caller whose own limits are the caps), looking
        names up on `dns_servers` if any. Call it from a running event loop."""
        resolver = dns_resolver(dns_servers)

        def session(keep_alive: bool) -> aiohttp.ClientSession:
            return make_client_session(
                concurrency=concurrency, per_host=per_host, keep_alive=keep_alive, resolver=resolver
            )

        return cls(fresh=session(False), kept=session(True), resolver=resolver)

    def for_check(self, spec: CheckSpec) -> aiohttp.ClientSession:
        return self.kept if spec.reuse_connections else self.fresh

    async def close(self) -> None:
        await self.fresh.close()
        await self.kept.close()
        if self.resolver is not None:
            await self.resolver.close()
