"""The simulated application pushing figures it works out itself over the write API.

Assessment completion by tier is not a counter an exposition could carry: the
application computes it and posts it (`POST /api/admin/metrics/{id}/data` with an API
token, docs/metrics.md), as a real one would. `statuspage demo` runs `push_forever`
with a token it makes for the purpose, so the demo shows the push path with live data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp

from statuspage.simulated_app import COMPLETION_BY_TIER, SimulatedMetrics

log = logging.getLogger(__name__)

PUSH_TIMEOUT_S = 5.0


def completion_metric(tier: str) -> str:
    return f"assessment-completion-{tier}"


async def push_completion(
    client: aiohttp.ClientSession,
    base_url: str,
    token: str,
    metrics: SimulatedMetrics,
    at: datetime,
) -> None:
    """One point per tier at `at`; raises `aiohttp.ClientError` if one is refused."""
    for tier in COMPLETION_BY_TIER:
        point = {"at": at.isoformat(), "value": metrics.completion_percent(tier)}
        async with client.post(
            f"{base_url}/api/admin/metrics/{completion_metric(tier)}/data",
            json={"points": [point]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT_S),
        ) as response:
            response.raise_for_status()


async def push_forever(
    base_url: str,
    token: str,
    metrics: SimulatedMetrics,
    clock: Callable[[], datetime],
    interval_s: float,
) -> None:
    """Push every `interval_s` until cancelled; a refused or failed push is logged and
    the next one tried (the status page may still be starting)."""
    async with aiohttp.ClientSession() as client:
        while True:
            try:
                await push_completion(client, base_url, token, metrics, clock())
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("the simulated application could not push: %s", exc)
            await asyncio.sleep(interval_s)
