"""`statuspage status [--json]`: the probe workers, live and recently departed.

Each worker's region, how many components it probes (its share), how late its probes
started and when it last renewed its lease. Workers exist on PostgreSQL without a
static `--shard`; elsewhere the list is empty and says why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict

from probes.clock import system_clock
from statuspage.commands.common import Subparsers, load
from statuspage.commands.users import with_database
from statuspage.presentation.roster import HEADINGS, as_cells, live_by_region, roster_rows
from storage.database import Database
from storage.workers import roster


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "status",
        help="list the probe workers: region, share, lateness, last heartbeat",
        description="Lists every probe worker that renewed its lease in the last hour.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    return asyncio.run(with_database(settings, lambda db: _show(db, as_json=args.json)))


async def _show(db: Database, *, as_json: bool) -> int:
    rows = roster_rows(await roster(db), system_clock())
    if as_json:
        print(json.dumps({"workers": [asdict(r) for r in rows]}, indent=2))
        return 0
    if not rows:
        print("(no probe workers: they register on PostgreSQL, without a static --shard)")
        return 0
    for region, (workers, share) in sorted(live_by_region(rows).items()):
        print(f"region {region}: {workers} live worker(s) probing {share} component(s)")
    cells = [HEADINGS, *(as_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADINGS))]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    return 0
