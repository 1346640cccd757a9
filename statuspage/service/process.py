"""Run the service until a signal: SIGTERM/SIGINT stop it cleanly, SIGHUP reloads.

Stopping runs the app's cleanup contexts in reverse: the scheduler stops
scheduling and waits for in-flight probes (each bounded by its timeout), the
writer flushes what is buffered, then connections close. The process exits 0
within the longest probe timeout plus about a second.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from statuspage.app import create_app
from statuspage.config import Settings
from statuspage.service.pidfiles import pid_file
from statuspage.service.reload import reload_config
from statuspage.service.roles import Roles

log = logging.getLogger("statuspage")

ReadyHook = Callable[[web.Application], Awaitable[None]]


async def serve(
    settings: Settings,
    roles: Roles,
    *,
    listen: tuple[str, int] | None,
    on_ready: ReadyHook | None = None,
) -> int:
    app = create_app(settings, roles)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    tune_garbage_collector()
    stop = asyncio.Event()
    _install_signal_handlers(app, settings.source, stop)
    try:
        if listen is not None:
            await web.TCPSite(runner, listen[0], listen[1]).start()
            log.info("listening", extra={"fields": {"url": f"http://{listen[0]}:{listen[1]}/"}})
        if on_ready is not None:
            await on_ready(app)
        with pid_file(settings.source):
            await stop.wait()
        log.info("stopping: finishing in-flight probes and flushing results")
    finally:
        await runner.cleanup()
    log.info("stopped")
    return 0


def tune_garbage_collector() -> None:
    """Move what start-up built out of the collector's sight and collect less often.

    With thousands of components the default thresholds made a full collection stop
    the event loop for 60-100 ms every few seconds, which shows up as probe
    lateness and latency bias; `bench/probes.py --gc-tune` measures the difference
    (docs/benchmarks.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def _install_signal_handlers(app: web.Application, config: Path, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    reloading: set[asyncio.Task[bool]] = set()

    def reload() -> None:
        task = loop.create_task(reload_config(app, config))
        reloading.add(task)
        task.add_done_callback(reloading.discard)

    loop.add_signal_handler(signal.SIGHUP, reload)
