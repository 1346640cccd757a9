"""Front-page benchmark: requests/s and p99 latency of `/`, warm (cached) and cold (rendered).

Run: .venv/bin/python bench/page.py [--seconds 10] [--connections 64]

It builds a SQLite database with 50 probed components, 90 days of roll-ups
(day buckets plus hour buckets, written directly) and 14 days of raw results every
30 s (2,016,000 rows, as the default retention keeps them), then starts the app (web
role only, access log off) in a subprocess pinned to one CPU, and drives it
from another process pinned to another CPU: `wrk` when installed, else an
aiohttp keep-alive load loop. Cold means the page cache is off, so every
request runs the page's queries and renders the template. Figures go to
docs/page.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import gzip
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import psutil
from aiohttp import web
from sqlalchemy import insert

from probes.clock import system_clock
from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from statuspage.service.startup import sync_configured_components
from storage.database import Database
from storage.figures import histogram
from storage.figures.timebuckets import day_start, hour_start, local_date
from storage.migrate import upgrade_database
from storage.results.rollup import roll_up
from storage.status import record_status_change
from storage.tables.monitoring import ProbeResultRow, Rollup

COMPONENTS = 50
DAYS = 90
# Raw results kept by default (`[storage] raw_retention_days`), one every 30 s per
# component: the newest-result read meets them on every render (2,016,000 rows).
RAW_DAYS = 14
RAW_INTERVAL_S = 30
SERVER_CPU, LOAD_CPU = 0, 1
WEB_ONLY = Roles(probes=False, jobs=False, web=True)


def config_text(db_path: Path, port: int) -> str:
    parts = [
        f'[site]\nname = "Bench Status"\ntime_zone = "Europe/Berlin"\n'
        f'[server]\nport = {port}\n[storage]\nurl = "sqlite:///{db_path}"\n'
    ]
    for index in range(COMPONENTS):
        parts.append(
            f'[[components]]\nid = "c{index:02d}"\nname = "Component {index}"\n'
            f'group = "Group {index // 10}"\nurl = "http://127.0.0.1:9/{index}"\n'
            f"sla_ms = {(100, 200, 500)[index % 3]}\n"
        )
    return "\n".join(parts)


def rollup_rows(
    component_id: str, now: datetime, settings_tz: Any, hour_days: int = DAYS
) -> list[dict[str, object]]:
    """One day bucket per day, 90 days back, and one hour bucket per hour, `hour_days` back."""
    rows = []
    today = local_date(now, settings_tz)
    for back in range(DAYS):
        start = day_start(today - timedelta(days=back), settings_tz)
        rows.append(_row(component_id, "day", start, 2880, back))
    first_hour = hour_start(now, settings_tz)
    for back in range(hour_days * 24):
        rows.append(_row(component_id, "hour", first_hour - timedelta(hours=back), 120, back))
    return rows


def _row(
    component_id: str, granularity: str, start: datetime, count: int, salt: int
) -> dict[str, object]:
    down = salt % 5
    latencies = [40.0 + (i * 7 + salt) % 160 for i in range(count - down)]
    return {
        "component_id": component_id,
        "region": "default",
        "granularity": granularity,
        "bucket_start": start,
        "up": count - down,
        "degraded": 0,
        "down": down,
        "maintenance": 0,
        "within_sla": count - down - salt % 3,
        "latency_sum_ms": sum(latencies),
        "latency_min_ms": min(latencies),
        "latency_max_ms": max(latencies),
        "histogram": histogram.encode(histogram.build(latencies)),
    }


async def build_database(
    config: Path, now: datetime | None = None, *, hour_days: int = DAYS, raw_days: int = 0
) -> None:
    """The benchmark's data as of `now` (default: the wall clock). tests/web/test_front_page.py
    checks the front page's size on it, with one day of hour buckets (the front page reads
    the last 24 hours only, and writing 90 days of them takes most of a minute).
    `raw_days` of raw results too (RAW_DAYS for the benchmarks: a real site keeps them)."""
    settings = load_settings(config, {})
    await upgrade_database(settings.database_url)
    db = Database.from_url(settings.database_url)
    now = system_clock() if now is None else now
    try:
        await sync_configured_components(db, settings, lambda: now)
        for component in settings.components:
            async with db.write() as session:
                await session.exec(
                    insert(Rollup), params=rollup_rows(component.id, now, settings.tz, hour_days)
                )
            await record_status_change(
                db, component.id, "operational", at=now - timedelta(days=DAYS), source="probe"
            )
        # Nothing to roll up: this builds the day totals, as the service's job would.
        await roll_up(db, now=now, tz=settings.tz)
        # After the roll-up: these stand for results the roll-ups above already count.
        for component in settings.components if raw_days else ():
            async with db.write() as session:
                await session.exec(
                    insert(ProbeResultRow), params=raw_rows(component.id, now, raw_days)
                )
    finally:
        await db.dispose()


def raw_rows(component_id: str, now: datetime, days: int) -> list[dict[str, object]]:
    """A healthy result every RAW_INTERVAL_S for `days` up to `now`."""
    count = days * 86400 // RAW_INTERVAL_S
    first = now - timedelta(seconds=count * RAW_INTERVAL_S)
    rows = []
    for i in range(count):
        at = first + timedelta(seconds=i * RAW_INTERVAL_S)
        rows.append(
            {
                "component_id": component_id,
                "region": "default",
                "scheduled_at": at,
                "started_at": at,
                "status": "up",
                "latency_ms": 40.0 + i % 160,
                "within_sla": True,
                "attempts": 1,
            }
        )
    return rows


def serve(config: Path, *, cold: bool) -> None:
    """The server process: one event loop on one CPU, no access log."""
    os.sched_setaffinity(0, {SERVER_CPU})
    settings = load_settings(config, {})
    app = create_app(settings, WEB_ONLY)
    state = app[keys.WEB]
    state.cache.enabled = not cold
    if cold:
        # Every request renders; under load a render waits its turn for the CPU, and
        # past the usual deadline it would be taken for a database outage.
        state.render_timeout_s = 120
        state.database_wait_s = 120  # nor answered from the last good copy
    web.run_app(
        app,
        host="127.0.0.1",
        port=settings.file.server.port,
        access_log=None,
        print=None,
        handle_signals=True,
    )


@dataclass(frozen=True, slots=True)
class Result:
    label: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    gzip_bytes: int
    plain_bytes: int
    # The server's CPU time (user + system, all its threads) per request answered:
    # what a request costs, whatever else the machine is doing at the time.
    cpu_ms_per_request: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(config: Path, *, cold: bool) -> subprocess.Popen[bytes]:
    command = [sys.executable, __file__, "serve", str(config)] + (["--cold"] if cold else [])
    return subprocess.Popen(command)


async def wait_ready(url: str, timeout_s: float = 30.0) -> tuple[int, int]:
    """Poll until the page answers; returns its size in bytes, gzipped and plain."""
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url, headers={"Accept-Encoding": "gzip"}) as response:
                    if response.status == 200:
                        body = await response.read()
                        return len(body), len(gzip.decompress(body))
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


def run_wrk(
    url: str, connections: int, seconds: int, headers: dict[str, str]
) -> tuple[float, float, float]:
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command = [
        "taskset",
        "-c",
        str(LOAD_CPU),
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        *header_args,
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, _wrk_ms(output, "50%"), _wrk_ms(output, "99%")


def _wrk_ms(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_aiohttp_load(
    url: str, connections: int, seconds: int, headers: dict[str, str]
) -> tuple[float, float, float]:
    """Fallback load generator in its own process (no wrk): keep-alive workers."""
    command = [
        sys.executable,
        __file__,
        "load",
        url,
        str(connections),
        str(seconds),
        headers.get("Accept-Encoding", "identity"),
    ]
    output = subprocess.run(
        ["taskset", "-c", str(LOAD_CPU), *command], capture_output=True, text=True, check=True
    ).stdout
    rate, p50, p99 = (float(v) for v in output.split())
    return rate, p50, p99


async def load_loop(url: str, connections: int, seconds: int, encoding: str) -> None:
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def worker() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                async with session.get(url, headers={"Accept-Encoding": encoding}) as response:
                    await response.read()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(connections)))
    latencies.sort()
    rate = len(latencies) / seconds
    p50, p99 = (latencies[int(q * (len(latencies) - 1))] * 1000 for q in (0.5, 0.99))
    print(rate, p50, p99)


async def measure(
    label: str, config: Path, *, cold: bool, connections: int, seconds: int, encoding: str
) -> Result:
    port = load_settings(config, {}).file.server.port
    url = f"http://127.0.0.1:{port}/"
    server = start_server(config, cold=cold)
    try:
        sizes = await wait_ready(url)
        drive = run_wrk if shutil.which("wrk") else run_aiohttp_load
        headers = {"Accept-Encoding": encoding}
        drive(url, connections, 2, headers)  # warm up: JIT-free, but caches and pools fill
        cpu_before = _cpu_s(server.pid)
        rate, p50, p99 = drive(url, connections, seconds, headers)
        cpu_ms = (_cpu_s(server.pid) - cpu_before) * 1000 / max(rate * seconds, 1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return Result(label, connections, rate, p50, p99, *sizes, cpu_ms)


def _cpu_s(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


async def bench(seconds: int, connections: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "bench.toml"
        config.write_text(config_text(Path(folder) / "bench.db", free_port()))
        await build_database(config, raw_days=RAW_DAYS)
        # Cold renders are CPU-bound (hundreds of ms each): a few connections
        # measure their rate; 64 would only measure queueing.
        plans = [
            ("warm, gzip", False, connections, "gzip"),
            ("warm, identity", False, connections, "identity"),
            ("cold, gzip", True, 4, "gzip"),
            ("cold, gzip, 1 connection", True, 1, "gzip"),
        ]
        return [
            await measure(label, config, cold=cold, connections=c, seconds=seconds, encoding=e)
            for label, cold, c, e in plans
        ]


def report(results: list[Result], seconds: int) -> None:
    tool = "wrk 1 thread" if shutil.which("wrk") else "aiohttp load loop"
    print(
        f"\n`/` with {COMPONENTS} components x {DAYS} days; server on 1 CPU, load from "
        f"another ({tool}), {seconds} s per run, {system_clock():%Y-%m-%d}\n"
    )
    print("| case | connections | requests/s | p50 | p99 | server CPU per request |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.label} | {r.connections} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} ms "
            f"| {r.p99_ms:.2f} ms | {r.cpu_ms_per_request:.2f} ms |"
        )
    page = results[0]
    print(f"\nThe page: {page.plain_bytes:,} bytes of HTML, {page.gzip_bytes:,} bytes gzipped.")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]), cold="--cold" in sys.argv)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        url, connections, seconds, encoding = sys.argv[2:6]
        asyncio.run(load_loop(url, int(connections), int(seconds), encoding))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    report(asyncio.run(bench(args.seconds, args.connections)), args.seconds)


if __name__ == "__main__":
    main()
