"""Where metrics show: the admin metrics view (every metric, against its target, a
chart each), the public page's block (public metrics only) and /api/metrics.json."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from storage.database import Database
from storage.metrics.writes import Point, record_problem, write_points
from storage.migrate import upgrade_database
from storage.vocabulary import MetricProblemSide
from tests.admin.helpers import (
    CHEAP_HASHER,
    NOW,
    PASSWORD,
    SITE,
    Clock,
    add_test_user,
    settings_for,
    sign_in,
)
from tests.app_client import Client, app_client

METRICS = """
[[metric_sources]]
name = "app"
kind = "scrape"
url = "http://127.0.0.1:9/metrics"

[[metrics]]
id = "api-p95"
name = "API response time"
source = "app"
kind = "quantile"
histogram = "http_request_duration_seconds_bucket"
quantile = 0.95
scale = 1000.0
unit = "ms"
target_below = 1000.0
public = true
group = "Operations"

[[metrics]]
id = "signups"
name = "Sign-ups <b>today</b>"
kind = "push"
group = "Business"
"""


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    client = await app_client(aiohttp_client, settings_for(tmp_path, SITE + METRICS), Clock())
    client.app[ADMIN].passwords = Passwords(CHEAP_HASHER)
    return client


def db_of(client: Client) -> Database:
    return client.app[keys.DATABASE]


async def some_points(client: Client) -> None:
    points = [Point("api-p95", NOW - timedelta(minutes=m), 800.0 + m) for m in range(30, 0, -1)]
    points.append(Point("api-p95", NOW, 1200.0))
    await write_points(db_of(client), [*points, Point("signups", NOW, 42.0)])


async def admin_page(client: Client) -> BeautifulSoup:
    await add_test_user(db_of(client), "alice")
    assert (await sign_in(client, "alice", PASSWORD)).status == 303
    response = await client.get("/admin/metrics")
    assert response.status == 200
    return BeautifulSoup(await response.text(), "html.parser")


async def test_the_admin_view_shows_every_metric_by_group_against_its_target(
    client: Client,
) -> None:
    await some_points(client)
    page = await admin_page(client)
    assert [h.text for h in page.select(".metric-group h2")] == ["Operations", "Business"]
    p95 = page.select_one("#metric-api-p95")
    assert p95 is not None
    assert "verdict-misses" in p95["class"]
    assert "1,200 ms" in p95.text
    assert "target below 1,000 ms: missed" in p95.text
    chart = p95.select_one("svg.metric-chart")
    assert chart is not None
    assert chart["role"] == "img"
    assert chart.select_one("line.target") is not None
    line = chart.select_one("polyline")
    assert line is not None
    assert len(str(line["points"]).split()) >= 2


async def test_hostile_text_is_shown_inert(client: Client) -> None:
    await record_problem(
        db_of(client), ["signups"], NOW, MetricProblemSide.TARGET, "<script>x</script>"
    )
    page = await admin_page(client)
    signups = page.select_one("#metric-signups")
    assert signups is not None
    name = signups.select_one("h3")
    assert name is not None
    assert name.text == "Sign-ups <b>today</b>"
    assert signups.select_one("script") is None
    assert "<script>x</script>" in signups.text


async def test_the_admin_view_needs_a_signed_in_user(client: Client) -> None:
    response = await client.get("/admin/metrics", allow_redirects=False)
    assert response.status in (302, 303)


async def test_the_public_page_shows_only_public_metrics(client: Client) -> None:
    await some_points(client)
    page = BeautifulSoup(await (await client.get("/")).text(), "html.parser")
    block = page.select_one("section.public-metrics")
    assert block is not None
    assert [h.text for h in block.select("h3")] == ["API response time"]
    assert "Sign-ups" not in page.text
    value = block.select_one(".metric-value")
    assert value is not None
    # The figure, then its target, read as two phrases (and "No data yet" before any).
    assert " ".join(value.text.split()).endswith("· target below 1,000 ms")


async def test_the_public_json_lists_public_metrics_with_hourly_means(client: Client) -> None:
    await some_points(client)
    response = await client.get("/api/metrics.json")
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body: dict[str, Any] = await response.json()
    (metric,) = body["metrics"]
    assert (metric["id"], metric["value"], metric["unit"]) == ("api-p95", 1200.0, "ms")
    # 10:30 to 10:59 UTC (801 to 830 ms) in one hour, 11:00 in the next.
    assert [h["max"] for h in metric["hourly"]] == [830.0, 1200.0]


async def test_the_dashboard_shows_the_metrics_that_miss_their_target(client: Client) -> None:
    await some_points(client)
    await add_test_user(db_of(client), "alice")
    assert (await sign_in(client, "alice", PASSWORD)).status == 303
    page = BeautifulSoup(await (await client.get("/admin")).text(), "html.parser")
    section = page.select_one("section[aria-labelledby=metrics-heading]")
    assert section is not None
    assert "1 of 2 metrics miss their target" in section.text
    assert [h.text for h in section.select("h3")] == ["API response time"]
