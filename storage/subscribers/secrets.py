"""Keys the site makes for itself on first use, shared by every process through the
database (`site_secrets`), so a signed link stays good across restarts and whichever
process checks it. Nobody has to configure them; whoever can read the database could
already do anything a key protects."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.tables.subscribers import SiteSecret

SUBSCRIBER_LINKS = "subscriber-links"


async def site_secret(db: Database, name: str, *, now: datetime) -> bytes:
    """The secret called `name`, made now if there is none yet. Two processes making
    it at once agree: the second insert fails and both read the first one's."""
    found = await _read(db, name)
    if found is not None:
        return found
    try:
        async with db.write(pages=False) as session:
            session.add(SiteSecret(name=name, value=secrets.token_urlsafe(48), created_at=now))
    except IntegrityError:
        pass
    made = await _read(db, name)
    assert made is not None
    return made


async def _read(db: Database, name: str) -> bytes | None:
    async with db.read() as session:
        row = await session.get(SiteSecret, name)
        return None if row is None else row.value.encode()
