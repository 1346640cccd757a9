"""Sign-in throttling: a growing wait after repeated failures, which decays on its own.

Failures are read back from the `sign_in_failures` table, so the limit holds
across processes and restarts. Two keys are limited separately:

- per client address: 5 failures free within 15 minutes, then each further
  attempt must wait 1 s, 2 s, 4 s ... (doubling) after the latest failure, at
  most 5 minutes;
- per user name: 10 failures free, then the same doubling, at most 5 minutes.
  A browser that has signed in as that user before (it holds a device cookie,
  see `statuspage.admin.devices`) is exempt from this key, so someone guessing
  at the admin's name cannot keep the admin out.

A failure stops counting 15 minutes after it happened, so however long an
attack went on, the limit is gone 15 minutes after it stops and never blocks
for more than 5 minutes at a time. An attempt made while waiting is answered
429 with Retry-After and not checked, so it neither counts nor costs a hash.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.audit import RecentFailures

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Backoff:
    free_failures: int
    first_wait_s: float
    max_wait_s: float

    def wait_s(self, failures: Sequence[datetime], now: datetime) -> float:
        """Seconds until the next attempt may be checked; 0: now. `failures` are
        those inside the window, in any order."""
        excess = len(failures) - self.free_failures
        if excess < 0:
            return 0.0
        wait = min(self.first_wait_s * 2.0**excess, self.max_wait_s)
        return max(0.0, (max(failures) - now).total_seconds() + wait)


BY_ADDRESS = Backoff(free_failures=5, first_wait_s=1.0, max_wait_s=300.0)
BY_USER_NAME = Backoff(free_failures=10, first_wait_s=1.0, max_wait_s=300.0)


def retry_after_s(recent: RecentFailures, now: datetime, *, trusted_device: bool) -> int:
    """Whole seconds to wait (for Retry-After), 0 when the attempt may go ahead."""
    waits = [BY_ADDRESS.wait_s(recent.by_address, now)]
    if not trusted_device:
        waits.append(BY_USER_NAME.wait_s(recent.by_user_name, now))
    return math.ceil(max(waits))


@dataclass(slots=True)
class InFlight:
    """Keys with a password check running. Failures are only recorded once a check
    ends, so without this a burst of parallel attempts would all pass the limit."""

    _keys: set[str] = field(default_factory=set)

    @contextlib.contextmanager
    def claim(self, *keys: str) -> Iterator[bool]:
        """Yields False (and claims nothing) when any key is already being checked."""
        if any(key in self._keys for key in keys):
            yield False
            return
        self._keys.update(keys)
        try:
            yield True
        finally:
            self._keys.difference_update(keys)


@dataclass(slots=True)
class RecordingCap:
    """At most `per_minute` refused API tokens recorded a minute by this process.

    Bad tokens are not throttled (a 401 costs nothing to answer), so without a cap
    a flood of them would be a flood of inserts. The `bad-tokens` rule fires at 20
    in 5 minutes: a cap far above that never hides an attack from it."""

    per_minute: int = 600
    _minute: datetime | None = None
    _count: int = 0

    def admit(self, now: datetime) -> bool:
        minute = now.replace(second=0, microsecond=0)
        if minute != self._minute:
            self._minute, self._count = minute, 0
        self._count += 1
        return self._count <= self.per_minute
