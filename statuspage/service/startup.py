"""Bring the database to where this process can use it, before anything else runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from probes.clock import Clock
from statuspage.config import Settings
from statuspage.service.roles import Roles
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.engine import Timeouts
from storage.failures import diagnose
from storage.migrate import current_revision, head_revision, upgrade_database
from storage.writer_lock import DatabaseInUse, hold_writer_lock, lock_path


class StartupError(Exception):
    """The process cannot start; the message says what the operator should do."""


def database_timeouts(settings: Settings) -> Timeouts:
    storage = settings.file.storage
    return Timeouts(connect_s=storage.connect_timeout_s, statement_s=storage.statement_timeout_s)


def open_database(settings: Settings) -> Database:
    """The configured database, with the configured timeouts; nothing is opened yet."""
    return Database.from_url(settings.database_url, timeouts=database_timeouts(settings))


@contextlib.contextmanager
def storage_errors_explained(settings: Settings) -> Iterator[None]:
    """Turn a database failure into a StartupError that says what is wrong and what to
    do; anything else (a bug) passes through with its traceback."""
    try:
        yield
    except StartupError:
        raise
    except Exception as error:
        problem = diagnose(error, settings.database_url)
        if problem is None:
            raise
        raise StartupError(str(problem)) from error


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
    """Upgrade the schema (or check it is current), make components match the config,
    and from then on watch that the SQLite file stays the one opened (`clock` paces
    the checks: `storage.database_files`)."""
    with storage_errors_explained(settings):
        timeouts = database_timeouts(settings)
        if upgrade:
            await upgrade_database(settings.database_url, timeouts=timeouts)
        else:
            found = await current_revision(settings.database_url, timeouts=timeouts)
            wanted = head_revision()
            if found != wanted:
                raise StartupError(
                    f"the database schema is at revision {found or 'none'}, this version "
                    f"needs {wanted}: run `statuspage db upgrade --config {settings.source}` "
                    "first"
                )
        await sync_configured_components(db, settings, clock)
        db.watch_files(lambda: clock().timestamp())


async def sync_configured_components(db: Database, settings: Settings, clock: Clock) -> None:
    definitions = component_definitions(settings)
    try:
        await sync_components(db, definitions, clock())
    except IntegrityError:
        # Another process inserted the same new component a moment ago; now it exists.
        await sync_components(db, definitions, clock())


@contextlib.contextmanager
def sole_writer(db: Database, roles: Roles) -> Iterator[None]:
    """On SQLite, hold the file's writer lock while this process probes (storage.writer_lock);
    refuse to start when another process holds it. PostgreSQL takes any number."""
    database = db.engine.url.database
    if not (db.is_sqlite and roles.probes and database):
        yield
        return
    path = Path(database)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(hold_writer_lock(path))
        except DatabaseInUse as busy:
            raise StartupError(_in_use_message(busy)) from None
        except OSError as error:
            raise StartupError(
                f"cannot create the lock file {lock_path(path)} ({error.strerror}): the "
                "service's user must be able to write in the database's folder"
            ) from None
        yield


def _in_use_message(busy: DatabaseInUse) -> str:
    owner = f"pid {busy.owner_pid}" if busy.owner_pid is not None else "another process"
    return (
        f"{busy.database} is already used by another probing process ({owner}, which holds "
        f"{busy.lock}). On SQLite one process probes and writes results: stop that one, or "
        "run this one as `statuspage serve` (web only, it can share the file). Several "
        "probing processes (regions, shards) need PostgreSQL."
    )
