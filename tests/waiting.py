"""Waiting on events instead of sleeping for a guessed time.

A test that sleeps 2 s and expects three runs passes on an idle machine and fails
on a busy one. These helpers wait for the thing itself, with a deadline far beyond
what it needs, so a slow machine only makes the test slower.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable

import pytest

GENEROUS_S = 30.0  # a deadline for things that take well under a second when idle
POLL_S = 0.02


async def eventually(
    condition: Callable[[], object],
    what: str,
    *,
    timeout_s: float = GENEROUS_S,
) -> None:
    """Return as soon as `condition()` (or what it awaits to) is true; fail the test
    naming `what` if it never is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() >= deadline:
            pytest.fail(f"gave up after {timeout_s:.0f} s waiting for {what}")
        await asyncio.sleep(POLL_S)


async def read_until(
    stream: asyncio.StreamReader, text: str, *, timeout_s: float = GENEROUS_S
) -> str:
    """Read lines from `stream` until one contains `text`; return everything read."""
    seen: list[str] = []
    try:
        async with asyncio.timeout(timeout_s):
            while line := (await stream.readline()).decode():
                seen.append(line)
                if text in line:
                    return "".join(seen)
    except TimeoutError:
        pass
    pytest.fail(f"{text!r} never appeared; read so far:\n{''.join(seen)}")
