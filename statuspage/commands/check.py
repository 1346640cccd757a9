"""`statuspage check`: probe every configured component once and report."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from probes.batch import check_all
from probes.model import ProbeResult, ProbeStatus
from statuspage.commands.common import Subparsers, load
from statuspage.config import ComponentConfig

EXIT_ALL_UP = 0
EXIT_SOMETHING_DOWN = 1


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="probe every component once and print the results",
        description="Probe every probed component once, concurrently, and print a table. "
        "Exit status: 0 nothing down, 1 something down, 2 usage or config error.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead")


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    components = settings.probed_components
    probes = settings.file.probes
    results = asyncio.run(
        check_all(
            [c.check for c in components if c.check is not None],
            concurrency=probes.concurrency,
            rate_per_s=probes.rate_per_s,
            dns_servers=probes.dns_servers,
        )
    )
    if args.json:
        print_json(components, results, sys.stdout)
    else:
        print_table(components, results, sys.stdout)
    # A run the prober could not measure proves nothing is up either.
    down = any(r.status in (ProbeStatus.DOWN, ProbeStatus.UNKNOWN) for r in results)
    return EXIT_SOMETHING_DOWN if down else EXIT_ALL_UP


def result_json(component: ComponentConfig, result: ProbeResult) -> dict[str, object]:
    body = result.as_json()
    sla_ms = component.check.sla_ms if component.check else None
    return {"id": component.id, "name": component.name, "sla_ms": sla_ms} | body


def print_json(
    components: Sequence[ComponentConfig], results: Sequence[ProbeResult], out: TextIO
) -> None:
    rows = [result_json(c, r) for c, r in zip(components, results, strict=True)]
    json.dump(rows, out, indent=2)
    out.write("\n")


def _table_row(component: ComponentConfig, result: ProbeResult) -> list[str]:
    sla = f"{component.check.sla_ms:g} ms" if component.check else "-"
    return [
        component.name,
        result.status.value,
        f"{result.latency_ms:.1f} ms",
        sla,
        "-" if result.http_status is None else str(result.http_status),
        result.error or "",
    ]


def print_table(
    components: Sequence[ComponentConfig], results: Sequence[ProbeResult], out: TextIO
) -> None:
    header = ["NAME", "STATUS", "LATENCY", "SLA", "HTTP", "REASON"]
    rows = [header] + [_table_row(c, r) for c, r in zip(components, results, strict=True)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[-1]]).rstrip() + "\n")
    if not components:
        out.write("(no probed components in the configuration)\n")
