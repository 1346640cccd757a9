"""Whether each probed component's results still arrive, and the statuses pages show.

The status evaluator decides staleness (`statuspage.rules.status.is_stale`) and
records its edges here; pages, the API and badges read `shown_statuses`, in which a
stale component reads `NO_RECENT_DATA` instead of its last status, unless a person
(an operator or a maintenance window) holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.database import Database
from storage.status import StatusRow, status_rows
from storage.tables.freshness import ComponentFreshness

NO_RECENT_DATA = "no_recent_data"  # never stored as a status: shown in place of one


@dataclass(frozen=True, slots=True)
class Staleness:
    stale_since: datetime | None  # None: results arrive
    last_result_at: datetime | None


async def stale_components(db: Database) -> dict[str, Staleness]:
    """Components whose results stopped arriving, with since when."""
    async with db.read() as session:
        rows = await session.exec(
            select(ComponentFreshness).where(col(ComponentFreshness.stale_since).is_not(None))
        )
        return {r.component_id: Staleness(r.stale_since, r.last_result_at) for r in rows.all()}


async def record_staleness(
    db: Database, changes: Mapping[str, Staleness], *, now: datetime
) -> None:
    """Write each component's new state in one transaction (a page write: it moves
    the version and, through `changed_at`, the data stamp)."""
    if not changes:
        return
    async with db.write() as session:
        for component_id, state in changes.items():
            row = await session.get(ComponentFreshness, component_id)
            if row is None:
                row = ComponentFreshness(component_id=component_id, changed_at=now)
            row.stale_since = state.stale_since
            row.last_result_at = state.last_result_at
            row.changed_at = now
            session.add(row)


@dataclass(frozen=True, slots=True)
class ShownStatus:
    """One component's status as shown, with what it stands in for."""

    shown: str | None  # what pages show: `NO_RECENT_DATA` for a silent one no person holds
    recorded: str | None  # the latest status in its history (None: none yet)
    staleness: Staleness | None  # set while its results do not arrive


async def shown_components(db: Database) -> dict[str, ShownStatus]:
    """Every component `current_statuses` knows: what is shown, what is recorded, and
    whether (since when) its results stopped arriving. One query."""
    return {
        cid: ShownStatus(
            _shown(row),
            row.status,
            None if row.stale_since is None else Staleness(row.stale_since, row.last_result_at),
        )
        for cid, row in (await status_rows(db)).items()
    }


async def shown_statuses(db: Database) -> dict[str, str | None]:
    """`current_statuses`, with stale components reading `NO_RECENT_DATA`."""
    return {cid: _shown(row) for cid, row in (await status_rows(db)).items()}


def _shown(row: StatusRow) -> str | None:
    return NO_RECENT_DATA if row.stale_since is not None and not row.held_by_person else row.status


async def freshness_changed_at(db: Database) -> dict[str, datetime]:
    """When each component last went silent or heard again: a change of what it shows."""
    async with db.read() as session:
        rows = await session.exec(select(ComponentFreshness))
        return {r.component_id: r.changed_at for r in rows.all()}
