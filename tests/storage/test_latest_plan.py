"""The front page's read of each component's newest result goes through the due-time
index on SQLite: through the (component, region, due time) index it read each
component's whole raw history, 216 ms per render over 14 days of results every 30 s
for 50 components (docs/page.md, "The newest results on a real-size database")."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from sqlalchemy.dialects import sqlite

from storage.components import sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from storage.queries.latest import _LATEST_QUERIES, latest_results
from tests.storage.builders import T0, component, record, write


def plan_of(path: Path, ids: list[str]) -> str:
    statement = _LATEST_QUERIES["sqlite"].params(since=T0, ids=ids)
    sql = statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    return "\n".join(str(row[-1]) for row in rows)


async def test_sqlite_reads_the_newest_results_through_the_due_time_index(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'statuspage.db'}"
    await upgrade_database(url)
    db = Database.from_url(url)
    try:
        ids = ["api", "web"]
        await sync_components(db, [component(c) for c in ids], T0)
        await write(
            db,
            [
                record(T0 - timedelta(seconds=30 * i), component_id=c, region="eu")
                for c in ids
                for i in range(20)
            ],
        )
        plan = plan_of(tmp_path / "statuspage.db", ids)
        assert "ix_probe_results_scheduled_at" in plan, plan
        assert "autoindex" not in plan, plan  # SQLite's name for the unique index
        # And what it reads is still each component's newest result in the window.
        found = await latest_results(db, ids, since=T0 - timedelta(minutes=2))
        assert {c: r.started_at for c, r in found.items()} == dict.fromkeys(ids, T0)
    finally:
        await db.dispose()
