"""Bring the database to where this process can use it, before anything else runs."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from probes.clock import Clock
from statuspage.config import Settings
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.migrate import current_revision, head_revision, upgrade_database


class StartupError(Exception):
    """The process cannot start; the message says what the operator should do."""


def component_definitions(settings: Settings) -> list[ComponentDefinition]:
    return [
        ComponentDefinition(
            id=c.id,
            name=c.name,
            group=c.group,
            position=c.position,
            description=c.description,
            sla_ms=c.check.sla_ms if c.check else None,
            probed=c.probed,
        )
        for c in settings.components
    ]


async def prepare_database(
    db: Database, settings: Settings, *, upgrade: bool, clock: Clock
) -> None:
    """Upgrade the schema (or check it is current) and make components match the config."""
    if upgrade:
        await upgrade_database(settings.database_url)
    else:
        found, wanted = await current_revision(settings.database_url), head_revision()
        if found != wanted:
            raise StartupError(
                f"the database schema is at revision {found or 'none'}, this version needs "
                f"{wanted}: run `statuspage db upgrade --config {settings.source}` first"
            )
    await sync_configured_components(db, settings, clock)


async def sync_configured_components(db: Database, settings: Settings, clock: Clock) -> None:
    definitions = component_definitions(settings)
    try:
        await sync_components(db, definitions, clock())
    except IntegrityError:
        # Another process inserted the same new component a moment ago; now it exists.
        await sync_components(db, definitions, clock())
