"""Incident templates: kept, changed and deleted by operators, each change audited in
its own transaction. Checked with the incident rules, so a template never holds what
the new-incident form would refuse (apart from components removed since)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import add_audit_in, snapshot
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.rules import (
    IncidentError,
    check_component_statuses,
    check_text,
    is_blank,
    storable,
)
from storage.incidents.writes import known_components
from storage.tables.templates import MAX_TEMPLATE_NAME, IncidentTemplate
from storage.vocabulary import ComponentStatus

AUDITED = ("name", "title", "body", "components")


@dataclass(frozen=True, slots=True)
class TemplateInput:
    name: str
    title: str
    body: str
    components: Mapping[str, str] = field(default_factory=dict)  # id -> status


def check_template(template: TemplateInput) -> None:
    """Refuses what the new-incident form would refuse; the title is `title`."""
    if is_blank(template.name):
        raise IncidentError("template_name", "a name is required")
    if len(template.name) > MAX_TEMPLATE_NAME:
        raise IncidentError("template_name", f"at most {MAX_TEMPLATE_NAME} characters")
    try:
        check_text(template.title, template.body)
    except IncidentError as refused:
        raise IncidentError("title" if refused.field == "name" else refused.field,
                            refused.message) from None  # fmt: skip
    check_component_statuses(template.components)
    for component_id, status in template.components.items():
        if status == ComponentStatus.OPERATIONAL:
            raise IncidentError(f"components.{component_id}", "name only the components it affects")


async def list_templates(db: Database) -> list[IncidentTemplate]:
    async with db.read() as session:
        query = select(IncidentTemplate).order_by(col(IncidentTemplate.name))
        return list((await session.exec(query)).all())


async def get_template(db: Database, template_id: int) -> IncidentTemplate:
    async with db.read() as session:
        found = await session.get(IncidentTemplate, template_id)
    if found is None:
        raise NotFound(f"no template {template_id}")
    return found


async def save_template(
    db: Database,
    template: TemplateInput,
    *,
    now: datetime,
    actor: str,
    template_id: int | None = None,
) -> int:
    """Create a template (`template_id` None) or replace one; its id."""
    check_template(template)
    try:
        async with db.write() as session:
            await known_components(session, list(template.components))
            return await _save_in(session, template, now, actor, template_id)
    except IntegrityError:
        raise IncidentError("template_name", "another template has this name") from None


async def _save_in(
    session: AsyncSession,
    template: TemplateInput,
    now: datetime,
    actor: str,
    template_id: int | None,
) -> int:
    row = None if template_id is None else await session.get(IncidentTemplate, template_id)
    if template_id is not None and row is None:
        raise NotFound(f"no template {template_id}")
    before = None if row is None else snapshot(row, AUDITED)
    if row is None:
        row = IncidentTemplate(name="", title="", body="", created_at=now, updated_at=now)
    row.name, row.title = storable(template.name.strip()), storable(template.title)
    row.body, row.components = storable(template.body), dict(template.components)
    row.updated_at = now
    session.add(row)
    await session.flush()
    assert row.id is not None
    add_audit_in(
        session, actor=actor, action="template.create" if before is None else "template.edit",
        target=f"template:{row.id}", at=now, before=before, after=snapshot(row, AUDITED),
    )  # fmt: skip
    return row.id


async def delete_template(db: Database, template_id: int, *, now: datetime, actor: str) -> None:
    async with db.write() as session:
        row = await session.get(IncidentTemplate, template_id)
        if row is None:
            raise NotFound(f"no template {template_id}")
        before = snapshot(row, AUDITED)
        await session.delete(row)
        add_audit_in(session, actor=actor, action="template.delete",
                     target=f"template:{template_id}", at=now, before=before)  # fmt: skip
