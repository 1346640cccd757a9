"""What the application's own metrics cost: series ingested per second, and bytes per
series per day on disk, each next to a baseline measured in the same run.

Run: .venv/bin/python bench/metrics.py [--series 20000] [--metrics 20] [--hours 6]

Ingest: an exposition of `--series` series (request counters by route and status and
a histogram, the shape of the demo's) is scraped twice and every metric of the
production example is worked out from it, as a scrape source does
(`parse_exposition`, then each kind's operation). The baseline is prometheus_client's
parser alone on the same text: what parsing costs before anything is selected.

Storage: `--metrics` metrics scraped every 15 s for `--hours` hours are written to a
fresh SQLite file as the collector writes them (one batch per scrape, roll-ups rebuilt
in the same transaction), then the file's size per metric per day is printed beside
the baseline of 16 bytes a point (an 8-byte time and an 8-byte float, no index).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; the project's packages must be
# importable instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import contextlib
import tempfile
import time
from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from probes.metrics.exposition import parse_exposition
from probes.metrics.operations import Scrape
from statuspage.config import load_settings
from statuspage.service.metric_values import value_of
from storage.database import Database
from storage.metrics.writes import Point, write_points
from storage.migrate import upgrade_database

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "production.toml"
BUCKETS = ("0.05", "0.1", "0.25", "0.5", "1.0", "2.0", "5.0", "+Inf")
SCRAPE_S = 15


def exposition(series: int, tick: int) -> str:
    """About `series` series: counters by route and status, and a histogram per route."""
    per_route = 3 + len(BUCKETS) + 2  # three statuses, the buckets, _sum and _count
    lines = ["# TYPE http_requests counter", "# TYPE http_request_duration_seconds histogram"]
    for r in range(max(1, series // per_route)):
        route = f"/api/route-{r}"
        for status, share in (("200", 1000), ("500", 3), ("503", 2)):
            lines.append(f'http_requests_total{{route="{route}",status="{status}"}} {share * tick}')
        for i, le in enumerate(BUCKETS):
            bucket = f'http_request_duration_seconds_bucket{{route="{route}",le="{le}"}}'
            lines.append(f"{bucket} {(i + 1) * 100 * tick}")
        lines.append(f'http_request_duration_seconds_sum{{route="{route}"}} {120.5 * tick}')
        lines.append(f'http_request_duration_seconds_count{{route="{route}"}} {800 * tick}')
    lines += ["process_cpu_percent 41.5", "process_memory_percent 63.2"]
    return "\n".join(lines) + "\n"


def ingest(series: int, rounds: int) -> tuple[int, float, float]:
    """(series per scrape, our pipeline's series/s, the bare parser's series/s)."""
    metrics = load_settings(EXAMPLE, {}).metrics.metrics
    texts = [exposition(series, tick) for tick in range(1, rounds + 2)]
    began = time.perf_counter()
    count = sum(len(f.samples) for f in text_string_to_metric_families(texts[0]))
    for text in texts[1:]:
        for family in text_string_to_metric_families(text):
            _ = family.samples
    parser_s = time.perf_counter() - began
    began = time.perf_counter()
    previous = Scrape(0.0, parse_exposition(texts[0]))
    for tick, text in enumerate(texts[1:], start=1):
        current = Scrape(tick * SCRAPE_S, parse_exposition(text))
        for metric in metrics:
            if metric.kind != "push":
                # A metric the bench's exposition does not export is a MetricProblem.
                with contextlib.suppress(ValueError):
                    value_of(metric, previous, current)
        previous = current
    ours_s = time.perf_counter() - began
    total = count * (rounds + 1)
    return count, total / ours_s, total / parser_s


async def storage(metrics: int, hours: int) -> tuple[float, float]:
    """(bytes per metric per day on SQLite, seconds spent writing)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metrics.db"
        url = f"sqlite:///{path}"
        await upgrade_database(url)
        db = Database.from_url(url)
        empty = path.stat().st_size
        start = datetime(2026, 3, 2, tzinfo=UTC)
        began = time.perf_counter()
        for n in range(hours * 3600 // SCRAPE_S):
            at = start + timedelta(seconds=n * SCRAPE_S)
            await write_points(
                db, [Point(f"metric-{m:02d}", at, 100.0 + (n % 37) + m) for m in range(metrics)]
            )
        spent = time.perf_counter() - began
        await db.dispose()
        grown = path.stat().st_size - empty
    return grown / metrics / (hours / 24), spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--hours", type=int, default=6)
    args = parser.parse_args()
    count, ours, bare = ingest(args.series, args.rounds)
    print(f"ingest: {count} series a scrape, {args.rounds} scrapes after the first")
    print(f"  parse + select + operate (every production example metric): {ours:,.0f} series/s")
    print(f"  baseline, prometheus_client's parser alone:                 {bare:,.0f} series/s")
    per_day, spent = asyncio.run(storage(args.metrics, args.hours))
    points = 86_400 // SCRAPE_S
    print(
        f"storage: {args.metrics} metrics every {SCRAPE_S} s for {args.hours} h, in {spent:.1f} s"
    )
    print(f"  SQLite bytes per metric per day (points + roll-ups + indexes): {per_day:,.0f}")
    print(f"  baseline, 16 bytes a point x {points} points:                 {16 * points:,}")
    print(f"  14 days of raw points (the default retention): {per_day * 14 / 1e6:.1f} MB a metric")


if __name__ == "__main__":
    main()
