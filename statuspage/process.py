"""Run the service until a signal: SIGTERM/SIGINT stop it cleanly, SIGHUP reloads.

Stopping runs the app's cleanup contexts in reverse: the scheduler stops
scheduling and waits for in-flight probes (each bounded by its timeout), the
writer flushes what is buffered, then connections close. The process exits 0
within the longest probe timeout plus about a second, or EXIT_RESULTS_LOST when
some results were never recorded (the database failed to the end, or a long
outage overflowed the buffer), so a supervisor or script can tell.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from statuspage import keys
from statuspage.app import create_app
from statuspage.config import Settings
from statuspage.service import connections
from statuspage.service.connections import ConnectionGuard
from statuspage.service.open_files import connection_cap, raise_open_file_limit
from statuspage.service.pidfiles import pid_file
from statuspage.service.reload import reload_config
from statuspage.service.roles import Roles

log = logging.getLogger("statuspage")

ReadyHook = Callable[[web.Application], Awaitable[None]]

EXIT_STOPPED = 0
EXIT_RESULTS_LOST = 3


async def serve(
    settings: Settings,
    roles: Roles,
    *,
    listen: tuple[str, int] | None,
    on_ready: ReadyHook | None = None,
) -> int:
    app = create_app(settings, roles)
    # A connection that has not sent a complete request head this long after it
    # opened (or after its last response) is closed: aiohttp's keep-alive timer.
    runner = connections.guarded_runner(app, settings.file.server.request_header_timeout_s)
    guard = _connection_guard(settings) if listen is not None else None
    if guard is not None:
        app[keys.CONNECTIONS] = guard  # before setup: the app is frozen then
    await runner.setup()
    tune_garbage_collector()
    stop = asyncio.Event()
    _install_signal_handlers(app, settings.source, stop)
    listener: connections.Listener | None = None
    try:
        if listen is not None and guard is not None:
            listener = await _listen(runner, listen, guard)
        if on_ready is not None:
            await on_ready(app)
        with pid_file(settings.source):
            await stop.wait()
        log.info("stopping: finishing in-flight probes and flushing results")
    finally:
        if listener is not None:
            await listener.close()
        await runner.cleanup()
    return _exit_status(app)


def _exit_status(app: web.Application) -> int:
    writer = app.get(keys.WRITER)
    if writer is None or not (writer.pending or writer.dropped or writer.rejected):
        log.info("stopped")
        return EXIT_STOPPED
    lost = {
        "not_written": writer.pending,  # still buffered when the last flush gave up
        "dropped": writer.dropped,  # evicted from a full buffer during an outage
        "rejected": writer.rejected,  # refused by the database, e.g. an unknown component
        "last_error": writer.last_error,
    }
    log.error("stopped, but some results were never recorded", extra={"fields": lost})
    return EXIT_RESULTS_LOST


async def _listen(
    runner: web.AppRunner, listen: tuple[str, int], guard: ConnectionGuard
) -> connections.Listener:
    assert runner.server is not None  # the runner is set up
    listener = await connections.listen(runner.server, listen[0], listen[1], guard)
    url = f"http://{listen[0]}:{listen[1]}/"
    log.info("listening", extra={"fields": {"url": url, "max_connections": guard.limit}})
    return listener


def _connection_guard(settings: Settings) -> ConnectionGuard:
    """Raise the open-file limit to the hard one and cap web connections below it."""
    files = raise_open_file_limit()
    configured = settings.file.server.max_connections
    cap = connection_cap(configured, files.after, settings.file.probes.concurrency)
    if files.after != files.before:
        log.info(
            "open file limit raised", extra={"fields": {"from": files.before, "to": files.after}}
        )
    if cap < configured:
        log.warning(
            "server.max_connections lowered to keep file descriptors for the probes",
            extra={"fields": {"configured": configured, "used": cap, "limit": files.after}},
        )
    return ConnectionGuard(cap, settings.file.server.response_write_timeout_s)


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
