"""Headers on every response; nothing from another origin; nothing inline for the CSP to forbid."""

from __future__ import annotations

import gzip

from bs4 import BeautifulSoup

from storage.database import Database
from tests.app_client import Client
from tests.web.pages import attr, every_page

HOME_URL = "https://www.acme.test"  # the configured link back to the main site


async def test_every_response_carries_the_security_headers(client: Client) -> None:
    etag = (await client.get("/")).headers["ETag"]
    responses = [
        await client.get("/"),
        await client.get("/", headers={"If-None-Match": etag}),
        await client.get("/static/style.css"),
        await client.get("/missing"),
        await client.get("/api/v2/missing.json"),
        await client.get("/healthz"),
    ]
    for response in responses:
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"], response.url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


async def test_no_page_loads_or_links_anything_from_another_origin(
    client: Client, db: Database
) -> None:
    for path, soup in (await every_page(client, db)).items():
        for tag in soup.find_all(src=True):
            assert attr(tag, "src").startswith("/"), path
            assert not attr(tag, "src").startswith("//"), path
        for tag in soup.find_all(href=True):
            href = attr(tag, "href")
            assert href == HOME_URL or href.startswith(("/", "#")), (path, href)
            assert not href.startswith("//"), (path, href)


async def test_pages_hold_no_inline_script_style_or_event_handler(
    client: Client, db: Database
) -> None:
    for path, soup in (await every_page(client, db)).items():
        assert soup.find("style") is None, path
        assert all(script.get("src") for script in soup.find_all("script")), path
        for tag in soup.find_all(True):
            assert not any(a == "style" or a.startswith("on") for a in tag.attrs), (path, tag)


async def test_static_files_are_fingerprinted_and_cached_for_a_year(client: Client) -> None:
    soup = BeautifulSoup(await (await client.get("/")).text(), "html.parser")
    link = soup.find("link", rel="stylesheet")
    assert link is not None
    response = await client.get(str(link["href"]))
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    stale = await client.get("/static/style.css?v=old")
    assert stale.headers["Cache-Control"] == "public, max-age=300"


async def test_a_static_file_answers_304_to_its_etag(client: Client) -> None:
    etag = (await client.get("/static/enhance.js")).headers["ETag"]
    assert (await client.get("/static/enhance.js", headers={"If-None-Match": etag})).status == 304


async def test_the_theme_carries_the_accent_colour(client: Client) -> None:
    css = await (await client.get("/static/theme.css")).text()
    assert css.startswith(":root{--accent:#1f6feb;")


async def test_nothing_outside_the_static_folder_is_served(client: Client) -> None:
    for path in ("/static/..%2Fapp.py", "/static/%2e%2e/app.py", "/static/missing.css"):
        assert (await client.get(path)).status == 404, path


async def test_a_static_file_is_sent_gzipped_to_a_client_that_takes_gzip(client: Client) -> None:
    plain = await client.get("/static/style.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    text = await plain.text()
    packed = await client.get(
        "/static/style.css", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    )
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    body = await packed.read()
    assert len(body) < len(text.encode()) // 2
    assert gzip.decompress(body).decode() == text
    # Each representation has its own validator, and each answers 304 to its own.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = await client.get(
        "/static/style.css",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status == 304
    assert again.headers["ETag"] == packed.headers["ETag"]


async def test_a_file_gzip_would_not_shrink_is_sent_as_it_is(client: Client) -> None:
    response = await client.get(
        "/static/favicon.svg", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    )
    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert (await response.read()).startswith(b"<svg")
