"""`statuspage export`: the whole public site as static files that work on any static host."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from bs4 import BeautifulSoup

from statuspage.api.views import V2_ENDPOINTS
from statuspage.cli import build_parser
from statuspage.commands import export as export_command
from statuspage.config import Settings
from statuspage.export.site import export_site
from storage.database import Database
from tests.api.factories import SITE_URL
from tests.api.schemas import assert_valid
from tests.feeds.helpers import parse

pytestmark = pytest.mark.usefixtures("history")


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with session.get(url) as response:
        return response.status, await response.read()


async def test_pages_feeds_and_json_are_all_there(
    settings: Settings, tmp_path: Path, static_server: str
) -> None:
    report = await export_site(settings, tmp_path / "site")
    assert report.complete, (report.failed, report.unmapped)
    async with aiohttp.ClientSession() as session:
        for path in ("/", "/history/index.html", "/components/api/index.html",
                     "/incidents/1/index.html", "/static/style.css", "/api/openapi.json",
                     "/components/api/badge.svg", "/components/api/badge-uptime.svg"):  # fmt: skip
            status, _ = await fetch(session, static_server + path)
            assert status == 200, path


@pytest.mark.parametrize("feed", ["history.rss", "history.atom", "updates.rss",
                                  "updates.atom", "components/api/history.atom"])  # fmt: skip
async def test_feeds_are_exported_and_parse(settings: Settings, tmp_path: Path, feed: str) -> None:
    await export_site(settings, tmp_path / "site")
    parsed = parse((tmp_path / "site" / feed).read_bytes())
    assert parsed.entries
    assert all(e.id.startswith(f"{SITE_URL}/incidents/") for e in parsed.entries)


async def test_every_v2_document_is_exported_and_valid(settings: Settings, tmp_path: Path) -> None:
    await export_site(settings, tmp_path / "site")
    for path, (_, schema) in V2_ENDPOINTS.items():
        body = json.loads((tmp_path / "site" / "api" / "v2" / path).read_text("utf-8"))
        assert_valid(body, schema)
    uptime = tmp_path / "site" / "api" / "v2" / "components" / "api" / "uptime.json"
    assert_valid(json.loads(uptime.read_text("utf-8")), "uptime.json")


async def test_every_internal_link_on_every_page_resolves(
    settings: Settings, tmp_path: Path, static_server: str
) -> None:
    await export_site(settings, tmp_path / "site")
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) >= 8
    async with aiohttp.ClientSession() as session:
        for page in pages:
            page_url = f"{static_server}/{page.relative_to(tmp_path / 'site').as_posix()}"
            for link in internal_links(page.read_text("utf-8"), page_url, static_server):
                status, _ = await fetch(session, link)
                assert status == 200, f"{page}: {link}"


def internal_links(html: str, page_url: str, origin: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        value = str(tag.get("href") or tag.get("src"))
        url = urljoin(page_url, value).partition("#")[0]
        if url.startswith(origin):
            found.append(url)
    assert all(not urlsplit(u).query for u in found), found  # static hosts ignore queries
    return found


async def test_pages_link_relatively_so_any_directory_works(
    settings: Settings, tmp_path: Path
) -> None:
    await export_site(settings, tmp_path / "site")
    soup = BeautifulSoup(
        (tmp_path / "site" / "incidents" / "1" / "index.html").read_text(), "html.parser"
    )
    hrefs = [str(a["href"]) for a in soup.find_all("a", href=True)]
    assert "../../history/index.html" in hrefs
    assert not [h for h in hrefs if h.startswith("/") and not h.startswith("//")]


async def test_history_months_with_incidents_are_exported(
    settings: Settings, tmp_path: Path
) -> None:
    await export_site(settings, tmp_path / "site")
    months = {p.parent.name for p in (tmp_path / "site" / "history").glob("*/index.html")}
    assert {"month-2026-10", "month-2026-11"} <= months


async def test_exporting_again_replaces_the_tree_in_one_step(
    settings: Settings, tmp_path: Path, history: Database
) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.txt").write_text("from an older export")
    await export_site(settings, out)
    assert not (out / "stale.txt").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


async def test_the_command_writes_the_tree_and_reports(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, config = str(tmp_path / "out"), str(settings.source)
    args = build_parser().parse_args(["export", "--out", out, "--config", config])
    status = await asyncio_to_thread_run(args)
    assert status == 0
    assert "exported" in capsys.readouterr().out
    assert (tmp_path / "out" / "api" / "v2" / "summary.json").is_file()


async def asyncio_to_thread_run(args: argparse.Namespace) -> int:
    """`run` calls asyncio.run, which needs a thread without a running loop."""
    import asyncio

    return await asyncio.to_thread(export_command.run, args)


async def test_each_exported_day_link_reaches_its_day_on_the_calendar(
    settings: Settings, tmp_path: Path
) -> None:
    await export_site(settings, tmp_path / "site")
    home = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    links = [str(a["href"]) for a in home.select(".days a")]
    assert links
    assert not [h for h in links if h.startswith("/")]  # bare links are made relative too
    for href in links[-3:]:
        file, _, anchor = href.partition("#")
        calendar = BeautifulSoup((tmp_path / "site" / file).read_text(), "html.parser")
        assert calendar.select_one(f"td#{anchor}") is not None, href
