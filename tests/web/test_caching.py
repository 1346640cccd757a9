"""Serving: cached renders, validators and 304s, invalidation, and the database-down fallback."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.exc import OperationalError

from statuspage import keys
from statuspage.config import Settings
from statuspage.http.cache import RenderedPage
from statuspage.http.serving import STALE_MARKER, Document, render_within
from storage.database import Database
from tests.app_client import Client
from tests.waiting import eventually as until
from tests.web.factories import NOW, add_incident
from tests.web.pages import fetch, one, text_of

IDENTITY = {"Accept-Encoding": "identity"}


def stamp_every(client: Client, seconds: float) -> None:
    """How often the app asks the database whether anything changed."""
    client.app[keys.WEB].watcher.interval_s = seconds


async def test_a_page_carries_a_strong_etag_last_modified_and_cdn_caching(client: Client) -> None:
    response = await client.get("/", headers=IDENTITY)
    body = await response.read()
    etag = response.headers["ETag"]
    assert etag == '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    assert response.headers["Last-Modified"].endswith(" GMT")
    assert response.headers["Cache-Control"] == (
        "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400"
    )
    assert response.headers["Vary"] == "Accept-Encoding"


async def test_a_client_holding_the_page_gets_a_304_without_a_body(client: Client) -> None:
    etag = (await client.get("/")).headers["ETag"]
    response = await client.get("/", headers={"If-None-Match": etag})
    assert response.status == 304
    assert await response.read() == b""
    assert response.headers["ETag"] == etag


async def test_if_modified_since_the_last_change_gets_a_304(client: Client) -> None:
    modified = (await client.get("/")).headers["Last-Modified"]
    response = await client.get("/", headers={"If-Modified-Since": modified})
    assert response.status == 304


async def test_if_none_match_wins_over_if_modified_since(client: Client) -> None:
    modified = (await client.get("/")).headers["Last-Modified"]
    headers = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert (await client.get("/", headers=headers)).status == 200


async def test_pages_are_sent_gzipped_to_clients_that_accept_it(client: Client) -> None:
    zipped = await client.get("/", headers={"Accept-Encoding": "gzip"})
    plain = await client.get("/", headers=IDENTITY)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert await zipped.text() == await plain.text()
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # one strong tag per encoding


async def test_a_change_committed_in_this_process_shows_on_the_next_request(
    client: Client, db: Database
) -> None:
    stamp_every(client, 3600)  # the cross-process check plays no part
    await client.get("/")
    await add_incident(db, "Fresh incident")  # no handler tells the cache anything
    assert "Fresh incident" in await (await client.get("/")).text()


async def test_a_write_that_shows_on_no_page_keeps_the_cached_page(
    client: Client, db: Database
) -> None:
    stamp_every(client, 3600)
    before, version = await client.get("/"), db.version
    async with db.write(pages=False):
        pass
    assert db.version == version
    assert (await client.get("/")).headers["ETag"] == before.headers["ETag"]


async def another_process(settings: Settings) -> Database:
    """A database handle of its own, as another process has: its writes move nothing here."""
    return Database.from_url(settings.database_url)


async def touch(db: Database) -> None:
    """A committed write that changes no row: the page caches must render again."""
    async with db.write():
        pass


async def eventually(
    client: Client, path: str, words: str, *, present: bool = True, seconds: float = 3.0
) -> str:
    """The page once it holds `words` (or, with present=False, once it no longer
    does): the stamp is read behind requests, so a change made elsewhere shows a
    moment later, not on the very next request."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        html = await (await client.get(path)).text()
        if (words in html) == present:
            return html
        await asyncio.sleep(0.01)
    raise AssertionError(f"{path}: {words!r} {'never came' if present else 'never went'}")


async def test_changes_made_by_another_process_show_through_the_data_stamp(
    client: Client, settings: Settings
) -> None:
    stamp_every(client, 0)
    await client.get("/")
    other = await another_process(settings)
    await add_incident(other, "Made elsewhere")
    await other.dispose()
    await eventually(client, "/", "Made elsewhere")


async def test_the_stamp_is_read_at_most_once_per_interval(
    client: Client, settings: Settings
) -> None:
    stamp_every(client, 3600)
    await client.get("/")
    other = await another_process(settings)
    await add_incident(other, "Made elsewhere")
    await other.dispose()
    for _ in range(5):
        assert "Made elsewhere" not in await (await client.get("/")).text()


async def test_a_rerender_with_the_same_content_keeps_its_validators(client: Client) -> None:
    before = await client.get("/")
    await touch(client.app[keys.DATABASE])
    after = await client.get("/")
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.headers["Last-Modified"] == before.headers["Last-Modified"]


async def test_a_page_past_its_age_is_served_at_once_and_refreshed_behind(
    client: Client,
) -> None:
    state = client.app[keys.WEB]
    before = (await client.get("/")).headers["ETag"]
    state.cache.ttl_s = 0  # every entry is past its age from now on
    state.clock = lambda: NOW + timedelta(minutes=5)  # "generated at" moves: new bytes
    assert (await client.get("/")).headers["ETag"] == before  # no wait for the render
    for _ in range(100):
        await asyncio.sleep(0.02)
        if (await client.get("/")).headers["ETag"] != before:
            break
    else:
        pytest.fail("the page was never refreshed")


async def test_public_pages_set_no_cookies(client: Client, db: Database) -> None:
    incident_id = await add_incident(db, "Something")
    for path in ("/", "/components/api", "/history", f"/incidents/{incident_id}", "/nope"):
        response = await client.get(path)
        assert "Set-Cookie" not in response.headers, path


def take_database_away(settings: Settings) -> list[Path]:
    """Move the SQLite files aside and put a directory where the database was."""
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    moved = []
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.rename(file.with_name(file.name + ".away"))
            moved.append(file)
    path.mkdir()
    return moved


def bring_database_back(settings: Settings, moved: list[Path]) -> None:
    Path(settings.database_url.removeprefix("sqlite:///")).rmdir()
    for file in moved:
        file.with_name(file.name + ".away").rename(file)


async def test_with_the_database_away_the_last_good_render_is_served_with_a_note(
    client: Client, db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    stamp_every(client, 0)
    good = await (await client.get("/")).text()
    await db.engine.dispose()
    moved = take_database_away(settings)
    stale = await eventually(client, "/", 'class="stale-note"')
    assert (await client.get("/")).status == 200
    note = one(BeautifulSoup(stale, "html.parser"), "main > p.stale-note")
    assert text_of(note) == "As of 26 Nov 2026, 11:15 CET — live data is temporarily unavailable."
    assert stale.replace(str(note), STALE_MARKER) == good  # otherwise the very same page
    assert "database unavailable" in caplog.text
    await db.engine.dispose()
    bring_database_back(settings, moved)
    await eventually(client, "/", 'class="stale-note"', present=False)


async def test_with_the_database_away_and_no_render_yet_the_page_is_a_503(
    client: Client, db: Database, settings: Settings
) -> None:
    stamp_every(client, 0)
    await db.engine.dispose()
    moved = take_database_away(settings)
    soup = await fetch(client, "/history", status=503)
    assert text_of(one(soup, "h1")) == "Temporarily unavailable"
    assert (await client.get("/history")).headers["Retry-After"] == "30"
    await db.engine.dispose()
    bring_database_back(settings, moved)


async def test_a_render_that_fails_on_the_database_falls_back_too(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await client.get("/")

    async def broken(*_: object) -> object:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("statuspage.web.views.load_home", broken)
    await touch(client.app[keys.DATABASE])  # the cached render is no longer current
    response = await client.get("/")
    assert response.status == 200
    assert "live data is temporarily unavailable" in await response.text()


def held_render(
    client: Client, text: str
) -> tuple[Callable[[], Awaitable[Document]], asyncio.Event]:
    """A build step that returns `text` once the event is set, with the requests' wait
    on a render shortened to 10 ms (a page with a good copy is answered from it then)."""
    client.app[keys.WEB].database_wait_s = 0.01
    gate = asyncio.Event()

    async def build() -> Document:
        await gate.wait()
        return Document(text)

    return build, gate


async def test_a_page_never_rendered_waits_for_its_slow_first_render(client: Client) -> None:
    state = client.app[keys.WEB]
    build, gate = held_render(client, "<p>first</p>")
    waiting = asyncio.create_task(render_within(state, "/first", ("v", 1), build))
    await until(lambda: state.cache.stalled("/first", 0.01), "the render to pass the wait")
    await asyncio.sleep(0)
    assert not waiting.done()  # no copy to answer with: it waits, not 503 after the 2 s
    gate.set()
    page = await waiting
    assert isinstance(page, RenderedPage)
    assert page.identity.body == b"<p>first</p>"


async def test_a_page_with_a_good_copy_is_answered_from_it_past_the_database_wait(
    client: Client,
) -> None:
    await fetch(client, "/")  # a good copy of "/"
    build, gate = held_render(client, "<p>new</p>")
    state = client.app[keys.WEB]
    assert await render_within(state, "/", ("v", 2), build) is None  # answered from the copy
    gate.set()
