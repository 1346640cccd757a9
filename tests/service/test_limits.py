"""ProbeLimits: the global cap, the per-host cap and the start rate, without a network."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from statuspage.service.runner import ProbeLimits


async def most_held_at_once(limits: ProbeLimits, urls: list[str]) -> dict[str, int]:
    """Hold a slot per URL for a moment, all at once; the most held together, by URL host."""
    held: dict[str, int] = {}
    most: dict[str, int] = {}

    async def hold(url: str) -> None:
        host = url.split("/")[2]
        async with limits.slot(url):
            held[host] = held.get(host, 0) + 1
            held["all"] = held.get("all", 0) + 1
            for key in (host, "all"):
                most[key] = max(most.get(key, 0), held[key])
            await asyncio.sleep(0.01)
            held[host] -= 1
            held["all"] -= 1

    await asyncio.gather(*(hold(url) for url in urls))
    return most


@pytest.mark.parametrize("per_host", [0, 3, 10])
async def test_no_more_than_the_global_cap_hold_slots_whatever_the_host_cap(
    per_host: int,
) -> None:
    limits = ProbeLimits(concurrency=3, rate_per_s=10_000, per_host=per_host)
    urls = [f"http://h{i % 4}.test/{i}" for i in range(20)]
    assert (await most_held_at_once(limits, urls))["all"] == 3


async def test_a_host_never_holds_more_than_its_cap_while_others_proceed() -> None:
    limits = ProbeLimits(concurrency=6, rate_per_s=10_000, per_host=2)
    urls = [f"http://{host}.test/{i}" for i in range(8) for host in ("a", "b")]
    most = await most_held_at_once(limits, urls)
    assert most["a.test"] == 2
    assert most["b.test"] == 2
    assert most["all"] == 4


async def test_starts_are_spaced_by_the_start_rate() -> None:
    limits = ProbeLimits(concurrency=10, rate_per_s=50, per_host=0)
    starts: list[float] = []

    async def start(i: int) -> None:
        async with limits.slot(f"http://a.test/{i}"):
            starts.append(time.monotonic())

    await asyncio.gather(*(start(i) for i in range(5)))
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # One start per 1/rate = 20 ms, never a burst; the margin is for the moment between
    # the limiter letting a start through and this test stamping it.
    assert min(gaps) >= 0.015
