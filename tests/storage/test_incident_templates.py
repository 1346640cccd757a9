"""Incident templates in storage: saved, replaced, deleted, each audited; names unique."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.audit import list_audit
from storage.components import sync_components
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.rules import IncidentError
from storage.incidents.templates import (
    TemplateInput,
    delete_template,
    get_template,
    list_templates,
    save_template,
)
from tests.storage.builders import T0, component

LATER = T0 + timedelta(minutes=5)
OUTAGE = TemplateInput("Outage", "API down", "We are *on it*.", {"api": "major_outage"})


async def test_a_template_is_saved_replaced_and_deleted_with_an_audit_entry_each(
    db: Database,
) -> None:
    await sync_components(db, [component("api")], T0)
    template_id = await save_template(db, OUTAGE, now=T0, actor="alice")
    changed = TemplateInput("Outage", "API slow", "Slow.", {"api": "degraded_performance"})
    assert await save_template(db, changed, now=LATER, actor="bob", template_id=template_id) == (
        template_id
    )
    stored = await get_template(db, template_id)
    assert (stored.title, stored.components, stored.created_at, stored.updated_at) == (
        "API slow", {"api": "degraded_performance"}, T0, LATER,
    )  # fmt: skip
    await delete_template(db, template_id, now=LATER, actor="bob")
    assert await list_templates(db) == []
    actions = [e.action for e in (await list_audit(db, offset=0, limit=5)).entries]
    assert actions == ["template.delete", "template.edit", "template.create"]


async def test_names_are_unique(db: Database) -> None:
    await sync_components(db, [component("api")], T0)
    await save_template(db, OUTAGE, now=T0, actor="alice")
    with pytest.raises(IncidentError) as refused:
        await save_template(db, OUTAGE, now=T0, actor="alice")
    assert refused.value.field == "template_name"


async def test_an_unknown_component_is_refused_by_its_field(db: Database) -> None:
    unknown = TemplateInput("Outage", "Down", "", {"nope": "major_outage"})
    with pytest.raises(IncidentError) as refused:
        await save_template(db, unknown, now=T0, actor="alice")
    assert refused.value.field == "components.nope"


async def test_a_missing_template_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await get_template(db, 42)
    with pytest.raises(NotFound):
        await save_template(db, OUTAGE, now=T0, actor="alice", template_id=42)
