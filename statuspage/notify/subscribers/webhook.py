"""Webhooks of subscribers: Statuspage-shaped JSON, and a guard on where it may go.

The bodies follow Atlassian Statuspage's subscriber webhooks, so receivers written
for it work: `{"meta", "page", "incident"}` for an incident or maintenance update
(the update in `incident.incident_updates`), and `{"meta", "page",
"component_update", "component"}` for each component whose status it changed.
`meta.unsubscribe` is the subscriber's own way out.

A subscriber typed the URL, so unless the operator allows private addresses, the
request may only reach public ones (`rules/subscriber_addresses.py`): an address in
the URL is judged as written, a name is resolved and refused if any of its
addresses is private, and the connection itself goes through a resolver that drops
private addresses, so a name that changes its answer between the check and the
connection (DNS rebinding) still cannot reach one. Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from statuspage.notify.channels.base import DeliveryError
from statuspage.notify.subscribers.notice import Notice
from statuspage.rules.subscriber_addresses import (
    connection_host,
    is_public,
    parsed_address,
    url_problem,
)


class PublicOnlyResolver(AbstractResolver):
    """Resolves names to their public addresses only; none left is a failure."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        public = [r for r in found if _public_text(r["host"])]
        if not public:
            raise OSError(f"{host} has no public address")
        return public

    async def close(self) -> None:
        await self._inner.close()


def _public_text(host: str) -> bool:
    address = parsed_address(host)
    return address is not None and is_public(address)


def open_guarded_http() -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=20, limit_per_host=2, resolver=PublicOnlyResolver())
    return aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": "statuspage-subscriber-webhooks"}
    )


async def check_destination(url: str) -> None:
    """DeliveryError (permanent) unless every address `url` leads to is public."""
    if problem := url_problem(url):
        raise DeliveryError(f"the webhook's URL {problem}", permanent=True)
    # The host aiohttp will connect to, not urlsplit's: an IDNA spelling that yarl
    # reads as an IP address connects to it without asking the resolver.
    host = connection_host(url) or ""
    literal = parsed_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError as error:
            raise DeliveryError(f"cannot resolve the webhook's host: {error.strerror}") from None
        addresses = [a for a in (parsed_address(str(i[4][0])) for i in infos) if a is not None]
    if not addresses or not all(is_public(a) for a in addresses):
        raise DeliveryError(
            "the webhook's host is not a public address (loopback, private, link-local "
            "and the like are refused for subscribers)",
            permanent=True,
        )


def statuspage_body(
    notice: Notice, *, site: str, site_url: str, unsubscribe_url: str, incident_url: str | None
) -> dict[str, Any]:
    meta = {"unsubscribe": unsubscribe_url, "documentation": f"{site_url}/subscribe"}
    page = {"id": site_url, "name": site, "url": site_url}
    change = notice.payload.get("component_change")
    if isinstance(change, dict):
        return {"meta": meta, "page": page, **_component(change, notice)}
    return {"meta": meta, "page": page, "incident": _incident(notice, incident_url)}


def _incident(notice: Notice, incident_url: str | None) -> dict[str, Any]:
    incident = dict(notice.incident)
    update = notice.update
    updates = []
    if update is not None:
        updates.append(
            {
                "id": update.get("id"),
                "status": update.get("status"),
                "body": update.get("body"),
                "display_at": update.get("display_at"),
                "created_at": update.get("display_at"),
                "affected_components": update.get("changes") or [],
            }
        )
    return {
        **incident,
        "shortlink": incident_url,
        "components": notice.payload.get("components") or [],
        "incident_updates": updates,
    }


def _component(change: dict[str, Any], notice: Notice) -> dict[str, Any]:
    at = (notice.update or {}).get("display_at")
    return {
        "component_update": {
            "created_at": at,
            "old_status": change.get("old_status"),
            "new_status": change.get("new_status"),
            "component_id": change.get("code"),
        },
        "component": {
            "id": change.get("code"),
            "name": change.get("name"),
            "status": change.get("new_status"),
            "updated_at": at,
        },
    }
