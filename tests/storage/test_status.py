"""Status history: a row per change, read back as current statuses and intervals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storage.components import sync_components
from storage.database import Database
from storage.errors import NotFound
from storage.status import (
    StatusInterval,
    current_statuses,
    record_status_change,
    status_intervals,
)
from storage.tables.monitoring import StatusChange
from tests.storage.builders import T0, component

H = timedelta(hours=1)


async def change(db: Database, status: str, at_hours: float, source: str = "probe") -> bool:
    return await record_status_change(db, "api", status, at=T0 + at_hours * H, source=source)


async def test_a_first_status_is_recorded_with_no_old_status(db: Database) -> None:
    assert await change(db, "operational", 0)
    async with db.read() as session:
        row = (await session.exec(select(StatusChange))).one()
    assert (row.old_status, row.new_status, row.source, row.at) == (
        None,
        "operational",
        "probe",
        T0,
    )


async def test_the_same_status_again_writes_nothing(db: Database) -> None:
    await change(db, "operational", 0)
    assert not await change(db, "operational", 1)
    async with db.read() as session:
        assert len((await session.exec(select(StatusChange))).all()) == 1


async def test_a_different_status_is_recorded_with_the_previous_one(db: Database) -> None:
    await change(db, "operational", 0)
    assert await change(db, "major_outage", 1)
    async with db.read() as session:
        latest = (await session.exec(select(StatusChange).order_by(StatusChange.at.desc()))).first()  # type: ignore[attr-defined]
    assert latest is not None
    assert (latest.old_status, latest.new_status) == (
        "operational",
        "major_outage",
    )


async def test_current_statuses_has_none_for_a_component_without_history(db: Database) -> None:
    await sync_components(db, [component("api"), component("web")], T0)
    await change(db, "operational", 0)
    await change(db, "partial_outage", 1)
    assert await current_statuses(db) == {"api": "partial_outage", "web": None}


async def test_a_manual_component_is_operational_until_an_operator_says_otherwise(
    db: Database,
) -> None:
    await sync_components(db, [component("api"), component("desk", probed=False)], T0)
    assert await current_statuses(db) == {"api": None, "desk": "operational"}


async def test_current_statuses_leaves_out_archived_components(db: Database) -> None:
    await change(db, "operational", 0)
    await sync_components(db, [component("web")], T0 + H)
    assert await current_statuses(db) == {"web": None}


async def test_intervals_are_clipped_to_the_asked_range(db: Database) -> None:
    await change(db, "operational", 0)
    await change(db, "under_maintenance", 2, source="maintenance")
    await change(db, "operational", 3, source="maintenance")
    found = await status_intervals(db, "api", T0 + H, T0 + 4 * H)
    assert found == [
        StatusInterval("operational", T0 + H, T0 + 2 * H, "probe", None),
        StatusInterval("under_maintenance", T0 + 2 * H, T0 + 3 * H, "maintenance", None),
        StatusInterval("operational", T0 + 3 * H, T0 + 4 * H, "maintenance", None),
    ]


async def test_time_before_the_first_change_has_no_interval(db: Database) -> None:
    await change(db, "degraded_performance", 2)
    found = await status_intervals(db, "api", T0, T0 + 3 * H)
    assert [(i.status, i.start) for i in found] == [("degraded_performance", T0 + 2 * H)]


async def test_an_unknown_status_or_source_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="down"):
        await change(db, "down", 0)
    with pytest.raises(ValueError, match="robot"):
        await change(db, "operational", 0, source="robot")


async def test_an_unknown_component_is_refused(db: Database) -> None:
    with pytest.raises(NotFound, match="nope"):
        await record_status_change(db, "nope", "operational", at=T0, source="manual")


async def test_a_component_without_history_has_no_intervals(db: Database) -> None:
    assert await status_intervals(db, "api", T0, T0 + H) == []


def test_not_found_is_not_a_lookup_error() -> None:
    # A KeyError from a bug in a handler must not be answered as a 404.
    assert not issubclass(NotFound, LookupError)
