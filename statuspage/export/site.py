"""`export_site`: run the real app in-process and write what it serves as static files.

The app is the one `statuspage serve` runs (web role only), on a loopback
port, so the exported pages, feeds and JSON are byte for byte what a browser,
reader or client would have received, apart from page links made relative.
The tree is written to a temporary directory beside the target and swapped
in at the end, so a web server pointed at the target never sees half an export.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout
from aiohttp.test_utils import TestServer

from statuspage import keys
from statuspage.api.openapi import schema_files
from statuspage.api.views import V2_ENDPOINTS
from statuspage.app import create_app
from statuspage.config import Settings
from statuspage.export.crawl import Crawl, crawl
from statuspage.service.roles import Roles
from statuspage.web.context_history import month_key
from storage.database import Database
from storage.figures.timebuckets import local_date
from storage.incidents.reads import IncidentFilter, list_incidents

EXPORT_ROLES = Roles(probes=False, jobs=False, web=True)
FEEDS = ("/history.rss", "/history.atom", "/updates.rss", "/updates.atom")
BADGES = ("", "?type=uptime", "?type=latency")
REQUEST_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class ExportReport:
    out: Path
    files: int
    failed: tuple[tuple[str, int], ...]  # (URL, HTTP status) the app did not serve
    unmapped: tuple[str, ...]  # linked URLs no static file can stand for

    @property
    def complete(self) -> bool:
        return not self.failed and not self.unmapped


async def export_site(settings: Settings, out: Path) -> ExportReport:
    app = create_app(settings, EXPORT_ROLES)
    async with TestServer(app, host="127.0.0.1") as server:
        start_paths = await export_paths(app[keys.DATABASE], settings)
        base = str(server.make_url("")).rstrip("/")
        timeout = ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with ClientSession(timeout=timeout) as session:
            found = await crawl(session, base, start_paths, settings.file.site.url)
    write_tree(found.files, out)
    return _report(out, found)


def _report(out: Path, found: Crawl) -> ExportReport:
    return ExportReport(out, len(found.files), tuple(found.failed), tuple(sorted(found.unmapped)))


async def export_paths(db: Database, settings: Settings) -> list[str]:
    """Every URL the export must hold, whether or not a page links to it."""
    paths = ["/", "/history", "/subscribe", *FEEDS, "/api/openapi.json"]
    paths += [f"/api/v2/{path}" for path in V2_ENDPOINTS]
    paths += [f"/api/schemas/{name}" for name in schema_files()]
    for component in settings.components:
        page = f"/components/{component.id}"
        paths += [page, f"{page}/history.rss", f"{page}/history.atom"]
        paths += [f"{page}/badge.svg{query}" for query in BADGES]
        paths.append(f"/api/v2/components/{component.id}/uptime.json")
    incidents = await list_incidents(db, IncidentFilter())
    paths += [f"/incidents/{incident.id}" for incident in incidents]
    days = (local_date(incident.started_at, settings.tz) for incident in incidents)
    months = {(day.year, day.month) for day in days}
    paths += [f"/history?month={month_key(month)}" for month in sorted(months)]
    return paths


def write_tree(files: Mapping[str, bytes], out: Path) -> None:
    """Write into a temporary directory beside `out`, then swap it in.

    The old tree is renamed aside and removed only after the new one is in
    place; between the two renames (microseconds) `out` does not exist.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, body in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.rename(out, old / out.name)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
