"""Fan-out benchmark: how long posting one incident update holds the write
transaction when it notifies N subscribers, next to the same rows written as one ORM
object each (the baseline: what the code did before).

Run: .venv/bin/python bench/subscribers.py [--subscribers 20000] [--webhooks 0.25]
     [--postgres] [--rounds 3]

A SQLite file in a temporary folder (and, with --postgres, a PostgreSQL database of
its own), N confirmed subscribers of which a share are webhooks (which get one more
row per component the update changes; the update here changes one). Each round
posts an update through `storage.incidents.writes.post_update`, the way the admin
area and the write API do, and times it; the baseline times the same rows inserted
with `session.add_all` in a transaction of its own. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, insert
from sqlmodel import select

from storage.components import sync_components
from storage.database import Database
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from storage.migrate import upgrade_database
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from storage.vocabulary import NotificationEvent, NotificationState
from tests.storage.builders import component, create_postgres_database, drop_postgres_database

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def fill(db: Database, count: int, webhook_share: float) -> None:
    webhooks = int(count * webhook_share)
    rows = [
        {
            "kind": "webhook" if i < webhooks else "email",
            "address": f"https://hooks{i}.example.com/x" if i < webhooks else f"s{i}@example.com",
            "components": None,
            "confirmed_at": NOW,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(count)
    ]
    async with db.write() as session:
        connection = await session.connection()
        await connection.execute(insert(Subscriber), rows)


async def empty_outbox(db: Database) -> None:
    async with db.write() as session:
        connection = await session.connection()
        await connection.execute(delete(Notification))


async def ours(db: Database, incident_id: int, round_: int) -> tuple[float, int]:
    status = "identified" if round_ % 2 else "investigating"
    update = NewUpdate(
        status, f"Round {round_}.", {"api": "major_outage" if round_ % 2 else "partial_outage"}
    )
    start = time.perf_counter()
    await post_update(db, incident_id, update, now=NOW + timedelta(minutes=round_))
    elapsed = time.perf_counter() - start
    async with db.read() as session:
        queued = (await session.exec(select(func.count()).select_from(Notification))).one()
    return elapsed, int(queued)


async def baseline(db: Database, rows: int, round_: int) -> float:
    """The same number of rows as ORM objects, one `add_all`, in one transaction."""
    objects = [
        Notification(
            channel="subscriber-email",
            event=NotificationEvent.UPDATE,
            subscriber_id=None,
            dedup_key=f"baseline:{round_}:{i}",
            payload={"incident": {"name": "x"}, "update": {"body": f"Round {round_}."}},
            state=NotificationState.PENDING,
            next_attempt_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        for i in range(rows)
    ]
    start = time.perf_counter()
    async with db.write() as session:
        session.add_all(objects)
    return time.perf_counter() - start


async def run(url: str, label: str, count: int, webhook_share: float, rounds: int) -> None:
    await upgrade_database(url)
    db = Database.from_url(url)
    try:
        await sync_components(db, [component("api")], NOW)
        await fill(db, count, webhook_share)
        incident = NewIncident(
            "Bench",
            "investigating",
            "Start.",
            components={"api": "degraded_performance"},
            notify_subscribers=False,
        )
        incident_id = await create_incident(db, incident, now=NOW)
        timed, base = [], []
        for round_ in range(1, rounds + 1):
            await empty_outbox(db)
            elapsed, queued = await ours(db, incident_id, round_)
            timed.append(elapsed)
            await empty_outbox(db)
            base.append(await baseline(db, queued, round_))
        share = f"{webhook_share:.0%} webhooks"
        print(
            f"{label}: {count:,} subscribers ({share}), {queued:,} rows per update; "
            f"post_update with the fan-out: median {statistics.median(timed) * 1000:,.0f} ms "
            f"(min {min(timed) * 1000:,.0f}); baseline, the same rows as ORM objects: "
            f"median {statistics.median(base) * 1000:,.0f} ms (min {min(base) * 1000:,.0f})"
        )
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--webhooks", type=float, default=0.25, help="share of webhooks")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also on PostgreSQL: a database of its own, made and dropped on the server "
        "STATUSPAGE_TEST_POSTGRES_URL names",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, "SQLite", args.subscribers, args.webhooks, args.rounds))
    if args.postgres:
        asyncio.run(on_postgres(args.subscribers, args.webhooks, args.rounds))


async def on_postgres(count: int, webhook_share: float, rounds: int) -> None:
    url = await create_postgres_database()
    try:
        await run(url, "PostgreSQL", count, webhook_share, rounds)
    finally:
        await drop_postgres_database(url)


if __name__ == "__main__":
    main()
