"""`statuspage demo`: the simulated application, its probes and the status page, at once."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from aiohttp import web

from probes.clock import system_clock
from statuspage.commands.common import Subparsers
from statuspage.config import Settings, load_settings
from statuspage.demo_history import (
    DEMO_ADMIN,
    DEMO_CONFIG_NAME,
    DEMO_DATABASE_NAME,
    DEMO_DIR,
    demo_admin_password,
    demo_config_text,
    demo_folder,
    demo_push_token,
    prefill_history,
)
from statuspage.process import serve
from statuspage.service.logs import configure_logging
from statuspage.service.roles import Roles
from statuspage.service.startup import open_database, prepare_database
from statuspage.simulated_app import SIMULATED_METRICS, create_demo_target
from statuspage.simulated_push import push_forever
from storage.queries.recent import has_results


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="try it: a simulated app, probes every few seconds and the status page",
        description="Needs no configuration. Serves a simulated application with three "
        "health endpoints, probes it every 5 s, pre-fills a few days of history and serves "
        "the status page. Everything it writes (its configuration, database and lock "
        f"files) stays in one folder, ./{DEMO_DIR} unless --data-dir says otherwise.",
    )
    parser.add_argument("--port", type=int, default=8080, help="status page port (8080)")
    parser.add_argument(
        "--target-port", type=int, help="simulated application port (default: port + 1)"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=Path(DEMO_DIR),
        help=f"folder for everything the demo writes (default: ./{DEMO_DIR})",
    )


def run(args: argparse.Namespace) -> int:
    target_port = args.target_port or args.port + 1
    config_path = demo_folder(args.data_dir) / DEMO_CONFIG_NAME
    config_path.write_text(
        demo_config_text(port=args.port, target_port=target_port, db_name=DEMO_DATABASE_NAME),
        encoding="utf-8",
    )
    settings = load_settings(config_path)
    configure_logging(settings.file.logging.level, settings.file.logging.format)
    return asyncio.run(_demo(settings, target_port))


PUSH_INTERVAL_S = 15.0


async def _prepare(settings: Settings) -> tuple[str, str]:
    """Schema, components, history, the admin user's password and the simulated
    application's push token, before any probe runs: the pre-fill would otherwise
    hold the event loop while live probes are timed."""
    db = open_database(settings)
    try:
        await prepare_database(db, settings, upgrade=True, clock=system_clock)
        now = system_clock()
        if not await has_results(db):
            await prefill_history(db, now=now, tz_name=settings.file.site.time_zone)
        return await demo_admin_password(db, now=now), await demo_push_token(db, now=now)
    finally:
        await db.dispose()


async def _demo(settings: Settings, target_port: int) -> int:
    password, token = await _prepare(settings)
    target_app = create_demo_target()
    target = web.AppRunner(target_app, access_log=None)
    await target.setup()
    await web.TCPSite(target, "127.0.0.1", target_port).start()
    server = settings.file.server
    pushes: list[asyncio.Task[None]] = []

    async def on_ready(app: web.Application) -> None:
        pushes.append(
            asyncio.create_task(
                push_forever(
                    f"http://127.0.0.1:{server.port}",
                    token,
                    target_app[SIMULATED_METRICS],
                    system_clock,
                    PUSH_INTERVAL_S,
                ),
                name="simulated pushes",
            )
        )
        print(f"\n  Status page:  http://{server.host}:{server.port}/", flush=True)
        print(f"  Admin user:   {DEMO_ADMIN} / {password}  (sign in at /admin)", flush=True)
        print(f"  Simulated app: http://127.0.0.1:{target_port}/api/health/system", flush=True)
        print("  Stop with Ctrl-C.\n", flush=True)

    try:
        return await serve(
            settings,
            Roles.for_command("demo"),
            listen=(server.host, server.port),
            on_ready=on_ready,
        )
    finally:
        for task in pushes:
            task.cancel()
        await asyncio.gather(*pushes, return_exceptions=True)
        await target.cleanup()
