"""With the database away, the API and feeds serve their last good copy, briefly
cacheable, as the pages do; what was never served is a 503 in JSON."""

from __future__ import annotations

import pytest

from statuspage import keys
from tests.app_client import Client


def database_goes_away(client: Client) -> None:
    watcher = client.app[keys.WEB].watcher
    watcher.interval_s = 3600.0  # no retry within the test
    watcher.failed(OSError("connection refused"))


@pytest.mark.parametrize("path", ["/api/v2/summary.json", "/history.atom", "/updates.rss"])
async def test_the_last_good_copy_is_served(client: Client, path: str) -> None:
    before = await client.get(path)
    database_goes_away(client)
    during = await client.get(path)
    assert during.status == 200
    assert await during.read() == await before.read()
    assert during.headers["Content-Type"] == before.headers["Content-Type"]
    assert during.headers["Cache-Control"] == "public, max-age=5"


async def test_a_document_never_served_is_a_503_with_cors(client: Client) -> None:
    database_goes_away(client)
    response = await client.get("/api/v2/incidents.json")
    assert response.status == 503
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert (await response.json())["error"]["status"] == 503
