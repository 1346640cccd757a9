"""`/` for a large site, through the real app: the calm front page stays small and short.

Built from the front-page benchmark's own data (bench/page.py: 50 probed components
in 5 groups, 90 days of day and hour roll-ups), so the size checked here is the one
docs/page.md reports.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient
from sqlalchemy import event

from bench.page import build_database, config_text
from statuspage import keys
from statuspage.config import load_settings
from statuspage.http.serving import in_snapshot
from statuspage.web.views import build_home
from tests.app_client import Client, app_client
from tests.web.factories import NOW
from tests.web.pages import attr, level_of

MAX_FRONT_PAGE_BYTES = 200_000


@pytest.fixture(scope="module")
def large_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the tests only read it."""
    folder = tmp_path_factory.mktemp("large_site")
    config = folder / "bench.toml"
    config.write_text(config_text(folder / "bench.db", 8080))  # the test client's port wins
    asyncio.run(build_database(config, NOW, hour_days=1))
    return config


@pytest.fixture
async def large_site(aiohttp_client: AiohttpClient, large_config: Path) -> Client:
    return await app_client(aiohttp_client, load_settings(large_config, {}), lambda: NOW)


async def front_page(client: Client) -> bytes:
    response = await client.get("/", headers={"Accept-Encoding": "identity"})
    assert response.status == 200
    return await response.read()


async def test_fifty_components_of_ninety_days_stay_under_200_kb(large_site: Client) -> None:
    assert len(await front_page(large_site)) < MAX_FRONT_PAGE_BYTES


async def test_every_day_of_every_bar_is_a_link_to_the_components_calendar(
    large_site: Client,
) -> None:
    soup = BeautifulSoup(await front_page(large_site), "html.parser")
    rows = soup.select("li.component")
    assert len(rows) == 50
    for row in rows:
        component = attr(row, "id").removeprefix("component-")
        days = row.select(".days a")
        assert len(days) == 90
        assert all(attr(a, "href").startswith(f"/components/{component}#") for a in days)
    assert {level_of(a) for a in soup.select(".days a")} == {"g", "f"}  # as the data has it


async def test_a_row_has_one_uptime_figure_and_no_latency_table(large_site: Client) -> None:
    soup = BeautifulSoup(await front_page(large_site), "html.parser")
    assert soup.select("table, .performance, .dependencies, .windows") == []
    row = soup.select_one("#component-c00")
    assert row is not None
    assert [u.get_text() for u in row.select(".uptime")] == ["99.93 % uptime"]


async def test_the_linked_day_is_on_the_components_calendar(large_site: Client) -> None:
    soup = BeautifulSoup(await front_page(large_site), "html.parser")
    href = attr(soup.select("#component-c07 .days a")[-1], "href")
    calendar = await (await large_site.get(href.partition("#")[0])).text()
    cell = BeautifulSoup(calendar, "html.parser").select_one(f"td#{href.partition('#')[2]}")
    assert cell is not None
    assert "availability" in cell.get_text()


async def test_the_front_page_reads_through_one_database_session(large_site: Client) -> None:
    """Its dozen queries share one session (`Database.snapshot`): a session each cost
    about half of a cold render (docs/page.md)."""
    app = large_site.app
    db = app[keys.DATABASE]
    checkouts: list[object] = []
    event.listen(db.engine.sync_engine, "checkout", lambda *args: checkouts.append(args))
    document = await in_snapshot(db, partial(build_home, app))()
    assert document.template == "home.html"
    assert len(checkouts) == 1
