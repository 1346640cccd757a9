"""`statuspage run`, `probe` and `serve`: the long-running processes."""

from __future__ import annotations

import argparse
import asyncio
import os

from statuspage.commands.common import Subparsers, load
from statuspage.process import serve
from statuspage.service.logs import configure_logging
from statuspage.service.roles import Roles


def add_parser(subparsers: Subparsers) -> None:
    subparsers.add_parser(
        "run",
        help="probes, roll-ups, retention and the web server in one process",
        description="Run everything in one process (the default deployment, on SQLite). "
        "Upgrades the database schema on start-up. SIGHUP reloads the configuration; "
        "SIGTERM/SIGINT finish in-flight probes, flush results and exit 0 (3 when some "
        "results could not be recorded). On SQLite only one probing process may use a "
        "database file.",
    )
    probe = subparsers.add_parser(
        "probe",
        help="probes (and run-once jobs) only, no public web server",
        description="Probe the configured components and record results; with PostgreSQL "
        "any number of these can run at once, each naming its region.",
    )
    probe.add_argument("--region", help="region name recorded with each result")
    probe.add_argument(
        "--shard",
        metavar="K/N",
        help="probe only the K-th of N shares of the components (N processes share them)",
    )
    probe.add_argument("--metrics-port", type=int, help="serve /healthz and /metrics on this port")
    subparsers.add_parser(
        "serve",
        help="the web server only (status page, feeds, API, admin)",
        description="Serve the web pages from the database; probes run elsewhere.",
    )


def run(args: argparse.Namespace) -> int:
    # Into the process environment, not only this load's: a reload reads the
    # environment again and must keep what the command line chose.
    for option, variable in (("region", "STATUSPAGE_REGION"), ("shard", "STATUSPAGE_SHARD")):
        if value := getattr(args, option, None):
            os.environ[variable] = value
    settings = load(args)
    configure_logging(settings.file.logging.level, settings.file.logging.format)
    roles = Roles.for_command(args.command)
    if roles.web:
        # Imported here: a probe-only process must not load the admin area.
        from statuspage.admin.sessions import warn_if_no_secret_key

        warn_if_no_secret_key(settings)
    server = settings.file.server
    listen: tuple[str, int] | None = (server.host, server.port) if roles.web else None
    if args.command == "probe" and args.metrics_port:
        listen = (server.host, args.metrics_port)
    return asyncio.run(serve(settings, roles, listen=listen))
