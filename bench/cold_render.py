"""Cold renders of `/` in one process: CPU per render, a profile, or the page's HTML.

Run: .venv/bin/python bench/cold_render.py [--renders 200] [--profile] [--html FILE]

Over `bench/page.py`'s data (50 components, 90 days of roll-ups, 14 days of raw
results every 30 s), built once into `--folder` (default /tmp/cold-render-14) as of
a fixed time, and read with the app's clock fixed there, so two versions of the
code render the same page from the same data: `--html` writes it for a
byte-for-byte comparison. Each render is what a cold request runs on the server
(bench/page.py with the page cache off), minus HTTP: the page's reads in one
snapshot, the template, the gzip and identity variants with their headers.
`--forget` empties what renders keep (bars and day counts, each a function of the
data read) before every render. CPU is the process's (user + system, all threads:
aiosqlite runs the queries in a thread of its own), so other work on the machine
hardly moves it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import cProfile
import importlib
import pstats
import shutil
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

from aiohttp import web

from bench.page import RAW_DAYS, WEB_ONLY, build_database, config_text
from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.http.serving import Document, in_snapshot, render
from statuspage.web.views import build_home

# A fixed "now" (mid-afternoon in Europe/Berlin, the benchmark's time zone): the data
# is written as of it and every render reads the clock there.
NOW = datetime(2026, 12, 6, 13, 30, 7, tzinfo=UTC)


async def ensure_data(folder: Path) -> Path:
    config = folder / "bench.toml"
    if not (folder / "bench.db").exists():
        folder.mkdir(parents=True, exist_ok=True)
        config.write_text(config_text(folder / "building.db", 8080))
        await build_database(config, NOW, raw_days=RAW_DAYS)
        shutil.move(folder / "building.db", folder / "bench.db")
    config.write_text(config_text(folder / "bench.db", 8080))
    return config


def forget_kept() -> None:
    """Empty what renders keep that is a function of the data read (bars and day
    counts: docs/page.md, "Issue 18, third pass"), so a render pays for all of it."""
    for _, function in kept_functions():
        function.cache_clear()


def kept_functions() -> list[tuple[str, Any]]:
    found = []
    for module, name in (
        ("storage.figures.running_totals", "_differences"),
        ("statuspage.web.day_links", "_bar"),
    ):
        function = getattr(importlib.import_module(module), name, None)
        if function is not None:  # an older version of the code has none
            found.append((f"{module}.{name}", function))
    return found


async def renders(
    folder: Path, count: int, profile: bool, html: Path | None, *, forget: bool
) -> None:
    config = await ensure_data(folder)
    settings = load_settings(config, {})
    app = create_app(settings, WEB_ONLY, clock=lambda: NOW)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        state, db = app[keys.WEB], app[keys.DATABASE]
        state.cache.enabled = False
        load = in_snapshot(db, partial(build_home, app))

        async def document() -> Document:
            page = await load()
            return Document(state.renderer.render(page.template, page.context))

        async def one() -> bytes:
            if forget:
                forget_kept()
            version = (app[keys.SETTINGS].generation, db.version, None)
            page = await render(state, "/", version, document)
            return page.identity.body

        first_started = time.process_time()
        body = await one()  # the first render after start: nothing compiled or cached yet
        first_ms = (time.process_time() - first_started) * 1000
        if html is not None:
            html.write_bytes(body)
        for _ in range(5):
            await one()
        profiler = cProfile.Profile() if profile else None
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for _ in range(count):
            await one()
        if profiler is not None:
            profiler.disable()
        cpu = (time.process_time() - started_cpu) * 1000 / count
        wall = (time.perf_counter() - started_wall) * 1000 / count
        print(
            f"{count} cold renders of / ({len(body):,} bytes): {cpu:.2f} ms CPU each, "
            f"{wall:.2f} ms wall; the first after start {first_ms:.1f} ms CPU"
            + ("; nothing kept between renders" if forget else "")
        )
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(35)
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cold-render-14"))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--html", type=Path, help="write the rendered page here")
    parser.add_argument(
        "--forget", action="store_true", help="empty the kept bars and day counts before each"
    )
    args = parser.parse_args()
    asyncio.run(renders(args.folder, args.renders, args.profile, args.html, forget=args.forget))


if __name__ == "__main__":
    main()
