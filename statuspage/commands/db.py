"""`statuspage db upgrade|current`: the database schema."""

from __future__ import annotations

import argparse
import asyncio

from statuspage.commands.common import Subparsers, load
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
    if args.action == "upgrade":
        asyncio.run(upgrade_database(settings.database_url))
    found = asyncio.run(current_revision(settings.database_url))
    print(f"database at revision {found or 'none'} (this version's head: {head_revision()})")
    return 0
