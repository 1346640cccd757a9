"""Recording when an API token was last used: best-effort, never the request's fate.

"Last used" is for people reading the token list. A database that cannot take
that write (a full disk, a read-only file, a lock held elsewhere) must not
turn a write-API GET, which only needs to read, into an error: the request
goes on. The failure is logged once, when recording starts failing, and once
more when it works again, not once per request; while it fails, a write is
tried again at most once per `LAST_USED_RESOLUTION`, so a database that makes
each attempt wait (a lock, a silent server) costs one request that wait, not
every request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from statuspage.http.data_stamp import DATABASE_ERRORS
from storage.accounts.tokens import LAST_USED_RESOLUTION, TokenView, record_token_use
from storage.database import Database
from storage.failures import diagnose

log = logging.getLogger("statuspage.admin")


@dataclass(slots=True)
class TokenUse:
    """One per process (`AdminState.token_use`)."""

    failed_at: datetime | None = None  # the latest failed attempt, while failing

    async def record(self, db: Database, token: TokenView, *, now: datetime, url: str) -> None:
        """Record `token`'s use at `now` if the database takes it; `url` names the
        database in the log line."""
        if self.failed_at is not None and now - self.failed_at < LAST_USED_RESOLUTION:
            return
        try:
            wrote = await record_token_use(db, token, now=now)
        except DATABASE_ERRORS as failure:
            if self.failed_at is None:
                reason = diagnose(failure, url) or f"{type(failure).__name__}: {failure}"
                log.warning(
                    "cannot record when API tokens were last used; requests go on",
                    extra={"fields": {"event": "token_use_not_recorded", "reason": str(reason)}},
                )
            self.failed_at = now
            return
        if wrote and self.failed_at is not None:
            self.failed_at = None
            log.info(
                "recording when API tokens were last used works again",
                extra={"fields": {"event": "token_use_recorded_again"}},
            )
