"""Is the cached page still current? The data stamp, asked of the database at most once a second.

A change committed in this process moves `Database.version` and is seen on the next
request. A change made by another process (a probe worker, a second web
process, the admin of another replica) is seen through `storage.queries.latest.data_stamp`,
which every web process reads at most once per `interval_s`, in the background:
a thousand requests a second cost one cheap query, not a thousand, and none
of them waits for it. So another process's change shows within about
`interval_s` plus one query. (With `interval_s = 0` every request reads and
waits: always current, for tests and the strictest operators.)

When that query fails, the database is taken to be away until the next
successful read: requests get the last good render straight away instead of
each waiting on a connection that will not come. A read that neither answers nor
fails (a frozen disk blocks SQLite's thread in the kernel, and SQLAlchemy runs a
session's close to completion even when its task is cancelled, so `timeout_s`
cannot end it) counts as failed once it has run `timeout_s` by the clock; it is
left to finish on its own, and no second read starts meanwhile.

No request waits on the database longer than `DATABASE_WAIT_S`: not here for the
stamp, nor in `statuspage.http.serving` for a render.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import SQLAlchemyError

from storage.queries.latest import DataStamp

log = logging.getLogger("statuspage.web")

# What "the database is away" looks like: driver and pool errors, refused or
# reset connections, and our own deadline on a render.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, TimeoutError)
# The longest a request waits on the database (for the stamp or a render) before it is
# answered from the page cache, or with 503 when the page was never rendered. A
# frozen disk or a silent server holds a read for ever; the page must not hang with it.
DATABASE_WAIT_S = 2.0
FIRST_RENDER_WAIT_S = 10.0  # when there is no last good copy to answer with


class DataUnavailable(Exception):
    """Storage cannot be read right now; serve what was rendered before."""


class StampWatcher:
    def __init__(
        self,
        read: Callable[[], Awaitable[DataStamp]],
        *,
        interval_s: float = 1.0,
        timeout_s: float = 5.0,
        wait_s: float = DATABASE_WAIT_S,
        first_wait_s: float = FIRST_RENDER_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = interval_s
        self.timeout_s = timeout_s  # a read running this long means the database is away
        self.wait_s = wait_s  # the longest a request waits for a read
        # ... before the first stamp: nothing can have been rendered yet, so there is
        # no copy to answer with, only a 503 (as `FIRST_RENDER_WAIT_S` for a render).
        self.first_wait_s = first_wait_s
        self._read = read
        self._clock = clock
        self._stamp: DataStamp | None = None
        self._checked_at = -float("inf")
        self._failing = False
        self._refresh: asyncio.Task[None] | None = None

    async def stamp(self) -> DataStamp:
        """The stamp as last read; raises DataUnavailable while the database is failing.

        A read older than `interval_s` starts a new one in the background and the
        request goes on with the stamp it has: under load the query waits its turn
        on a busy event loop, and no request should wait with it. The first
        request (no stamp yet) waits for the read, at most `first_wait_s`, and so
        does every request when `interval_s` is 0, which asks for a stamp that is
        never behind, at most `wait_s`.
        """
        if self._refresh is None and self._clock() - self._checked_at >= self.interval_s:
            self._checked_at = self._clock()
            self._refresh = asyncio.ensure_future(self._read_stamp())
            self._refresh.add_done_callback(self._forget_refresh)
        elif self._refresh is not None and self._clock() - self._checked_at >= self.timeout_s:
            self._note_failure(TimeoutError(f"no data stamp after {self.timeout_s} s"))
        must_wait = self._stamp is None or self.interval_s <= 0
        if must_wait and self._refresh is not None:
            # asyncio.wait leaves the read running when it gives up, and a client
            # that disconnects does not cancel it for the others.
            limit = self.first_wait_s if self._stamp is None else self.wait_s
            done, _ = await asyncio.wait({self._refresh}, timeout=limit)
            if not done:
                raise DataUnavailable
        if self._failing or self._stamp is None:
            raise DataUnavailable
        return self._stamp

    @property
    def reading(self) -> bool:
        """A read of the stamp is under way (or stuck)."""
        return self._refresh is not None

    def failed(self, error: BaseException) -> None:
        """A render hit a database error: treat storage as away until the next check."""
        self._checked_at = self._clock()
        self._note_failure(error)

    async def _read_stamp(self) -> None:
        try:
            async with asyncio.timeout(self.timeout_s):
                stamp = await self._read()
        except DATABASE_ERRORS as error:
            self._note_failure(error)
            return
        if self._failing:
            log.warning("database reachable again: pages show live data")
        self._failing = False
        # Keep the old tuple when equal, so cache lookups compare by identity first.
        if stamp != self._stamp:
            self._stamp = stamp

    def _forget_refresh(self, done: asyncio.Task[None]) -> None:
        self._refresh = None

    def _note_failure(self, error: BaseException) -> None:
        if not self._failing:
            # Once per outage: every request meanwhile is served the last good render.
            log.error(
                "database unavailable, serving the last good renders: %r", error, exc_info=error
            )
        self._failing = True
