"""`statuspage status [--json]`: the probe workers, live and recently departed.

Each worker's region, how many components it probes (its share), how late its probes
started, when it last renewed its lease and the metric sources of the configuration it
was given that the worker scrapes. Workers exist on PostgreSQL without a static
`--shard`; elsewhere the list is empty and says why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict

from probes.clock import system_clock
from statuspage.commands.common import Subparsers, load
from statuspage.commands.users import with_database
from statuspage.presentation.roster import (
    HEADINGS,
    RosterRow,
    as_cells,
    live_by_region,
    roster_rows,
    unheld,
)
from storage.database import Database
from storage.workers import roster


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "status",
        help="list the probe workers: region, share, lateness, heartbeat, metric sources",
        description="Lists every probe worker that renewed its lease in the last hour.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    sources = [source.name for source in settings.metrics.sources]
    return asyncio.run(with_database(settings, lambda db: _show(db, sources, as_json=args.json)))


async def _show(db: Database, sources: list[str], *, as_json: bool) -> int:
    rows = roster_rows(await roster(db), sources, system_clock())
    orphans = unheld(rows, sources)
    if as_json:
        workers = [asdict(r) for r in rows]
        print(json.dumps({"workers": workers, "unheld_metric_sources": orphans}, indent=2))
        return 0
    if rows:
        _print_table(rows)
    else:
        print("(no probe workers: they register on PostgreSQL, without a static --shard)")
    if orphans:
        print(f"metric sources held by no live worker: {', '.join(orphans)}")
    return 0


def _print_table(rows: list[RosterRow]) -> None:
    for region, (workers, share) in sorted(live_by_region(rows).items()):
        print(f"region {region}: {workers} live worker(s) probing {share} component(s)")
    cells = [HEADINGS, *(as_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADINGS))]
    for line in cells:
        cells_out = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells_out).rstrip())
