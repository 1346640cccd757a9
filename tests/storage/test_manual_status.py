"""An operator's status for a component, without an incident: history, hold, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.audit import list_audit
from storage.components import sync_components
from storage.database import Database
from storage.errors import NotFound
from storage.manual_status import set_component_status
from storage.status import record_status_change, statuses_in_force
from tests.storage.builders import T0, component

LATER = T0 + timedelta(minutes=5)


async def test_it_records_a_manual_change_and_audits_it(db: Database) -> None:
    await sync_components(db, [component("api")], T0)
    await record_status_change(db, "api", "operational", at=T0, source="probe")
    assert await set_component_status(
        db, "api", "major_outage", now=LATER, actor="alice", reason="Queue stuck"
    )
    held = (await statuses_in_force(db))["api"]
    assert (held.status, held.source, held.at) == ("major_outage", "manual", LATER)
    (entry, *_) = (await list_audit(db, offset=0, limit=5)).entries
    assert (entry.actor, entry.action, entry.target) == (
        "alice",
        "component.status",
        "component:api",
    )
    assert entry.before == {"status": "operational"}
    assert entry.after == {"status": "major_outage", "reason": "Queue stuck"}


async def test_the_same_status_again_writes_and_audits_nothing(db: Database) -> None:
    await sync_components(db, [component("api")], T0)
    await set_component_status(db, "api", "partial_outage", now=T0, actor="alice")
    assert not await set_component_status(db, "api", "partial_outage", now=LATER, actor="bob")
    assert [e.actor for e in (await list_audit(db, offset=0, limit=5)).entries] == ["alice"]


async def test_an_archived_or_unknown_component_is_not_found(db: Database) -> None:
    await sync_components(db, [component("api")], T0)
    await sync_components(db, [], LATER)
    for name in ("api", "nope"):
        with pytest.raises(NotFound):
            await set_component_status(db, name, "major_outage", now=LATER, actor="alice")


async def test_an_unknown_status_is_a_value_error(db: Database) -> None:
    await sync_components(db, [component("api")], T0)
    with pytest.raises(ValueError, match="on_fire"):
        await set_component_status(db, "api", "on_fire", now=LATER, actor="alice")
