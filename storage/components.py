"""Keep the components table in step with configuration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.database import Database
from storage.tables.monitoring import Component


@dataclass(frozen=True, slots=True)
class ComponentDefinition:
    """A component as configuration describes it; `id` is its stable slug."""

    id: str
    name: str
    group: str | None = None
    position: int = 0
    description: str | None = None
    sla_ms: float | None = None
    probed: bool = False

    def fields(self) -> dict[str, object]:
        return {
            "name": self.name,
            "group_name": self.group,
            "position": self.position,
            "description": self.description,
            "sla_ms": self.sla_ms,
            "probed": self.probed,
        }


async def sync_components(db: Database, defs: Sequence[ComponentDefinition], now: datetime) -> None:
    """Insert new components, update changed ones, archive those no longer configured
    and bring back archived ones that return. Rows are never deleted: their history
    and results stay attached to the slug."""
    _check_unique(defs)
    async with db.write() as session:
        existing = {c.id: c for c in (await session.exec(select(Component))).all()}
        for definition in defs:
            component = existing.get(definition.id)
            if component is None:
                session.add(_new_component(definition, now))
            else:
                _update(component, definition, now)
        configured = {d.id for d in defs}
        for component in existing.values():
            if component.id not in configured and component.archived_at is None:
                component.archived_at = component.updated_at = now


async def list_components(db: Database, *, include_archived: bool = False) -> list[Component]:
    """Components in display order (group, position, id)."""
    query = select(Component).order_by(
        col(Component.group_name), col(Component.position), col(Component.id)
    )
    if not include_archived:
        query = query.where(col(Component.archived_at).is_(None))
    async with db.read() as session:
        return list((await session.exec(query)).all())


def _new_component(definition: ComponentDefinition, now: datetime) -> Component:
    return Component.model_validate(
        {"id": definition.id, "created_at": now, "updated_at": now, **definition.fields()}
    )


def _update(component: Component, definition: ComponentDefinition, now: datetime) -> None:
    changed = component.archived_at is not None
    component.archived_at = None
    for name, value in definition.fields().items():
        if getattr(component, name) != value:
            setattr(component, name, value)
            changed = True
    if changed:
        component.updated_at = now


def _check_unique(defs: Sequence[ComponentDefinition]) -> None:
    seen: set[str] = set()
    for definition in defs:
        if definition.id in seen:
            raise ValueError(f"component id {definition.id!r} is configured twice")
        seen.add(definition.id)
