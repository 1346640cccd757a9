"""The exported site has its subscribe page, with working links and the public addresses."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from bs4 import BeautifulSoup

from statuspage.config import Settings
from statuspage.export.site import export_site
from tests.api.factories import SITE_URL
from tests.export.test_export import fetch, internal_links

pytestmark = pytest.mark.usefixtures("history")


async def test_the_subscribe_page_is_exported_and_every_link_on_it_resolves(
    settings: Settings, tmp_path: Path, static_server: str
) -> None:
    await export_site(settings, tmp_path / "site")
    page = tmp_path / "site" / "subscribe" / "index.html"
    html = page.read_text("utf-8")
    page_url = f"{static_server}/subscribe/index.html"
    links = internal_links(html, page_url, static_server)
    assert f"{static_server}/history.atom" in links
    assert f"{static_server}/components/api/history.rss" in links
    async with aiohttp.ClientSession() as session:
        for link in links:
            status, _ = await fetch(session, link)
            assert status == 200, link


async def test_the_exported_addresses_to_copy_are_the_public_ones(
    settings: Settings, tmp_path: Path
) -> None:
    await export_site(settings, tmp_path / "site")
    soup = BeautifulSoup(
        (tmp_path / "site" / "subscribe" / "index.html").read_text(), "html.parser"
    )
    values = [str(field["value"]) for field in soup.select("input.copy")]
    assert values[0] == f"{SITE_URL}/history.atom"
    assert all(v.startswith(SITE_URL + "/") for v in values)


async def test_every_page_of_the_export_links_to_the_subscribe_page(
    settings: Settings, tmp_path: Path
) -> None:
    await export_site(settings, tmp_path / "site")
    home = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    assert home.select_one("footer a[href='subscribe/index.html']") is not None
