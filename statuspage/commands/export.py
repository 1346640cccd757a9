"""`statuspage export --out DIR`: the status page as static files, for any static host."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from statuspage.commands.common import Subparsers, load
from statuspage.service.startup import storage_errors_explained

if TYPE_CHECKING:
    from statuspage.export.site import ExportReport

EXIT_OK = 0
EXIT_INCOMPLETE = 1  # written, but some linked URL could not be exported


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the status page, feeds and JSON API as static files",
        description="Render every public page, feed, /api/v2 document and badge from the "
        "database into DIR, replacing it in one step. Links between pages are relative; "
        "feeds and JSON use [site] url (or $STATUSPAGE_SITE_URL). Exit status: 0 complete, "
        "1 written but some linked URL failed, 2 usage or config error.",
    )
    parser.add_argument("--out", metavar="DIR", required=True, help="directory to write")


def run(args: argparse.Namespace) -> int:
    # Imported here: every command module is imported to build the parser, and a
    # probe-only process must not load the web layer.
    from statuspage.export.site import export_site

    settings = load(args)
    with storage_errors_explained(settings):
        report = asyncio.run(export_site(settings, Path(args.out)))
    print_report(report)
    return EXIT_OK if report.complete else EXIT_INCOMPLETE


def print_report(report: ExportReport) -> None:
    print(f"exported {report.files} files to {report.out}")
    for url, status in report.failed:
        print(f"  not exported: {url} (HTTP {status})", file=sys.stderr)
    for url in report.unmapped:
        print(f"  not exported: {url} (no static file can stand for it)", file=sys.stderr)
