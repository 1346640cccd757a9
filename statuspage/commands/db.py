"""`statuspage db upgrade|current`: the database schema."""

from __future__ import annotations

import argparse
import asyncio

from statuspage.commands.common import Subparsers, load
from statuspage.service.startup import database_timeouts, storage_errors_explained
from storage.migrate import current_revision, head_revision, upgrade_database


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "db",
        help="create or upgrade the database schema",
        description="Alembic migrations. `upgrade` never drops data; `run` upgrades on "
        "start-up, `probe` and `serve` refuse to start on an old schema.",
    )
    parser.add_argument("action", choices=["upgrade", "current"])


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    url, timeouts = settings.database_url, database_timeouts(settings)
    with storage_errors_explained(settings):
        if args.action == "upgrade":
            asyncio.run(upgrade_database(url, timeouts=timeouts))
        found = asyncio.run(current_revision(url, timeouts=timeouts))
    print(f"database at revision {found or 'none'} (this version's head: {head_revision()})")
    return 0
