"""Export tests: a database with some history, exported, then served by a plain
static file server (python's http.server in a thread)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from statuspage.config import Settings
from statuspage.service.startup import sync_configured_components
from storage.database import Database
from storage.migrate import upgrade_database
from tests.api.factories import (
    NOW,
    measure,
    open_incident,
    post,
    schedule_maintenance,
    settings_for,
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
async def history(settings: Settings) -> AsyncIterator[Database]:
    """Resolved and open incidents a month apart, upcoming maintenance, measurements."""
    await upgrade_database(settings.database_url)
    db = Database.from_url(settings.database_url)
    await sync_configured_components(db, settings, lambda: NOW)
    old = await open_incident(db, "Old outage", at=NOW - timedelta(days=35))
    await post(db, old, "resolved", "Fixed.", at=NOW - timedelta(days=35) + timedelta(hours=1))
    await open_incident(db, "Slow <queries>", components={"api": "degraded_performance"})
    await schedule_maintenance(db)
    await measure(db, "api", ["up"] * 9 + ["down"])
    try:
        yield db
    finally:
        await db.dispose()


def serve(directory: Path) -> Iterator[str]:
    handler = partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[str]:
    """A plain static file server over tmp_path/site (exported by the test)."""
    (tmp_path / "site").mkdir()
    yield from serve(tmp_path / "site")
