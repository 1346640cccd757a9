"""sync_components keeps the table in step with configuration, and never deletes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.components import list_components, sync_components
from storage.database import Database
from tests.storage.builders import T0, component

LATER = T0 + timedelta(hours=1)


async def test_new_components_are_inserted_with_their_configuration(db: Database) -> None:
    web = component("web", group="Frontend", position=2, description="Site", sla_ms=800.0)
    await sync_components(db, [component("api"), web], LATER)
    found = {c.id: c for c in await list_components(db)}
    assert (found["web"].group_name, found["web"].position, found["web"].sla_ms) == (
        "Frontend",
        2,
        800.0,
    )
    assert found["web"].created_at == found["web"].updated_at == LATER


async def test_a_changed_component_is_updated_and_its_updated_at_moves(db: Database) -> None:
    await sync_components(db, [component("api", name="Public API")], LATER)
    (api,) = await list_components(db)
    assert (api.name, api.created_at, api.updated_at) == ("Public API", T0, LATER)


async def test_an_unchanged_component_keeps_its_updated_at(db: Database) -> None:
    await sync_components(db, [component("api")], LATER)
    (api,) = await list_components(db)
    assert api.updated_at == T0


async def test_a_component_removed_from_config_is_archived_not_deleted(db: Database) -> None:
    await sync_components(db, [component("web")], LATER)
    assert [c.id for c in await list_components(db)] == ["web"]
    archived = {c.id: c for c in await list_components(db, include_archived=True)}
    assert archived["api"].archived_at == LATER


async def test_a_returning_component_is_brought_back(db: Database) -> None:
    await sync_components(db, [], LATER)
    await sync_components(db, [component("api")], LATER + timedelta(hours=1))
    (api,) = await list_components(db)
    assert (api.archived_at, api.updated_at) == (None, LATER + timedelta(hours=1))


async def test_a_manual_component_has_no_sla(db: Database) -> None:
    await sync_components(
        db, [component("api"), component("support", sla_ms=None, probed=False)], LATER
    )
    support = next(c for c in await list_components(db) if c.id == "support")
    assert (support.sla_ms, support.probed) == (None, False)


async def test_the_same_id_twice_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="'api' is configured twice"):
        await sync_components(db, [component("api"), component("api")], LATER)
